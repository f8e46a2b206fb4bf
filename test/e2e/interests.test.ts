import type { Browser, BrowserContext, Page } from 'playwright-core';
import { signedInAs, startTestApp, STRONG_PASSWORD, type TestApp } from '../helpers/app';
import {
  chromiumAvailable,
  launchChromium,
  listen,
  openPage,
  signInThroughPage,
  type ListeningApp,
  type PageProblems,
} from '../helpers/browser';
import { createOfficer, registeredSupplier, tenderBodyNextYear } from '../helpers/factories';

const describeInBrowser = chromiumAvailable() ? describe : describe.skip;

describeInBrowser('expressions of interest in a real browser (Chromium)', () => {
  let t: TestApp;
  let server: ListeningApp;
  let browser: Browser;
  let exerciseId: string;
  let officerEmail: string;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    t = await startTestApp();
    server = await listen(t.app);
    browser = await launchChromium();
    officerEmail = (await createOfficer(t.auth, 'camden')).email;
    const officer = await signedInAs(t.app, officerEmail);
    const created = await officer.agent
      .post('/api/v1/tenders')
      .set('X-CSRF-Token', officer.csrfToken)
      .send(tenderBodyNextYear({ title: 'Library outreach for older readers' }));
    exerciseId = created.body.id as string;
    await officer.agent.post(`/api/v1/tenders/${exerciseId}/publish`).set('X-CSRF-Token', officer.csrfToken).expect(200);
  }, 60_000);

  afterEach(async () => {
    await Promise.all(contexts.splice(0).map((c) => c.close()));
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await t?.close();
  });

  async function signedInPage(email: string, javaScriptEnabled = true): Promise<{ page: Page; problems: PageProblems }> {
    const opened = await openPage(browser, server.baseUrl, contexts, { javaScriptEnabled });
    await signInThroughPage(opened.page, email, STRONG_PASSWORD);
    return opened;
  }

  for (const javaScriptEnabled of [true, false]) {
    test(`a charity expresses interest from the exercise page (JavaScript ${javaScriptEnabled ? 'on' : 'off'})`, async () => {
      const supplier = await registeredSupplier(t.app, {
        organisation: {
          name: `Friends ${javaScriptEnabled ? 'A' : 'B'}`,
          sector: 'voluntary',
          legalForm: 'registered_charity',
          size: 'micro',
          identifiers: [],
        },
      });
      const { page, problems } = await signedInPage(supplier.email, javaScriptEnabled);
      await page.goto(`/tenders/${exerciseId}`);
      await Promise.all([
        page.waitForURL(`**/tenders/${exerciseId}/interest`),
        page.getByRole('button', { name: 'Express interest' }).click(),
      ]);

      // Sending the form empty shows the error summary.
      await Promise.all([page.waitForLoadState('load'), page.getByRole('button', { name: 'Express interest' }).click()]);
      await page.waitForSelector('.govuk-error-summary');
      await page.getByLabel('Home library service').check();
      await page.locator('input[name="consortium"][value="no"]').check();
      await page.locator('input[name="willingToPartner"][value="yes"]').check();
      const other = page.getByLabel('Where did you hear about it?');
      if (javaScriptEnabled) await expect(other.isVisible()).resolves.toBe(false);
      await page.getByLabel('Somewhere else').check();
      await expect(other.isVisible()).resolves.toBe(true);
      await other.fill('A poster in the library');
      await Promise.all([
        page.waitForURL(`**/tenders/${exerciseId}/interest`),
        page.getByRole('button', { name: 'Express interest' }).click(),
      ]);
      const text = await page.locator('main').innerText();
      expect(text).toContain('Your organisation is interested');
      expect(text).toContain('Somewhere else: A poster in the library');
      await page.screenshot({ path: `/tmp/e2e-interest-${javaScriptEnabled ? 'js' : 'nojs'}.png`, fullPage: true });
      expect(problems.list).toEqual([]);
    });
  }

  test('the officer sees the interests by sector', async () => {
    const { page, problems } = await signedInPage(officerEmail);
    await page.goto(`/tenders/${exerciseId}`);
    await Promise.all([page.waitForURL(`**/interests`), page.getByRole('link', { name: /Expressions of interest/ }).click()]);
    const counts = await page.locator('#counts').innerText();
    expect(counts).toMatch(/Voluntary and community sector\s+2\s+100%/);
    await page.screenshot({ path: '/tmp/e2e-interests-officer.png', fullPage: true });
    expect(problems.list).toEqual([]);
  });
});
