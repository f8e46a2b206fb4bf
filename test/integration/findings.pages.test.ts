import { apiClient, signedInAs, startTestApp, STRONG_PASSWORD, type TestApp } from '../helpers/app';
import { registeredSupplier, uniqueEmail } from '../helpers/factories';
import {
  ALL_CANARIES,
  expressInterest,
  findingsClock,
  officerOf,
  publishedExercise,
  submitResponse,
  suppliers,
  type Client,
} from '../helpers/findings';

// A threshold of 3 (SDC_THRESHOLD) keeps the market small: counts of 1 and 2 are withheld.
const clock = findingsClock();
let t: TestApp;
let programme: Client;
const officers: Record<string, Client> = {};
const exercises: Record<string, { id: string; lotIds: string[] }> = {};

beforeAll(async () => {
  t = await startTestApp({ config: { SDC_THRESHOLD: '3' }, tenders: { now: clock.now }, questionnaires: { now: clock.now } });
  const user = await t.auth.createUser({
    role: 'programme',
    email: uniqueEmail('programme'),
    password: STRONG_PASSWORD,
    name: 'Pat Programme',
  });
  programme = await signedInAs(t.app, user.email);
  for (const b of ['camden', 'hackney', 'lambeth']) {
    officers[b] = await officerOf(t, b);
    exercises[b] = await publishedExercise(officers[b]!);
  }
}, 120_000);
afterAll(async () => t?.close());

test('before any borough shares, the page gives the reason and counts only', async () => {
  const res = await programme.agent.get('/findings');
  expect(res.status).toBe(200);
  expect(res.text).toContain('No findings are published yet');
  expect(res.text).toContain('No borough shares findings yet. Findings are published once at least 3 boroughs contribute');
  expect(res.text).toMatch(/0 exercises from 0 boroughs/);
  expect(res.text).not.toContain('Download the findings');
});

test('the programme team’s dashboard links to the findings; suppliers are refused and anonymous users sent to sign in', async () => {
  const dashboard = await programme.agent.get('/dashboard');
  expect(dashboard.text).toContain('href="/findings"');
  const supplier = await registeredSupplier(t.app);
  expect((await supplier.agent.get('/findings')).status).toBe(403);
  const anonymous = await apiClient(t.app);
  const res = await anonymous.agent.get('/findings');
  expect(res.status).toBe(303);
  expect(res.headers.location).toMatch(/^\/login\?next=/);
});

test('officers switch sharing on the exercise page; only their own borough’s exercise has the form', async () => {
  const own = await officers.camden!.agent.get(`/tenders/${exercises.camden!.id}`);
  expect(own.text).toContain('Stop sharing findings');
  const other = await officers.hackney!.agent.get(`/tenders/${exercises.camden!.id}`);
  expect(other.text).not.toContain(`action="/tenders/${exercises.camden!.id}/sharing"`);

  const token = own.text.match(/name="_csrf" value="([^"]+)"/)![1]!;
  const off = await officers
    .camden!.agent.post(`/tenders/${exercises.camden!.id}/sharing`)
    .type('form')
    .send({ _csrf: token, shareFindings: 'no' });
  expect(off.status).toBe(303);
  expect(off.headers.location).toBe(`/tenders/${exercises.camden!.id}#sharing`);
  const after = await officers.camden!.agent.get(`/tenders/${exercises.camden!.id}`);
  expect(after.text).toContain('no longer counts towards the London findings');
  expect(after.text).toMatch(/Share anonymised findings\s*<\/button>/);
  const tender = await officers.camden!.agent.get(`/api/v1/tenders/${exercises.camden!.id}`);
  expect(tender.body.shareFindings).toBe(false);
  const events = await t.audit.events.find({ action: 'tender.sharing.change' }).lean();
  expect(events.map((e) => e.detail)).toEqual(['off']);
  const on = await officers
    .camden!.agent.post(`/tenders/${exercises.camden!.id}/sharing`)
    .type('form')
    .send({ _csrf: token, shareFindings: 'yes' });
  expect(on.status).toBe(303);
  const bad = await officers
    .camden!.agent.post(`/tenders/${exercises.camden!.id}/sharing`)
    .type('form')
    .send({ _csrf: token, shareFindings: 'maybe' });
  expect(bad.status).toBe(422);
});

describe('once three boroughs contribute', () => {
  beforeAll(async () => {
    const priv = await suppliers(t, 'private', 2);
    const vol = await suppliers(t, 'voluntary', 2);
    const se = await suppliers(t, 'social_enterprise', 1);
    // Interests: 6 private, 6 voluntary, 3 social enterprise; submitted: 6 private and 1 social enterprise (camden).
    for (const b of ['camden', 'hackney', 'lambeth']) {
      for (const org of [...priv, ...vol, ...se]) await expressInterest(org, exercises[b]!);
      for (const org of priv) await submitResponse(org, exercises[b]!.id);
    }
    await submitResponse(se[0]!, exercises.camden!.id);
    clock.set('2027-02-20T09:00:00.000Z');
  }, 300_000);

  test('the page shows tables, a chart with its table, withheld figures in words with why, what contributes and a download', async () => {
    const res = await programme.agent.get('/findings');
    expect(res.status).toBe(200);
    const page = res.text;
    expect(page).toContain('3 exercises from 3 boroughs');
    expect(page).toContain('href="/api/v1/findings.xlsx"');
    expect(page).toMatch(/<svg[^>]*role="img"[^>]*aria-labelledby="sector-chart-title sector-chart-desc"/);
    expect(page).toMatch(/<svg[^>]*viewBox="0 0 \d+ \d+"[^>]*width="100%"/);
    const row = (label: string) => page.slice(page.indexOf(`>${label}</th>`), page.indexOf('</tr>', page.indexOf(`>${label}</th>`)));
    // The single social-enterprise submission is fewer than 3; private submissions (6) are withheld so it cannot be worked out.
    expect(row('Social enterprise (CICs, community benefit societies, co-operatives, mutuals)')).toMatch(
      />3<\/td>[\s\S]*fewer than 3<span class="govuk-visually-hidden"> \(why it is withheld\)<\/span><\/a>/,
    );
    expect(row('Private sector')).toMatch(/>6<\/td>[\s\S]*>withheld<span class="govuk-visually-hidden">/);
    expect(page).toMatch(/id="london-baseline">The third sector made <strong>60%<\/strong>/);
    expect(page).toContain('id="why-withheld"');
    expect(page).toContain('Any count from 1 to 2 is withheld and shown as “fewer than 3”');
    expect(page).not.toMatch(/>1<\/td>/);
    for (const canary of ALL_CANARIES) expect([canary, page.includes(canary)]).toEqual([canary, false]);
    // No borough's name beside a figure.
    for (const borough of ['Camden', 'Hackney', 'Lambeth']) expect([borough, page.includes(borough)]).toEqual([borough, false]);
  });

  test('officers see the London findings too, and their exercise’s analysis shows the London baseline', async () => {
    expect((await officers.hackney!.agent.get('/findings')).status).toBe(200);
    const analysis = await officers.camden!.agent.get(`/tenders/${exercises.camden!.id}/analysis`);
    expect(analysis.status).toBe(200);
    // 9 of 15 interests across London came from the third sector.
    expect(analysis.text).toMatch(/id="london-baseline"[\s\S]*?60% \(<a class="govuk-link" href="\/findings">/);
  });
});
