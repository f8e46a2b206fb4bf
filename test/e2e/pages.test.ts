import type { Page } from 'playwright-core';
import { STRONG_PASSWORD } from '../helpers/app';
import { browserSuite, describeInBrowser, untilInPage, type InPageComputedStyle, type InPageDocument } from '../helpers/browser';
import { registeredSupplier, uniqueEmail } from '../helpers/factories';
import { samplePdf } from '../helpers/sample-files';

// Browser globals for the page.evaluate() callbacks below, which run in Chromium (see helpers/browser.ts).
declare const document: InPageDocument;
declare const getComputedStyle: InPageComputedStyle;

// Skips (and says why) only where there is no Chromium binary; CI installs it, so there it always runs.
describeInBrowser('pages in a real browser (Chromium)', () => {
  const suite = browserSuite({ context: { viewport: { width: 1280, height: 900 } } });

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

  /** A supplier registered through the API, to sign in as in the browser. */
  const registeredSupplierAs = (email: string) => registeredSupplier(suite.t.app, { email });

  test('the home page is styled by GOV.UK Frontend, runs its JavaScript under the CSP, and logs no errors', async () => {
    const { page, problems } = await suite.openPage();
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
    const { page, problems } = await suite.openPage();
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
    await untilInPage(page, () => document.activeElement?.classList.contains('govuk-error-summary'));
    await summary.getByRole('link').first().click();
    await expect(page.evaluate(() => document.activeElement?.id)).resolves.toBe('email');

    expect(problems.list).toEqual([]);
  });

  test('an officer signs in, sees the dashboard, signs out, and the dashboard then asks them to sign in', async () => {
    const email = uniqueEmail('e2e-officer');
    await suite.t.auth.createUser({ role: 'officer', email, password: STRONG_PASSWORD, name: 'Olive Officer', borough: 'camden' });
    const { page, problems } = await suite.openPage();

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

  /** Answers one registration page and continues, checking the browser arrives where it should. */
  async function continueTo(page: Page, from: string, to: string) {
    const post = await submit(page, 'Continue', from);
    expect([from, post.status()]).toEqual([from, 303]);
    expect(pathOf(page)).toBe(to);
  }

  /** Walks the registration pages the way a person would, through the labels, up to check your answers. */
  async function answerRegistrationPages(page: Page, organisation: string) {
    const start = await page.goto('/register');
    expect(start?.status()).toBe(200);
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Register your organisation');
    await Promise.all([page.waitForEvent('load'), page.getByRole('button', { name: 'Start now' }).click()]);
    expect(pathOf(page)).toBe('/register/organisation-name');

    await page.getByLabel('What is your organisation’s name?').fill(organisation);
    await continueTo(page, '/register/organisation-name', '/register/sector');
    await page.getByLabel('Voluntary and community sector', { exact: true }).check();
    await continueTo(page, '/register/sector', '/register/legal-form');
    await page.getByLabel('Registered charity', { exact: true }).check();
    await continueTo(page, '/register/legal-form', '/register/size');
    await page.locator('input[name="size"][value="small"]').check();
    await continueTo(page, '/register/size', '/register/registration-numbers');
    await page.getByLabel('Charity Commission (England and Wales)', { exact: true }).check();
    await page.getByLabel('Charity Commission (England and Wales) number', { exact: true }).fill('1123456');
    await continueTo(page, '/register/registration-numbers', '/register/location');
    await page.getByLabel('Postcode of your main office').fill('se1 7pb');
    await page.getByLabel('Southwark', { exact: true }).check();
    await continueTo(page, '/register/location', '/register/check-answers');
  }

  /** From check your answers: the last page creates the account. */
  async function createAccount(page: Page, name: string, email: string) {
    await Promise.all([page.waitForEvent('load'), page.getByRole('button', { name: 'Continue' }).click()]);
    expect(pathOf(page)).toBe('/register/your-details');
    await page.getByLabel('Full name').fill(name);
    await page.getByLabel('Email address').fill(email);
    await page.getByLabel('Create a password').fill(STRONG_PASSWORD);
    return submit(page, 'Create account', '/register/your-details');
  }

  test('an organisation registers through short pages, changes an answer, and lands on its dashboard', async () => {
    const { page, problems } = await suite.openPage();
    await answerRegistrationPages(page, 'Friends of Peckham Library');
    const answers = await page.locator('.govuk-summary-list').innerText();
    expect(answers).toContain('Friends of Peckham Library');
    expect(answers).toContain('Registered charity');
    expect(answers).toContain('Charity Commission (England and Wales) number: 1123456');
    expect(answers).toContain('SE1 7PB');
    await page.screenshot({ path: '/tmp/e2e-register-check.png', fullPage: true });

    // A Change link goes to the page and back to check your answers.
    await Promise.all([page.waitForEvent('load'), page.getByRole('link', { name: 'Change organisation name' }).click()]);
    expect(pathOf(page)).toBe('/register/organisation-name');
    await page.getByLabel('What is your organisation’s name?').fill('Friends of Peckham Libraries');
    await continueTo(page, '/register/organisation-name', '/register/check-answers');
    await expect(page.locator('.govuk-summary-list').innerText()).resolves.toContain('Friends of Peckham Libraries');

    const post = await createAccount(page, 'Sam Supplier', uniqueEmail('e2e-supplier'));
    expect(post.status()).toBe(303);
    expect(pathOf(page)).toBe('/dashboard');
    const dashboard = await page.locator('main').innerText();
    expect(dashboard).toContain('Friends of Peckham Libraries is registered and you are signed in.');
    expect(dashboard).toContain('Sam Supplier');
    expect(dashboard).toContain('Supplier organisation');

    expect(problems.list).toEqual([]);
  });

  test('only the chosen sector’s legal forms are offered; no choice is an error on the legal form field', async () => {
    const { page, problems } = await suite.openPage();
    await page.goto('/register/organisation-name');
    await page.getByLabel('What is your organisation’s name?').fill('Pages Ltd');
    await continueTo(page, '/register/organisation-name', '/register/sector');
    await page.getByLabel('Private sector', { exact: true }).check();
    await continueTo(page, '/register/sector', '/register/legal-form');
    // The private sector's legal forms, and those of any sector: a charity's form is not offered to a company.
    const choices = await page.locator('input[name="legalForm"]').evaluateAll((inputs) => inputs.map((i) => i.getAttribute('value')));
    expect(choices).toEqual(['company', 'partnership', 'sole_trader', 'consortium', 'other']);

    const post = await submit(page, 'Continue', '/register/legal-form');
    expect(post.status()).toBe(422);
    expect(pathOf(page)).toBe('/register/legal-form');
    await expect(page.title()).resolves.toMatch(/^Error: /);
    await expect(page.locator('.govuk-error-summary__list a').evaluateAll((as) => as.map((a) => a.getAttribute('href')))).resolves.toEqual([
      '#legalForm',
    ]);

    // The summary link takes the person to the question.
    await page.locator('.govuk-error-summary__list a').first().click();
    await expect(page.evaluate(() => document.activeElement?.getAttribute('name'))).resolves.toBe('legalForm');

    expect(problems.list).toEqual([]);
  });

  test('with JavaScript turned off, an organisation can still register', async () => {
    const { page, problems } = await suite.openPage({ javaScriptEnabled: false });
    await answerRegistrationPages(page, 'No Script Readers');
    const post = await createAccount(page, 'Nia NoScript', uniqueEmail('e2e-nojs-supplier'));
    expect(post.status()).toBe(303);
    expect(pathOf(page)).toBe('/dashboard');
    await expect(page.locator('main').innerText()).resolves.toContain('No Script Readers is registered');
    expect(problems.list).toEqual([]);
  });

  test('a supplier changes its organisation’s profile, fixing a mistake the form points out', async () => {
    const email = uniqueEmail('e2e-profile');
    await registeredSupplierAs(email);
    const { page, problems } = await suite.signedInPage(email);

    await page.getByRole('link', { name: 'Your organisation', exact: true }).click();
    await page.waitForLoadState('load');
    expect(pathOf(page)).toBe('/organisation');
    await Promise.all([page.waitForEvent('load'), page.getByRole('button', { name: 'Change your organisation’s details' }).click()]);
    expect(pathOf(page)).toBe('/organisation/edit');
    await expect(page.getByLabel('Organisation name').inputValue()).resolves.toBe('Friends of the Library');

    await page.getByLabel('Number of paid staff (optional)').fill('-4');
    await page.getByLabel('Less than £100,000').check();
    await page.getByLabel('Value of the largest contract you have delivered (optional)').fill('45,000');
    await page.getByLabel('Contact name').fill('Rae Reader');
    await page.getByLabel('Contact email address').fill('rae-at-example');
    const bad = await submit(page, 'Save changes', '/organisation/edit');
    expect(bad.status()).toBe(422);
    await expect(page.locator('.govuk-error-summary__list a').evaluateAll((as) => as.map((a) => a.getAttribute('href')))).resolves.toEqual([
      '#staffCount',
      '#contactEmail',
    ]);
    await expect(page.locator('#staffCount-error').innerText()).resolves.toContain('Number of staff must be 0 or more');
    await expect(page.getByLabel('Contact name').inputValue()).resolves.toBe('Rae Reader');
    await expect(page.getByLabel('Less than £100,000').isChecked()).resolves.toBe(true);

    await page.getByLabel('Number of paid staff (optional)').fill('4');
    await page.getByLabel('Contact email address').fill('rae@example.org');
    const saved = await submit(page, 'Save changes', '/organisation/edit');
    expect(saved.status()).toBe(303);
    expect(pathOf(page)).toBe('/organisation');
    const profile = await page.locator('main').innerText();
    expect(profile).toContain('Your organisation’s details are saved.');
    expect(profile).toContain('Less than £100,000');
    expect(profile).toContain('£45,000');
    expect(profile).toContain('rae@example.org');
    await page.screenshot({ path: '/tmp/e2e-organisation.png', fullPage: true });

    expect(problems.list).toEqual([]);
  });

  test('with JavaScript turned off, the pages still work: an officer can sign in', async () => {
    const email = uniqueEmail('e2e-nojs');
    await suite.t.auth.createUser({ role: 'officer', email, password: STRONG_PASSWORD, name: 'Nora NoScript', borough: 'camden' });
    const { page, problems } = await suite.openPage({ javaScriptEnabled: false });

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
    await suite.t.auth.createUser({ role: 'officer', email, password: STRONG_PASSWORD, name: 'Esme Exercise', borough: 'camden' });
    const { page, problems } = await suite.openPage();
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

    const visitor = await suite.openPage();
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
