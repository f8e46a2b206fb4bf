import { DEFAULT_LIMITS } from '../../src/auth/throttle';
import { apiClient, signedInAs, startTestApp, STRONG_PASSWORD, type TestApp } from '../helpers/app';
import { send } from '../helpers/client';
import { createOfficer, uniqueEmail } from '../helpers/factories';
import { csrfFrom } from '../helpers/forms';
import { codeAt, pastPassword, turnOnTwoFactor } from '../helpers/two-factor';

// The app as production builds it: no limits injected, so the throttles run on their own defaults
// (SECURITY.md 8: 429 after repeated failures, per account and per address).

let t: TestApp;
beforeAll(async () => {
  // One proxy in front, as deployed, so that each test can sign in from an address of its own.
  t = await startTestApp({ config: { TRUST_PROXY: '1' } });
});
afterAll(async () => t.close());

/** One sign-in through the API with a fresh session, as an attacker's script would. */
async function signIn(email: string, password: string, ip = '203.0.113.5') {
  const client = await apiClient(t.app);
  return send(client, 'post', '/api/v1/auth/login', { email, password }).set('X-Forwarded-For', ip);
}

test('the production defaults are 5 failures per account and 50 per address in 15 minutes', () => {
  expect(DEFAULT_LIMITS).toEqual({ perAccount: 5, perAddress: 50, windowMs: 15 * 60_000 });
});

test('per account: five wrong passwords are answered 401, the sixth attempt 429 even with the right password', async () => {
  const { email } = await createOfficer(t.auth);
  const answers: number[] = [];
  for (let i = 0; i < 5; i += 1) answers.push((await signIn(email, 'wrong password here')).status);
  expect(answers).toEqual([401, 401, 401, 401, 401]);
  const sixth = await signIn(email, STRONG_PASSWORD);
  expect(sixth.status).toBe(429);
  expect(sixth.body.user).toBeUndefined();
  expect(Number(sixth.headers['retry-after'])).toBeGreaterThan(0);
});

test('per account through the sign-in page too: the sixth attempt is refused', async () => {
  const { email } = await createOfficer(t.auth);
  const attempt = async (password: string) => {
    const client = await apiClient(t.app);
    const page = await client.agent.get('/login').expect(200);
    return client.agent
      .post('/login')
      .type('form')
      .send({ _csrf: csrfFrom(page.text), email, password });
  };
  const answers: number[] = [];
  for (let i = 0; i < 5; i += 1) answers.push((await attempt('wrong password here')).status);
  expect(answers.every((s) => s !== 303 && s !== 429)).toBe(true);
  expect((await attempt(STRONG_PASSWORD)).status).toBe(429);
});

test('per address: fifty failures over many accounts from one address, then even a right password is 429', async () => {
  const ip = '198.51.100.77';
  const answers: number[] = [];
  for (let i = 0; i < DEFAULT_LIMITS.perAddress; i += 1)
    answers.push((await signIn(uniqueEmail('nobody'), 'wrong password here', ip)).status);
  expect(answers.filter((s) => s === 401)).toHaveLength(50);
  const { email } = await createOfficer(t.auth);
  expect((await signIn(email, STRONG_PASSWORD, ip)).status).toBe(429);
  // Another address is not held back.
  expect((await signIn(email, STRONG_PASSWORD, '198.51.100.78')).status).toBe(200);
});

test('two-factor codes: five wrong codes are 401, the sixth attempt 429 even with the right code', async () => {
  const officer = await createOfficer(t.auth);
  const { secret } = await turnOnTwoFactor(await signedInAs(t.app, officer.email), new Date());
  const pending = await pastPassword(t.app, officer.email);
  expect(pending.body.twoFactorRequired).toBe(true);
  const answers: number[] = [];
  for (let i = 0; i < 5; i += 1) answers.push((await send(pending, 'post', '/api/v1/auth/login/2fa', { code: '000000' })).status);
  expect(answers).toEqual([401, 401, 401, 401, 401]);
  const sixth = await send(pending, 'post', '/api/v1/auth/login/2fa', { code: codeAt(secret, new Date(), 30) });
  expect(sixth.status).toBe(429);
  expect(sixth.body.user).toBeUndefined();
});
