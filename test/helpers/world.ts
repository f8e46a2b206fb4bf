import type supertest from 'supertest';
import { apiClient, signedInAs, STRONG_PASSWORD, type TestApp } from './app';
import { send, type Client } from './client';
import { registeredSupplier, sampleQuestionnaire, tenderBodyNextYear, uniqueEmail, type Supplier } from './factories';
import { samplePdf } from './sample-files';

/**
 * A small, complete portal for the sweeps that walk every route: two boroughs (camden and hackney), each with a
 * published exercise that has a document, clarification questions (one answered and published, one open),
 * interested organisations with submitted responses and attached files, an officer-recorded response, barrier
 * decisions and "you said, we did"; plus a programme user and an admin. Every piece of text a user can type comes
 * from `text(what)`, so a sweep can fill them all with one payload. Everything is made through the HTTP API.
 */

/** Markup that must only ever reach a page escaped. */
export const PAYLOAD = `<script>x()</script><img src=x onerror=y()>"'`;
/** What the payload looks like when it was NOT escaped. */
export const UNESCAPED = ['<script>x()', '<img src=x onerror'];

export type WorldRole = 'anonymous' | 'supplier' | 'officer' | 'programme' | 'admin';

/** One borough's published exercise and the things inside it. */
export interface BoroughSide {
  officer: Client;
  exerciseId: string;
  docId: string;
  /** Answered and published. */
  clarificationId: string;
  /** Asked, not yet answered. */
  openClarificationId: string;
  /** The first interested organisation: its submitted response and its attached file. */
  supplier: Supplier;
  responseId: string;
  fileId: string;
  /** A second organisation on the same exercise, with its own response and file. */
  otherSupplier: Supplier;
  otherResponseId: string;
  otherFileId: string;
}

export interface World {
  t: TestApp;
  camden: BoroughSide;
  hackney: BoroughSide;
  programme: Client;
  admin: Client;
  adminUserId: string;
  /** The token of a pending invitation into camden's first organisation, as the invitation email carries it. */
  invitationToken: string;
  /** A signed-in client of each role (the supplier and officer are camden's), and a fresh anonymous one. */
  client(role: WorldRole): Promise<Client>;
}

function expectStatus(res: supertest.Response, status: number, what: string): supertest.Response {
  if (res.status !== status) throw new Error(`${what}: ${res.status} ${JSON.stringify(res.body)}`);
  return res;
}

/** The questionnaire every exercise gets: every type of question, its wording from `text`. */
function worldQuestionnaire(text: (what: string) => string) {
  const { sections } = sampleQuestionnaire();
  return {
    sections: sections.map((section, s) => ({
      ...section,
      title: text(`section ${s + 1}`),
      description: text(`section ${s + 1} description`),
      questions: section.questions.map((q) => ({
        ...q,
        label: text(`question ${q.key}`),
        ...(Array.isArray(q.options)
          ? { options: (q.options as { value: string }[]).map((o) => ({ ...o, label: text(`option ${o.value}`) })) }
          : {}),
      })),
    })),
  };
}

async function answeringSupplier(t: TestApp, exerciseId: string, text: (what: string) => string, n: number, borough: string) {
  const supplier = await registeredSupplier(t.app, {
    name: text(`${borough} supplier user ${n}`),
    organisation: {
      name: text(`${borough} organisation ${n}`),
      sector: 'voluntary',
      legalForm: 'registered_charity',
      size: 'micro',
      identifiers: [],
    },
  });
  expectStatus(
    await send(supplier, 'put', '/api/v1/organisations/mine', {
      name: text(`${borough} organisation ${n}`),
      sector: 'voluntary',
      legalForm: 'registered_charity',
      size: 'micro',
      postcode: 'se1 7pb',
      areas: ['camden', 'hackney'],
      address: text(`${borough} address ${n}`),
      contact: { name: text(`${borough} profile contact ${n}`), email: supplier.email },
    }),
    200,
    'organisation profile',
  );
  expectStatus(
    await send(supplier, 'post', `/api/v1/tenders/${exerciseId}/interests`, {
      lotIds: ['lot-1'],
      contactName: text(`contact ${n}`),
      contactEmail: supplier.email,
      consortium: true,
      willingToPartner: true,
      heardVia: 'other',
      heardViaOther: text(`heard via ${n}`),
    }),
    201,
    'interest',
  );
  const file = expectStatus(
    await send(supplier, 'post', `/api/v1/tenders/${exerciseId}/response/files`).attach(
      'file',
      samplePdf(`${borough} file ${n}`),
      `${text(`${borough} file ${n}`)}.pdf`,
    ),
    201,
    'response file',
  );
  const answers = {
    experience: text(`${borough} answer ${n}`),
    tupe: true,
    pensions: text(`pensions answer ${n}`),
    likelihood: 3,
    barriers: ['contract_size', 'other'],
    other_barrier: text(`other barrier ${n}`),
    length: 'short',
    value: 1000,
    start: '2030-01-01',
    statement: file.body.id as string,
  };
  expectStatus(await send(supplier, 'put', `/api/v1/tenders/${exerciseId}/response`, { answers }), 200, 'answers');
  expectStatus(
    await supplier.agent
      .post(`/api/v1/tenders/${exerciseId}/response/submit`)
      .set('X-CSRF-Token', supplier.csrfToken)
      .set('Idempotency-Key', `world-${exerciseId}-${n}`),
    201,
    'submit',
  );
  return { supplier, fileId: file.body.id as string };
}

