import { STRONG_PASSWORD } from '../helpers/app';
import { browserSuite, describeInBrowser } from '../helpers/browser';
import { createOfficer } from '../helpers/factories';
import { codeAt } from '../helpers/two-factor';

describeInBrowser('two-factor sign-in (Chromium)', () => {
  const suite = browserSuite();

  test('an officer sets it up through the pages, then signs in again with a code from the app', async () => {
    const officer = await createOfficer(suite.t.auth, 'camden');
    const { page, problems } = await suite.signedInPage(officer.email, { javaScriptEnabled: false });
    await Promise.all([page.waitForURL('**/account/two-factor'), page.getByRole('link', { name: /Manage/ }).click()]);
    await expect(page.getByRole('img', { name: 'QR code for your authenticator app' }).isVisible()).resolves.toBe(true);
    const written = await page.locator('#authenticator-key').innerText();
    expect(written).toMatch(/^([A-Z2-7]{4} ){7}[A-Z2-7]{4}$/);
    const key = written.replace(/ /g, '');
    await page.screenshot({ path: '/tmp/e2e-two-factor-set-up.png', fullPage: true });

    await page.getByLabel('Enter the 6-digit code from your authenticator app').fill(codeAt(key, new Date()));
    await page.getByRole('button', { name: 'Turn on two-factor sign-in' }).click();
    await expect(page.getByRole('heading', { name: 'Two-factor sign-in is on' }).isVisible()).resolves.toBe(true);
    await expect(page.locator('#recovery-codes li').count()).resolves.toBe(10);
    await page.screenshot({ path: '/tmp/e2e-two-factor-recovery-codes.png' });

    await Promise.all([page.waitForURL((url) => url.pathname === '/'), page.getByRole('button', { name: 'Sign out' }).click()]);
    await page.goto('/login');
    await page.getByLabel('Email address').fill(officer.email);
    await page.getByLabel('Password').fill(STRONG_PASSWORD);
    await Promise.all([page.waitForURL('**/login/two-factor'), page.getByRole('button', { name: 'Sign in', exact: true }).click()]);
    const codeField = page.getByLabel('Enter the 6-digit code from your authenticator app');
    await expect(codeField.getAttribute('autocomplete')).resolves.toBe('one-time-code');
    await expect(codeField.getAttribute('inputmode')).resolves.toBe('numeric');
    await expect(page.getByRole('link', { name: 'Use a recovery code instead' }).isVisible()).resolves.toBe(true);
    // The code of the next step: the current one was used up turning it on.
    await codeField.fill(codeAt(key, new Date(), 30));
    await Promise.all([page.waitForURL('**/dashboard'), page.getByRole('button', { name: 'Continue' }).click()]);
    await expect(page.getByText(`Signed in as ${officer.name}`).isVisible()).resolves.toBe(true);
    expect(problems.list).toEqual([]);
  }, 60_000);
});
