import type { Browser, BrowserContext, Page } from 'playwright-core';
import { axeProblems, axeProblemsWithoutScripts, sidewaysOverflow } from '../helpers/axe';
import { describeInBrowser, launchChromium, watchProblems } from '../helpers/browser';
import { startMailbox, type Mailbox } from '../helpers/mailbox';
import { startPortal, type Portal } from '../helpers/portal';
import { keyboard } from '../helpers/keyboard';
import { samplePdf } from '../helpers/sample-files';

/*
 * The journeys a borough officer and a small charity make, on the portal as an operator starts it (`npm start`
 * on a fresh DATA_DIR, with its own embedded database) and with real email. Every page on the way is checked
 * with axe (WCAG 2.2 AA, nothing serious or critical, nothing outside a landmark) and, on a phone, for sideways
 * scrolling.
 */

const PASSWORD = 'Larch-Harbour-Teacup-42';
const OFFICER = { email: 'officer@camden.example.gov.uk', name: 'Priya Shah' };
const CHARITY = { email: 'chair@friends-of-kentish-town.example.org', name: 'Sam Okafor' };
const TYPIST = { email: 'keys@reading-circle.example.org', name: 'Alex Kim' };
const DESKTOP = { width: 1024, height: 768 };
const TITLE = 'Community library services in Kentish Town';
const PHONE = { width: 320, height: 640 };

interface Visit {
  path: string;
  axe: Awaited<ReturnType<typeof axeProblems>>;
  overflowPx: number;
}

