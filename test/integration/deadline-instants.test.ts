import type supertest from 'supertest';
import { tenderModel } from '../../src/tenders/tender.model';
import { signedInAs, startTestApp, testClock, type TestApp } from '../helpers/app';
import { send, type Client } from '../helpers/client';
import {
  createOfficer,
  interestedSupplier,
  publishedExercise,
  registeredSupplier,
  sampleQuestionnaire,
  tenderBody,
} from '../helpers/factories';

// The contract (SECURITY.md 1, API.md): a deadline has passed only AFTER its instant. Exactly at the instant the
// door is still open; one millisecond later it answers 409 deadline_passed. Sealed answers stay sealed until then.

const START = '2027-01-10T09:00:00.000Z';
const clock = testClock(START);
let t: TestApp;
let officer: Client;

beforeAll(async () => {
  t = await startTestApp({ tenders: { now: clock.now }, questionnaires: { now: clock.now } });
  officer = await signedInAs(t.app, (await createOfficer(t.auth, 'camden')).email);
});
afterAll(async () => t.close());
beforeEach(() => clock.set(START));

const questionnaire = sampleQuestionnaire({ only: ['experience'] });
const answers = { experience: 'We have run two branch libraries for ten years.' };
const later = (iso: string, ms: number) => new Date(new Date(iso).getTime() + ms).toISOString();

type DeadlineField = 'clarificationDeadline' | 'eoiDeadline' | 'questionnaireDeadline';

interface DoorCase {
  /** What the deadline closes, in words. */
  what: string;
  deadline: DeadlineField;
  /** Made before the deadline (on the start clock): whatever the door needs, given a fresh published exercise. */
  prepare: (id: string) => Promise<Client>;
  /** Goes through the door. */
  act: (id: string, supplier: Client, attempt: string) => Promise<supertest.Response>;
  accepted: number;
}

const DOORS: DoorCase[] = [
  {
    what: 'a clarification question (API)',
    deadline: 'clarificationDeadline',
    prepare: async (id) => interestedSupplier(t.app, id),
    act: (id, s) => send(s, 'post', `/api/v1/tenders/${id}/clarifications`, { question: 'Can we bid for one branch only?' }),
    accepted: 201,
  },
  {
    what: 'a clarification question (page form)',
    deadline: 'clarificationDeadline',
    prepare: async (id) => interestedSupplier(t.app, id),
    act: (id, s) => s.agent.post(`/tenders/${id}/questions`).type('form').send({ _csrf: s.csrfToken, question: 'Is TUPE certain?' }),
    accepted: 303,
  },
  {
    what: 'an expression of interest (API)',
    deadline: 'eoiDeadline',
    prepare: async () => registeredSupplier(t.app),
    act: (id, s) =>
      send(s, 'post', `/api/v1/tenders/${id}/interests`, {
        lotIds: ['lot-1'],
        contactName: 'S',
        contactEmail: 's@example.org',
        heardVia: 'event',
      }),
    accepted: 201,
  },
  {
    what: 'an expression of interest (page form)',
    deadline: 'eoiDeadline',
    prepare: async () => registeredSupplier(t.app),
    act: (id, s) =>
      s.agent.post(`/tenders/${id}/interest`).type('form').send({
        _csrf: s.csrfToken,
        lotIds: 'lot-1',
        contactName: 'S',
        contactEmail: 's@example.org',
        heardVia: 'event',
        consortium: 'no',
        willingToPartner: 'no',
      }),
    accepted: 303,
  },
  {
    what: 'saving questionnaire answers',
    deadline: 'questionnaireDeadline',
    prepare: async (id) => interestedSupplier(t.app, id),
    act: (id, s) => send(s, 'put', `/api/v1/tenders/${id}/response`, { answers }),
    accepted: 200,
  },
  {
    what: 'submitting the questionnaire',
    deadline: 'questionnaireDeadline',
    prepare: async (id) => {
      const s = await interestedSupplier(t.app, id);
      await send(s, 'put', `/api/v1/tenders/${id}/response`, { answers }).expect(200);
      return s;
    },
    act: (id, s, attempt) =>
      s.agent.post(`/api/v1/tenders/${id}/response/submit`).set('X-CSRF-Token', s.csrfToken).set('Idempotency-Key', `instant-${attempt}`),
    accepted: 201,
  },
];

test('the table covers every deadline an exercise has', () => {
  const schema = tenderModel(t.conn).schema;
  const deadlines = Object.keys(schema.paths).filter((p) => /deadline/i.test(p));
  expect(deadlines.sort()).toEqual([...new Set(DOORS.map((d) => d.deadline))].sort());
});

describe.each(DOORS)('$what ($deadline)', ({ deadline, prepare, act, accepted }) => {
  test('is accepted at exactly the deadline instant', async () => {
    const id = await publishedExercise(officer, { questionnaire });
    const supplier = await prepare(id);
    const instant = tenderBody()[deadline];
    clock.set(new Date(instant).toISOString());
    const res = await act(id, supplier, 'at');
    expect([res.status, res.body?.error?.code]).toEqual([accepted, undefined]);
  });

  test('is refused one millisecond after (409 deadline_passed)', async () => {
    const id = await publishedExercise(officer, { questionnaire });
    const supplier = await prepare(id);
    clock.set(later(tenderBody()[deadline], 1));
    const res = await act(id, supplier, 'after');
    expect(res.status).toBe(409);
    if (res.type === 'application/json') expect(res.body.error.code).toBe('deadline_passed');
    else expect(res.text).toMatch(/deadline/i);
  });
});

