import { signedInAs, startTestApp, testClock, type TestApp } from '../helpers/app';
import { createOfficer } from '../helpers/factories';
import { fillIn } from '../helpers/forms';
import { buildMarket, type Market } from '../helpers/market';

const HOSTILE = '"><script>alert(1)</script><img src=x onerror=alert(2)>';
const clock = testClock('2027-01-10T09:00:00.000Z');
let t: TestApp;
let market: Market;

beforeAll(async () => {
  t = await startTestApp({ tenders: { now: clock.now }, questionnaires: { now: clock.now } });
  market = await buildMarket(t, {
    interests: { private: 3, public: 2, voluntary: 2, social_enterprise: 1 },
    started: { private: 2, public: 1, voluntary: 2 },
    submitted: { private: 2, public: 1, voluntary: 1 },
    tender: {
      clarificationDeadline: '2027-02-01T12:00:00.000Z',
      eoiDeadline: '2027-02-15T12:00:00.000Z',
      questionnaireDeadline: '2027-03-01T12:00:00.000Z',
    },
    // A private company giving a charity number: a sector-check warning, listed by name on the dashboard.
    name: (sector, i) => (sector === 'private' && i === 0 ? HOSTILE : undefined),
    organisation: (sector, i) => (sector === 'private' && i === 0 ? { identifiers: [{ scheme: 'GB-CHC', id: '1098765' }] } : undefined),
  });
}, 120_000);
afterAll(async () => t.close());
beforeEach(() => clock.set('2027-02-03T12:00:00.000Z'));

describe('the officer dashboard /tenders/:id/analysis', () => {
  test('headline figures, the third-sector panel in plain English, charts with tables, download link', async () => {
    const res = await market.officer.agent.get(`/tenders/${market.tenderId}/analysis`).expect(200);
    const html = res.text;
    expect(html).toContain('<h1 class="govuk-heading-l">Sector analysis</h1>');
    // The date filter says "(UK time)" itself: the page does not say it twice.
    expect(html).toMatch(/Figures at \d{1,2} \w+ \d{4}, [^<(]*\(UK time\)\. Questions/);
    expect(html).not.toContain('(UK time) (UK time)');
    expect(html).toMatch(/id="headline-interests">8</);
    expect(html).toMatch(/id="headline-submitted">4</);
    expect(html).toMatch(/id="headline-share">37.5%</);
    expect(html).toContain('The third-sector response is weak');
    // share 3/8 = 37.5% ≥ 30% target: no problem; gap: other 3/5 = 60%, third 1/3 = 33.3%: 26.7 points, fires; volume 3: no problem.
    expect(html).toMatch(
      /id="rule-share">[\s\S]*?No problem[\s\S]*?37.5% of interests are from the third sector \(3 of 8\)\. That meets this exercise’s target of 30%\./,
    );
    expect(html).toMatch(
      /id="rule-conversion_gap">[\s\S]*?Problem[\s\S]*?a gap of 26.7 percentage points\. That is at or above the threshold of 15 percentage points\./,
    );
    expect(html).toMatch(/id="rule-volume">[\s\S]*?No problem/);
    expect(html).toContain('3 of 8 interests are from the third sector; 12 days left');
    expect(html).toContain('bidder-support session');
    // Charts: accessible SVG, each followed by its table.
    expect(html.match(/<svg [^>]*role="img"/g)).toHaveLength(2);
    expect(html).toContain('<title id="sector-chart-title">');
    expect(html).toContain('<desc id="barrier-chart-desc">');
    expect(html.indexOf('id="sector-table"')).toBeGreaterThan(html.indexOf('sector-chart-title'));
    expect(html.indexOf('id="barrier-table"')).toBeGreaterThan(html.indexOf('barrier-chart-title'));
    expect(html).toContain(`href="/api/v1/tenders/${market.tenderId}/report.xlsx"`);
    expect(html).toContain('consider smaller lots or a lot for community-managed libraries');
    expect(html).toContain('id="lot-table"');
    expect(html).toContain('id="outreach-table"');
    expect(html).toContain('id="question-likelihood_to_bid"');
    expect(html).toContain('class="app-table-scroll"');
    // No free text of any answer on the dashboard.
    expect(html).not.toContain('We run services like this');
    // No script of our own is needed: the page has no script but the layout's.
    expect(html).not.toContain('onclick');
  });

  test('a hostile organisation name is shown as text', async () => {
    const res = await market.officer.agent.get(`/tenders/${market.tenderId}/analysis`).expect(200);
    expect(res.text).not.toContain('<script>alert(1)</script>');
    expect(res.text).not.toContain('<img src=x');
    expect(res.text).toContain('&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;');
  });

  test('linked from the exercise page and the responses page, for the borough’s officers only', async () => {
    const show = await market.officer.agent.get(`/tenders/${market.tenderId}`).expect(200);
    expect(show.text).toContain(`href="/tenders/${market.tenderId}/analysis"`);
    const responses = await market.officer.agent.get(`/tenders/${market.tenderId}/responses`).expect(200);
    expect(responses.text).toContain(`href="/tenders/${market.tenderId}/analysis"`);
    const supplierView = await market.members[0]!.agent.get(`/tenders/${market.tenderId}`).expect(200);
    expect(supplierView.text).not.toContain(`/tenders/${market.tenderId}/analysis`);
    await market.members[0]!.agent.get(`/tenders/${market.tenderId}/analysis`).expect(403);
    const camden = await signedInAs(t.app, (await createOfficer(t.auth, 'camden')).email);
    await camden.agent.get(`/tenders/${market.tenderId}/analysis`).expect(404);
  });

  test('a decision is recorded through the form, with errors per field, and shown on the dashboard', async () => {
    const path = `/tenders/${market.tenderId}/decisions/contract_size`;
    const bad = await fillIn(market.officer.agent, path, { text: '' });
    expect(bad.status).toBe(422);
    expect(bad.text).toContain('There is a problem');
    expect(bad.text).toContain('Choose whether you will change something because of this barrier');
    const ok = await fillIn(market.officer.agent, path, { decision: 'change', text: 'A lot for <community> libraries.' });
    expect(ok.status).toBe(303);
    expect(ok.headers.location).toBe(`/tenders/${market.tenderId}/analysis#decisions`);
    const page = await market.officer.agent.get(`/tenders/${market.tenderId}/analysis`).expect(200);
    expect(page.text).toContain('A lot for &lt;community&gt; libraries.');
    expect(page.text).toContain('We will change this');
    await market.officer.agent.get(`/tenders/${market.tenderId}/decisions/not_a_barrier`).expect(404);
  });

  test('you said, we did through the form', async () => {
    const path = `/tenders/${market.tenderId}/you-said-we-did`;
    const bad = await fillIn(market.officer.agent, path, { youSaid: '', weDid: '' });
    expect(bad.status).toBe(422);
    const ok = await fillIn(market.officer.agent, path, { youSaid: 'Too big.', weDid: 'Smaller lots.' });
    expect(ok.status).toBe(303);
    const page = await market.officer.agent.get(`/tenders/${market.tenderId}/analysis`).expect(200);
    expect(page.text).toContain('Smaller lots.');
  });
});
