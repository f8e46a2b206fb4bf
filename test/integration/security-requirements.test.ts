import { Types } from 'mongoose';
import { apiClient, signedInAs, startTestApp, testClock, type TestApp } from '../helpers/app';
import { send, type Client } from '../helpers/client';
import { abortedUpload, orphanChunks, storedFiles } from '../helpers/files';
import { createOfficer, interestedSupplier, publishedExercise, sampleQuestionnaire } from '../helpers/factories';
import { samplePdf } from '../helpers/sample-files';

// Requirements of SECURITY.md (by number) that no feature's own tests cover whole.

const clock = testClock();
let broken = false;
/** The clock the exercise list reads; it can be made to fail as an unexpected bug would. */
const tendersNow = () => {
  if (broken) throw new Error('unexpected failure at /work/portal/src/secret.ts:12 with db password hunter2');
  return clock.now();
};
let t: TestApp;
let camden: Client;

beforeAll(async () => {
  t = await startTestApp({ tenders: { now: tendersNow }, questionnaires: { now: clock.now } });
  camden = await signedInAs(t.app, (await createOfficer(t.auth, 'camden')).email);
});
afterAll(async () => t.close());
beforeEach(() => {
  clock.set('2027-01-10T09:00:00.000Z');
  broken = false;
});

const complete = { experience: 'We run two community libraries.', tupe: false, likelihood: 4, barriers: ['contract_size'] };
const exercise = () => publishedExercise(camden, { questionnaire: sampleQuestionnaire() });
const submit = (c: Client, id: string, key: string) => send(c, 'post', `/api/v1/tenders/${id}/response/submit`).set('Idempotency-Key', key);
const storedResponse = (id: string, organisationId: string) =>
  t.questionnaires.responses.findOne({ tender: new Types.ObjectId(id), organisation: new Types.ObjectId(organisationId) }).lean();

test('1. a time sent by the client (in the body or a Date header) is ignored: the receipt has the server’s time', async () => {
  const id = await exercise();
  const s = await interestedSupplier(t.app, id);
  const body = { answers: complete, receivedAt: '2020-01-01T00:00:00.000Z', updatedAt: '2020-01-01T00:00:00.000Z' };
  expect((await send(s, 'put', `/api/v1/tenders/${id}/response`, body)).status).toBe(200);
  const res = await submit(s, id, 'client-time')
    .set('Date', 'Wed, 01 Jan 2020 00:00:00 GMT')
    .send({ receivedAt: '2020-01-01T00:00:00.000Z' });
  expect(res.status).toBe(201);
  expect(res.body.receipt.receivedAt).toBe('2027-01-10T09:00:00.000Z');
  const stored = await storedResponse(id, s.organisationId);
  expect(stored!.revisions.map((r) => r.receivedAt.toISOString())).toEqual(['2027-01-10T09:00:00.000Z']);
});

test('9. after sign-out the old cookie, sent again, gets 401 from a protected route', async () => {
  const id = await exercise();
  const s = await interestedSupplier(t.app, id);
  expect((await s.agent.get(`/api/v1/tenders/${id}/response`)).status).not.toBe(401);
  const cookie = (await s.agent.jar.getCookies({ domain: '127.0.0.1', path: '/', secure: false, script: false }))
    .map((c) => `${c.name}=${c.value}`)
    .join('; ');
  expect((await send(s, 'post', '/api/v1/auth/logout')).status).toBe(204);
  const replay = await (await apiClient(t.app)).agent.get(`/api/v1/tenders/${id}/response`).set('Cookie', cookie);
  expect(replay.status).toBe(401);
});

describe('14. no mass assignment through answers or interests', () => {
  test('a response body cannot set its status, organisation, borough, receipts or version', async () => {
    const id = await exercise();
    const s = await interestedSupplier(t.app, id);
    const other = new Types.ObjectId().toString();
    const res = await send(s, 'put', `/api/v1/tenders/${id}/response`, {
      answers: complete,
      status: 'submitted',
      organisation: other,
      borough: other,
      revisions: [{ receivedAt: '2020-01-01T00:00:00.000Z', sha256: 'f'.repeat(64), idempotencyKey: 'x' }],
      version: 99,
    });
    expect([200, 422]).toContain(res.status);
    const stored = await storedResponse(id, s.organisationId);
    if (res.status === 200) {
      expect(stored).toMatchObject({ status: 'draft', revisions: [] });
      expect(stored!.version).toBeLessThan(99);
      expect(String(stored!.organisation)).toBe(s.organisationId);
      expect(String(stored!.borough)).not.toBe(other);
    } else expect(stored).toBeNull();
    expect(await t.questionnaires.responses.countDocuments({ organisation: new Types.ObjectId(other) })).toBe(0);
  });

  test('an interest body cannot set its organisation, status or the time it was made', async () => {
    const id = await exercise();
    const s = await interestedSupplier(t.app, id);
    const [own] = await t.conn
      .collection('interests')
      .find({ tender: new Types.ObjectId(id) })
      .toArray();
    const other = new Types.ObjectId().toString();
    const res = await send(s, 'post', `/api/v1/tenders/${id}/interests`, {
      lotIds: ['lot-1'],
      contactName: 'S',
      contactEmail: 's@example.org',
      heardVia: 'event',
      organisation: other,
      status: 'withdrawn',
      createdAt: '2020-01-01T00:00:00.000Z',
      borough: other,
    });
    expect(res.status).toBeLessThan(500);
    const interests = await t.conn
      .collection('interests')
      .find({ tender: new Types.ObjectId(id) })
      .toArray();
    expect(interests).toHaveLength(1);
    expect(String(interests[0]!.organisation)).toBe(s.organisationId);
    expect(interests[0]!.status ?? null).toBe(own!.status ?? null);
    expect(JSON.stringify(interests[0])).not.toContain('2020-01-01');
    expect(JSON.stringify(interests[0])).not.toContain(other);
  });
});

