import supertest from 'supertest';
import { startTestApp, STRONG_PASSWORD, type TestApp } from '../helpers/app';
import { createOfficer, uniqueEmail } from '../helpers/factories';
import { answerOrganisationSteps, fillIn } from '../helpers/forms';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => t.close());

/** A browser-like client: keeps cookies and reads the form's CSRF token from a page. */
async function formClient(path: string) {
  const agent = supertest.agent(t.app);
  const page = await agent.get(path).expect(200);
  const token = /name="_csrf" value="([^"]+)"/.exec(page.text)?.[1];
  if (!token) throw new Error(`no CSRF token on ${path}`);
  return { agent, token, page };
}

describe('public pages', () => {
  test('the home page explains the service and links to register and sign in, without creating a session', async () => {
    const res = await supertest(t.app).get('/').expect(200);
    expect(res.headers['content-type']).toMatch(/text\/html/);
    expect(res.text).toContain('Library Market Engagement Portal');
    expect(res.text).toContain('href="/register"');
    expect(res.text).toContain('href="/login"');
    expect(res.headers['set-cookie']).toBeUndefined();
  });

  test('GOV.UK Frontend assets are served locally', async () => {
    await supertest(t.app).get('/govuk/govuk-frontend.min.css').expect(200).expect('Content-Type', /css/);
    await supertest(t.app)
      .get('/govuk/govuk-frontend.min.js')
      .expect(200)
      .expect('Content-Type', /javascript/);
    await supertest(t.app).get('/assets/images/favicon.svg').expect(200);
    await supertest(t.app).get('/static/init.js').expect(200);
    await supertest(t.app).get('/assets/not-there.png').expect(404);
  });

  test('an unknown page gets a GOV.UK 404 page, an unknown API path a JSON 404', async () => {
    const page = await supertest(t.app).get('/no-such-page').expect(404);
    expect(page.text).toContain('Page not found');
    const api = await supertest(t.app).get('/api/v1/no-such-thing').expect(404);
    expect(api.body).toEqual({ error: { code: 'not_found', message: 'Not found' } });
  });

  test('pages and API responses carry the security headers, with a fresh CSP nonce for the layout script', async () => {
    const one = await supertest(t.app).get('/login');
    const two = await supertest(t.app).get('/login');
    const csp = one.headers['content-security-policy'] as string;
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("object-src 'none'");
    const nonce = /'nonce-([^']+)'/.exec(csp)?.[1];
    expect(nonce).toBeDefined();
    expect(one.text).toContain(`nonce="${nonce}"`);
    expect(two.headers['content-security-policy']).not.toEqual(csp);
    expect(one.headers['x-content-type-options']).toBe('nosniff');
    expect(one.headers['x-frame-options']).toBe('DENY');
    expect(one.headers['referrer-policy']).toBe('same-origin');
    expect(one.headers['x-powered-by']).toBeUndefined();
    expect(one.headers['strict-transport-security']).toBeUndefined();
    const api = await supertest(t.app).get('/api/v1/auth/session');
    expect(api.headers['x-content-type-options']).toBe('nosniff');
    expect(api.headers['content-security-policy']).toBeDefined();
  });
});

describe('the service navigation', () => {
  /** How each navigation link is marked: 'page' (the page itself), 'true' (a page within it) or none. */
  const marks = (html: string) =>
    Object.fromEntries(
      [...html.matchAll(/<a class="govuk-service-navigation__link" href="([^"]+)"(?: aria-current="(page|true)")?/g)]
        .filter(([, href]) => href !== '/')
        .map(([, href, current]) => [href, current ?? 'none']),
    );

  test('marks the page a person is on as current, and the section of a page within it as active', async () => {
    expect(marks((await supertest(t.app).get('/tenders').expect(200)).text)).toEqual({ '/tenders': 'page' });
    expect(marks((await supertest(t.app).get('/tenders?borough=camden').expect(200)).text)).toEqual({ '/tenders': 'page' });
    expect(marks((await supertest(t.app).get('/').expect(200)).text)).toEqual({ '/tenders': 'none' });

    const officer = await createOfficer(t.auth, 'camden');
    const { agent, token } = await formClient('/login');
    await agent.post('/login').type('form').send({ _csrf: token, email: officer.email, password: STRONG_PASSWORD }).expect(303);
    const dashboard = await agent.get('/dashboard').expect(200);
    expect(marks(dashboard.text)).toEqual({ '/dashboard': 'page', '/tenders': 'none' });
    expect(dashboard.text).toContain('govuk-service-navigation__item--active');
    expect(marks((await agent.get('/tenders/new').expect(200)).text)).toEqual({ '/dashboard': 'none', '/tenders': 'true' });
  });
});

