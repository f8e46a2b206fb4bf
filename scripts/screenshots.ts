/**
 * Takes the README's screenshots from a running portal filled by `npm run cli -- seed-demo`:
 *   npm run cli -- seed-demo && npm start            (in one terminal)
 *   npx tsx scripts/screenshots.ts [http://localhost:3000]
 * Writes docs/screenshots/*.png. Chromium comes from CHROMIUM_PATH or /usr/bin/chromium.
 */
import path from 'node:path';
import { chromium, type Page } from 'playwright-core';
import { DEMO_PASSWORD } from '../src/demo/seed';

const base = process.argv[2] ?? 'http://localhost:3000';
const out = path.join(__dirname, '..', 'docs', 'screenshots');

async function signIn(page: Page, email: string): Promise<void> {
  await page.goto('/login');
  await page.getByLabel('Email address').fill(email);
  await page.getByLabel('Password').fill(DEMO_PASSWORD);
  await Promise.all([page.waitForURL('**/dashboard'), page.getByRole('button', { name: 'Sign in', exact: true }).click()]);
}

async function main(): Promise<void> {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run'],
  });
  try {
    // 1. The public list of exercises, as anyone sees it.
    const visitor = await (await browser.newContext({ baseURL: base, viewport: { width: 1024, height: 900 } })).newPage();
    await visitor.goto('/tenders?sort=closing');
    await visitor.screenshot({ path: path.join(out, 'exercises.png') });

    // 2. An officer's sector analysis of one of the demo exercises.
    const officer = await (await browser.newContext({ baseURL: base, viewport: { width: 1024, height: 1100 } })).newPage();
    await signIn(officer, 'officer@camden.example.org');
    await officer.goto('/dashboard');
    const links = await officer.locator('main a').evaluateAll((as) => as.map((a) => a.getAttribute('href') ?? ''));
    const exercise = links.find((href) => /^\/tenders\/[0-9a-f]{24}$/.test(href)) ?? '/tenders';
    await officer.goto(`${exercise}/analysis`);
    await officer.screenshot({ path: path.join(out, 'analysis.png') });

    // 3. The exercise that closes soonest, on a phone 320 pixels wide.
    const phone = await (
      await browser.newContext({ baseURL: base, viewport: { width: 320, height: 1000 }, deviceScaleFactor: 2 })
    ).newPage();
    await phone.goto('/tenders?sort=closing');
    const listed = await phone.locator('main a').evaluateAll((as) => as.map((a) => a.getAttribute('href') ?? ''));
    await phone.goto(listed.find((href) => /^\/tenders\/[0-9a-f]{24}$/.test(href)) ?? '/tenders');
    await phone.screenshot({ path: path.join(out, 'exercise-phone.png') });
  } finally {
    await browser.close();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
