import { SESSION_COLLECTION } from '../../src/platform/session';
import { apiClient, signedInAs, startTestApp, testClock, type TestApp } from '../helpers/app';
import { send } from '../helpers/client';
import { createAdmin, createOfficer, registeredSupplier } from '../helpers/factories';
import { startTwoServers, type TwoServers } from '../helpers/servers';
import { codeAt, pastPassword, turnOnTwoFactor } from '../helpers/two-factor';

// On a 30-second step boundary, so "30 seconds before" is exactly the previous step.
const clock = testClock('2027-01-10T09:00:00.000Z');
let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({
    auth: { throttleLimits: { perAccount: 3, perAddress: 1000, windowMs: 60_000 }, twoFactor: { now: clock.now } },
  });
});
afterAll(async () => t.close());
beforeEach(() => clock.set('2027-01-10T09:00:00.000Z'));

/** A new officer with two-factor sign-in on: its email, key and recovery codes. */
async function officerWithTwoFactor() {
  const officer = await createOfficer(t.auth, 'camden');
  const client = await signedInAs(t.app, officer.email);
  return { ...officer, client, ...(await turnOnTwoFactor(client, clock.now())) };
}

const secondStep = (client: { agent: import('supertest').Agent; csrfToken: string }, code: string) =>
  send(client, 'post', '/api/v1/auth/login/2fa', { code });

