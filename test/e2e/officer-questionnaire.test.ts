import { signedInAs } from '../helpers/app';
import { axeProblems } from '../helpers/axe';
import { browserSuite, describeInBrowser } from '../helpers/browser';
import { createOfficer, draftExercise, tenderBodyNextYear } from '../helpers/factories';

describeInBrowser('the questionnaire builder and responses in a real browser (Chromium)', () => {
  // axe runs its script in the page: the test's browser bypasses the page's CSP for it.
  const suite = browserSuite({ context: { bypassCSP: true } });
  let exerciseId: string;
  let officerEmail: string;

  beforeAll(async () => {
    officerEmail = (await createOfficer(suite.t.auth, 'camden')).email;
    const officer = await signedInAs(suite.t.app, officerEmail);
    exerciseId = await draftExercise(officer, tenderBodyNextYear());
  });

  test('an officer starts from the template, adds a question, previews it and sees the responses page', async () => {
    const { page, problems } = await suite.signedInPage(officerEmail);
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
    const after = await page.getByRole('button', { name: /^Remove/ }).count();
    expect(after).toBeGreaterThan(before);

    // Remove asks first, on a page of its own; going back changes nothing, confirming removes the question.
    const removeNew = page.locator('.app-result', { hasText: 'Do you already run a library?' }).getByRole('button', { name: /^Remove/ });
    await Promise.all([page.waitForURL('**/questions/*/remove'), removeNew.click()]);
    expect(await page.locator('h1').innerText()).toBe('Are you sure you want to remove ‘Do you already run a library?’?');
    expect(await axeProblems(page)).toEqual([]);
    await Promise.all([
      page.waitForURL('**/questionnaire/edit#q-*'),
      page.getByRole('link', { name: 'Go back without removing it' }).click(),
    ]);
    expect(await page.getByRole('button', { name: /^Remove/ }).count()).toBe(after);
    await Promise.all([page.waitForURL('**/questions/*/remove'), removeNew.click()]);
    await Promise.all([page.waitForURL('**/questionnaire/edit'), page.getByRole('button', { name: 'Remove the question' }).click()]);
    expect(await page.locator('main').innerText()).toContain('“Do you already run a library?” is removed.');
    await page
      .getByRole('link', { name: /^Add a question/ })
      .first()
      .click();
    await page.waitForLoadState('load');
    await page.getByLabel('Question', { exact: true }).fill('Do you already run a library?');
    await page.locator('input[name="type"][value="yesno"]').check();
    await Promise.all([page.waitForLoadState('load'), page.getByRole('button', { name: /^(Add|Save) question/ }).click()]);

    await page.goto(`/tenders/${exerciseId}/questionnaire/preview`);
    expect(await page.locator('main').innerText()).toContain('Do you already run a library?');
    await page.screenshot({ path: '/tmp/e2e-builder-preview.png', fullPage: true });

    await page.goto(`/tenders/${exerciseId}/responses`);
    expect(await page.locator('h1').innerText()).toMatch(/responses/i);
    await page.screenshot({ path: '/tmp/e2e-responses.png', fullPage: true });
    expect(problems.list).toEqual([]);
  });
});
