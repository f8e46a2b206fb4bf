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
import { createOfficer, tenderBodyNextYear } from '../helpers/factories';

const describeInBrowser = chromiumAvailable() ? describe : describe.skip;

describeInBrowser('the questionnaire builder and responses in a real browser (Chromium)', () => {
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
    const created = await officer.agent.post('/api/v1/tenders').set('X-CSRF-Token', officer.csrfToken).send(tenderBodyNextYear());
    exerciseId = created.body.id as string;
  }, 60_000);

  afterAll(async () => {
    await Promise.all(contexts.map((c) => c.close()));
    await browser?.close();
    await server?.close();
    await t?.close();
  });

  async function officerPage(): Promise<{ page: Page; problems: PageProblems }> {
    const opened = await openPage(browser, server.baseUrl, contexts);
    await signInThroughPage(opened.page, officerEmail, STRONG_PASSWORD);
    return opened;
  }

  test('an officer starts from the template, adds a question, previews it and sees the responses page', async () => {
    const { page, problems } = await officerPage();
    await page.goto(`/tenders/${exerciseId}`);
    await Promise.all([page.waitForURL('**/questionnaire/edit'), page.getByRole('link', { name: 'Questionnaire', exact: true }).click()]);
    await Promise.all([page.waitForLoadState('load'), page.getByRole('button', { name: 'Use the library services template' }).click()]);
    const builder = await page.locator('main').innerText();
    expect(builder).toContain('What might stop you bidding');
    const before = await page.getByRole('button', { name: /^Remove/ }).count();

    await page
      .getByRole('link', { name: /^Add a question/ })
      .first()
      .click();
    await page.waitForLoadState('load');
    await page.getByLabel('Question', { exact: true }).fill('Do you already run a library?');
    await page.locator('input[name="type"][value="yesno"]').check();
    await Promise.all([page.waitForLoadState('load'), page.getByRole('button', { name: /^(Add|Save) question/ }).click()]);
    expect(await page.locator('main').innerText()).toContain('Do you already run a library?');
    expect(await page.getByRole('button', { name: /^Remove/ }).count()).toBeGreaterThan(before);

    await page.goto(`/tenders/${exerciseId}/questionnaire/preview`);
    expect(await page.locator('main').innerText()).toContain('Do you already run a library?');
    await page.screenshot({ path: '/tmp/e2e-builder-preview.png', fullPage: true });

    await page.goto(`/tenders/${exerciseId}/responses`);
    expect(await page.locator('h1').innerText()).toMatch(/responses/i);
    await page.screenshot({ path: '/tmp/e2e-responses.png', fullPage: true });
    expect(problems.list).toEqual([]);
  });
});
