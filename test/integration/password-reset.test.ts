import { createHash } from 'node:crypto';
import mongoose from 'mongoose';
import supertest from 'supertest';
import { apiClient, signedInAs, startTestApp, STRONG_PASSWORD, testClock, type TestApp } from '../helpers/app';
import { createOfficer, uniqueEmail } from '../helpers/factories';
import { csrfFrom, fillIn } from '../helpers/forms';
import { loggedPath } from '../../src/platform/logger';

const BASE_URL = 'https://libraries.example.org';
const NEW_PASSWORD = 'a brand new reading lamp';

const clock = testClock();
let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ config: { BASE_URL, TRUST_PROXY: '1' }, passwordResets: { now: clock.now } });
});
afterAll(async () => t.close());
// Every test comes from the same address: each starts with no requests counted.
beforeEach(async () => {
  await t.conn.collection('loginattempts').deleteMany({ key: mongoose.trusted({ $regex: '^password-reset:' }) });
});

/** Asks for a link through the page, from the given address; the response to the form. */
async function askForLink(email: string, address = '203.0.113.1') {
  const agent = supertest.agent(t.app);
  const page = await agent.get('/password-reset').expect(200);
  return agent
    .post('/password-reset')
    .set('X-Forwarded-For', address)
    .type('form')
    .send({ _csrf: csrfFrom(page.text), email });
}

/** The link in the newest reset email to this address, as sent. */
async function emailedLink(email: string): Promise<string> {
  const mail = await t.notifier.outbox
    .findOne({ to: email, subject: /Reset your password/ })
    .sort({ createdAt: -1, _id: -1 })
    .lean();
  const link = /^https:\/\/libraries\.example\.org\/password-reset\/[A-Za-z0-9_-]{43}$/m.exec(mail?.text ?? '')?.[0];
  if (!link) throw new Error(`no reset link emailed to ${email}: ${mail?.text}`);
  return link;
}

const pathOf = (link: string) => link.slice(BASE_URL.length);

async function signInWith(email: string, password: string) {
  const client = await apiClient(t.app);
  return client.agent.post('/api/v1/auth/login').set('X-CSRF-Token', client.csrfToken).send({ email, password });
}

test('the sign-in page links to the forgotten-password page', async () => {
  const login = await supertest(t.app).get('/login').expect(200);
  expect(login.text).toContain('<a class="govuk-link" href="/password-reset">Forgotten your password?</a>');
  const page = await supertest(t.app).get('/password-reset').expect(200);
  expect(page.text).toContain('Reset your password');
  expect(page.text).toContain('autocomplete="email"');
});

test('the answer is the same whether or not the email has an account; only an account gets an email, with a link built from BASE_URL', async () => {
  const officer = await createOfficer(t.auth, 'camden');
  const unknown = uniqueEmail('nobody');
  const known = await askForLink(officer.email);
  const notKnown = await askForLink(unknown);
  expect([known.status, known.headers.location]).toEqual([303, '/password-reset/sent']);
  expect([notKnown.status, notKnown.headers.location]).toEqual([303, '/password-reset/sent']);
  const sent = await supertest(t.app).get('/password-reset/sent').expect(200);
  expect(sent.text).toContain('If an account uses that email, we have sent a link to it.');

  expect(await t.notifier.outbox.countDocuments({ to: unknown })).toBe(0);
  const link = await emailedLink(officer.email);
  expect(link.startsWith(`${BASE_URL}/password-reset/`)).toBe(true);

  // Only the token's SHA-256 is stored.
  const token = link.split('/').pop()!;
  const stored = await t.passwordResets.resets.findOne({ user: new mongoose.Types.ObjectId(officer.id) }).lean();
  expect(stored?.tokenHash).toBe(createHash('sha256').update(token).digest('hex'));
  expect(JSON.stringify(await t.conn.collection('passwordresets').find({}).toArray())).not.toContain(token);
});

test('a bad email gets the form again with a message, never a 500', async () => {
  const res = await askForLink('not an email');
  expect(res.status).toBe(422);
  expect(res.text).toContain('Enter an email address in the correct format, like name@example.org');
  expect(res.text).toContain('href="#email"');
  expect((await askForLink('')).status).toBe(422);
});

