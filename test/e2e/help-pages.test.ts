import { STRONG_PASSWORD } from '../helpers/app';
import { browserSuite, describeInBrowser } from '../helpers/browser';
import { createOfficer } from '../helpers/factories';

// Runs in Chromium; a string, as the project type-checks without the DOM library.
const OVERFLOWING = `[...document.body.querySelectorAll('*')]
  .filter((el) => el.getBoundingClientRect().right > document.documentElement.clientWidth + 0.5)
  .map((el) => el.tagName.toLowerCase() + (typeof el.className === 'string' && el.className ? '.' + el.className.trim().split(/\\s+/).join('.') : ''))`;

describeInBrowser('help pages and forgotten password in a browser', () => {
  const suite = browserSuite({ context: { viewport: { width: 320, height: 640 } } });

  test('each help page, reached from the footer, has a banner, one main and a footer, and reflows at 320 px', async () => {
    const { page, problems } = await suite.openPage();
    await page.goto('/');
    for (const name of ['Accessibility statement', 'Privacy', 'Cookies', 'Contact', 'Service status']) {
      await Promise.all([page.waitForLoadState('load'), page.getByRole('contentinfo').getByRole('link', { name, exact: true }).click()]);
      expect([
        name,
        await page.getByRole('banner').count(),
        await page.getByRole('main').count(),
        await page.getByRole('contentinfo').count(),
      ]).toEqual([name, 1, 1, 1]);
      expect([name, await page.getByRole('heading', { level: 1 }).count()]).toEqual([name, 1]);
      expect([name, await page.evaluate(OVERFLOWING)]).toEqual([name, []]);
      expect([name, await page.evaluate('document.documentElement.scrollWidth')]).toEqual([name, 320]);
      await page.getByRole('banner').getByText('London Library Change Programme').waitFor();
    }
    expect(problems.list).toEqual([]);
  }, 60_000);

  test('someone who forgot their password follows the emailed link, chooses a new one and signs in with it', async () => {
    const officer = await createOfficer(suite.t.auth, 'camden');
    const { page, problems } = await suite.openPage();
    await page.goto('/login');
    await page.getByRole('link', { name: 'Forgotten your password?' }).click();
    await page.getByLabel('Email address').fill(officer.email);
    await Promise.all([page.waitForURL('**/password-reset/sent'), page.getByRole('button', { name: 'Send the link' }).click()]);
    await page.getByText('If an account uses that email, we have sent a link to it.').waitFor();

    const mail = await suite.t.notifier.outbox.findOne({ to: officer.email }).lean();
    const link = /http:\/\/localhost:3000(\/password-reset\/\S+)/.exec(mail?.text ?? '')?.[1];
    expect(link).toBeDefined();
    await page.goto(link!);
    await page.getByLabel('New password').fill('a brand new reading lamp');
    await Promise.all([page.waitForURL('**/login'), page.getByRole('button', { name: 'Change password' }).click()]);
    await page.getByText('Your password has been changed.').waitFor();

    await page.getByLabel('Email address').fill(officer.email);
    await page.getByLabel('Password').fill(STRONG_PASSWORD);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByRole('link', { name: 'The email address or password is not right' }).waitFor();
    await page.getByLabel('Password').fill('a brand new reading lamp');
    await Promise.all([page.waitForURL('**/dashboard'), page.getByRole('button', { name: 'Sign in', exact: true }).click()]);
    expect(problems.list).toEqual([]);
  }, 60_000);
});
