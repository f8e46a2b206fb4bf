import { seedDemo } from '../../src/demo';
import { startTestApp, type TestApp } from '../helpers/app';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
}, 60_000);
afterAll(async () => t.close());

test('seed-demo: four boroughs share closed exercises, so the London findings are published with some figures withheld', async () => {
  await seedDemo(t);
  const report = await t.findings.report();
  expect(report).toMatchObject({ published: true, reason: null, boroughs: 4, exercises: 4 });
  const cells = [
    ...report.sectors.flatMap((s) => [s.interests, s.submitted]),
    ...report.barriers.flatMap((b) => Object.values(b.bySector)),
    ...report.heardVia.flatMap((h) => Object.values(h.bySector)),
  ];
  expect(cells.some((c) => c.rule === 'threshold')).toBe(true);
  expect(cells.some((c) => !c.suppressed && (c.value ?? 0) >= 10)).toBe(true);
  // Running it again adds nothing.
  await seedDemo(t);
  expect((await t.findings.report()).exercises).toBe(4);
}, 300_000);