test('the link sets a new password once, with the registration rules, and signs the account out everywhere', async () => {
  const officer = await createOfficer(t.auth, 'camden');
  const elsewhere = await signedInAs(t.app, officer.email);
  expect((await elsewhere.agent.get('/dashboard')).status).toBe(200);

  await askForLink(officer.email);
  const link = pathOf(await emailedLink(officer.email));
  const browser = supertest.agent(t.app);
  const page = await browser.get(link).expect(200);
  expect(page.text).toContain('Choose a new password');
  expect(page.text).toContain(officer.email);

  // The same rules as registration: too short, too common, the email itself.
  const short = await fillIn(browser, link, { password: 'short' });
  expect(short.status).toBe(422);
  expect(short.text).toContain('Password must be at least 10 characters');
  const common = await fillIn(browser, link, { password: 'password123' });
  expect(common.status).toBe(422);
  expect(common.text).toContain('This password is too common');
  expect((await fillIn(browser, link, { password: officer.email })).text).toContain('Your password must not be your email address');
  expect((await fillIn(browser, link, {})).text).toContain('Enter a password');

  const changed = await fillIn(browser, link, { password: NEW_PASSWORD });
  expect([changed.status, changed.headers.location]).toEqual([303, '/login']);
  expect((await browser.get('/login').expect(200)).text).toContain('Your password has been changed. Sign in with your new password.');

  // The session signed in before the change is ended: the API says 401 and pages send it to sign in.
  expect((await elsewhere.agent.get('/dashboard')).status).toBe(303);
  expect((await elsewhere.agent.get('/api/v1/auth/session').expect(200)).body.user).toBeNull();
  expect(await t.conn.collection('sessions').countDocuments({ 'session.passport.user': officer.id })).toBe(0);

  expect((await signInWith(officer.email, STRONG_PASSWORD)).status).toBe(401);
  expect((await signInWith(officer.email, NEW_PASSWORD)).status).toBe(200);

  // The link works once.
  const again = await browser.get(link);
  expect(again.status).toBe(404);
  expect(again.text).toContain('This link to reset your password is not valid.');
});

test('a signed-in person who resets their own password is signed out too', async () => {
  const officer = await createOfficer(t.auth, 'camden');
  const client = await signedInAs(t.app, officer.email);
  await askForLink(officer.email);
  const link = pathOf(await emailedLink(officer.email));
  expect((await fillIn(client.agent, link, { password: NEW_PASSWORD })).status).toBe(303);
  expect((await client.agent.get('/dashboard')).status).toBe(303);
  expect(await t.conn.collection('sessions').countDocuments({ 'session.passport.user': officer.id })).toBe(0);
});

test('a session written back to the store after the reset (a request still in flight) is not accepted either', async () => {
  const officer = await createOfficer(t.auth, 'camden');
  const elsewhere = await signedInAs(t.app, officer.email);
  const sessions = t.conn.collection<{ _id: string }>('sessions');
  const before = await sessions.find({ 'session.passport.user': officer.id }).toArray();
  expect(before).toHaveLength(1);
  await askForLink(officer.email);
  expect((await fillIn(supertest.agent(t.app), pathOf(await emailedLink(officer.email)), { password: NEW_PASSWORD })).status).toBe(303);
  await sessions.insertMany(before);
  expect((await elsewhere.agent.get('/api/v1/auth/session').expect(200)).body.user).toBeNull();
  expect((await elsewhere.agent.get('/dashboard')).status).toBe(303);
  // Signing in afresh with the new password works as before.
  expect((await signInWith(officer.email, NEW_PASSWORD)).status).toBe(200);
});

test('two uses of one link at once: only one sets the password', async () => {
  const officer = await createOfficer(t.auth, 'camden');
  await askForLink(officer.email);
  const link = pathOf(await emailedLink(officer.email));
  const browsers = await Promise.all(
    ['first choice of password', 'second choice of password'].map(async (password) => {
      const agent = supertest.agent(t.app);
      const page = await agent.get(link).expect(200);
      return { agent, token: csrfFrom(page.text), password };
    }),
  );
  const answers = await Promise.all(browsers.map((b) => b.agent.post(link).type('form').send({ _csrf: b.token, password: b.password })));
  expect(answers.map((a) => a.status).sort()).toEqual([303, 404]);
  const winner = browsers[answers.findIndex((a) => a.status === 303)]!;
  const loser = browsers[answers.findIndex((a) => a.status === 404)]!;
  expect((await signInWith(officer.email, winner.password)).status).toBe(200);
  expect((await signInWith(officer.email, loser.password)).status).toBe(401);
});

