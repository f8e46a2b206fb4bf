import { signedInAs, startTestApp, testClock, type TestApp } from '../helpers/app';
import { send, type Client } from '../helpers/client';
import { createOfficer, interestedSupplier, publishedExercise, sampleQuestionnaire } from '../helpers/factories';
import { samplePdf } from '../helpers/sample-files';

const clock = testClock();
let t: TestApp;
let camden: Client;

beforeAll(async () => {
  t = await startTestApp({ tenders: { now: clock.now }, questionnaires: { now: clock.now } });
  camden = await signedInAs(t.app, (await createOfficer(t.auth, 'camden')).email);
});
afterAll(async () => t.close());
beforeEach(() => clock.set('2027-01-10T09:00:00.000Z'));

/** One required question and one optional one. */
const questionnaire = sampleQuestionnaire({ only: ['experience', 'value'] });

const published = (tender: Record<string, unknown> = {}) => publishedExercise(camden, { tender, questionnaire });
const interested = (id: string) => interestedSupplier(t.app, id);

describe('a published exercise keeps the promises made to organisations', () => {
  test('a sealed exercise cannot be unsealed before its deadline', async () => {
    const id = await published({ sealed: true });
    const res = await send(camden, 'patch', `/api/v1/tenders/${id}`, { sealed: false });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('sealed');
    expect((await camden.agent.get(`/api/v1/tenders/${id}`)).body.sealed).toBe(true);
    expect((await camden.agent.get(`/api/v1/tenders/${id}/responses`)).status).toBe(403);
  });

  test('deadlines can only move later, stay in the future, and each change is audited', async () => {
    const id = await published();
    const earlier = await send(camden, 'patch', `/api/v1/tenders/${id}`, { questionnaireDeadline: '2027-02-20T12:00:00.000Z' });
    expect(earlier.status).toBe(422);
    expect(earlier.body.error.fields).toEqual({
      questionnaireDeadline: 'After publishing, the questionnaire deadline can only be moved later',
    });
    clock.set('2027-02-10T09:00:00.000Z');
    const past = await send(camden, 'patch', `/api/v1/tenders/${id}`, { clarificationDeadline: '2027-02-05T12:00:00.000Z' });
    expect(past.status).toBe(422);
    const later = await send(camden, 'patch', `/api/v1/tenders/${id}`, { questionnaireDeadline: '2027-03-15T12:00:00.000Z' });
    expect(later.status).toBe(200);
    const audit = await t.audit.events.find({ target: `tender:${id}`, action: 'tender.integrity.change' }).lean();
    expect(audit.map((e) => e.detail)).toEqual([expect.stringMatching(/^questionnaireDeadline: ".+" → ".+"$/)]);
  });
});

describe('responses', () => {
  test('officers cannot record answers after the deadline, nor at all on a sealed exercise', async () => {
    const id = await published();
    const s = await interested(id);
    clock.set('2027-03-01T12:00:00.001Z');
    const late = await send(camden, 'post', `/api/v1/tenders/${id}/responses`, {
      organisationId: s.organisationId,
      answers: { experience: 'By phone' },
      method: 'phone',
    });
    expect(late.status).toBe(409);
    expect(late.body.error.code).toBe('deadline_passed');

    clock.set('2027-01-10T09:00:00.000Z');
    const sealedId = await published({ sealed: true });
    const s2 = await interested(sealedId);
    const sealed = await send(camden, 'post', `/api/v1/tenders/${sealedId}/responses`, {
      organisationId: s2.organisationId,
      answers: { experience: 'By phone' },
      method: 'phone',
    });
    expect(sealed.status).toBe(409);
    expect(sealed.body.error.code).toBe('sealed');
  });

  test('an answer to a question the officer later removes never blocks sending', async () => {
    const id = await published();
    const s = await interested(id);
    await send(s, 'put', `/api/v1/tenders/${id}/response`, { answers: { experience: 'We run a library', value: 250000 } }).expect(200);
    const shorter = sampleQuestionnaire({ only: ['experience'] });
    await send(camden, 'put', `/api/v1/tenders/${id}/questionnaire`, shorter).expect(200);
    const sent = await send(s, 'post', `/api/v1/tenders/${id}/response/submit`).set('Idempotency-Key', 'after-change');
    expect(sent.status).toBe(201);
    const stored = await t.questionnaires.responses.findOne({ tender: id }).lean();
    expect(stored!.revisions.at(-1)!.answers).toEqual({ experience: 'We run a library' });
  });
});

test('an organisation that withdrew still sees what it sent, but cannot change it', async () => {
  const id = await published();
  const s = await interested(id);
  await send(s, 'put', `/api/v1/tenders/${id}/response`, { answers: { experience: 'Sent before withdrawing' } }).expect(200);
  const sent = await send(s, 'post', `/api/v1/tenders/${id}/response/submit`).set('Idempotency-Key', 'w-1');
  expect(sent.status).toBe(201);
  await send(s, 'delete', `/api/v1/tenders/${id}/interests/mine`).expect(204);
  const mine = await s.agent.get(`/api/v1/tenders/${id}/response`);
  expect(mine.status).toBe(200);
  expect(mine.body.receipt).toEqual(sent.body.receipt);
  expect((await send(s, 'put', `/api/v1/tenders/${id}/response`, { answers: { experience: 'Changed' } })).status).toBe(403);
});

test('files: at most 20 per organisation and exercise; asking for another organisation’s file is refused and audited', async () => {
  const id = await published();
  const a = await interested(id);
  const b = await interested(id);
  const upload = (s: Client) => send(s, 'post', `/api/v1/tenders/${id}/response/files`).attach('file', samplePdf(), 'f.pdf');
  let last = await upload(a);
  const first = last.body.id as string;
  for (let i = 1; i < 20; i++) last = await upload(a);
  expect(last.status).toBe(201);
  const over = await upload(a);
  expect(over.status).toBe(409);
  expect(over.body.error.code).toBe('too_many_files');
  expect((await b.agent.get(`/api/v1/tenders/${id}/response/files/${first}`)).status).toBe(404);
  expect(await t.audit.events.countDocuments({ target: `tender:${id}`, action: 'responses.file', outcome: 'denied' })).toBe(1);
});

test('changing a published answer tells every interested organisation again', async () => {
  const id = await published();
  const s = await interested(id);
  const q = await send(s, 'post', `/api/v1/tenders/${id}/clarifications`, { question: 'Is there parking?' });
  await send(camden, 'post', `/api/v1/tenders/${id}/clarifications/${q.body.id}/answer`, { answer: 'Yes.', publish: true }).expect(200);
  const count = () => t.notifier.notifications.countDocuments({ organisation: s.organisationId });
  expect(await count()).toBe(1);
  // Saving the same answer again tells nobody; changing it tells everyone, even without ticking publish.
  await send(camden, 'post', `/api/v1/tenders/${id}/clarifications/${q.body.id}/answer`, { answer: 'Yes.', publish: true }).expect(200);
  expect(await count()).toBe(1);
  const changed = await send(camden, 'post', `/api/v1/tenders/${id}/clarifications/${q.body.id}/answer`, {
    answer: 'Yes, 4 spaces.',
    publish: false,
  });
  expect(changed.body.status).toBe('published');
  expect(await count()).toBe(2);
});