async function boroughSide(t: TestApp, borough: string, text: (what: string) => string): Promise<BoroughSide> {
  const officer = await signedInAs(
    t.app,
    (
      await t.auth.createUser({
        role: 'officer',
        email: uniqueEmail('officer'),
        password: STRONG_PASSWORD,
        name: text(`${borough} officer`),
        borough,
      })
    ).email,
  );
  const year = new Date().getFullYear() + 1;
  const body = tenderBodyNextYear({
    title: text(`${borough} exercise title`),
    summary: text(`${borough} summary`),
    specification: text(`${borough} specification`),
    serviceScope: text(`${borough} scope`),
    lots: [
      { title: text(`${borough} lot 1`), description: text(`${borough} lot 1 description`), estimatedAnnualValue: 450000 },
      { title: text(`${borough} lot 2`), description: text(`${borough} lot 2 description`), estimatedAnnualValue: 60000 },
    ],
    engagementEvents: [
      { title: text(`${borough} event`), format: 'hybrid', startsAt: `${year}-01-20T10:00:00.000Z`, location: text('location') },
    ],
  });
  const created = expectStatus(await send(officer, 'post', '/api/v1/tenders', body), 201, 'exercise');
  const exerciseId = created.body.id as string;
  expectStatus(await send(officer, 'put', `/api/v1/tenders/${exerciseId}/questionnaire`, worldQuestionnaire(text)), 200, 'questionnaire');
  const doc = expectStatus(
    await send(officer, 'post', `/api/v1/tenders/${exerciseId}/documents`)
      .field('title', text(`${borough} document`))
      .attach('file', samplePdf(`${borough} document`), `${text(`${borough} document file`)}.pdf`),
    201,
    'document',
  );
  expectStatus(await send(officer, 'post', `/api/v1/tenders/${exerciseId}/publish`), 200, 'publish');
  // A change after publishing is kept in the exercise's history (old and new values).
  expectStatus(
    await send(officer, 'patch', `/api/v1/tenders/${exerciseId}`, { title: text(`${borough} exercise title, changed`) }),
    200,
    'edit',
  );

  const first = await answeringSupplier(t, exerciseId, text, 1, borough);
  const second = await answeringSupplier(t, exerciseId, text, 2, borough);
  const ask = (question: string) => send(first.supplier, 'post', `/api/v1/tenders/${exerciseId}/clarifications`, { question });
  const answered = expectStatus(await ask(text(`${borough} clarification question`)), 201, 'question');
  const open = expectStatus(await ask(text(`${borough} open clarification question`)), 201, 'question');
  expectStatus(
    await send(officer, 'post', `/api/v1/tenders/${exerciseId}/clarifications/${answered.body.id as string}/answer`, {
      answer: text(`${borough} clarification answer`),
      publish: true,
    }),
    200,
    'answer',
  );

  // An organisation that answered by phone, recorded by the officer.
  const caller = await registeredSupplier(t.app, {
    organisation: { name: text('phoning organisation'), sector: 'social_enterprise', legalForm: 'cic', size: 'micro', identifiers: [] },
  });
  expectStatus(
    await send(caller, 'post', `/api/v1/tenders/${exerciseId}/interests`, {
      lotIds: ['lot-2'],
      contactName: text('phone contact'),
      contactEmail: caller.email,
      heardVia: 'event',
    }),
    201,
    'interest by phone',
  );
  expectStatus(
    await send(officer, 'post', `/api/v1/tenders/${exerciseId}/responses`, {
      organisationId: caller.organisationId,
      method: 'phone',
      note: text('phone note'),
      answers: { experience: text('phoned answer'), tupe: false, likelihood: 2, barriers: ['timescales'] },
    }),
    201,
    'recorded response',
  );
  expectStatus(
    await send(officer, 'put', `/api/v1/tenders/${exerciseId}/decisions/contract_size`, { decision: 'change', text: text('decision') }),
    200,
    'decision',
  );
  expectStatus(
    await send(officer, 'post', `/api/v1/tenders/${exerciseId}/you-said-we-did`, { youSaid: text('you said'), weDid: text('we did') }),
    201,
    'you said we did',
  );

  const responses = expectStatus(await officer.agent.get(`/api/v1/tenders/${exerciseId}/responses`), 200, 'responses');
  const items = (Array.isArray(responses.body) ? responses.body : responses.body.items) as { id: string; organisation: { id: string } }[];
  const responseOf = (s: Supplier) => items.find((r) => r.organisation.id === s.organisationId)!.id;
  return {
    officer,
    exerciseId,
    docId: doc.body.id as string,
    clarificationId: answered.body.id as string,
    openClarificationId: open.body.id as string,
    supplier: first.supplier,
    responseId: responseOf(first.supplier),
    fileId: first.fileId,
    otherSupplier: second.supplier,
    otherResponseId: responseOf(second.supplier),
    otherFileId: second.fileId,
  };
}

