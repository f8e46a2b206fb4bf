import { apiClient, startTestApp, type TestApp } from '../helpers/app';
import { send } from '../helpers/client';
import { registeredSupplier, registration } from '../helpers/factories';

/** Registration and invitations say whether an email has an account, so they are counted like sign-in. */
let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => t.close());
// Every test comes from the same address: each starts with no attempts counted.
beforeEach(async () => {
  await t.conn.collection('loginattempts').deleteMany({});
});

const register = async (email: string) => send(await apiClient(t.app), 'post', '/api/v1/auth/register', registration({ email }));

test('asking again and again whether one email has an account is refused after five tries', async () => {
  const taken = (await registeredSupplier(t.app)).email;
  const answers = [];
  for (let i = 0; i < 7; i++) answers.push((await register(taken)).status);
  expect(answers).toEqual([409, 409, 409, 409, 409, 429, 429]);
  const refused = await register(taken);
  expect(refused.body.error.code).toBe('too_many_requests');
  expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
});

test('one address trying many taken emails is refused after twenty, in parallel too', async () => {
  const taken = await Promise.all(Array.from({ length: 5 }, () => registeredSupplier(t.app).then((s) => s.email)));
  const answers = await Promise.all(Array.from({ length: 30 }, (_, i) => register(taken[i % 5]!).then((r) => r.status)));
  expect(answers.filter((s) => s === 409).length).toBeLessThanOrEqual(20);
  expect(answers.filter((s) => s === 429).length).toBeGreaterThanOrEqual(10);
});

test('registrations that succeed give their attempts back, so a busy office is never refused', async () => {
  for (let i = 0; i < 25; i++) expect((await register(`office-${i}-${process.pid}@example.org`)).status).toBe(201);
});

test('invitations count the same way', async () => {
  const supplier = await registeredSupplier(t.app);
  const taken = (await registeredSupplier(t.app)).email;
  const answers = [];
  for (let i = 0; i < 6; i++)
    answers.push((await send(supplier, 'post', '/api/v1/organisations/mine/invitations', { email: taken, name: 'Colleague' })).status);
  expect(answers).toEqual([409, 409, 409, 409, 409, 429]);
});
