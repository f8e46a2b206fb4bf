import supertest from 'supertest';
import { SESSION_COLLECTION, SESSION_COOKIE } from '../../src/platform/session';
import { apiClient, startTestApp, STRONG_PASSWORD, type TestApp } from '../helpers/app';
import { createAdmin, createOfficer, registration, uniqueEmail } from '../helpers/factories';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ auth: { throttleLimits: { perAccount: 3, perAddress: 1000, windowMs: 60_000 } } });
});
afterAll(async () => t.close());

function sessionCookie(res: supertest.Response): string | undefined {
  const cookies = res.headers['set-cookie'] as unknown as string[] | undefined;
  return cookies?.find((c) => c.startsWith(`${SESSION_COOKIE}=`));
}

async function login(email: string, password = STRONG_PASSWORD) {
  const client = await apiClient(t.app);
  const res = await client.agent.post('/api/v1/auth/login').set('X-CSRF-Token', client.csrfToken).send({ email, password });
  return { ...client, res, csrfToken: (res.body as { csrfToken?: string }).csrfToken ?? client.csrfToken };
}

describe('session and sign-in', () => {
  test('the session endpoint gives an anonymous user a CSRF token and an HttpOnly, SameSite=Lax cookie', async () => {
    const res = await supertest(t.app).get('/api/v1/auth/session').expect(200);
    expect(res.body.user).toBeNull();
    expect(res.body.csrfToken).toMatch(/^[0-9a-f]{32,}$/);
    const cookie = sessionCookie(res);
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    expect(cookie).not.toMatch(/Secure/i);
    expect(res.headers['cache-control']).toBe('no-store');
  });

  test('an officer created by the operator signs in and gets the public user shape and a new session id', async () => {
    const officer = await createOfficer(t.auth, 'camden');
    const client = await apiClient(t.app);
    const before = sessionCookie(await client.agent.get('/api/v1/auth/session'));
    const res = await client.agent
      .post('/api/v1/auth/login')
      .set('X-CSRF-Token', client.csrfToken)
      .send({ email: officer.email.toUpperCase(), password: STRONG_PASSWORD });
    expect(res.status).toBe(200);
    expect(res.body.user).toEqual({
      id: officer.id,
      email: officer.email,
      name: 'Olive Officer',
      role: 'officer',
      borough: { id: expect.any(String), slug: 'camden', name: 'Camden' },
      organisationId: null,
    });
    expect(res.body.user.passwordHash).toBeUndefined();
    expect(res.body.csrfToken).toEqual(expect.any(String));
    const after = sessionCookie(res);
    expect(after).toBeDefined();
    expect(after?.split(';')[0]).not.toEqual(before?.split(';')[0]);
    const session = await client.agent.get('/api/v1/auth/session').expect(200);
    expect(session.body.user.id).toBe(officer.id);
  });

  test('the cookie from before sign-in is anonymous afterwards (no session fixation)', async () => {
    const officer = await createOfficer(t.auth);
    const client = await apiClient(t.app);
    const preLogin = sessionCookie(await client.agent.get('/api/v1/auth/session'));
    await client.agent
      .post('/api/v1/auth/login')
      .set('X-CSRF-Token', client.csrfToken)
      .send({ email: officer.email, password: STRONG_PASSWORD })
      .expect(200);
    const res = await supertest(t.app).get('/api/v1/auth/session').set('Cookie', preLogin!.split(';')[0]!);
    expect(res.body.user).toBeNull();
  });

  test('a token in the address is taken only from a file upload form, never from JSON or an ordinary form', async () => {
    const officer = await createOfficer(t.auth);
    const client = await apiClient(t.app);
    const path = `/api/v1/auth/login?_csrf=${encodeURIComponent(client.csrfToken)}`;
    const json = await client.agent.post(path).send({ email: officer.email, password: STRONG_PASSWORD });
    expect(json.status).toBe(403);
    const form = await client.agent.post(path).type('form').send({ email: officer.email, password: STRONG_PASSWORD });
    expect(form.status).toBe(403);
  });

  test('login without a CSRF token, or with a wrong one, is refused with 403', async () => {
    const officer = await createOfficer(t.auth);
    const client = await apiClient(t.app);
    const missing = await client.agent.post('/api/v1/auth/login').send({ email: officer.email, password: STRONG_PASSWORD });
    expect(missing.status).toBe(403);
    expect(missing.body.error.code).toBe('invalid_csrf_token');
    const wrong = await client.agent
      .post('/api/v1/auth/login')
      .set('X-CSRF-Token', 'x'.repeat(64))
      .send({ email: officer.email, password: STRONG_PASSWORD });
    expect(wrong.status).toBe(403);
    // A token from another session is no good either.
    const other = await apiClient(t.app);
    const borrowed = await client.agent
      .post('/api/v1/auth/login')
      .set('X-CSRF-Token', other.csrfToken)
      .send({ email: officer.email, password: STRONG_PASSWORD });
    expect(borrowed.status).toBe(403);
    const session = await client.agent.get('/api/v1/auth/session');
    expect(session.body.user).toBeNull();
  });

  test('a wrong password and an unknown email get the same 401 message', async () => {
    const officer = await createOfficer(t.auth);
    const wrong = await login(officer.email, 'not the password at all');
    const unknown = await login(uniqueEmail('nobody'), 'not the password at all');
    expect(wrong.res.status).toBe(401);
    expect(unknown.res.status).toBe(401);
    expect(wrong.res.body).toEqual(unknown.res.body);
    expect(wrong.res.body.error.message).toBe('The email address or password is not right');
  });

  test('repeated failures for one account are throttled with 429, even with the right password', async () => {
    const officer = await createOfficer(t.auth);
    for (let i = 0; i < 3; i += 1) expect((await login(officer.email, 'wrong password here')).res.status).toBe(401);
    const throttled = await login(officer.email);
    expect(throttled.res.status).toBe(429);
    expect(throttled.res.body.error.code).toBe('too_many_requests');
    expect(Number(throttled.res.headers['retry-after'])).toBeGreaterThan(0);
  });

  test('parallel wrong passwords cannot slip under the limit: each attempt counts before its password is checked', async () => {
    const officer = await createOfficer(t.auth);
    const results = await Promise.all(Array.from({ length: 45 }, () => login(officer.email, 'wrong password here')));
    const statuses = results.map((r) => r.res.status);
    expect(statuses.filter((s) => s === 401)).toHaveLength(3);
    expect(statuses.filter((s) => s === 429)).toHaveLength(42);
    expect((await login(officer.email)).res.status).toBe(429);
  });

  test('a successful sign-in clears the account’s failure count', async () => {
    const officer = await createOfficer(t.auth);
    for (let i = 0; i < 2; i += 1) await login(officer.email, 'wrong password here');
    expect((await login(officer.email)).res.status).toBe(200);
    for (let i = 0; i < 2; i += 1) await login(officer.email, 'wrong password here');
    expect((await login(officer.email)).res.status).toBe(200);
  });

  test('logout destroys the session server-side: the old cookie is anonymous and gets 401 from protected routes', async () => {
    const admin = await createAdmin(t.auth);
    const { agent, res, csrfToken } = await login(admin.email);
    const cookie = sessionCookie(res)!.split(';')[0]!;
    const sessionsBefore = await t.conn.collection(SESSION_COLLECTION).countDocuments({ 'session.passport.user': admin.id });
    expect(sessionsBefore).toBe(1);
    await agent.post('/api/v1/auth/logout').set('X-CSRF-Token', csrfToken).expect(204);
    expect(await t.conn.collection(SESSION_COLLECTION).countDocuments({ 'session.passport.user': admin.id })).toBe(0);
    const replay = await supertest(t.app).get('/api/v1/auth/session').set('Cookie', cookie);
    expect(replay.body.user).toBeNull();
    const protectedRoute = await supertest(t.app)
      .post(`/api/v1/admin/users/${admin.id}/disable`)
      .set('Cookie', cookie)
      .set('X-CSRF-Token', csrfToken);
    expect(protectedRoute.status).toBe(403); // the old token died with the session
    const { csrfToken: fresh, agent: anon } = await apiClient(t.app);
    const unauthenticated = await anon.post(`/api/v1/admin/users/${admin.id}/disable`).set('X-CSRF-Token', fresh);
    expect(unauthenticated.status).toBe(401);
  });
});

