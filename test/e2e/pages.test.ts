import type { Browser, BrowserContext, BrowserContextOptions, Page } from 'playwright-core';
import { startTestApp, STRONG_PASSWORD, type TestApp } from '../helpers/app';
import {
  chromiumAvailable,
  launchChromium,
  listen,
  watchProblems,
  type InPageComputedStyle,
  type InPageDocument,
  type ListeningApp,
  type PageProblems,
} from '../helpers/browser';
import { uniqueEmail } from '../helpers/factories';
import { samplePdf } from '../helpers/sample-files';

// Browser globals for the page.evaluate() callbacks below, which run in Chromium (see helpers/browser.ts).
declare const document: InPageDocument;
declare const getComputedStyle: InPageComputedStyle;

// Skips (and says why) only where there is no Chromium binary; CI installs it, so there it always runs.
const describeInBrowser = chromiumAvailable() ? describe : describe.skip;

describeInBrowser('pages in a real browser (Chromium)', () => {
  let t: TestApp;
  let server: ListeningApp;
  let browser: Browser;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    t = await startTestApp();
    server = await listen(t.app);
    browser = await launchChromium();
  }, 60_000);

  afterEach(async () => {
    await Promise.all(contexts.splice(0).map((c) => c.close()));
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await t?.close();
  });

  /** A fresh browser profile (no cookies) with a page that records console errors, CSP violations and failed loads. */
  async function openPage(options: BrowserContextOptions = {}): Promise<{ page: Page; problems: PageProblems }> {
    const context = await browser.newContext({ baseURL: server.baseUrl, viewport: { width: 1280, height: 900 }, ...options });
    contexts.push(context);
    const page = await context.newPage();
    const problems = await watchProblems(page);
    return { page, problems };
  }

  /** Submits the page's form with its button, waits for the resulting page, and returns the response to the POST itself. */
  async function submit(page: Page, buttonName: string, path: string) {
    const [post] = await Promise.all([
      page.waitForResponse((res) => res.request().method() === 'POST' && new URL(res.url()).pathname === path),
      page.waitForEvent('load'), // the page the browser ends on, after any redirect
      page.getByRole('button', { name: buttonName, exact: true }).click(),
    ]);
    return post;
  }

  const pathOf = (page: Page) => new URL(page.url()).pathname;

  test('the home page is styled by GOV.UK Frontend, runs its JavaScript under the CSP, and logs no errors', async () => {
    const { page, problems } = await openPage();
    const res = await page.goto('/');
    expect(res?.status()).toBe(200);
    const csp = res?.headers()['content-security-policy'] ?? '';
    expect(csp).toMatch(/script-src 'self' 'nonce-[^']+'/);

    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Run London’s libraries with us');
    await expect(page.title()).resolves.toBe('Home – Library Market Engagement Portal');

    // The stylesheet applied: rules only govuk-frontend.min.css has, and its web font actually loaded (font-src 'self').
    const style = await page.evaluate(async () => {
      await document.fonts.ready;
      const h1 = document.querySelector('h1');
      const container = document.querySelector('.govuk-width-container');
      if (!h1 || !container) throw new Error('the home page has no h1 or .govuk-width-container');
      return {
        htmlClass: document.documentElement.className,
        bodyMargin: getComputedStyle(document.body).margin,
        h1Font: getComputedStyle(h1).fontFamily,
        h1Weight: getComputedStyle(h1).fontWeight,
        containerMaxWidth: getComputedStyle(container).maxWidth,
        fontLoaded: document.fonts.check('bold 48px "GDS Transport"'),
      };
    });
    expect(style.htmlClass).toContain('govuk-template');
    expect(style.bodyMargin).toBe('0px');
    expect(style.h1Font).toContain('GDS Transport');
    expect(style.h1Weight).toBe('700');
    expect(style.containerMaxWidth).toBe('960px');
    expect(style.fontLoaded).toBe(true);

    // The nonce'd inline script in the template ran, and the module scripts loaded and initialised components.
    const bodyClasses = (await page.locator('body').getAttribute('class'))?.split(/\s+/) ?? [];
    expect(bodyClasses).toEqual(expect.arrayContaining(['govuk-template__body', 'js-enabled', 'govuk-frontend-supported']));
    await page.locator('.govuk-button--start[data-govuk-button-init]').waitFor({ state: 'attached', timeout: 5_000 });
    const inlineNonce = await page.evaluate(() => document.querySelector('body > script:not([src])')?.nonce ?? '');
    expect(inlineNonce).not.toBe('');
    expect(csp).toContain(`'nonce-${inlineNonce}'`);

    await page.screenshot({ path: '/tmp/e2e-home.png', fullPage: true });
    expect(problems.list).toEqual([]);
  });

  test('an empty sign-in form comes back with status 422 and a GOV.UK error summary linking to each field', async () => {
    const { page, problems } = await openPage();
    await page.goto('/login');
    const post = await submit(page, 'Sign in', '/login');
    expect(post.status()).toBe(422);
    await expect(page.title()).resolves.toMatch(/^Error: Sign in/);

    const summary = page.locator('.govuk-error-summary');
    await expect(summary.locator('.govuk-error-summary__title').textContent()).resolves.toContain('There is a problem');
    const links = await summary.locator('.govuk-error-summary__list a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
    expect(links).toEqual(['#email', '#password']);
    await expect(page.locator('#email-error').textContent()).resolves.toMatch(/\S/);
    await expect(page.locator('#password-error').textContent()).resolves.toMatch(/\S/);

    // GOV.UK Frontend's error summary script moves focus to the summary, and its links focus their field.
    await page.waitForFunction(() => document.activeElement?.classList.contains('govuk-error-summary'), undefined, { timeout: 5_000 });
    await summary.getByRole('link').first().click();
    await expect(page.evaluate(() => document.activeElement?.id)).resolves.toBe('email');

    expect(problems.list).toEqual([]);
  });

  test('an officer signs in, sees the dashboard, signs out, and the dashboard then asks them to sign in', async () => {
    const email = uniqueEmail('e2e-officer');
    await t.auth.createUser({ role: 'officer', email, password: STRONG_PASSWORD, name: 'Olive Officer', borough: 'camden' });
    const { page, problems } = await openPage();

    await page.goto('/login');
    await page.getByLabel('Email address').fill(email);
    await page.getByLabel('Password').fill(STRONG_PASSWORD);
    const post = await submit(page, 'Sign in', '/login');
    expect(post.status()).toBe(303);
    expect(pathOf(page)).toBe('/dashboard');
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Your dashboard');
    const dashboard = await page.locator('main').innerText();
    expect(dashboard).toContain('Olive Officer');
    expect(dashboard).toContain('Borough procurement officer');
    expect(dashboard).toContain('Camden');
    await expect(page.locator('body').innerText()).resolves.toContain('Signed in as Olive Officer');

    await submit(page, 'Sign out', '/logout');
    expect(pathOf(page)).toBe('/');
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Run London’s libraries with us');
    await expect(page.getByRole('button', { name: 'Sign out' }).count()).resolves.toBe(0);

    await page.goto('/dashboard');
    expect(pathOf(page)).toBe('/login');
    expect(new URL(page.url()).searchParams.get('next')).toBe('/dashboard');

    expect(problems.list).toEqual([]);
  });

  /** Fills the register form the way a person would, through the labels. */
  async function fillRegistration(
    page: Page,
    values: { name: string; email: string; organisation: string; sector: string; legalForm: string },
  ) {
    await page.getByLabel('Full name').fill(values.name);
    await page.getByLabel('Email address').fill(values.email);
    await page.getByLabel('Create a password').fill(STRONG_PASSWORD);
    await page.getByLabel('Organisation name').fill(values.organisation);
    await page.locator(`input[name="sector"][value="${values.sector}"]`).check();
    await page.getByLabel('Legal form').selectOption(values.legalForm);
    await page.locator('input[name="size"][value="small"]').check();
    await page.getByLabel('Postcode of your main office').fill('SE1 7PB');
  }

  test('an organisation registers through the form and lands on its dashboard', async () => {
    const { page, problems } = await openPage();
    const res = await page.goto('/register');
    expect(res?.status()).toBe(200);
    await page.screenshot({ path: '/tmp/e2e-register.png', fullPage: true });

    await fillRegistration(page, {
      name: 'Sam Supplier',
      email: uniqueEmail('e2e-supplier'),
      organisation: 'Friends of Peckham Library',
      sector: 'voluntary',
      legalForm: 'registered_charity',
    });
    const post = await submit(page, 'Register', '/register');
    expect(post.status()).toBe(303);
    expect(pathOf(page)).toBe('/dashboard');
    const dashboard = await page.locator('main').innerText();
    expect(dashboard).toContain('Sam Supplier');
    expect(dashboard).toContain('Supplier organisation');

    expect(problems.list).toEqual([]);
  });

  test('a legal form from another sector is refused on the legal form field, keeping what was typed', async () => {
    const { page, problems } = await openPage();
    await page.goto('/register');
    const email = uniqueEmail('e2e-mismatch');
    await fillRegistration(page, {
      name: 'Pat Private',
      email,
      organisation: 'Pages Ltd',
      sector: 'private',
      legalForm: 'registered_charity',
    });
    const post = await submit(page, 'Register', '/register');
    expect(post.status()).toBe(422);
    expect(pathOf(page)).toBe('/register');

    await expect(page.locator('.govuk-error-summary__list a').evaluateAll((as) => as.map((a) => a.getAttribute('href')))).resolves.toEqual([
      '#legalForm',
    ]);
    const fieldError = await page.locator('#legalForm-error').innerText();
    expect(fieldError).toContain('registered charity is in the voluntary and community sector');
    await expect(page.locator('#legalForm').getAttribute('class')).resolves.toContain('govuk-select--error');

    await expect(page.getByLabel('Full name').inputValue()).resolves.toBe('Pat Private');
    await expect(page.getByLabel('Email address').inputValue()).resolves.toBe(email);
    await expect(page.getByLabel('Organisation name').inputValue()).resolves.toBe('Pages Ltd');
    await expect(page.locator('input[name="sector"][value="private"]').isChecked()).resolves.toBe(true);
    await expect(page.getByLabel('Legal form').inputValue()).resolves.toBe('registered_charity');
    await expect(page.locator('input[name="size"][value="small"]').isChecked()).resolves.toBe(true);
    await expect(page.getByLabel('Postcode of your main office').inputValue()).resolves.toBe('SE1 7PB');
    // The password is never sent back.
    await expect(page.getByLabel('Create a password').inputValue()).resolves.toBe('');

    expect(problems.list).toEqual([]);
  });

  test('with JavaScript turned off, the pages still work: an officer can sign in', async () => {
    const email = uniqueEmail('e2e-nojs');
    await t.auth.createUser({ role: 'officer', email, password: STRONG_PASSWORD, name: 'Nora NoScript', borough: 'camden' });
    const { page, problems } = await openPage({ javaScriptEnabled: false });

    await page.goto('/login');
    await expect(page.locator('body').getAttribute('class')).resolves.not.toContain('js-enabled');
    await page.getByLabel('Email address').fill(email);
    await page.getByLabel('Password').fill(STRONG_PASSWORD);
    const post = await submit(page, 'Sign in', '/login');
    expect(post.status()).toBe(303);
    expect(pathOf(page)).toBe('/dashboard');
    await expect(page.locator('main').innerText()).resolves.toContain('Nora NoScript');

    expect(problems.list).toEqual([]);
  });
  test('an officer creates, documents and publishes an exercise, and the public sees it with its call to action', async () => {
    const email = uniqueEmail('e2e-exercise');
    await t.auth.createUser({ role: 'officer', email, password: STRONG_PASSWORD, name: 'Esme Exercise', borough: 'camden' });
    const { page, problems } = await openPage();
    await page.goto('/login');
    await page.getByLabel('Email address').fill(email);
    await page.getByLabel('Password').fill(STRONG_PASSWORD);
    await submit(page, 'Sign in', '/login');

    await page.goto('/tenders/new');
    await page.getByLabel('Title', { exact: true }).fill('Home library service for housebound readers');
    await page
      .getByLabel('Summary', { exact: true })
      .fill('We want a partner to take books to people who cannot get to a library. Tell us what would help you.');
    await page.getByLabel('Specification', { exact: true }).fill('Visits every three weeks.');
    await page.getByLabel('Lot 1 title').fill('Home library service');
    await page.getByLabel('Lot 1 description').fill('Volunteers, a van and stock.');
    const year = String(new Date().getFullYear() + 1);
    for (const [name, day, month] of [
      ['clarificationDeadline', '1', '2'],
      ['eoiDeadline', '15', '2'],
      ['questionnaireDeadline', '1', '3'],
    ]) {
      await page.locator(`#${name}-day`).fill(day!);
      await page.locator(`#${name}-month`).fill(month!);
      await page.locator(`#${name}-year`).fill(year);
    }
    const saved = await submit(page, 'Save as draft', '/tenders/new');
    expect(saved.status()).toBe(303);
    await expect(page.locator('.govuk-notification-banner').innerText()).resolves.toContain('Draft saved');
    const exercisePath = pathOf(page);

    await page.getByRole('link', { name: 'Add or update documents' }).click();
    await page.waitForLoadState('load');
    await page.getByLabel('Title', { exact: true }).fill('Service specification');
    await page.getByLabel('File', { exact: true }).setInputFiles({ name: 'spec.pdf', mimeType: 'application/pdf', buffer: samplePdf() });
    const uploaded = await submit(page, 'Upload document', `${exercisePath}/documents`);
    expect(uploaded.status()).toBe(303);
    await expect(page.locator('main').innerText()).resolves.toContain('Service specification (version 1) is uploaded.');

    await page.goto(`${exercisePath}/publish`);
    const published = await submit(page, 'Publish', `${exercisePath}/publish`);
    expect(published.status()).toBe(303);
    await page.screenshot({ path: '/tmp/e2e-exercise-officer.png', fullPage: true });
    expect(problems.list).toEqual([]);

    const visitor = await openPage();
    await visitor.page.goto('/tenders');
    await visitor.page.getByRole('link', { name: 'Home library service for housebound readers' }).click();
    await visitor.page.waitForLoadState('load');
    expect(pathOf(visitor.page)).toBe(exercisePath);
    const text = await visitor.page.locator('main').innerText();
    expect(text).toContain('Express interest');
    expect(text).toContain('Service specification');
    expect(text).not.toContain('Manage this exercise');
    const [download] = await Promise.all([
      visitor.page.waitForEvent('download'),
      visitor.page.getByRole('link', { name: 'Service specification' }).click(),
    ]);
    expect(download.suggestedFilename()).toBe('spec.pdf');
    await visitor.page.screenshot({ path: '/tmp/e2e-exercise-public.png', fullPage: true });
    expect(visitor.problems.list).toEqual([]);
  });
});
