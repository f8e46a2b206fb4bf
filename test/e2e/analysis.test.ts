import type { Browser, BrowserContext } from 'playwright-core';
import { signedInAs, startTestApp, STRONG_PASSWORD, type TestApp } from '../helpers/app';
import { chromiumAvailable, launchChromium, listen, openPage, signInThroughPage, type ListeningApp } from '../helpers/browser';
import { createOfficer } from '../helpers/factories';
import { BULLETIN_MARKET, buildMarket, type Market } from '../helpers/market';

const describeInBrowser = chromiumAvailable() ? describe : describe.skip;

describeInBrowser('the sector analysis dashboard in a real browser (Chromium)', () => {
  let t: TestApp;
  let server: ListeningApp;
  let browser: Browser;
  let market: Market;
  let officerEmail: string;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    t = await startTestApp();
    server = await listen(t.app);
    browser = await launchChromium();
    officerEmail = (await createOfficer(t.auth, 'hackney')).email;
    market = await buildMarket(t, { ...BULLETIN_MARKET, officer: await signedInAs(t.app, officerEmail) });
  }, 180_000);

  afterAll(async () => {
    await Promise.all(contexts.map((c) => c.close()));
    await browser?.close();
    await server?.close();
    await t?.close();
  });

  test.each([
    ['at 320 px, without JavaScript', { viewport: { width: 320, height: 800 }, javaScriptEnabled: false }],
    ['at 1024 px', { viewport: { width: 1024, height: 800 } }],
  ])(
    'usable %s: no sideways scrolling of the page, charts fit, no problems',
    async (_name, options) => {
      const { page, problems } = await openPage(browser, server.baseUrl, contexts, options);
      await signInThroughPage(page, officerEmail, STRONG_PASSWORD);
      await page.goto(`/tenders/${market.tenderId}/analysis`);
      await page.getByRole('heading', { name: 'Third-sector response' }).waitFor();
      const overflow = await page.evaluate('document.documentElement.scrollWidth - document.documentElement.clientWidth');
      expect(overflow).toBeLessThanOrEqual(0);
      const chartWidths = (await page.evaluate(
        `[...document.querySelectorAll('.app-chart svg')].map((s) => s.getBoundingClientRect().width)`,
      )) as number[];
      expect(chartWidths).toHaveLength(2);
      for (const w of chartWidths) expect(w).toBeLessThanOrEqual(options.viewport.width);
      expect(await page.getByRole('img', { name: 'Interests and questionnaire responses by sector' }).count()).toBe(1);
      expect(problems.list).toEqual([]);
    },
    60_000,
  );
});