describe('bad input never signs anyone in and never causes a 500', () => {
  test('NoSQL operator objects in the login body get 422 with per-field messages', async () => {
    await createOfficer(t.auth, 'camden', 'target@example.org');
    const bodies = [
      { email: { $ne: null }, password: { $ne: null } },
      { email: 'target@example.org', password: { $gt: '' } },
      { email: { $regex: '.*' }, password: STRONG_PASSWORD },
      { email: { $where: 'true' }, password: STRONG_PASSWORD },
    ];
    for (const body of bodies) {
      const { agent, csrfToken } = await apiClient(t.app);
      const res = await agent.post('/api/v1/auth/login').set('X-CSRF-Token', csrfToken).send(body);
      expect(res.status).toBe(422);
      expect(res.body.error.code).toBe('validation_failed');
      expect(Object.keys(res.body.error.fields).length).toBeGreaterThan(0);
      expect((await agent.get('/api/v1/auth/session')).body.user).toBeNull();
    }
  });

  test('operator objects in the query string change nothing', async () => {
    const res = await supertest(t.app).get('/api/v1/auth/session?email[$ne]=x&_csrf[$gt]=');
    expect(res.status).toBe(200);
    expect(res.body.user).toBeNull();
  });

  test('malformed JSON is 400, an oversized body is 413, wrong types are 422 per field', async () => {
    const { agent, csrfToken } = await apiClient(t.app);
    const malformed = await agent
      .post('/api/v1/auth/login')
      .set('X-CSRF-Token', csrfToken)
      .set('Content-Type', 'application/json')
      .send('{"email": ');
    expect(malformed.status).toBe(400);
    expect(malformed.body).toEqual({ error: { code: 'malformed_json', message: 'The request body is not valid JSON' } });

    const huge = await agent
      .post('/api/v1/auth/login')
      .set('X-CSRF-Token', csrfToken)
      .send({ email: 'a@example.org', password: 'x'.repeat(200_000) });
    expect(huge.status).toBe(413);
    expect(huge.body.error.code).toBe('too_large');

    const wrongTypes = await agent
      .post('/api/v1/auth/login')
      .set('X-CSRF-Token', csrfToken)
      .send({ email: 42, password: ['a'] });
    expect(wrongTypes.status).toBe(422);
    expect(wrongTypes.body.error.fields).toEqual({ email: 'Enter your email address', password: 'Enter your password' });

    const notAnObject = await agent
      .post('/api/v1/auth/login')
      .set('X-CSRF-Token', csrfToken)
      .set('Content-Type', 'application/json')
      .send('"just a string"');
    expect(notAnObject.status).toBe(400);
  });

  test('JSON errors never carry a stack trace or database message', async () => {
    const { agent, csrfToken } = await apiClient(t.app);
    const res = await agent.post('/api/v1/auth/register').set('X-CSRF-Token', csrfToken).send({ organisation: 'x' });
    expect(res.status).toBe(422);
    const text = JSON.stringify(res.body);
    expect(text).not.toMatch(/at \w+ \(|node_modules|Mongo|E11000/);
  });
});

describe('registration', () => {
  test('a supplier registers with its organisation, is signed in, and gets the supplier role', async () => {
    const { agent, csrfToken } = await apiClient(t.app);
    const body = registration();
    const res = await agent.post('/api/v1/auth/register').set('X-CSRF-Token', csrfToken).send(body);
    expect(res.status).toBe(201);
    expect(res.body.user).toMatchObject({ email: body.email, name: 'Sam Supplier', role: 'supplier', borough: null });
    expect(res.body.user.organisationId).toEqual(expect.any(String));
    const org = await t.suppliers.organisations.findById(res.body.user.organisationId).lean();
    expect(org).toMatchObject({
      name: 'Friends of the Library',
      sector: 'voluntary',
      legalForm: 'registered_charity',
      size: 'small',
      postcode: 'SE1 7PB',
      areas: ['southwark', 'lambeth'],
      sectorWarnings: [],
    });
    expect((await agent.get('/api/v1/auth/session')).body.user.id).toBe(res.body.user.id);
  });

  test('a body cannot set the role, borough or organisation (no mass assignment)', async () => {
    const { agent, csrfToken } = await apiClient(t.app);
    const res = await agent
      .post('/api/v1/auth/register')
      .set('X-CSRF-Token', csrfToken)
      .send({ ...registration(), role: 'admin', borough: 'camden', organisationId: '000000000000000000000000', disabledAt: null });
    expect(res.status).toBe(201);
    expect(res.body.user.role).toBe('supplier');
    expect(res.body.user.borough).toBeNull();
    expect(res.body.user.organisationId).not.toBe('000000000000000000000000');
  });

  test.each([
    [
      'a bad charity number',
      { organisation: { identifiers: [{ scheme: 'GB-CHC', id: 'ABC' }] } },
      'organisation.identifiers.0.id',
      /Charity Commission/,
    ],
    [
      'a bad company number',
      { organisation: { sector: 'private', legalForm: 'company', identifiers: [{ scheme: 'GB-COH', id: '123' }] } },
      'organisation.identifiers.0.id',
      /Companies House/,
    ],
    [
      'a bad OSCR number',
      { organisation: { identifiers: [{ scheme: 'GB-SC', id: '012345' }] } },
      'organisation.identifiers.0.id',
      /SC012345/,
    ],
    [
      'an unknown register',
      { organisation: { identifiers: [{ scheme: 'GB-XYZ', id: '1' }] } },
      'organisation.identifiers.0.scheme',
      /register/,
    ],
    ['a bad postcode', { organisation: { postcode: 'LONDON' } }, 'organisation.postcode', /full UK postcode/],
    ['an unknown sector', { organisation: { sector: 'charity' } }, 'organisation.sector', /Select the sector your organisation is in/],
    ['an unknown size', { organisation: { size: 'huge' } }, 'organisation.size', /size/],
    [
      'a legal form from another sector',
      { organisation: { sector: 'private', legalForm: 'registered_charity' } },
      'organisation.legalForm',
      /voluntary and community sector/,
    ],
    ['an area that is not a London borough', { organisation: { areas: ['manchester'] } }, 'organisation.areas.0', /London boroughs/],
    ['a short password', { password: 'short' }, 'password', /at least 10 characters/],
    ['a common password', { password: 'password123' }, 'password', /too common/],
    ['a bad email', { email: 'not-an-email' }, 'email', /correct format/],
    ['a missing name', { name: '' }, 'name', /full name/],
  ])('%s gets 422 with a message for its field', async (_label, overrides, field, message) => {
    const { agent, csrfToken } = await apiClient(t.app);
    const res = await agent.post('/api/v1/auth/register').set('X-CSRF-Token', csrfToken).send(registration(overrides));
    expect(res.status).toBe(422);
    expect(res.body.error.fields[field]).toMatch(message);
    expect((await agent.get('/api/v1/auth/session')).body.user).toBeNull();
  });

  test('a long password without any symbols or digits is fine (no composition rules)', async () => {
    const { agent, csrfToken } = await apiClient(t.app);
    const res = await agent
      .post('/api/v1/auth/register')
      .set('X-CSRF-Token', csrfToken)
      .send(registration({ password: 'purple elephants dance' }));
    expect(res.status).toBe(201);
  });

  test('a duplicate email gets 409 with a field message and leaves no stray organisation', async () => {
    const first = registration();
    const one = await apiClient(t.app);
    await one.agent.post('/api/v1/auth/register').set('X-CSRF-Token', one.csrfToken).send(first).expect(201);
    const orgsBefore = await t.suppliers.organisations.countDocuments();
    const two = await apiClient(t.app);
    const res = await two.agent
      .post('/api/v1/auth/register')
      .set('X-CSRF-Token', two.csrfToken)
      .send({ ...registration(), email: first.email.toUpperCase() });
    expect(res.status).toBe(409);
    expect(res.body.error.fields.email).toMatch(/already exists/);
    expect(await t.suppliers.organisations.countDocuments()).toBe(orgsBefore);
  });

  test('a charity number with a private-sector choice is recorded as a sector-check warning, not refused', async () => {
    const { agent, csrfToken } = await apiClient(t.app);
    const res = await agent
      .post('/api/v1/auth/register')
      .set('X-CSRF-Token', csrfToken)
      .send(registration({ organisation: { sector: 'private', legalForm: 'other', identifiers: [{ scheme: 'GB-CHC', id: '1123456' }] } }));
    expect(res.status).toBe(201);
    const org = await t.suppliers.organisations.findById(res.body.user.organisationId).lean();
    expect(org?.sectorWarnings).toEqual([expect.stringMatching(/Charity Commission .* Private sector/)]);
  });

  test('passwords are stored as argon2id hashes', async () => {
    const body = registration();
    const { agent, csrfToken } = await apiClient(t.app);
    await agent.post('/api/v1/auth/register').set('X-CSRF-Token', csrfToken).send(body).expect(201);
    const user = await t.auth.users.findOne({ email: body.email }).lean();
    expect(user?.passwordHash).toMatch(/^\$argon2id\$/);
    expect(user?.passwordHash).not.toContain(STRONG_PASSWORD);
  });
});

describe('session limits and disabled accounts', () => {
  test('disabling a user ends their sessions at once', async () => {
    const officer = await createOfficer(t.auth);
    const admin = await createAdmin(t.auth);
    const officerSession = await login(officer.email);
    const adminSession = await login(admin.email);
    await adminSession.agent.post(`/api/v1/admin/users/${officer.id}/disable`).set('X-CSRF-Token', adminSession.csrfToken).expect(204);
    expect((await officerSession.agent.get('/api/v1/auth/session')).body.user).toBeNull();
    expect((await login(officer.email)).res.status).toBe(401);
  });

  test('only admins may disable users; unknown ids are 404', async () => {
    const officer = await createOfficer(t.auth);
    const admin = await createAdmin(t.auth);
    const officerSession = await login(officer.email);
    const forbidden = await officerSession.agent
      .post(`/api/v1/admin/users/${admin.id}/disable`)
      .set('X-CSRF-Token', officerSession.csrfToken);
    expect(forbidden.status).toBe(403);
    const adminSession = await login(admin.email);
    for (const id of ['000000000000000000000000', 'not-an-id']) {
      const res = await adminSession.agent.post(`/api/v1/admin/users/${id}/disable`).set('X-CSRF-Token', adminSession.csrfToken);
      expect(res.status).toBe(404);
    }
  });

  test('a session past its absolute lifetime is ended, however active', async () => {
    const officer = await createOfficer(t.auth);
    const { agent } = await login(officer.email);
    const nineHoursAgo = Date.now() - 9 * 60 * 60_000;
    await t.conn
      .collection(SESSION_COLLECTION)
      .updateOne({ 'session.passport.user': officer.id }, { $set: { 'session.signedInAt': nineHoursAgo } });
    expect((await agent.get('/api/v1/auth/session')).body.user).toBeNull();
    expect(await t.conn.collection(SESSION_COLLECTION).countDocuments({ 'session.passport.user': officer.id })).toBe(0);
  });

  test('an idle session past its expiry is not accepted', async () => {
    const officer = await createOfficer(t.auth);
    const { agent } = await login(officer.email);
    await t.conn
      .collection(SESSION_COLLECTION)
      .updateOne({ 'session.passport.user': officer.id }, { $set: { expires: new Date(Date.now() - 1000) } });
    expect((await agent.get('/api/v1/auth/session')).body.user).toBeNull();
  });

  test('an active session slides its idle expiry forward', async () => {
    const officer = await createOfficer(t.auth);
    const { agent } = await login(officer.email);
    const sessions = t.conn.collection(SESSION_COLLECTION);
    await sessions.updateOne({ 'session.passport.user': officer.id }, { $set: { expires: new Date(Date.now() + 60_000) } });
    await agent.get('/api/v1/auth/session').expect(200);
    const doc = await sessions.findOne({ 'session.passport.user': officer.id });
    expect((doc?.expires as Date).getTime()).toBeGreaterThan(Date.now() + 25 * 60_000);
  });
});