test('18. security headers on every kind of answer: page, redirect, 404, JSON error, static file, health check', async () => {
  const anon = await apiClient(t.app);
  const answers = await Promise.all([
    anon.agent.get('/tenders'),
    anon.agent.get('/dashboard'),
    anon.agent.get('/no-such-page'),
    anon.agent.get('/api/v1/tenders/0123456789abcdef01234567'),
    anon.agent.get('/govuk/govuk-frontend.min.css'),
    anon.agent.get('/healthz'),
  ]);
  expect(answers.map((r) => r.status)).toEqual([200, 303, 404, 404, 200, 200]);
  for (const res of answers) {
    expect(res.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(res.headers['content-security-policy']).toContain("object-src 'none'");
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['x-frame-options']).toBe('DENY');
    expect(res.headers['referrer-policy']).toBe('same-origin');
    expect(res.headers['x-powered-by']).toBeUndefined();
  }
});

describe('21. an unexpected failure shows no internals', () => {
  test('the page says sorry, with no stack trace, path or message', async () => {
    broken = true;
    const res = await (await apiClient(t.app)).agent.get('/tenders?sort=closing');
    expect(res.status).toBe(500);
    expect(res.text).toContain('Sorry, there is a problem with the service');
    for (const leak of ['secret.ts', 'hunter2', 'unexpected failure', '    at ', 'Error:']) expect(res.text).not.toContain(leak);
    expect(t.serverErrors.some((line) => line.includes('unexpected failure'))).toBe(true);
  });

  test('the JSON error is the same plain message', async () => {
    broken = true;
    const res = await (await apiClient(t.app)).agent.get('/api/v1/tenders?sort=closing');
    expect(res.status).toBe(500);
    expect(res.body).toEqual({
      error: expect.objectContaining({ message: 'Sorry, there is a problem with the service. Try again later' }),
    });
    for (const leak of ['secret.ts', 'hunter2', 'unexpected failure', ' at ']) expect(res.text).not.toContain(leak);
  });
});

describe('22. upload limits beyond the file size', () => {
  test('two files in one request: 413 “Upload one file at a time”, nothing kept', async () => {
    const id = await exercise();
    const s = await interestedSupplier(t.app, id);
    const before = await storedFiles(t);
    const res = await send(s, 'post', `/api/v1/tenders/${id}/response/files`)
      .attach('file', samplePdf('one'), 'one.pdf')
      .attach('file', samplePdf('two'), 'two.pdf');
    expect(res.status).toBe(413);
    expect(JSON.stringify(res.body)).toContain('Upload one file at a time');
    expect(await storedFiles(t)).toEqual(before);
    expect(await t.conn.collection('responsefiles').countDocuments({ tender: new Types.ObjectId(id) })).toBe(0);
  });

  test('too many fields, or a field too long: 413, nothing kept', async () => {
    const id = await exercise();
    const s = await interestedSupplier(t.app, id);
    const before = await storedFiles(t);
    const many = send(s, 'post', `/api/v1/tenders/${id}/response/files`);
    for (let i = 0; i < 30; i += 1) void many.field(`f${i}`, 'x');
    const manyRes = await many.attach('file', samplePdf(), 'a.pdf');
    expect(manyRes.status).toBe(413);
    expect(JSON.stringify(manyRes.body)).toContain('too many fields');
    const long = await send(s, 'post', `/api/v1/tenders/${id}/response/files`)
      .field('note', 'x'.repeat(2 * 1024 * 1024))
      .attach('file', samplePdf(), 'a.pdf');
    expect(long.status).toBe(413);
    expect(await storedFiles(t)).toEqual(before);
    expect(await t.conn.collection('responsefiles').countDocuments({ tender: new Types.ObjectId(id) })).toBe(0);
  });
});

test('24. an aborted questionnaire attachment leaves no file, no record and no used place', async () => {
  const id = await exercise();
  const s = await interestedSupplier(t.app, id);
  const before = await storedFiles(t);
  await abortedUpload(t.app, s, `/api/v1/tenders/${id}/response/files`);
  expect(await storedFiles(t)).toEqual(before);
  expect(await orphanChunks(t)).toBe(0);
  expect(await t.conn.collection('responsefiles').countDocuments({ tender: new Types.ObjectId(id) })).toBe(0);
  // Every place under the cap is free again: the whole allowance can still be used.
  const whole = await send(s, 'post', `/api/v1/tenders/${id}/response/files`).attach('file', samplePdf(), 'whole.pdf');
  expect(whole.status).toBe(201);
  const slot = await t.conn.collection('responsefileslots').findOne({ _id: `${id}:${s.organisationId}` as never });
  expect(slot).toMatchObject({ count: 1 });
});
