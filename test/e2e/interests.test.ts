import { signedInAs } from '../helpers/app';
import { browserSuite, describeInBrowser } from '../helpers/browser';
import { createOfficer, publishedExercise, registeredSupplier, tenderBodyNextYear } from '../helpers/factories';

describeInBrowser('expressions of interest in a real browser (Chromium)', () => {
  const suite = browserSuite();
  let exerciseId: string;
  let officerEmail: string;

  beforeAll(async () => {
    officerEmail = (await createOfficer(suite.t.auth, 'camden')).email;
    const officer = await signedInAs(suite.t.app, officerEmail);
    exerciseId = await publishedExercise(officer, { tender: tenderBodyNextYear({ title: 'Library outreach for older readers' }) });
  });

  for (const javaScriptEnabled of [true, false]) {
    test(`a charity expresses interest from the exercise page (JavaScript ${javaScriptEnabled ? 'on' : 'off'})`, async () => {
      const supplier = await registeredSupplier(suite.t.app, {
        organisation: {
          name: `Friends ${javaScriptEnabled ? 'A' : 'B'}`,
          sector: 'voluntary',
          legalForm: 'registered_charity',
          size: 'micro',
          identifiers: [],
        },
      });
      const { page, problems } = await suite.signedInPage(supplier.email, { javaScriptEnabled });
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
    const { page, problems } = await suite.signedInPage(officerEmail);
    await page.goto(`/tenders/${exerciseId}`);
    await Promise.all([page.waitForURL(`**/interests`), page.getByRole('link', { name: /Expressions of interest/ }).click()]);
    const counts = await page.locator('#counts').innerText();
    expect(counts).toMatch(/Voluntary and community sector\s+2\s+100%/);
    await page.screenshot({ path: '/tmp/e2e-interests-officer.png', fullPage: true });
    expect(problems.list).toEqual([]);
  });
});
