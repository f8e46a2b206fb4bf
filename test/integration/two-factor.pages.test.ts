import supertest from 'supertest';
import { signedInAs, startTestApp, STRONG_PASSWORD, testClock, type TestApp } from '../helpers/app';
import { createOfficer, registeredSupplier } from '../helpers/factories';
import { csrfFrom, fillIn, signInThroughForm } from '../helpers/forms';
import { codeAt, turnOnTwoFactor } from '../helpers/two-factor';

const clock = testClock('2027-01-10T09:00:00.000Z');
let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ auth: { twoFactor: { now: clock.now } } });
});
afterAll(async () => t.close());
beforeEach(() => clock.set('2027-01-10T09:00:00.000Z'));

/** The key as the set-up page writes it out, without its spaces. */
function keyOnPage(html: string): string {
  const grouped = /<code>((?:[A-Z2-7]{4} )+[A-Z2-7]{1,4})<\/code>/.exec(html)?.[1];
  if (!grouped) throw new Error('no key on the page');
  return grouped.replace(/ /g, '');
}

/** A browser-like client past the password of an account with two-factor sign-in: on the code page. */
async function pastPasswordForm(email: string, next?: string) {
  const agent = supertest.agent(t.app);
  const login = await agent.get(next ? `/login?next=${encodeURIComponent(next)}` : '/login').expect(200);
  const res = await agent
    .post('/login')
    .type('form')
    .send({ _csrf: csrfFrom(login.text), email, password: STRONG_PASSWORD, ...(next ? { next } : {}) })
    .expect(303);
  return { agent, location: res.headers.location as string };
}

async function officerWithTwoFactor() {
  const officer = await createOfficer(t.auth, 'camden');
  const { secret, recoveryCodes } = await turnOnTwoFactor(await signedInAs(t.app, officer.email), clock.now());
  return { ...officer, secret, recoveryCodes };
}

test('the set-up page shows a QR code as inline SVG and the key in groups of 4; a right code shows the recovery codes once', async () => {
  const officer = await createOfficer(t.auth, 'camden');
  const agent = await signInThroughForm(t.app, officer.email);
  const dashboard = await agent.get('/dashboard').expect(200);
  expect(dashboard.text).toContain('href="/account/two-factor"');

  const page = await agent.get('/account/two-factor').expect(200);
  expect(page.text).toContain('<h1 class="govuk-heading-l">Set up two-factor sign-in</h1>');
  expect(page.text).toMatch(/<svg role="img" aria-label="QR code for your authenticator app"[^>]*>/);
  // Nothing in it that the CSP would block: no script, no inline style.
  const svg = /<svg[\s\S]*<\/svg>/.exec(page.text)![0];
  expect(svg).not.toMatch(/<script|style=|on\w+=/i);
  expect(page.text).toMatch(/<code>([A-Z2-7]{4} ){7}[A-Z2-7]{4}<\/code>/);
  expect(page.text).toContain('autocomplete="one-time-code"');
  expect(page.text).toContain('inputmode="numeric"');
  const key = keyOnPage(page.text);
  // Shown again, the page keeps the same key, so a QR code already scanned still works.
  expect(keyOnPage((await agent.get('/account/two-factor').expect(200)).text)).toBe(key);

  const wrong = await fillIn(agent, '/account/two-factor', { code: '12' });
  expect(wrong.status).toBe(422);
  expect(wrong.text).toContain('There is a problem');
  expect(wrong.text).toContain('<a href="#code">Enter the 6-digit code from your authenticator app</a>');
  expect(keyOnPage(wrong.text)).toBe(key);

  const done = await fillIn(agent, '/account/two-factor', { code: codeAt(key, clock.now()) });
  expect(done.status).toBe(200);
  expect(done.text).toContain('Two-factor sign-in is on');
  expect(done.text).toContain('This is the only time you will see these codes');
  expect(done.text.match(/<li><code>[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}<\/code><\/li>/g)).toHaveLength(10);

  const status = await agent.get('/account/two-factor').expect(200);
  expect(status.text).toContain('Two-factor sign-in is on.');
  expect(status.text).toContain('You have 10 unused recovery codes.');
  expect(status.text).toContain('action="/account/two-factor/turn-off"');
  expect(status.text).not.toContain('<svg');
});

