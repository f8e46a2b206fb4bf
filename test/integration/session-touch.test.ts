import { signedInAs, startTestApp, type TestApp } from '../helpers/app';
import type { Client } from '../helpers/client';
import { createOfficer } from '../helpers/factories';
import { readById, touchAfterSeconds } from '../../src/platform/session';

// A one-minute idle time: a request moves the stored expiry on only once the last write is 3 s old.
let t: TestApp;
let officer: Client;
beforeAll(async () => {
  t = await startTestApp({ config: { SESSION_IDLE_MINUTES: '1' } });
  officer = await signedInAs(t.app, (await createOfficer(t.auth, 'camden')).email);
});
afterAll(async () => t.close());

const storedExpiry = async () => {
  const sessions = await t.conn.collection('sessions').find({}).toArray();
  expect(sessions).toHaveLength(1);
  return (sessions[0]!.expires as Date).getTime();
};

test('the idle time is a twentieth at a time: 30 minutes write at most every 90 s, one minute every 3 s', () => {
  expect(touchAfterSeconds(30)).toBe(90);
  expect(touchAfterSeconds(1)).toBe(3);
});

test('requests soon after the last write do not write the session again; a later one moves its expiry on', async () => {
  const first = await storedExpiry();
  for (let i = 0; i < 3; i += 1) expect((await officer.agent.get('/dashboard')).status).toBe(200);
  expect(await storedExpiry()).toBe(first);
  await new Promise((r) => setTimeout(r, 3_200));
  expect((await officer.agent.get('/dashboard')).status).toBe(200);
  expect(await storedExpiry()).toBeGreaterThanOrEqual(first + 3_000);
});

test('a session is read by its id alone: one past its expiry is not given back, a live one is, with its last write time', async () => {
  const sessions = t.conn.collection('sessions');
  const read = (sid: string) =>
    new Promise((resolve, reject) => readById(sessions)(sid, (err, sess) => (err ? reject(err) : resolve(sess))));
  const lastModified = new Date(Date.now() - 1_000);
  await sessions.insertMany([
    { _id: 'gone-by' as never, expires: new Date(Date.now() - 1), session: { passport: { user: 'a' } } },
    { _id: 'live' as never, expires: new Date(Date.now() + 60_000), lastModified, session: { passport: { user: 'b' } } },
    { _id: 'never-ends' as never, session: { passport: { user: 'c' } } },
  ]);
  expect(await read('gone-by')).toBeNull();
  expect(await read('nobody')).toBeNull();
  expect(await read('live')).toEqual({ passport: { user: 'b' }, lastModified });
  expect(await read('never-ends')).toEqual({ passport: { user: 'c' } });
  await sessions.deleteMany({ _id: { $in: ['gone-by', 'live', 'never-ends'] } as never });
});