test('a link stops working after an hour, and a new link makes older ones stop once used', async () => {
  const officer = await createOfficer(t.auth, 'camden');
  await askForLink(officer.email);
  const old = pathOf(await emailedLink(officer.email));
  clock.advance(59 * 60_000);
  expect((await supertest(t.app).get(old)).status).toBe(200);
  clock.advance(60_000);
  const expired = await supertest(t.app).get(old);
  expect(expired.status).toBe(404);
  expect(expired.text).toContain('more than an hour old');
  expect(expired.text).toContain('href="/password-reset"');
  // Posting to an expired link is refused the same way, and the password stays.
  const browser = supertest.agent(t.app);
  const form = await browser.get('/login');
  const refused = await browser
    .post(old)
    .type('form')
    .send({ _csrf: csrfFrom(form.text), password: NEW_PASSWORD });
  expect(refused.status).toBe(404);
  expect((await signInWith(officer.email, STRONG_PASSWORD)).status).toBe(200);

  // Two live links: using one ends the other.
  await askForLink(officer.email);
  const first = pathOf(await emailedLink(officer.email));
  clock.advance(1000);
  await askForLink(officer.email);
  const second = pathOf(await emailedLink(officer.email));
  expect(second).not.toBe(first);
  expect((await fillIn(supertest.agent(t.app), second, { password: NEW_PASSWORD })).status).toBe(303);
  expect((await supertest(t.app).get(first)).status).toBe(404);
});

test('an unknown or malformed token gets the not-valid page, never a 500', async () => {
  for (const path of ['/password-reset/abc', `/password-reset/${'x'.repeat(43)}`, '/password-reset/%7B%24ne%3Anull%7D']) {
    const res = await supertest(t.app).get(path);
    expect([path, res.status]).toEqual([path, 404]);
    expect(res.text).toContain('Ask for a new link');
  }
});

test('requests are limited per email, whatever the address, and per address, whatever the email (429)', async () => {
  const officer = await createOfficer(t.auth, 'camden');
  const perEmail = [];
  for (let i = 0; i < 5; i++) perEmail.push((await askForLink(officer.email, `198.51.100.${i + 1}`)).status);
  expect(perEmail).toEqual([303, 303, 303, 429, 429]);
  expect(await t.notifier.outbox.countDocuments({ to: officer.email })).toBe(3);
  const refused = await askForLink(officer.email, '198.51.100.77');
  expect(refused.status).toBe(429);
  expect(refused.text).toContain('Too many attempts');
  expect(refused.headers['retry-after']).toBeDefined();

  // An unknown email is limited the same way, so the limit says nothing about which emails have accounts.
  const unknown = uniqueEmail('nobody');
  const unknownAnswers = [];
  for (let i = 0; i < 5; i++) unknownAnswers.push((await askForLink(unknown, `198.51.100.${i + 1}`)).status);
  expect(unknownAnswers).toEqual([303, 303, 303, 429, 429]);

  const perAddress = [];
  for (let i = 0; i < 22; i++) perAddress.push((await askForLink(uniqueEmail(`many-${i}`), '192.0.2.9')).status);
  expect(perAddress.slice(0, 20).every((s) => s === 303)).toBe(true);
  expect(perAddress.slice(20)).toEqual([429, 429]);

  // The window ends after 15 minutes.
  clock.advance(16 * 60_000);
  expect((await askForLink(officer.email, '192.0.2.9')).status).toBe(303);
});

test('a reset link’s token is never written to the request log', () => {
  expect(loggedPath('/password-reset/abcDEF123_-?x=1')).toBe('/password-reset/[hidden]');
  expect(loggedPath('/password-reset/sent')).toBe('/password-reset/sent');
  expect(loggedPath('/password-reset')).toBe('/password-reset');
});