/** Builds the world on a started app; `text` gives every user-typed text (plain words unless given). */
export async function buildWorld(t: TestApp, text: (what: string) => string = (what) => `Sample ${what}`): Promise<World> {
  const camden = await boroughSide(t, 'camden', text);
  const hackney = await boroughSide(t, 'hackney', text);
  const admin = await t.auth.createUser({
    role: 'admin',
    email: uniqueEmail('admin'),
    password: STRONG_PASSWORD,
    name: text('admin user'),
  });
  const programmeUser = await t.auth.createUser({
    role: 'programme',
    email: uniqueEmail('programme'),
    password: STRONG_PASSWORD,
    name: text('programme user'),
  });
  const invitation = expectStatus(
    await send(camden.supplier, 'post', '/api/v1/organisations/mine/invitations', {
      email: uniqueEmail('colleague'),
      name: text('colleague'),
    }),
    201,
    'invitation',
  );
  const world: World = {
    t,
    camden,
    hackney,
    programme: await signedInAs(t.app, programmeUser.email),
    admin: await signedInAs(t.app, admin.email),
    adminUserId: admin.id,
    invitationToken: String(invitation.body.link).split('/').pop()!,
    async client(role) {
      if (role === 'supplier') return camden.supplier;
      if (role === 'officer') return camden.officer;
      if (role === 'programme') return world.programme;
      if (role === 'admin') return world.admin;
      return apiClient(t.app);
    },
  };
  return world;
}

/** Values for a route's path parameters, by name: ids of one side of the world, and the structural ones. */
export type PathValues = Record<string, string>;

/** The path parameters of camden's side, as its officer or its first supplier uses them. */
export function ownValues(world: World): PathValues {
  const side = world.camden;
  return {
    id: side.exerciseId,
    docId: side.docId,
    cid: side.clarificationId,
    fileId: side.fileId,
    responseId: side.responseId,
    rid: side.responseId,
    n: '1',
    s: '1',
    key: 'experience',
    barrier: 'contract_size',
    token: world.invitationToken,
  };
}

/** A concrete URL for a route pattern from the values; throws on a parameter the values do not name. */
export function fillPath(pattern: string, values: PathValues): string {
  return pattern.replace(/:([A-Za-z]+)/g, (_m, name: string) => {
    const value = values[name];
    if (value === undefined) throw new Error(`no value for :${name} in ${pattern}`);
    return encodeURIComponent(value);
  });
}

/** The names of a route pattern's parameters, in order. */
export function pathParams(pattern: string): string[] {
  return [...pattern.matchAll(/:([A-Za-z]+)/g)].map((m) => m[1]!);
}
