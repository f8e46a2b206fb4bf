import supertest from 'supertest';
import { listRoutes } from '../../src/platform/routes';
import { signedInAs, startTestApp, type TestApp } from '../helpers/app';
import { createOfficer, registeredSupplier } from '../helpers/factories';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({
    config: { SERVICE_OWNER: 'Camden and Partners Library Programme', CONTACT_EMAIL: 'help@libraries.example.org' },
  });
});
afterAll(async () => t.close());

const HELP_PAGES = ['/accessibility', '/privacy', '/cookies', '/contact', '/status'];

/** What only central government's pages carry: the crown, the crest, the GOV.UK logo and Crown copyright. */
const GOVERNMENT_BRANDING = [
  /crown copyright/i,
  /govuk-logo/,
  /govuk-header__logotype/,
  /govuk-footer__crown/,
  /govuk-footer__copyright-logo/,
  /govuk-crest/,
  /govuk-footer__licence-logo/,
  /Open Government Licence/,
  /favicon\.ico/,
  /govuk-icon/,
];

function expectOwnBranding(path: string, html: string) {
  for (const mark of GOVERNMENT_BRANDING) expect([path, mark.test(html)]).toEqual([path, false]);
  expect(html).toContain('Camden and Partners Library Programme');
}

/** One main, one banner header and one footer, with the footer's links to every help page. */
function expectLandmarksAndFooter(path: string, html: string) {
  expect([path, html.match(/<main\b/g)?.length]).toEqual([path, 1]);
  expect([path, html.match(/<header\b/g)?.length]).toEqual([path, 1]);
  expect([path, html.match(/<footer\b/g)?.length]).toEqual([path, 1]);
  const footer = html.slice(html.indexOf('<footer'));
  for (const href of HELP_PAGES) expect([path, footer.includes(`href="${href}"`)]).toEqual([path, true]);
}

describe('help pages', () => {
  test.each(HELP_PAGES)('%s is open to anyone, with the header, footer and one main landmark, and sets no cookie', async (path) => {
    const res = await supertest(t.app).get(path).expect(200);
    expect(res.headers['content-type']).toMatch(/text\/html/);
    expect(res.headers['set-cookie']).toBeUndefined();
    expectLandmarksAndFooter(path, res.text);
    expectOwnBranding(path, res.text);
  });

  test('the accessibility statement gives the compliance status, known problems, how to report one and the enforcement procedure', async () => {
    const { text } = await supertest(t.app).get('/accessibility').expect(200);
    expect(text).toContain('partially compliant with the');
    expect(text).toContain('Web Content Accessibility Guidelines version 2.2');
    expect(text).toContain('the labels on charts are small');
    expect(text).toContain('Reporting accessibility problems');
    expect(text).toContain('mailto:help@libraries.example.org');
    expect(text).toContain('Equality and Human Rights Commission (EHRC)');
    expect(text).toContain('Equality Advisory and Support Service (EASS)');
    expect(text).toContain('This statement was prepared on 2 December 2026');
  });

  test('the privacy notice names the controllers, what is collected, the lawful basis, retention, rights and a contact', async () => {
    const { text } = await supertest(t.app).get('/privacy').expect(200);
    expect(text).toContain('the council running each exercise');
    expect(text).toContain('Camden and Partners Library Programme, which runs the portal');
    for (const heading of ['What we collect', 'Why we need it', 'Our lawful basis', 'How long we keep it', 'Your rights', 'Contact us']) {
      expect(text).toContain(heading);
    }
    expect(text).toContain('public task');
    expect(text).toContain('mailto:help@libraries.example.org');
  });

  test('the cookies page names the one session cookie and how long it lasts, and says there are no analytics cookies', async () => {
    const { text } = await supertest(t.app).get('/cookies').expect(200);
    expect(text).toContain('<code>lmep.sid</code>');
    expect(text).toContain('After 30 minutes without using the portal, and always 8 hours after you sign in');
    expect(text).toContain('uses one cookie');
    expect(text).toContain('We do not use cookies to measure how you use the portal');
  });

  test('the contact page gives the configured email address and the way to reset a password', async () => {
    const { text } = await supertest(t.app).get('/contact').expect(200);
    expect(text).toContain('<a class="govuk-link" href="mailto:help@libraries.example.org">help@libraries.example.org</a>');
    expect(text).toContain('href="/password-reset"');
  });

  test('the service status page says in words that the portal is working; /healthz stays for monitoring', async () => {
    const res = await supertest(t.app).get('/status').expect(200);
    expect(res.text).toContain('The portal is working normally.');
    expect(res.headers['cache-control']).toBe('no-store');
    expect((await supertest(t.app).get('/healthz').expect(200)).body).toEqual({ status: 'ok', db: 'up' });
  });
});

describe('branding on every page', () => {
  test('no page, signed in or not, shows the crown or Crown copyright; each has the footer links and its own favicon', async () => {
    const pages = listRoutes(t.app)
      .filter((r) => r.method === 'GET' && !r.path.includes(':') && !/^\/(api|govuk|assets|static|healthz)\b/.test(r.path))
      .map((r) => r.path);
    expect(pages).toEqual(expect.arrayContaining(['/', '/login', '/register', '/tenders', ...HELP_PAGES]));
    const visitors = [
      supertest.agent(t.app),
      (await signedInAs(t.app, (await createOfficer(t.auth, 'camden')).email)).agent,
      (await registeredSupplier(t.app)).agent,
    ];
    let checked = 0;
    for (const visitor of visitors) {
      for (const path of [...pages, '/no-such-page']) {
        const res = await visitor.get(path);
        if (!/text\/html/.test(String(res.headers['content-type'])) || res.status === 303) continue;
        expectOwnBranding(path, res.text);
        expectLandmarksAndFooter(path, res.text);
        expect(res.text).toContain('href="/static/favicon.svg"');
        checked += 1;
      }
    }
    expect(checked).toBeGreaterThan(20);
    await supertest(t.app).get('/static/favicon.svg').expect(200).expect('Content-Type', /svg/);
  });
});