describe('setting up', () => {
  test('set-up answers a key and its otpauth address; the key is kept encrypted, pending until a right code turns it on', async () => {
    const officer = await createOfficer(t.auth, 'camden');
    const client = await signedInAs(t.app, officer.email);
    const setUp = await send(client, 'post', '/api/v1/auth/2fa/setup').expect(200);
    expect(Object.keys(setUp.body).sort()).toEqual(['otpauthUrl', 'secret']);
    expect(setUp.body.secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(setUp.body.otpauthUrl).toMatch(/^otpauth:\/\/totp\//);
    expect(setUp.body.otpauthUrl).toContain(`secret=${setUp.body.secret}`);
    expect(setUp.body.otpauthUrl).toContain(encodeURIComponent(officer.email));
    const stored = await t.conn.collection('users').findOne({ email: officer.email });
    expect(stored?.twoFactorPendingSecret).toEqual(expect.any(String));
    expect(JSON.stringify(stored)).not.toContain(setUp.body.secret);
    expect(stored?.twoFactorEnabledAt).toBeNull();

    const right = codeAt(setUp.body.secret, clock.now());
    const wrong = await send(client, 'post', '/api/v1/auth/2fa/enable', { code: right === '000000' ? '111111' : '000000' });
    expect(wrong.status).toBe(422);
    expect(wrong.body.error.fields.code).toMatch(/not right/);
    const notDigits = await send(client, 'post', '/api/v1/auth/2fa/enable', { code: 'abc' });
    expect(notDigits.status).toBe(422);
    expect(notDigits.body.error.fields.code).toBe('Enter the 6-digit code from your authenticator app');
    const missing = await send(client, 'post', '/api/v1/auth/2fa/enable', {});
    expect(missing.status).toBe(422);
    expect(missing.body.error.fields.code).toEqual(expect.any(String));

    const enabled = await send(client, 'post', '/api/v1/auth/2fa/enable', { code: right }).expect(200);
    const codes = enabled.body.recoveryCodes as string[];
    expect(codes).toHaveLength(10);
    expect(new Set(codes).size).toBe(10);
    for (const code of codes) expect(code).toMatch(/^[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}$/);
    const on = await t.conn.collection('users').findOne({ email: officer.email });
    expect(on?.twoFactorEnabledAt).toBeInstanceOf(Date);
    expect(on?.recoveryCodes).toHaveLength(10);
    // Only hashes are kept: no code, and not the key either, can be read from the database.
    const storedText = JSON.stringify(on);
    for (const code of codes) expect(storedText).not.toContain(code.replace(/-/g, ''));
    expect(storedText).not.toContain(setUp.body.secret);
    // Set-up again once on is refused: turn it off first.
    expect((await send(client, 'post', '/api/v1/auth/2fa/setup')).status).toBe(409);
  });

  test('suppliers are not offered it (403) and sign in as before', async () => {
    const supplier = await registeredSupplier(t.app);
    const setUp = await send(supplier, 'post', '/api/v1/auth/2fa/setup');
    expect(setUp.status).toBe(403);
    expect((await send(supplier, 'post', '/api/v1/auth/2fa/enable', { code: '123456' })).status).toBe(403);
    const again = await pastPassword(t.app, supplier.email);
    expect(again.body.user).toMatchObject({ email: supplier.email, role: 'supplier' });
    expect(again.body.twoFactorRequired).toBeUndefined();
  });

  test('anonymous callers get 401 from set-up and enable', async () => {
    const anon = await apiClient(t.app);
    expect((await send(anon, 'post', '/api/v1/auth/2fa/setup')).status).toBe(401);
    expect((await send(anon, 'post', '/api/v1/auth/2fa/enable', { code: '123456' })).status).toBe(401);
    expect((await send(anon, 'post', '/api/v1/auth/login/2fa', { code: '123456' })).status).toBe(401);
  });

  test('the new POSTs need the CSRF token (403 without it)', async () => {
    const officer = await officerWithTwoFactor();
    for (const path of ['/api/v1/auth/2fa/setup', '/api/v1/auth/2fa/enable', '/api/v1/auth/2fa/disable']) {
      const res = await officer.client.agent.post(path).send({ code: codeAt(officer.secret, clock.now()) });
      expect([path, res.status, res.body.error.code]).toEqual([path, 403, 'invalid_csrf_token']);
    }
    const pending = await pastPassword(t.app, officer.email);
    const noToken = await pending.agent.post('/api/v1/auth/login/2fa').send({ code: codeAt(officer.secret, clock.now(), 30) });
    expect(noToken.status).toBe(403);
    expect((await pending.agent.get('/api/v1/auth/session')).body.user).toBeNull();
  });
});

describe('signing in with a second factor', () => {
  test('the right password answers twoFactorRequired and signs nobody in until the code', async () => {
    const officer = await officerWithTwoFactor();
    const pending = await pastPassword(t.app, officer.email);
    expect(pending.body).toEqual({ twoFactorRequired: true, csrfToken: expect.any(String) });
    expect((await pending.agent.get('/api/v1/auth/session')).body.user).toBeNull();
    expect((await pending.agent.get('/api/v1/findings')).status).toBe(401);
    expect(await t.conn.collection(SESSION_COLLECTION).countDocuments({ 'session.passport.user': officer.id })).toBe(1);

    clock.advance(30_000);
    const done = await secondStep(pending, codeAt(officer.secret, clock.now())).expect(200);
    expect(done.body.user).toMatchObject({ id: officer.id, role: 'officer' });
    expect(done.body.csrfToken).toEqual(expect.any(String));
    expect(done.body.csrfToken).not.toBe(pending.csrfToken);
    expect((await pending.agent.get('/api/v1/auth/session')).body.user.id).toBe(officer.id);
    expect((await pending.agent.get('/api/v1/findings')).status).toBe(200);
  });

  test('a wrong password still gets the same 401, with no hint of the second step', async () => {
    const officer = await officerWithTwoFactor();
    const client = await apiClient(t.app);
    const res = await send(client, 'post', '/api/v1/auth/login', { email: officer.email, password: 'not the password at all' });
    expect(res.status).toBe(401);
    expect(res.body.twoFactorRequired).toBeUndefined();
  });

  test.each([
    ['exactly 30 seconds behind', -30, 200],
    ['exactly 30 seconds ahead', 30, 200],
    ['60 seconds behind', -60, 401],
    ['60 seconds ahead', 60, 401],
  ])('a code from an app %s (%i s) is answered %i', async (_name, offset, status) => {
    const officer = await officerWithTwoFactor();
    clock.advance(5 * 60_000);
    const pending = await pastPassword(t.app, officer.email);
    const res = await secondStep(pending, codeAt(officer.secret, clock.now(), offset));
    expect(res.status).toBe(status);
    if (status === 401) {
      expect(res.body.error.message).toMatch(/not right/);
      expect((await pending.agent.get('/api/v1/auth/session')).body.user).toBeNull();
    }
  });

  test('a code is used once: the same code (or an older one) is refused afterwards, also two at once', async () => {
    const officer = await officerWithTwoFactor();
    clock.advance(60_000);
    const code = codeAt(officer.secret, clock.now());
    const [a, b] = await Promise.all([pastPassword(t.app, officer.email), pastPassword(t.app, officer.email)]);
    const statuses = (await Promise.all([secondStep(a, code), secondStep(b, code)])).map((r) => r.status).sort();
    expect(statuses).toEqual([200, 401]);
    const later = await pastPassword(t.app, officer.email);
    expect((await secondStep(later, code)).status).toBe(401);
    // The code of the step before is older than the one used: refused too.
    expect((await secondStep(later, codeAt(officer.secret, clock.now(), -30))).status).toBe(401);
    clock.advance(30_000);
    expect((await secondStep(later, codeAt(officer.secret, clock.now()))).status).toBe(200);
  });

  test('the code that turned it on cannot sign in', async () => {
    const officer = await officerWithTwoFactor();
    const pending = await pastPassword(t.app, officer.email);
    expect((await secondStep(pending, codeAt(officer.secret, clock.now()))).status).toBe(401);
  });

  test('a recovery code works once, in any case and with or without dashes; two sent at once sign in once', async () => {
    const officer = await officerWithTwoFactor();
    const [first, second] = officer.recoveryCodes;
    const pending = await pastPassword(t.app, officer.email);
    const res = await secondStep(pending, ` ${first!.replace(/-/g, '').toUpperCase()} `).expect(200);
    expect(res.body.user.id).toBe(officer.id);
    const again = await pastPassword(t.app, officer.email);
    expect((await secondStep(again, first!)).status).toBe(401);

    const [a, b] = await Promise.all([pastPassword(t.app, officer.email), pastPassword(t.app, officer.email)]);
    const statuses = (await Promise.all([secondStep(a, second!), secondStep(b, second!)])).map((r) => r.status).sort();
    expect(statuses).toEqual([200, 401]);
    const stored = await t.conn.collection('users').findOne({ email: officer.email });
    expect(stored?.recoveryCodes).toHaveLength(8);
  });

  test('wrong codes are throttled per account: 429 after 3, even with the right code', async () => {
    const officer = await officerWithTwoFactor();
    const pending = await pastPassword(t.app, officer.email);
    const right = codeAt(officer.secret, clock.now(), 30);
    const wrong = right === '000000' ? '111111' : '000000';
    for (let i = 0; i < 3; i += 1) expect((await secondStep(pending, wrong)).status).toBe(401);
    const throttled = await secondStep(pending, right);
    expect(throttled.status).toBe(429);
    expect(throttled.body.error.code).toBe('too_many_requests');
    expect(Number(throttled.headers['retry-after'])).toBeGreaterThan(0);
    expect((await secondStep(pending, 'abcd-efgh-jkmn')).status).toBe(429);
    // The window ends and the account may try again; a right password does not give guesses back before then.
    clock.advance(61_000);
    const fresh = await pastPassword(t.app, officer.email);
    expect((await secondStep(fresh, codeAt(officer.secret, clock.now()))).status).toBe(200);
  });

  test('parallel wrong codes cannot slip under the limit', async () => {
    const officer = await officerWithTwoFactor();
    const pending = await pastPassword(t.app, officer.email);
    const wrong = codeAt(officer.secret, clock.now(), 30) === '000000' ? '111111' : '000000';
    const statuses = (await Promise.all(Array.from({ length: 12 }, () => secondStep(pending, wrong)))).map((r) => r.status);
    expect(statuses.filter((s) => s === 401)).toHaveLength(3);
    expect(statuses.filter((s) => s === 429)).toHaveLength(9);
  });

  test('a pending sign-in lapses after 5 minutes', async () => {
    const officer = await officerWithTwoFactor();
    const pending = await pastPassword(t.app, officer.email);
    clock.advance(5 * 60_000 + 1000);
    const res = await secondStep(pending, codeAt(officer.secret, clock.now()));
    expect(res.status).toBe(401);
    expect(res.body.error.message).toMatch(/timed out/);
  });

  test('a password reset after the password step voids the pending sign-in', async () => {
    const officer = await officerWithTwoFactor();
    const pending = await pastPassword(t.app, officer.email);
    await new Promise((resolve) => setTimeout(resolve, 5));
    await t.auth.setPassword(officer.id, 'a brand new long passphrase');
    const res = await secondStep(pending, codeAt(officer.secret, clock.now(), 30));
    expect(res.status).toBe(401);
    expect((await pending.agent.get('/api/v1/auth/session')).body.user).toBeNull();
  });

  test('an account stored before two-factor sign-in existed (none of its fields) sets it up and signs in with it', async () => {
    const officer = await createOfficer(t.auth, 'camden');
    const fields = { twoFactorPendingSecret: '', twoFactorSecret: '', twoFactorEnabledAt: '', totpLastStep: '', recoveryCodes: '' };
    await t.conn.collection('users').updateOne({ email: officer.email }, { $unset: fields });
    const client = await signedInAs(t.app, officer.email);
    const { secret, recoveryCodes } = await turnOnTwoFactor(client, clock.now());
    clock.advance(30_000);
    const pending = await pastPassword(t.app, officer.email);
    await secondStep(pending, codeAt(secret, clock.now())).expect(200);
    const again = await pastPassword(t.app, officer.email);
    await secondStep(again, recoveryCodes[3]!).expect(200);
  });

  test('bad input to the second step is a 422 with a message for the code', async () => {
    const officer = await officerWithTwoFactor();
    const pending = await pastPassword(t.app, officer.email);
    for (const body of [{}, { code: '' }, { code: 'x'.repeat(65) }, { code: { $ne: null } }]) {
      const res = await send(pending, 'post', '/api/v1/auth/login/2fa', body);
      expect(res.status).toBe(422);
      expect(res.body.error.fields.code).toEqual(expect.any(String));
    }
  });
});

describe('turning it off, and the audit log', () => {
  test('turning off needs a current code; then the password alone signs in', async () => {
    const officer = await officerWithTwoFactor();
    clock.advance(30_000);
    const wrong = codeAt(officer.secret, clock.now()) === '000000' ? '111111' : '000000';
    const refused = await send(officer.client, 'post', '/api/v1/auth/2fa/disable', { code: wrong });
    expect(refused.status).toBe(422);
    expect(refused.body.error.fields.code).toMatch(/not right/);
    await send(officer.client, 'post', '/api/v1/auth/2fa/disable', { code: codeAt(officer.secret, clock.now()) }).expect(204);
    const plain = await pastPassword(t.app, officer.email);
    expect(plain.body.user).toMatchObject({ id: officer.id });
    expect((await send(officer.client, 'post', '/api/v1/auth/2fa/disable', { code: '123456' })).status).toBe(409);
  });

  test('enabled, failed, recovery code used and disabled are audited against the account', async () => {
    const admin = await createAdmin(t.auth);
    const client = await signedInAs(t.app, admin.email);
    const { secret, recoveryCodes } = await turnOnTwoFactor(client, clock.now());
    const pending = await pastPassword(t.app, admin.email);
    await secondStep(pending, 'wxyz-wxyz-wxyz').expect(401);
    await secondStep(pending, recoveryCodes[0]!).expect(200);
    clock.advance(30_000);
    await send(
      { agent: pending.agent, csrfToken: (await pending.agent.get('/api/v1/auth/session')).body.csrfToken },
      'post',
      '/api/v1/auth/2fa/disable',
      {
        code: codeAt(secret, clock.now()),
      },
    ).expect(204);
    const events = await t.audit.events
      .find({ target: `user:${admin.id}`, action: /^auth\.two_factor\./ })
      .sort({ at: 1, _id: 1 })
      .lean();
    expect(events.map((e) => [e.action, e.outcome, e.actorId])).toEqual([
      ['auth.two_factor.enabled', 'allowed', admin.id],
      ['auth.two_factor.failed', 'denied', admin.id],
      ['auth.two_factor.recovery_code_used', 'allowed', admin.id],
      ['auth.two_factor.disabled', 'allowed', admin.id],
    ]);
  });
});

describe('two app servers on one database', () => {
  let servers: TwoServers;
  beforeAll(async () => {
    servers = await startTwoServers();
  });
  afterAll(async () => servers.close());

  test('the same code, or the same recovery code, sent to both servers at once signs in once', async () => {
    const officer = await createOfficer(servers.one.auth, 'camden');
    // The real clock here: the code of the next step is still accepted, and is newer than the one that turned it on.
    const { secret, recoveryCodes } = await turnOnTwoFactor(await signedInAs(servers.one.app, officer.email), new Date());
    const code = codeAt(secret, new Date(), 30);
    const [a, b] = await Promise.all([pastPassword(servers.one.app, officer.email), pastPassword(servers.two.app, officer.email)]);
    const byCode = (await Promise.all([secondStep(a, code), secondStep(b, code)])).map((r) => r.status).sort();
    expect(byCode).toEqual([200, 401]);

    const [c, d] = await Promise.all([pastPassword(servers.one.app, officer.email), pastPassword(servers.two.app, officer.email)]);
    const byRecovery = (await Promise.all([secondStep(c, recoveryCodes[0]!), secondStep(d, recoveryCodes[0]!)]))
      .map((r) => r.status)
      .sort();
    expect(byRecovery).toEqual([200, 401]);
  });
});