test('after the password, the code page; the person is signed in only with a right code, and goes where they were going', async () => {
  const officer = await officerWithTwoFactor();
  const { agent, location } = await pastPasswordForm(officer.email, '/findings');
  expect(location).toBe('/login/two-factor');
  const dashboard = await agent.get('/dashboard');
  expect(dashboard.status).toBe(303);
  expect(dashboard.headers.location).toMatch(/^\/login\?next=/);

  const page = await agent.get('/login/two-factor').expect(200);
  expect(page.text).toContain('Enter the 6-digit code from your authenticator app');
  expect(page.text).toMatch(/<input[^>]*autocomplete="one-time-code"/);
  expect(page.text).toMatch(/<input[^>]*inputmode="numeric"/);
  expect(page.text).toContain('<a class="govuk-link" href="/login/recovery-code">Use a recovery code instead</a>');

  const right = codeAt(officer.secret, clock.now(), 30);
  const wrong = await fillIn(agent, '/login/two-factor', { code: right === '000000' ? '111111' : '000000' });
  expect(wrong.status).toBe(401);
  expect(wrong.text).toContain('There is a problem');
  expect(wrong.text).toContain('The code is not right');

  const ok = await fillIn(agent, '/login/two-factor', { code: right });
  expect(ok.status).toBe(303);
  expect(ok.headers.location).toBe('/findings');
  await agent.get('/findings').expect(200);
});

test('a recovery code signs in from its own page, once', async () => {
  const officer = await officerWithTwoFactor();
  const { agent } = await pastPasswordForm(officer.email);
  const page = await agent.get('/login/recovery-code').expect(200);
  expect(page.text).toContain('Enter a recovery code');
  const empty = await fillIn(agent, '/login/recovery-code', { code: '' });
  expect(empty.status).toBe(422);
  expect(empty.text).toContain('Enter one of your recovery codes');
  const ok = await fillIn(agent, '/login/recovery-code', { code: officer.recoveryCodes[0]! });
  expect(ok.status).toBe(303);
  expect(ok.headers.location).toBe('/dashboard');

  const again = await pastPasswordForm(officer.email);
  const reused = await fillIn(again.agent, '/login/recovery-code', { code: officer.recoveryCodes[0]! });
  expect(reused.status).toBe(401);
});

test('the code pages without a pending sign-in go back to the sign-in page; their form needs its CSRF token', async () => {
  const anon = supertest.agent(t.app);
  const res = await anon.get('/login/two-factor');
  expect(res.status).toBe(303);
  expect(res.headers.location).toBe('/login');

  const officer = await officerWithTwoFactor();
  const { agent } = await pastPasswordForm(officer.email);
  const noToken = await agent
    .post('/login/two-factor')
    .type('form')
    .send({ code: codeAt(officer.secret, clock.now(), 30) });
  expect(noToken.status).toBe(403);
  const lapsed = await pastPasswordForm(officer.email);
  const page = await lapsed.agent.get('/login/two-factor').expect(200);
  clock.advance(6 * 60_000);
  const late = await lapsed.agent
    .post('/login/two-factor')
    .type('form')
    .send({ _csrf: csrfFrom(page.text), code: codeAt(officer.secret, clock.now()) });
  expect(late.status).toBe(303);
  expect(late.headers.location).toBe('/login');
});

test('turning off on the page needs a current code', async () => {
  const officer = await officerWithTwoFactor();
  clock.advance(30_000);
  const { agent } = await pastPasswordForm(officer.email);
  await fillIn(agent, '/login/two-factor', { code: codeAt(officer.secret, clock.now()) }).then((r) => expect(r.status).toBe(303));
  const status = await agent.get('/account/two-factor').expect(200);
  const wrong = await agent
    .post('/account/two-factor/turn-off')
    .type('form')
    .send({ _csrf: csrfFrom(status.text), code: '' });
  expect(wrong.status).toBe(422);
  expect(wrong.text).toContain('There is a problem');
  clock.advance(30_000);
  const off = await fillIn(agent, '/account/two-factor', { code: codeAt(officer.secret, clock.now()) }, '/account/two-factor/turn-off');
  expect(off.status).toBe(303);
  const after = await agent.get('/account/two-factor').expect(200);
  expect(after.text).toContain('Two-factor sign-in is off.');
  expect(after.text).toContain('Set up two-factor sign-in');
});

test('suppliers have no two-factor page and no link to it', async () => {
  const supplier = await registeredSupplier(t.app);
  const dashboard = await supplier.agent.get('/dashboard').expect(200);
  expect(dashboard.text).not.toContain('/account/two-factor');
  expect((await supplier.agent.get('/account/two-factor')).status).toBe(403);
});
