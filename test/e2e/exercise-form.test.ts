import { axeProblems } from '../helpers/axe';
import { browserSuite, describeInBrowser } from '../helpers/browser';
import { createOfficer } from '../helpers/factories';

// Runs in Chromium; a string, as the project type-checks without the DOM library.
const PAGE_HEIGHT = 'document.documentElement.scrollHeight';

describeInBrowser('the officer’s create-exercise form in a real browser (Chromium)', () => {
  // axe runs its script in the page: the test's browser bypasses the page's CSP for it.
  const suite = browserSuite({ context: { viewport: { width: 1024, height: 768 }, bypassCSP: true } });
  let officerEmail: string;

  beforeAll(async () => {
    officerEmail = (await createOfficer(suite.t.auth, 'camden')).email;
  });

  test('starts with a contents list, puts the essential fields first and folds the optional parts away', async () => {
    const { page, problems } = await suite.signedInPage(officerEmail);
    await page.goto('/tenders/new');
    const height = (await page.evaluate(PAGE_HEIGHT)) as number;
    // As one long page it was 8,504 px tall.
    expect(height).toBeLessThan(4000);

    const contents = page.getByRole('navigation', { name: 'Contents' });
    const parts = await contents.getByRole('link').allInnerTexts();
    expect(parts.length).toBeGreaterThanOrEqual(4);
    for (const link of await contents.getByRole('link').all()) {
      const target = (await link.getAttribute('href'))!;
      expect(await page.locator(target).count()).toBe(1);
    }

    // Each time box is named after its deadline.
    for (const deadline of ['the deadline for questions', 'the deadline for expressions of interest', 'the deadline for questionnaires']) {
      const name = `Time (24-hour clock, London time) for ${deadline}`;
      await expect(page.getByLabel(name, { exact: true }).count()).resolves.toBe(1);
    }

    // Optional parts open when asked for.
    await expect(page.locator('[name="lots-1-title"]').isVisible()).resolves.toBe(false);
    await page.getByText('Add more lots').click();
    await expect(page.locator('[name="lots-1-title"]').isVisible()).resolves.toBe(true);
    await page.screenshot({ path: '/tmp/e2e-exercise-form.png', fullPage: true });
    expect(await axeProblems(page)).toEqual([]);
    expect(problems.list).toEqual([]);
  });
});
