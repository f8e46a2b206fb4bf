import type { Page } from 'playwright-core';
import { signedInAs } from '../helpers/app';
import { browserSuite, describeInBrowser, untilInPage, type OpenedPage } from '../helpers/browser';
import { createOfficer, interestedSupplier, publishedExercise, sampleQuestionnaire, tenderBodyNextYear } from '../helpers/factories';
import { samplePdf } from '../helpers/sample-files';

/** Two sections: a condition on a yes/no and one on a choice in a list, and a file. */
const questionnaire = sampleQuestionnaire({ only: ['experience', 'tupe', 'pensions', 'barriers', 'other_barrier', 'statement'] });

describeInBrowser('answering a questionnaire in a real browser (Chromium)', () => {
  const suite = browserSuite();
  let exerciseId: string;

  beforeAll(async () => {
    const officer = await signedInAs(suite.t.app, (await createOfficer(suite.t.auth, 'camden')).email);
    exerciseId = await publishedExercise(officer, {
      tender: tenderBodyNextYear({ title: 'Library services for the east of the borough' }),
      questionnaire,
    });
  });

  async function interestedSupplierPage(name: string, javaScriptEnabled: boolean): Promise<OpenedPage> {
    const supplier = await interestedSupplier(suite.t.app, exerciseId, { name });
    return suite.signedInPage(supplier.email, { javaScriptEnabled });
  }

  const clickAndWait = (page: Page, url: string | RegExp, name: string) =>
    Promise.all([page.waitForURL(url), page.getByRole('button', { name, exact: true }).click()]);

  test('with JavaScript on, a conditional question appears and disappears as the answer changes, without a reload', async () => {
    const { page, problems } = await interestedSupplierPage('Friends of Bow Library', true);
    await Promise.all([
      page.waitForURL(`**/tenders/${exerciseId}/response`),
      page.getByRole('link', { name: /^Answer the questionnaire/ }).click(),
    ]);
    expect(await page.locator('#progress').innerText()).toBe('You have answered 0 of 4 questions.');
    await page.screenshot({ path: '/tmp/e2e-questionnaire-start.png', fullPage: true });
    await Promise.all([page.waitForURL('**/response/sections/1'), page.getByRole('button', { name: 'Continue' }).click()]);

    let navigations = 0;
    page.on('framenavigated', (frame) => {
      if (frame === page.mainFrame()) navigations += 1;
    });
    const pensions = page.getByLabel('How did you handle pensions?');
    await expect(pensions.isVisible()).resolves.toBe(false);
    await page.getByLabel('Your experience').fill('We run a community library.');
    // The character count counts down as the answer is typed.
    await expect(page.locator('.govuk-character-count__status').first().innerText()).resolves.toBe('You have 273 characters remaining');
    await expect(page.locator('#a-tupe-hint').innerText()).resolves.toBe('Another question may follow, depending on your answer.');
    const announcer = page.locator('[aria-live="polite"]#question-announcer');
    await expect(announcer.textContent()).resolves.toBe('');
    await page.locator('input[name="a-tupe"][value="yes"]').check();
    await expect(pensions.isVisible()).resolves.toBe(true);
    // Screen readers are told, politely, what has appeared.
    await untilInPage(
      page,
      `document.getElementById('question-announcer').textContent === 'Another question has appeared: How did you handle pensions?'`,
    );
    await page.locator('input[name="a-tupe"][value="no"]').check();
    await expect(pensions.isVisible()).resolves.toBe(false);
    await page.locator('input[name="a-tupe"][value="yes"]').check();
    await pensions.fill('We joined the pension scheme as an admitted body.');
    expect(navigations).toBe(0);
    await page.screenshot({ path: '/tmp/e2e-questionnaire-section.png', fullPage: true });

    await clickAndWait(page, '**/response/sections/2', 'Save and continue');
    const otherBarrier = page.getByLabel('What else?');
    await expect(otherBarrier.isVisible()).resolves.toBe(false);
    await page.getByLabel('Something else').check();
    await expect(otherBarrier.isVisible()).resolves.toBe(true);
    await otherBarrier.fill('Insurance costs');
    await clickAndWait(page, '**/response/check', 'Save and continue');

    await page.screenshot({ path: '/tmp/e2e-questionnaire-check.png', fullPage: true });
    const answers = await page.locator('main').innerText();
    expect(answers).toContain('We joined the pension scheme as an admitted body.');
    expect(answers).toContain('Insurance costs');
    await clickAndWait(page, '**/response/receipt', 'Send answers');
    expect(await page.locator('.govuk-panel__title').innerText()).toBe('Answers sent');
    expect(await page.locator('#receipt-reference').innerText()).toMatch(/^[0-9A-F]{4}-[0-9A-F]{4}$/);
    const sha256 = await page.locator('#receipt-sha256').textContent();
    expect(sha256).toMatch(/^[0-9a-f]{64}$/);
    await page.screenshot({ path: '/tmp/e2e-questionnaire-js.png', fullPage: true });
    expect(problems.list).toEqual([]);
  });

  test('with JavaScript off, the server shows the conditional question after the answer is saved', async () => {
    const { page, problems } = await interestedSupplierPage('Friends of Poplar Library', false);
    await page.goto(`/tenders/${exerciseId}/response/sections/1`);
    const pensions = page.getByLabel('How did you handle pensions?');
    await expect(pensions.isVisible()).resolves.toBe(false);
    await page.getByLabel('Your experience').fill('We run a community library.');
    await page.locator('input[name="a-tupe"][value="yes"]').check();
    // Still hidden: nothing runs in the page.
    await expect(pensions.isVisible()).resolves.toBe(false);

    await clickAndWait(page, /\/response\/sections\/1#a-pensions$/, 'Save and continue');
    expect(await page.locator('.govuk-notification-banner').innerText()).toContain('Your answer brought up another question');
    await expect(pensions.isVisible()).resolves.toBe(true);
    await expect(page.getByLabel('Your experience').inputValue()).resolves.toBe('We run a community library.');
    await pensions.fill('A pension bond.');
    await clickAndWait(page, '**/response/sections/2', 'Save and continue');

    // Sending with a required answer missing comes back with a link to its section.
    await page.goto(`/tenders/${exerciseId}/response/check`);
    await Promise.all([page.waitForLoadState('load'), page.getByRole('button', { name: 'Send answers' }).click()]);
    await page.waitForSelector('.govuk-error-summary');
    await Promise.all([
      page.waitForURL('**/response/sections/2?from=check#a-barriers'),
      page
        .locator('.govuk-error-summary')
        .getByRole('link', { name: /What makes it hard to bid/ })
        .click(),
    ]);
    await page.getByLabel('Contract size').check();
    // Having come from the check page, saving goes back there.
    await clickAndWait(page, '**/response/check', 'Save and go back to check your answers');
    // A file goes up with the section form, so the answers on the page are saved with it.
    await page.goto(`/tenders/${exerciseId}/response/sections/2`);
    await page.getByLabel(/^Choose a file for:/).setInputFiles({ name: 'Our work.pdf', mimeType: 'application/pdf', buffer: samplePdf() });
    await Promise.all([page.waitForURL('**/response/sections/2#a-statement'), page.getByRole('button', { name: /^Upload file/ }).click()]);
    expect(await page.locator('.govuk-notification-banner').innerText()).toContain('Our work.pdf is uploaded and saved as your answer.');
    expect(await page.getByLabel('Contract size').isChecked()).toBe(true);
    await page.screenshot({ path: '/tmp/e2e-questionnaire-file.png', fullPage: true });
    await clickAndWait(page, '**/response/check', 'Save and continue');
    expect(await page.locator('main').innerText()).toContain('Our work.pdf');
    await clickAndWait(page, '**/response/receipt', 'Send answers');
    expect(await page.locator('.govuk-panel__title').innerText()).toBe('Answers sent');
    await page.screenshot({ path: '/tmp/e2e-questionnaire-nojs.png', fullPage: true });
    expect(problems.list).toEqual([]);
  });
});
