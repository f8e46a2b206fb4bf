import { seedDemo } from '../../src/demo';
import { startTestApp, type TestApp } from '../helpers/app';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
}, 60_000);
afterAll(async () => t.close());

test("seed-demo: Hackney's weak third-sector response fires share and conversion gap, with decisions and you said, we did", async () => {
  await seedDemo(t);
  const officer = (await t.auth.findByEmail('officer@hackney.example.org'))!;
  const tender = (await t.tenders.list({ borough: 'hackney', status: 'published' }, officer)).items[0]!;
  const a = await t.reports.analysisFor(tender.id, officer);
  const fired = Object.fromEntries(a.rules.map((r) => [r.id, r.fired]));
  expect(fired.share).toBe(true);
  expect(fired.conversion_gap).toBe(true);
  expect(a.decisions.length).toBeGreaterThanOrEqual(2);
  expect(await t.reports.youSaidWeDidFor(tender.id)).not.toBeNull();
  // Running it again changes nothing.
  await seedDemo(t);
  expect((await t.reports.analysisFor(tender.id, officer)).decisions).toHaveLength(a.decisions.length);
}, 240_000);
