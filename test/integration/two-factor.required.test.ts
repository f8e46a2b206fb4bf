import supertest from 'supertest';
import { signedInAs, startSecondServer, startTestApp, STRONG_PASSWORD, testClock, type TestApp } from '../helpers/app';
import { onServer, send } from '../helpers/client';
import { createAdmin, createOfficer, registeredSupplier } from '../helpers/factories';
import { csrfFrom } from '../helpers/forms';
import { codeAt, pastPassword } from '../helpers/two-factor';

const clock = testClock('2027-01-10T09:00:00.000Z');
const SECRET = 'one session secret for the servers of this test file';
let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ config: { REQUIRE_2FA: 'true', SESSION_SECRET: SECRET }, auth: { twoFactor: { now: clock.now } } });
});
afterAll(async () => t.close());
beforeEach(() => clock.set('2027-01-10T09:00:00.000Z'));

describe('REQUIRE_2FA=true through the API', () => {
  test('the password answers setupRequired; only set-up and enable work until it is on, and enable completes the sign-in', async () => {
    const officer = await createOfficer(t.auth, 'camden');
    const pending = await pastPassword(t.app, officer.email);
    expect(pending.body).toEqual({ twoFactorRequired: true, setupRequired: true, csrfToken: expect.any(String) });
    expect((await pending.agent.get('/api/v1/auth/session')).body.user).toBeNull();
    expect((await pending.agent.get('/api/v1/findings')).status).toBe(401);
    expect((await send(pending, 'post', '/api/v1/auth/2fa/disable', { code: '123456' })).status).toBe(401);
    // Nothing to check a code against yet: set it up first.
    const early = await send(pending, 'post', '/api/v1/auth/login/2fa', { code: '123456' });
    expect(early.status).toBe(409);
    expect(early.body.error.code).toBe('two_factor_setup_required');

    const setUp = await send(pending, 'post', '/api/v1/auth/2fa/setup').expect(200);
    const enabled = await send(pending, 'post', '/api/v1/auth/2fa/enable', { code: codeAt(setUp.body.secret, clock.now()) }).expect(200);
    expect(enabled.body.recoveryCodes).toHaveLength(10);
    expect(enabled.body.user).toMatchObject({ id: officer.id, role: 'officer' });
    expect(enabled.body.csrfToken).toEqual(expect.any(String));
    expect((await pending.agent.get('/api/v1/auth/session')).body.user.id).toBe(officer.id);
    const signedIn = { agent: pending.agent, csrfToken: enabled.body.csrfToken as string };
    expect((await signedIn.agent.get('/api/v1/findings')).status).toBe(200);

    // From now on the password is followed by a code, and it cannot be turned off.
    const next = await pastPassword(t.app, officer.email);
    expect(next.body).toEqual({ twoFactorRequired: true, csrfToken: expect.any(String) });
    clock.advance(30_000);
    await send(next, 'post', '/api/v1/auth/login/2fa', { code: codeAt(setUp.body.secret, clock.now()) }).expect(200);
    clock.advance(30_000);
    const off = await send(signedIn, 'post', '/api/v1/auth/2fa/disable', { code: codeAt(setUp.body.secret, clock.now()) });
    expect(off.status).toBe(409);
    expect(off.body.error.code).toBe('two_factor_required');
  });

  test('cancelling the set-up ends the pending sign-in', async () => {
    const officer = await createOfficer(t.auth, 'camden');
    const agent = supertest.agent(t.app);
    const login = await agent.get('/login').expect(200);
    await agent
      .post('/login')
      .type('form')
      .send({ _csrf: csrfFrom(login.text), email: officer.email, password: STRONG_PASSWORD })
      .expect(303);
    const page = await agent.get('/account/two-factor').expect(200);
    await agent
      .post('/logout')
      .type('form')
      .send({ _csrf: csrfFrom(page.text) })
      .expect(303);
    const after = await agent.get('/account/two-factor');
    expect(after.status).toBe(303);
    expect(after.headers.location).toMatch(/^\/login\?next=/);
  });

  test('a pending set-up lapses after 15 minutes', async () => {
    const admin = await createAdmin(t.auth);
    const pending = await pastPassword(t.app, admin.email);
    clock.advance(15 * 60_000 + 1000);
    expect((await send(pending, 'post', '/api/v1/auth/2fa/setup')).status).toBe(401);
  });

  test('a session signed in before REQUIRE_2FA was turned on is ended; a supplier’s is not', async () => {
    // A server of the same portal on the same database, from before the setting was turned on.
    const before = await startSecondServer({ ...t, config: { ...t.config, require2fa: false } });
    try {
      const officer = await signedInAs(before.app, (await createOfficer(t.auth, 'camden')).email);
      expect((await officer.agent.get('/api/v1/findings')).status).toBe(200);
      const now = onServer(officer, t.app);
      expect((await now.agent.get('/api/v1/findings')).status).toBe(401);
      expect((await now.agent.get('/api/v1/auth/session')).body.user).toBeNull();
      const supplier = await registeredSupplier(before.app);
      expect((await onServer(supplier, t.app).agent.get('/api/v1/auth/session')).body.user).toMatchObject({ role: 'supplier' });
    } finally {
      await before.close();
    }
  });

  test('suppliers sign in with their password alone', async () => {
    const supplier = await registeredSupplier(t.app);
    const again = await pastPassword(t.app, supplier.email);
    expect(again.body.user).toMatchObject({ email: supplier.email });
    expect(again.body.twoFactorRequired).toBeUndefined();
  });
});

describe('REQUIRE_2FA=true through the pages', () => {
  test('after the password the person is sent to set it up, signed in only once it is on, then goes on', async () => {
    const officer = await createOfficer(t.auth, 'camden');
    const agent = supertest.agent(t.app);
    const login = await agent.get('/login?next=/findings').expect(200);
    const res = await agent
      .post('/login')
      .type('form')
      .send({ _csrf: csrfFrom(login.text), email: officer.email, password: STRONG_PASSWORD, next: '/findings' })
      .expect(303);
    expect(res.headers.location).toBe('/account/two-factor');
    expect((await agent.get('/dashboard')).status).toBe(303);
    expect((await agent.get('/login/two-factor')).headers.location).toBe('/account/two-factor');

    const page = await agent.get('/account/two-factor').expect(200);
    expect(page.text).toContain('Your account needs two-factor sign-in. Set it up now to finish signing in.');
    expect(page.text).toContain('Cancel and sign out');
    const key = /<code>([A-Z2-7 ]+)<\/code>/.exec(page.text)![1]!.replace(/ /g, '');
    const done = await agent
      .post('/account/two-factor')
      .type('form')
      .send({ _csrf: csrfFrom(page.text), code: codeAt(key, clock.now()) });
    expect(done.status).toBe(200);
    expect(done.text).toContain('This is the only time you will see these codes');
    expect(done.text).toContain('href="/findings"');
    await agent.get('/findings').expect(200);

    const status = await agent.get('/account/two-factor').expect(200);
    expect(status.text).toContain('so it cannot be turned off');
    expect(status.text).not.toContain('action="/account/two-factor/turn-off"');
  });
});