describeInBrowser('journeys on the portal started with npm start (Chromium, axe, 320 px)', () => {
  let portal: Portal;
  let mailbox: Mailbox;
  let browser: Browser;
  let exerciseId = '';
  const contexts: BrowserContext[] = [];
  let lastPage: Page | undefined;

  beforeAll(async () => {
    mailbox = await startMailbox();
    portal = await startPortal({
      SMTP_URL: mailbox.url,
      MAIL_SEND_SECONDS: '1',
      // A one-minute session, so the test can let it run out for real.
      SESSION_IDLE_MINUTES: '1',
      SESSION_WARNING_SECONDS: '30',
    });
    const made = portal.cli([
      'create-user',
      '--role',
      'officer',
      '--email',
      OFFICER.email,
      '--password',
      PASSWORD,
      '--name',
      OFFICER.name,
      '--borough',
      'camden',
    ]);
    expect(made.stderr).toBe('');
    expect(made.status).toBe(0);
    browser = await launchChromium();
  }, 240_000);
  afterEach(async () => {
    // What the person last saw, for whoever reads a failure.
    await lastPage?.screenshot({
      path: `/tmp/journey-${expect.getState().currentTestName?.slice(0, 40).replace(/\W+/g, '-')}.png`,
      fullPage: true,
    });
  });
  afterAll(async () => {
    await Promise.all(contexts.map((c) => c.close()));
    await browser?.close();
    await portal?.stop();
    await mailbox?.close();
  }, 60_000);

  async function newContext(options: { javaScriptEnabled: boolean; viewport: { width: number; height: number } }) {
    const context = await browser.newContext({ baseURL: portal.url, bypassCSP: true, ...options });
    contexts.push(context);
    return context;
  }

  async function open(options: { javaScriptEnabled: boolean; viewport: { width: number; height: number } }) {
    // axe-core is injected into each page: the portal's CSP rightly refuses it, so only this test's browser skips the CSP.
    const context = await newContext(options);
    const page = await context.newPage();
    lastPage = page;
    const problems = await watchProblems(page);
    // Without JavaScript, axe runs on the same HTML in a page of its own that may run scripts.
    const checker = options.javaScriptEnabled ? undefined : await (await newContext({ ...options, javaScriptEnabled: true })).newPage();
    const visits: Visit[] = [];
    /** Checks the page now on screen; every step of a journey calls it. */
    const check = async () => {
      await page.waitForLoadState('load');
      const visit = {
        path: new URL(page.url()).pathname,
        axe: checker ? await axeProblemsWithoutScripts(page, checker) : await axeProblems(page),
        overflowPx: await sidewaysOverflow(page),
      };
      visits.push(visit);
      expect(visit).toEqual({ path: visit.path, axe: [], overflowPx: 0 });
    };
    return { page, problems, visits, check };
  }

  const press = (page: Page, name: string | RegExp) =>
    Promise.all([page.waitForEvent('load'), page.getByRole('button', { name, exact: typeof name === 'string' }).click()]).catch(
      (err: Error) => {
        throw new Error(`pressing ${String(name)} on ${page.url()}: ${err.message}`);
      },
    );
  /** Follows a link, including one drawn as a button (a start button, "Express interest"). */
  const follow = (page: Page, name: string | RegExp) => {
    const exact = typeof name === 'string';
    const target = page.getByRole('link', { name, exact }).or(page.getByRole('button', { name, exact }).and(page.locator('a')));
    return Promise.all([page.waitForEvent('load'), target.first().click()]).catch((err: Error) => {
      throw new Error(`following ${String(name)} on ${page.url()}: ${err.message}`);
    });
  };

  /**
   * Answers each section from where the page is until the check-your-answers page, as a person would: every
   * question not yet answered gets an answer; a question brought up by an answer (shown after Save, without
   * JavaScript) is answered on the next round.
   */
  async function answerEverySection(page: Page, check: () => Promise<void>) {
    for (let round = 0; round < 20 && !page.url().includes('/response/check'); round += 1) {
      const form = page.locator('main form').filter({ has: page.getByRole('button', { name: 'Save and continue' }) });
      for (const box of await form.locator('textarea:visible').all()) if (!(await box.inputValue())) await box.fill('Yes, with help.');
      for (const box of await form.locator('input[type="text"]:visible, input[type="number"]:visible').all()) {
        if (await box.inputValue()) continue;
        const name = (await box.getAttribute('name')) ?? '';
        await box.fill(name.endsWith('-day') ? '1' : name.endsWith('-month') ? '6' : name.endsWith('-year') ? '2027' : '3');
      }
      for (const group of await form.locator('.govuk-radios, .govuk-checkboxes').all()) {
        if ((await group.locator('input:checked').count()) === 0) await group.locator('input').first().check();
      }
      await press(page, 'Save and continue');
      await check();
    }
    expect(new URL(page.url()).pathname).toMatch(/\/response\/check$/);
  }

  async function fillDate(page: Page, name: string, day: string, month: string, year: string) {
    await page.locator(`[name="${name}-day"]`).fill(day);
    await page.locator(`[name="${name}-month"]`).fill(month);
    await page.locator(`[name="${name}-year"]`).fill(year);
  }

  test('an officer drafts an exercise with its questionnaire and publishes it (JavaScript off, 320 px)', async () => {
    const { page, problems, check } = await open({ javaScriptEnabled: false, viewport: PHONE });
    await page.goto('/login');
    await check();
    await page.getByLabel('Email address').fill(OFFICER.email);
    await page.getByLabel('Password').fill(PASSWORD);
    await press(page, 'Sign in');
    expect(new URL(page.url()).pathname).toBe('/dashboard');
    await check();

    await page.goto('/tenders/new');
    await check();
    await page.getByLabel('Title', { exact: true }).fill(TITLE);
    await page.getByLabel('Summary').fill('Camden wants a partner to run Kentish Town library with its community.');
    await page.getByLabel('Specification').fill('Open 40 hours a week. Children’s reading, homework help and a home library service.');
    await page.locator('[name="lots-0-title"]').fill('Kentish Town library');
    await page.getByText('Add more lots').click();
    await page.locator('[name="lots-1-title"]').fill('Home library service');
    await page.locator('input[name="tupe"][value="unknown"]').check();
    await fillDate(page, 'clarificationDeadline', '1', '2', '2027');
    await fillDate(page, 'eoiDeadline', '15', '2', '2027');
    await fillDate(page, 'questionnaireDeadline', '1', '3', '2027');
    await press(page, 'Save as draft');
    exerciseId = /\/tenders\/([0-9a-f]{24})/.exec(page.url())?.[1] ?? '';
    expect(exerciseId).not.toBe('');
    await check();

    await follow(page, 'Questionnaire');
    await check();
    await press(page, 'Use the library services template');
    await check();
    // The question about parts of the service offers the exercise's own lots.
    const builder = await page.locator('main').innerText();
    expect(builder).toContain('Kentish Town library');
    expect(builder).toContain('Home library service');

    await page.goto(`/tenders/${exerciseId}`);
    await follow(page, 'Publish');
    await check();
    await press(page, /^Publish/);
    await check();
    expect(await page.locator('main').innerText()).toMatch(/Published/);
    expect(problems.list).toEqual([]);
  }, 120_000);

  test('a charity registers from the exercise page, expresses interest, answers, outlives its session and gets its receipt (JavaScript off, 320 px)', async () => {
    const { page, problems, check } = await open({ javaScriptEnabled: false, viewport: PHONE });
    await page.goto('/tenders?q=Kentish');
    await check();
    await follow(page, TITLE);
    await check();
    expect(await page.locator('main').innerText()).toMatch(/closes in \d+ days/i);

    // The sign-in wall says why, and registering from it comes back to the exercise.
    await follow(page, 'Express interest');
    await check();
    expect(await page.locator('main').innerText()).toMatch(/express interest/i);
    await follow(page, /register your organisation/i);
    await check();
    await follow(page, /Start now/);
    await check();
    await page.getByLabel('What is your organisation’s name?').fill('Friends of Kentish Town Library');
    await press(page, 'Continue');
    await check();
    await page.getByLabel('Voluntary and community sector').check();
    await press(page, 'Continue');
    await check();
    // Only the legal forms of the chosen sector (and those of any sector) are offered.
    expect(await page.locator('input[name="legalForm"]').count()).toBe(8);
    await page.getByLabel('Registered charity').check();
    await press(page, 'Continue');
    await check();
    await page.getByLabel(/Micro \(/).check();
    await press(page, 'Continue');
    await check();
    await press(page, 'Continue');
    await check();
    await page.getByLabel('Postcode of your main office').fill('NW5 2PN');
    await page.getByLabel('Camden').check();
    await press(page, 'Continue');
    await check();
    expect(await page.locator('main').innerText()).toContain('Friends of Kentish Town Library');
    await press(page, 'Continue');
    await check();
    await page.getByLabel('Full name').fill(CHARITY.name);
    await page.getByLabel('Email address').fill(CHARITY.email);
    await page.getByLabel('Create a password').fill(PASSWORD);
    await press(page, 'Create account');
    expect(new URL(page.url()).pathname).toBe(`/tenders/${exerciseId}/interest`);
    await check();
    expect((await mailbox.waitFor(CHARITY.email, /registered|account/i)).text).toContain(portal.url);

    await page.getByLabel('Kentish Town library').check();
    await page.locator('input[name="consortium"][value="no"]').check();
    await page.locator('input[name="willingToPartner"][value="yes"]').check();
    await page.locator('input[name="heardVia"]').first().check();
    await press(page, 'Express interest');
    await check();
    expect((await mailbox.waitFor(CHARITY.email, /interest/i)).text).toContain(`${portal.url}/tenders/${exerciseId}`);

    await follow(page, 'Start the questionnaire');
    await check();
    await press(page, 'Continue');
    await check();
    expect(new URL(page.url()).pathname).toBe(`/tenders/${exerciseId}/response/sections/1`);

    // A file goes up with the section: what was typed above it is kept.
    const experience = page.getByLabel(/What experience does your organisation have/);
    await experience.fill('We have run a volunteer reading group in Kentish Town since 2009.');
    await page.getByLabel(/Choose a file/).setInputFiles({ name: 'capability.pdf', mimeType: 'application/pdf', buffer: samplePdf() });
    await press(page, /^Upload file/);
    await check();
    expect(await page.locator('.govuk-notification-banner').innerText()).toContain('capability.pdf is uploaded and saved as your answer.');
    await expect(experience.inputValue()).resolves.toBe('We have run a volunteer reading group in Kentish Town since 2009.');

    // The session runs out while the charity types; what it sends is kept, and saved once it signs in again.
    await experience.fill('We have run a volunteer reading group in Kentish Town since 2009, and a homework club.');
    await page.waitForTimeout(62_000);
    await press(page, 'Save and continue');
    await check();
    expect(await page.locator('main').innerText()).toContain('we will save the answers you just sent');
    await follow(page, 'Sign in again');
    await check();
    await page.getByLabel('Email address').fill(CHARITY.email);
    await page.getByLabel('Password').fill(PASSWORD);
    await press(page, 'Sign in');
    await check();
    expect(new URL(page.url()).pathname).toMatch(new RegExp(`^/tenders/${exerciseId}/response/sections/[12]$`));

    // Resuming from the exercise page, the typed answer is there.
    await page.goto(`/tenders/${exerciseId}`);
    await follow(page, 'Continue the questionnaire');
    await check();
    await page.goto(`/tenders/${exerciseId}/response/sections/1`);
    await expect(page.getByLabel(/What experience does your organisation have/).inputValue()).resolves.toBe(
      'We have run a volunteer reading group in Kentish Town since 2009, and a homework club.',
    );
    await answerEverySection(page, check);

    await press(page, 'Send answers');
    await check();
    expect(await page.locator('.govuk-panel__title').innerText()).toBe('Answers sent');
    const reference = await page.locator('#receipt-reference').innerText();
    expect(reference).toMatch(/^[0-9A-F]{4}-[0-9A-F]{4}$/);
    const email = await mailbox.waitFor(CHARITY.email, /Your answers are received/);
    expect(email.text).toContain(reference);
    expect(email.text).toContain(`${portal.url}/tenders/${exerciseId}/response/receipt`);
    await page.screenshot({ path: '/tmp/journey-receipt-320.png', fullPage: true });

    // A question to the council, for the officer to answer.
    await page.goto(`/tenders/${exerciseId}`);
    await page.getByLabel('Ask a question').fill('Could a group of volunteers run the home library service on its own?');
    await press(page, 'Send question');
    await check();
    expect(problems.list).toEqual([]);
  }, 240_000);

  test('the officer answers the question and publishes it; the charity is told by email (JavaScript off, 320 px)', async () => {
    const { page, problems, check } = await open({ javaScriptEnabled: false, viewport: PHONE });
    await page.goto('/login');
    await page.getByLabel('Email address').fill(OFFICER.email);
    await page.getByLabel('Password').fill(PASSWORD);
    await press(page, 'Sign in');
    await page.goto(`/tenders/${exerciseId}`);
    await follow(page, /^Questions from organisations \(1 waiting\)/);
    await check();
    await page.getByLabel('Question 1 as it will be published').fill('Could volunteers run the home library service on their own?');
    await page.getByLabel('Your answer to question 1').fill('Yes. Tell us in the questionnaire how you would train and support them.');
    await page.getByLabel('Publish this answer to everyone').check();
    await press(page, 'Save answer');
    await check();
    // Publishing is confirmed on a page of its own where there is one.
    const confirm = page.getByRole('button', { name: /^Publish/ });
    if (await confirm.count()) {
      await press(page, /^Publish/);
      await check();
    }
    await page.goto(`/tenders/${exerciseId}`);
    await check();
    const published = await page.locator('main').innerText();
    expect(published).toContain('Could volunteers run the home library service on their own?');
    expect(published).toContain('Tell us in the questionnaire how you would train and support them.');
    const told = await mailbox.waitFor(CHARITY.email, /New answer to a question/);
    expect(told.text).toContain(`${portal.url}/tenders/${exerciseId}`);
    expect(problems.list).toEqual([]);
  }, 120_000);

  test('another charity completes the questionnaire with the keyboard only (JavaScript on)', async () => {
    const { page, problems, check } = await open({ javaScriptEnabled: true, viewport: DESKTOP });
    await registerThroughApi(TYPIST, 'Reading Circle CIC');
    await page.goto('/login');
    await keyboard.skipToMain(page);
    await keyboard.fillForm(page, 'Sign in', { email: TYPIST.email, password: PASSWORD });
    expect(new URL(page.url()).pathname).toBe('/dashboard');

    await page.goto(`/tenders/${exerciseId}`);
    await check();
    await keyboard.skipToMain(page);
    await keyboard.activate(page, 'Express interest');
    await check();
    await keyboard.skipToMain(page);
    await keyboard.fillForm(page, 'Express interest');
    await check();
    expect(await page.locator('main').innerText()).toContain('Your organisation is interested');
    await keyboard.skipToMain(page);
    await keyboard.activate(page, 'Start the questionnaire');
    await check();
    await keyboard.skipToMain(page);
    await keyboard.activate(page, 'Continue');
    for (let section = 0; section < 12 && !page.url().includes('/response/check'); section += 1) {
      await check();
      await keyboard.skipToMain(page);
      await keyboard.fillForm(page, 'Save and continue');
    }
    expect(new URL(page.url()).pathname).toBe(`/tenders/${exerciseId}/response/check`);
    await check();
    await keyboard.skipToMain(page);
    await keyboard.activate(page, 'Send answers');
    await check();
    expect(await page.locator('.govuk-panel__title').innerText()).toBe('Answers sent');
    await page.screenshot({ path: '/tmp/journey-keyboard-receipt.png', fullPage: true });
    expect(problems.list).toEqual([]);
  }, 180_000);

  /** A supplier registered over the JSON API, as another system would: the keyboard journey starts at signing in. */
  async function registerThroughApi(person: { email: string; name: string }, organisation: string) {
    const session = await fetch(`${portal.url}/api/v1/auth/session`);
    const { csrfToken } = (await session.json()) as { csrfToken: string };
    const cookie = session.headers
      .getSetCookie()
      .map((c) => c.split(';')[0])
      .join('; ');
    const res = await fetch(`${portal.url}/api/v1/auth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-csrf-token': csrfToken, cookie },
      body: JSON.stringify({
        email: person.email,
        password: PASSWORD,
        name: person.name,
        organisation: {
          name: organisation,
          sector: 'social_enterprise',
          legalForm: 'cic',
          size: 'micro',
          identifiers: [],
          postcode: 'N1 9GU',
          areas: ['camden'],
        },
      }),
    });
    expect(res.status).toBe(201);
  }
});
