import type supertest from 'supertest';
import type { Answers } from '../../src/questionnaires';
import type { Sector } from '../../src/suppliers';
import { signedInAs, testClock, type TestApp } from './app';
import { createOfficer, registeredSupplier, tenderBody } from './factories';
import { defaultAnswers } from './market';
import { samplePdf } from './sample-files';

export type Client = { agent: supertest.Agent; csrfToken: string };
export interface Supplier extends Client {
  sector: Sector;
  organisationId: string;
  email: string;
}

/** Unique strings put wherever an organisation can write; none may appear in the findings. */
export const CANARY = {
  name: 'Zebrafinch Canary Trust',
  companyNumber: 'ZQ907531',
  charityNumber: '1975318',
  contactName: 'Quillon Canaryperson',
  contactEmail: 'canary-contact-7f3a@example.org',
  answer: 'Canary answer marmalade-kestrel',
  heardViaOther: 'Canary heard-via pelican-glade',
  filename: 'canary-capability-ptarmigan.pdf',
} as const;

export const ALL_CANARIES = Object.values(CANARY);

const LEGAL_FORM: Record<Sector, Record<string, unknown>> = {
  private: { legalForm: 'company', size: 'medium', identifiers: [{ scheme: 'GB-COH', id: CANARY.companyNumber }] },
  public: { legalForm: 'other_public_body', size: 'large', identifiers: [] },
  voluntary: { legalForm: 'registered_charity', size: 'small', identifiers: [{ scheme: 'GB-CHC', id: CANARY.charityNumber }] },
  social_enterprise: { legalForm: 'cic', size: 'micro', identifiers: [] },
};

/** How each sector heard, so the "how they heard" table is predictable. */
export const HEARD: Record<Sector, string> = {
  private: 'contracts_finder',
  public: 'council_website',
  voluntary: 'cvs_network',
  social_enterprise: 'word_of_mouth',
};

const expectStatus = (res: supertest.Response, status: number, what: string) => {
  if (res.status !== status) throw new Error(`${what}: ${res.status} ${JSON.stringify(res.body)}`);
  return res;
};

/** The findings tests' app: a clock at 10 January 2027, before every deadline of tenderBody(). */
export function findingsClock() {
  return testClock('2027-01-10T09:00:00.000Z');
}

/** Organisations of one sector, registered through the API with canary names and identifiers. */
export async function suppliers(t: TestApp, sector: Sector, n: number): Promise<Supplier[]> {
  const out: Supplier[] = [];
  for (let i = 0; i < n; i += 1) {
    const s = await registeredSupplier(t.app, {
      organisation: { name: `${CANARY.name} ${sector} ${i + 1}`, sector, ...LEGAL_FORM[sector] },
    });
    out.push({ ...s, sector });
  }
  return out;
}

export async function officerOf(t: TestApp, borough: string): Promise<Client> {
  return signedInAs(t.app, (await createOfficer(t.auth, borough)).email);
}

/** A published exercise with the library-smt-v1 questionnaire; its id and lot ids. */
export async function publishedExercise(officer: Client, overrides: Record<string, unknown> = {}) {
  const send = (method: 'post' | 'put', path: string, body?: object) =>
    officer.agent[method](path).set('X-CSRF-Token', officer.csrfToken).send(body);
  const created = expectStatus(await send('post', '/api/v1/tenders', tenderBody(overrides)), 201, 'create exercise');
  const id = created.body.id as string;
  expectStatus(await send('put', `/api/v1/tenders/${id}/questionnaire`, { template: 'library-smt-v1' }), 200, 'questionnaire');
  expectStatus(await send('post', `/api/v1/tenders/${id}/publish`), 200, 'publish');
  return { id, lotIds: (created.body.lots as { id: string }[]).map((l) => l.id) };
}

/** An expression of interest with canary contact details. */
export async function expressInterest(s: Supplier, exercise: { id: string; lotIds: string[] }, extra: Record<string, unknown> = {}) {
  const res = await s.agent
    .post(`/api/v1/tenders/${exercise.id}/interests`)
    .set('X-CSRF-Token', s.csrfToken)
    .send({
      lotIds: exercise.lotIds.slice(0, 1),
      contactName: CANARY.contactName,
      contactEmail: CANARY.contactEmail,
      consortium: false,
      willingToPartner: true,
      heardVia: HEARD[s.sector],
      ...extra,
    });
  expectStatus(res, 201, 'interest');
}

/** A submitted questionnaire with canary free text and a canary file name. */
export async function submitResponse(s: Supplier, exerciseId: string, answers: Answers = {}) {
  const file = expectStatus(
    await s.agent
      .post(`/api/v1/tenders/${exerciseId}/response/files`)
      .set('X-CSRF-Token', s.csrfToken)
      .attach('file', samplePdf('capability'), CANARY.filename),
    201,
    'file',
  );
  const body = {
    answers: {
      ...defaultAnswers(s.sector),
      relevant_experience: CANARY.answer,
      what_would_help: CANARY.answer,
      capability_statement: file.body.id as string,
      ...answers,
    },
  };
  expectStatus(await s.agent.put(`/api/v1/tenders/${exerciseId}/response`).set('X-CSRF-Token', s.csrfToken).send(body), 200, 'draft');
  const res = await s.agent
    .post(`/api/v1/tenders/${exerciseId}/response/submit`)
    .set('X-CSRF-Token', s.csrfToken)
    .set('Idempotency-Key', `findings-${exerciseId}-${s.organisationId}`);
  expectStatus(res, 201, 'submit');
}

export async function setSharing(officer: Client, exerciseId: string, shareFindings: boolean) {
  const res = await officer.agent
    .put(`/api/v1/tenders/${exerciseId}/sharing`)
    .set('X-CSRF-Token', officer.csrfToken)
    .send({ shareFindings });
  return expectStatus(res, 200, 'sharing');
}

/** GET a download as raw bytes. */
export async function download(agent: supertest.Agent, url: string): Promise<{ res: supertest.Response; bytes: Buffer }> {
  const res = await agent
    .get(url)
    .buffer(true)
    .parse((stream, done) => {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => done(null, Buffer.concat(chunks)));
    });
  return { res, bytes: res.body as Buffer };
}
