import { axeProblemsWithoutScripts, sidewaysOverflow } from '../helpers/axe';
import { browserSuite, describeInBrowser } from '../helpers/browser';
import { createAdmin } from '../helpers/factories';

describeInBrowser('the audit log in a browser', () => {
  const suite = browserSuite({ context: { viewport: { width: 320, height: 640 }, bypassCSP: true } });

  test('an admin reaches it from the dashboard, filters without JavaScript, and the page passes axe at 320 px', async () => {
    const admin = await createAdmin(suite.t.auth);
    // A long detail and a long email, which must wrap or scroll inside the table, never the page.
    await suite.t.audit.record({
      action: 'tender.specification.change',
      outcome: 'allowed',
      actor: { id: admin.id, role: 'admin' },
      target: 'tender:0123456789abcdef01234567',
      detail: `summary: "${'A very long summary of the library service '.repeat(5)}" → "shorter"`,
    });
    const { page, problems } = await suite.signedInPage(admin.email, { javaScriptEnabled: false });
    // axe runs in a page with scripts, on the HTML this one was served.
    const { page: checker } = await suite.openPage();
    await Promise.all([page.waitForURL('**/admin/audit'), page.getByRole('link', { name: 'Audit log' }).click()]);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Audit log');
    expect(await page.getByRole('region', { name: 'Audit events' }).getByRole('row').count()).toBeGreaterThan(2);
    expect(await sidewaysOverflow(page)).toBe(0);
    expect(await axeProblemsWithoutScripts(page, checker)).toEqual([]);

    await page.getByLabel('Event', { exact: true }).selectOption('auth.sign_in');
    await Promise.all([page.waitForURL('**/admin/audit?**'), page.getByRole('button', { name: 'Apply filters' }).click()]);
    expect(page.url()).toContain('event=auth.sign_in');
    const rows = page.getByRole('region', { name: 'Audit events' }).getByRole('row');
    expect(await rows.count()).toBe(2);
    expect(await rows.nth(1).textContent()).toContain(admin.email);
    expect(await page.getByRole('link', { name: 'Download as CSV' }).getAttribute('href')).toBe('/admin/audit.csv?event=auth.sign_in');

    await page.getByLabel('Day').first().fill('31');
    await page.getByLabel('Month').first().fill('2');
    await page.getByLabel('Year').first().fill('2027');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await page.getByRole('link', { name: /Enter the from date as a real date/ }).waitFor();
    expect(await sidewaysOverflow(page)).toBe(0);
    expect(await axeProblemsWithoutScripts(page, checker)).toEqual([]);
    expect(problems.list).toEqual([]);
  }, 60_000);
});
