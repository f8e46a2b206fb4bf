import http from 'node:http';
import { Types } from 'mongoose';
import { startTestApp, signedInAs, testClock, type TestApp } from '../helpers/app';
import { listen, type ListeningApp } from '../helpers/browser';
import { cookieHeader, send, type Client } from '../helpers/client';
import { createOfficer, interestedSupplier, publishedExercise, sampleQuestionnaire } from '../helpers/factories';

/*
 * A submission is judged by when it arrived, not by when a busy server got to it: the time is taken as the request
 * comes in, before anything is read, and the receipt shows it. Here the server "gets to it" after the deadline by
 * holding the request's body back while the clock moves past the deadline.
 */

const clock = testClock();
let t: TestApp;
let server: ListeningApp;
let camden: Client;

beforeAll(async () => {
  t = await startTestApp({ tenders: { now: clock.now }, questionnaires: { now: clock.now } });
  server = await listen(t.app);
  camden = await signedInAs(t.app, (await createOfficer(t.auth, 'camden')).email);
});
afterAll(async () => {
  await server.close();
  await t.close();
});
beforeEach(() => clock.set('2027-01-10T09:00:00.000Z'));

/** Sends the submit's headers now and its body once `meanwhile` has run; resolves with the answer. */
function submitSlowly(supplier: Client, id: string, key: string, meanwhile: () => void): Promise<{ status: number; body: string }> {
  const body = '{}';
  return new Promise((resolve, reject) => {
    const req = http.request(`${server.baseUrl}/api/v1/tenders/${id}/response/submit`, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        'Content-Length': Buffer.byteLength(body),
        'Idempotency-Key': key,
        'X-CSRF-Token': supplier.csrfToken,
        Cookie: cookieHeader(supplier),
      },
    });
    req.on('response', (res) => {
      let text = '';
      res.on('data', (chunk: Buffer) => (text += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on('error', reject);
    req.flushHeaders();
    setTimeout(() => {
      meanwhile();
      req.end(body);
    }, 300);
  });
}

async function readyToSend(name: string) {
  const id = await publishedExercise(camden, { questionnaire: sampleQuestionnaire({ only: ['experience'] }) });
  const supplier = await interestedSupplier(t.app, id, { name });
  expect((await send(supplier, 'put', `/api/v1/tenders/${id}/response`, { answers: { experience: 'Ready' } })).status).toBe(200);
  const deadline = new Date(
    ((await camden.agent.get(`/api/v1/tenders/${id}`)).body as { questionnaireDeadline: string }).questionnaireDeadline,
  );
  return { id, supplier, deadline };
}

test('a submission that arrived before the deadline counts, though the server reaches it after; its receipt says when it arrived', async () => {
  const { id, supplier, deadline } = await readyToSend('Just In Time Readers');
  const arrival = new Date(deadline.getTime() - 1);
  clock.set(arrival.toISOString());
  const res = await submitSlowly(supplier, id, 'arrived-in-time', () => clock.set(new Date(deadline.getTime() + 30_000).toISOString()));
  expect(res.status).toBe(201);
  expect((JSON.parse(res.body) as { receipt: { receivedAt: string } }).receipt.receivedAt).toBe(arrival.toISOString());
  const stored = await t.questionnaires.responses.findOne({}, { revisions: 1 }).sort({ _id: -1 }).lean();
  expect(stored?.revisions.at(-1)?.receivedAt.toISOString()).toBe(arrival.toISOString());
});

test('one that arrived at the deadline or after is refused, whenever the server reaches it', async () => {
  const { id, supplier, deadline } = await readyToSend('Too Late Readers');
  clock.set(new Date(deadline.getTime() + 1).toISOString());
  const res = await submitSlowly(supplier, id, 'arrived-late', () => clock.set(new Date(deadline.getTime() - 60_000).toISOString()));
  expect(res.status).toBe(409);
  expect(res.body).toContain('deadline_passed');
});

test('a submission that arrived after a colleague withdrew the interest is taken back, though the interest looked active when read', async () => {
  const { id, supplier } = await readyToSend('Withdrawn Readers');
  const user = (await t.auth.findByEmail(supplier.email))!;
  // Read as a request does before storing: the interest is active then.
  const { context } = await t.questionnaires.answeringPage(id, user);
  expect(context?.interest?.status).toBe('active');
  clock.set('2027-01-10T10:00:00.000Z');
  expect((await send(supplier, 'delete', `/api/v1/tenders/${id}/interests/mine`)).status).toBeLessThan(300);

  await expect(t.questionnaires.submit(id, 'after-withdrawal', user, context, new Date('2027-01-10T10:00:00.001Z'))).rejects.toMatchObject({
    status: 403,
    code: 'no_interest',
  });
  const stored = await t.questionnaires.responses.findOne({ tender: new Types.ObjectId(id) }).lean();
  expect(stored?.status).toBe('draft');
  expect(stored?.revisions ?? []).toEqual([]);
  // One that arrived before the withdrawal stands: it was sent while the organisation was still interested.
  const before = await t.questionnaires.submit(id, 'before-withdrawal', user, context, new Date('2027-01-10T09:59:59.999Z'));
  expect(before.created).toBe(true);
});
