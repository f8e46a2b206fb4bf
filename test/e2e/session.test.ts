import { signedInAs } from '../helpers/app';
import { browserSuite, describeInBrowser } from '../helpers/browser';
import { createOfficer, interestedSupplier, publishedExercise, sampleQuestionnaire, tenderBodyNextYear } from '../helpers/factories';
import { samplePdf } from '../helpers/sample-files';

describeInBrowser('nothing typed is lost (Chromium)', () => {
  // A one-minute session that warns 55 seconds before its end: the warning comes 5 seconds after a page loads.
  const suite = browserSuite({ app: { config: { SESSION_IDLE_MINUTES: '1', SESSION_WARNING_SECONDS: '55' } } });
  let exerciseId: string;

  beforeAll(async () => {
    const officer = await signedInAs(suite.t.app, (await createOfficer(suite.t.auth, 'camden')).email);
    exerciseId = await publishedExercise(officer, { tender: tenderBodyNextYear(), questionnaire: sampleQuestionnaire() });
  });

  test('with JavaScript off, uploading a file keeps the answer typed above it', async () => {
    const supplier = await interestedSupplier(suite.t.app, exerciseId, { name: 'Friends of Bow Library' });
    const { page, problems } = await suite.signedInPage(supplier.email, { javaScriptEnabled: false });
    await page.goto(`/tenders/${exerciseId}/response/sections/2`);
    expect(await page.locator('#session-length').innerText()).toBe(
      'You will be signed out if you do nothing for 1 minute. Your answers are saved each time you press Save or Upload file.',
    );
    await page.getByLabel('Largest contract (£)').fill('250000');
    await page
      .getByLabel(/^Choose a file for:/)
      .setInputFiles({ name: 'capability.pdf', mimeType: 'application/pdf', buffer: samplePdf() });
    await Promise.all([page.waitForURL('**/response/sections/2#a-statement'), page.getByRole('button', { name: /^Upload file/ }).click()]);
    expect(await page.locator('.govuk-notification-banner').innerText()).toContain('capability.pdf is uploaded and saved as your answer.');
    await expect(page.getByLabel('Largest contract (£)').inputValue()).resolves.toBe('250000');
    await expect(page.getByRole('link', { name: 'capability.pdf' }).isVisible()).resolves.toBe(true);
    expect(problems.list).toEqual([]);
  });

  test('with JavaScript on, a warning comes before the session ends, and Stay signed in keeps it', async () => {
    const supplier = await interestedSupplier(suite.t.app, exerciseId, { name: 'Friends of Poplar Library' });
    const { page, problems } = await suite.signedInPage(supplier.email, { javaScriptEnabled: true });
    await page.goto(`/tenders/${exerciseId}/response/sections/1`);
    const dialog = page.getByRole('dialog', { name: 'You will be signed out soon' });
    await dialog.waitFor({ state: 'visible', timeout: 15_000 });
    expect(await dialog.innerText()).toMatch(/We will sign you out in \d+ seconds/);
    // The button has the focus, so a keyboard user can press it at once.
    expect(await page.locator(':focus').innerText()).toBe('Stay signed in');
    await page.screenshot({ path: '/tmp/e2e-session-warning.png' });
    const kept = page.waitForResponse('**/api/v1/auth/session');
    await dialog.getByRole('button', { name: 'Stay signed in' }).click();
    expect((await (await kept).json()).user).not.toBeNull();
    await dialog.waitFor({ state: 'hidden' });
    // Still signed in: the section opens without a trip to the sign-in page.
    await page.goto(`/tenders/${exerciseId}/response/sections/1`);
    expect(page.url()).toContain('/response/sections/1');
    expect(problems.list).toEqual([]);
  }, 60_000);

  test('with JavaScript on, once signed out the message can be closed, and Save then keeps what was typed', async () => {
    const supplier = await interestedSupplier(suite.t.app, exerciseId, { name: 'Friends of Limehouse Library' });
    const { page, problems } = await suite.signedInPage(supplier.email, { javaScriptEnabled: true });
    await page.goto(`/tenders/${exerciseId}/response/sections/1`);
    await page.getByLabel('Your experience').fill('Typed before the session ended');
    const dialog = page.getByRole('dialog', { name: 'You have been signed out' });
    await dialog.waitFor({ state: 'visible', timeout: 75_000 });
    // Nothing there that does nothing: Stay signed in is gone, and the focus is on the way back to the form.
    await expect(dialog.getByRole('button', { name: 'Stay signed in' }).isVisible()).resolves.toBe(false);
    expect(await page.locator(':focus').innerText()).toBe('Close and save your answers');
    await page.keyboard.press('Enter');
    await dialog.waitFor({ state: 'hidden' });
    await Promise.all([page.waitForLoadState('load'), page.getByRole('button', { name: 'Save and continue' }).click()]);
    expect(await page.locator('main').innerText()).toContain('we will save the answers you just sent');
    expect(problems.list).toEqual([]);
  }, 120_000);
});
