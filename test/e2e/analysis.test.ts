import { signedInAs } from '../helpers/app';
import { browserSuite, describeInBrowser } from '../helpers/browser';
import { createOfficer } from '../helpers/factories';
import { BULLETIN_MARKET, buildMarket, type Market } from '../helpers/market';

describeInBrowser('the sector analysis dashboard in a real browser (Chromium)', () => {
  const suite = browserSuite();
  let market: Market;
  let officerEmail: string;

  beforeAll(async () => {
    officerEmail = (await createOfficer(suite.t.auth, 'hackney')).email;
    market = await buildMarket(suite.t, { ...BULLETIN_MARKET, officer: await signedInAs(suite.t.app, officerEmail) });
  }, 180_000);

  test.each([
    ['at 320 px, without JavaScript', { viewport: { width: 320, height: 800 }, javaScriptEnabled: false }],
    ['at 1024 px', { viewport: { width: 1024, height: 800 } }],
  ])(
    'usable %s: no sideways scrolling of the page, charts fit, no problems',
    async (_name, options) => {
      const { page, problems } = await suite.signedInPage(officerEmail, options);
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