describe('a sealed exercise at its questionnaire deadline', () => {
  test('responses stay sealed at exactly the instant, and open one millisecond after', async () => {
    const id = await publishedExercise(officer, { tender: { sealed: true }, questionnaire });
    const s = await interestedSupplier(t.app, id);
    await send(s, 'put', `/api/v1/tenders/${id}/response`, { answers }).expect(200);
    const instant = new Date(tenderBody().questionnaireDeadline).toISOString();
    clock.set(instant);
    // A submission may still arrive at the instant, so nobody may read answers yet.
    const submitted = await s.agent
      .post(`/api/v1/tenders/${id}/response/submit`)
      .set('X-CSRF-Token', s.csrfToken)
      .set('Idempotency-Key', 'sealed');
    expect(submitted.status).toBe(201);
    expect((await officer.agent.get(`/api/v1/tenders/${id}/responses`)).status).toBe(403);
    expect((await officer.agent.get(`/tenders/${id}/responses`)).text).not.toContain(answers.experience);
    clock.set(later(instant, 1));
    const open = await officer.agent.get(`/api/v1/tenders/${id}/responses`);
    expect(open.status).toBe(200);
    expect(JSON.stringify(open.body)).toContain(answers.experience);
  });

  test('the exercise cannot be unsealed at exactly the instant, only after it', async () => {
    const id = await publishedExercise(officer, { tender: { sealed: true }, questionnaire });
    const instant = new Date(tenderBody().questionnaireDeadline).toISOString();
    clock.set(instant);
    expect((await send(officer, 'patch', `/api/v1/tenders/${id}`, { sealed: false })).status).toBe(409);
    clock.set(later(instant, 1));
    expect((await send(officer, 'patch', `/api/v1/tenders/${id}`, { sealed: false })).status).toBe(200);
  });
});

/** Pages that offer a door: still offered at exactly the instant, gone one millisecond after. */
const OFFERS: {
  what: string;
  deadline: DeadlineField;
  prepare: (id: string) => Promise<Client>;
  offered: (id: string, s: Client) => Promise<boolean>;
}[] = [
  {
    what: 'the exercise page’s question form',
    deadline: 'clarificationDeadline',
    prepare: async (id) => interestedSupplier(t.app, id),
    offered: async (id, s) => (await s.agent.get(`/tenders/${id}`).expect(200)).text.includes('id="ask"'),
  },
  {
    what: 'the expression of interest form',
    deadline: 'eoiDeadline',
    prepare: async () => registeredSupplier(t.app),
    offered: async (id, s) => (await s.agent.get(`/tenders/${id}/interest`)).status === 200,
  },
  {
    what: 'the questionnaire’s first section',
    deadline: 'questionnaireDeadline',
    prepare: async (id) => interestedSupplier(t.app, id),
    offered: async (id, s) => (await s.agent.get(`/tenders/${id}/response/sections/1`)).status === 200,
  },
];

test.each(OFFERS)('$what ($deadline) is offered at exactly the instant, and not 1 ms after', async ({ deadline, prepare, offered }) => {
  const id = await publishedExercise(officer, { questionnaire });
  const supplier = await prepare(id);
  const instant = new Date(tenderBody()[deadline]).toISOString();
  clock.set(instant);
  expect(await offered(id, supplier)).toBe(true);
  clock.set(later(instant, 1));
  expect(await offered(id, supplier)).toBe(false);
});

describe('what else the deadlines decide, at exactly the instant', () => {
  test('the EOI stage counts towards shared findings only once its deadline has passed', async () => {
    await publishedExercise(officer, { questionnaire });
    const exercises = async () => (await officer.agent.get('/api/v1/findings').expect(200)).body.exercises as number;
    const instant = new Date(tenderBody().eoiDeadline).toISOString();
    clock.set(instant);
    expect(await exercises()).toBe(0);
    clock.set(later(instant, 1));
    expect(await exercises()).toBeGreaterThan(0);
  });

  test('the officer’s early warning about a weak third-sector response lasts while interests are still taken', async () => {
    const id = await publishedExercise(officer, { questionnaire });
    await interestedSupplier(t.app, id);
    const warning = async () => (await officer.agent.get(`/api/v1/tenders/${id}/analysis`).expect(200)).body.earlyWarning;
    const instant = new Date(tenderBody().eoiDeadline).toISOString();
    clock.set(instant);
    expect(await warning()).toMatchObject({ daysLeft: 0, message: '1 of 1 interest is from the third sector; it closes now' });
    clock.set(later(instant, 1));
    expect(await warning()).toBeNull();
  });

  test('the OCDS engagement milestone is met only after the questionnaire deadline', async () => {
    const id = await publishedExercise(officer, { questionnaire });
    const milestone = async () =>
      (
        (await officer.agent.get(`/api/v1/tenders/${id}/ocds`).expect(200)).body.planning.milestones as { id: string; status: string }[]
      ).find((m) => m.id === 'engagement')!.status;
    const instant = new Date(tenderBody().questionnaireDeadline).toISOString();
    clock.set(instant);
    expect(await milestone()).toBe('scheduled');
    clock.set(later(instant, 1));
    expect(await milestone()).toBe('met');
  });
});