describe('sign in and out with forms', () => {
  test('an empty sign-in form shows an error summary linking to each field, with status 422', async () => {
    const { agent, token } = await formClient('/login');
    const res = await agent.post('/login').type('form').send({ _csrf: token, email: '', password: '' });
    expect(res.status).toBe(422);
    expect(res.text).toContain('There is a problem');
    expect(res.text).toContain('href="#email"');
    expect(res.text).toContain('href="#password"');
    expect(res.text).toContain('<title>Error: Sign in');
  });

  test('wrong credentials re-show the form with a generic message and the email kept', async () => {
    const officer = await createOfficer(t.auth);
    const { agent, token } = await formClient('/login');
    const res = await agent.post('/login').type('form').send({ _csrf: token, email: officer.email, password: 'not my password' });
    expect(res.status).toBe(401);
    expect(res.text).toContain('The email address or password is not right');
    expect(res.text).toContain(`value="${officer.email}"`);
  });

  test('a form without its CSRF token is refused with a 403 page', async () => {
    const officer = await createOfficer(t.auth);
    const { agent } = await formClient('/login');
    const res = await agent.post('/login').type('form').send({ email: officer.email, password: STRONG_PASSWORD });
    expect(res.status).toBe(403);
    expect(res.text).toContain('The form was out of date.');
  });

  test('signing in goes to the dashboard (or a safe next page); signing out returns home', async () => {
    const officer = await createOfficer(t.auth, 'hackney');
    const { agent, token } = await formClient('/login?next=//evil.example/');
    const res = await agent
      .post('/login')
      .type('form')
      .send({ _csrf: token, email: officer.email, password: STRONG_PASSWORD, next: '//evil.example/' });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/dashboard');
    const dashboard = await agent.get('/dashboard').expect(200);
    expect(dashboard.text).toContain('Olive Officer');
    expect(dashboard.text).toContain('Hackney');
    const logoutToken = /name="_csrf" value="([^"]+)"/.exec(dashboard.text)?.[1];
    const out = await agent.post('/logout').type('form').send({ _csrf: logoutToken });
    expect(out.status).toBe(303);
    expect(out.headers.location).toBe('/');
    const after = await agent.get('/dashboard');
    expect(after.status).toBe(303);
    expect(after.headers.location).toBe('/login?next=%2Fdashboard');
  });
});

describe('registration', () => {
  test('the register link leads to short pages that register the organisation and sign the user in', async () => {
    const agent = supertest.agent(t.app);
    const start = await agent.get('/register').expect(200);
    expect(start.text).toContain('href="/register/organisation-name"');
    const check = await answerOrganisationSteps(agent);
    expect(check.status).toBe(200);
    const res = await fillIn(agent, '/register/your-details', {
      name: 'Rae Reader',
      email: uniqueEmail('form'),
      password: STRONG_PASSWORD,
    });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/dashboard');
    const dashboard = await agent.get('/dashboard').expect(200);
    expect(dashboard.text).toContain('Supplier organisation');
  });
});

describe('caching', () => {
  test('a signed-in page is never stored by a browser or proxy; a public page may be', async () => {
    const officer = await createOfficer(t.auth, 'camden');
    const agent = supertest.agent(t.app);
    const login = await agent.get('/login').expect(200);
    const token = /name="_csrf" value="([^"]+)"/.exec(login.text)?.[1] ?? '';
    await agent.post('/login').type('form').send({ _csrf: token, email: officer.email, password: STRONG_PASSWORD }).expect(303);
    const signedIn = await agent.get('/tenders').expect(200);
    expect(signedIn.headers['cache-control']).toBe('no-store');
    const dashboard = await agent.get('/dashboard').expect(200);
    expect(dashboard.headers['cache-control']).toBe('no-store');
    const anonymous = await supertest(t.app).get('/tenders').expect(200);
    expect(anonymous.headers['cache-control']).toBeUndefined();
  });
});
