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
    // The filter form sends every field, those left on "All" empty: what was chosen still applies.
    await page.getByLabel('Status').selectOption('withdrawn');
    await Promise.all([page.waitForURL(/status=withdrawn/), page.getByRole('button', { name: 'Apply filters' }).click()]);
    expect(await page.getByRole('heading', { name: /^Organisations/ }).innerText()).toBe('Organisations (0)');
    await expect(page.getByLabel('Status').inputValue()).resolves.toBe('withdrawn');
    await expect(page.locator('.govuk-error-message').count()).resolves.toBe(0);
    expect(problems.list).toEqual([]);
  });

  test('a visitor filters the public list by borough with the filter form', async () => {
    const { page, problems } = await suite.openPage();
    await page.goto('/tenders');
    await expect(page.getByRole('status').innerText()).resolves.toMatch(/^1 exercise found/);
    await page.getByLabel('Borough').selectOption('hackney');
    await Promise.all([page.waitForURL(/borough=hackney/), page.getByRole('button', { name: 'Apply filters' }).click()]);
    await expect(page.getByRole('status').innerText()).resolves.toMatch(/^0 exercises found/);
    await expect(page.getByLabel('Borough').inputValue()).resolves.toBe('hackney');
    await expect(page.locator('.govuk-error-message').count()).resolves.toBe(0);
    expect(problems.list).toEqual([]);
  });
});
