import type { Page } from 'playwright-core';
import { signedInAs, STRONG_PASSWORD } from '../helpers/app';
import { browserSuite, describeInBrowser, untilInPage } from '../helpers/browser';
import { registeredSupplier, uniqueEmail } from '../helpers/factories';
import { samplePdf } from '../helpers/sample-files';
import {
  expressInterest,
  findingsClock,
  officerOf,
  publishedExercise,
  submitResponse,
  suppliers,
  type Supplier,
} from '../helpers/findings';

/** What a page looks like at 320 px: how far it scrolls sideways, what sticks out, and its table scroll regions. */
interface Reflow {
  scrollWidth: number;
  /** Elements reaching past the right edge of the viewport, outside any scroll region or escaping one. */
  overflowing: string[];
  /** Tables that are wider than their container and not inside a scroll region, so some columns cannot be reached. */
  cutOffTables: string[];
  /** How many tables the page has. */
  tables: number;
  regions: { label: string | null; role: string | null; tabIndex: number; focused: boolean }[];
}

// Runs in Chromium; a string, as the project type-checks without the DOM library.
const MEASURE = `(() => {
  const width = document.documentElement.clientWidth;
  const describe = (el) => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + (typeof el.className === 'string' && el.className ? '.' + el.className.trim().split(/\\s+/).join('.') : '');
  // Inside a scroll region only what escapes its clipping counts: absolutely positioned text such as
  // visually hidden words, when the region is not their containing block.
  const escapes = (el) => {
    const region = el.closest('.app-table-scroll');
    return !region || (getComputedStyle(el).position === 'absolute' && getComputedStyle(region).position === 'static');
  };
  const overflowing = [...document.body.querySelectorAll('*')]
    .filter((el) => el.getBoundingClientRect().right > width + 0.5 && escapes(el))
    .map((el) => describe(el) + ' (right edge at ' + Math.round(el.getBoundingClientRect().right) + ' px)');
  const cutOffTables = [...document.querySelectorAll('table')]
    .filter((t) => !t.closest('.app-table-scroll') && t.scrollWidth > t.parentElement.clientWidth + 0.5)
    .map(describe);
  const regions = [...document.querySelectorAll('.app-table-scroll')].map((r) => {
    r.focus();
    return { label: r.getAttribute('aria-label'), role: r.getAttribute('role'), tabIndex: r.tabIndex, focused: document.activeElement === r };
  });
  return { scrollWidth: document.documentElement.scrollWidth, overflowing, cutOffTables, tables: document.querySelectorAll('table').length, regions };
})()`;

/** Each cell of the page's tables that are read row by row: its column heading and the heading shown before its value. */
interface StackedCell {
  heading: string;
  shown: string;
}

// Runs in Chromium, as MEASURE does: a cell stacked as a card shows its heading as a block before its value.
const STACKED_CELLS = `[...document.querySelectorAll('table.app-table--stacked')].flatMap((table) => {
  const headings = [...table.querySelectorAll('thead th')].map((th) => th.textContent.trim());
  return [...table.querySelectorAll('tbody tr')].flatMap((row) => [...row.children].map((cell, i) => {
    const before = getComputedStyle(cell, '::before');
    const shown = before.display === 'block' && before.content.startsWith('"') ? before.content.slice(1, -1) : '';
    return { heading: headings[i], shown };
  }));
})`;

describeInBrowser('pages reflow at 320 px wide (WCAG 1.4.10)', () => {
  const clock = findingsClock();
  // A threshold of 3 keeps the market small enough to publish the London findings.
  const suite = browserSuite({
    app: { config: { SDC_THRESHOLD: '3' }, tenders: { now: clock.now }, questionnaires: { now: clock.now } },
    context: { viewport: { width: 320, height: 640 } },
  });
  let programmeEmail: string;
  let officerEmail: string;
  let supplier: Supplier;
  let exerciseId: string;
  let responseId: string;

  beforeAll(async () => {
    const t = suite.t;
    programmeEmail = (
      await t.auth.createUser({ role: 'programme', email: uniqueEmail('programme'), password: STRONG_PASSWORD, name: 'Pat Programme' })
    ).email;
    officerEmail = uniqueEmail('officer');
    await t.auth.createUser({ role: 'officer', email: officerEmail, password: STRONG_PASSWORD, name: 'Olive Officer', borough: 'camden' });
    const officers = {
      camden: await signedInAs(t.app, officerEmail),
      hackney: await officerOf(t, 'hackney'),
      lambeth: await officerOf(t, 'lambeth'),
    };
    const exercises = [];
    for (const officer of Object.values(officers)) exercises.push(await publishedExercise(officer));
    exerciseId = exercises[0]!.id;

    // Long unbroken names and addresses, as real organisations have, must wrap rather than widen the page.
    const long = await registeredSupplier(t.app, {
      email: `partnerships.and.procurement.${Date.now()}@northlondoncommunitylibrariestrust.example.org`,
      organisation: {
        name: 'North London Community Libraries and Learning Partnership Trust (Incorporated)',
        sector: 'voluntary',
        legalForm: 'registered_charity',
        size: 'small',
        identifiers: [],
      },
    });
    supplier = { ...long, sector: 'voluntary' };
    const market = [supplier, ...(await suppliers(t, 'private', 3)), ...(await suppliers(t, 'voluntary', 2))];
    const [socialEnterprise] = await suppliers(t, 'social_enterprise', 1);
    for (const exercise of exercises) {
      for (const org of market) await expressInterest(org, exercise, { contactEmail: org.email });
      for (const org of market.slice(0, 4)) await submitResponse(org, exercise.id);
    }
    // One social enterprise in one exercise: its figures are withheld, in columns off the right of a narrow screen.
    await expressInterest(socialEnterprise!, exercises[0]!, { contactEmail: socialEnterprise!.email });
    await submitResponse(socialEnterprise!, exerciseId);
    // A change after publishing, shown in a table on the exercise page, and a document with a long file name.
    const camden = officers.camden;
    const patched = await camden.agent
      .patch(`/api/v1/tenders/${exerciseId}`)
      .set('X-CSRF-Token', camden.csrfToken)
      .send({ specification: 'The provider will run three branch libraries and a home library service, open at least 45 hours a week.' });
    expect(patched.status).toBe(200);
    const uploaded = await camden.agent
      .post(`/api/v1/tenders/${exerciseId}/documents`)
      .set('X-CSRF-Token', camden.csrfToken)
      .field('title', 'Service specification')
      .attach('file', samplePdf(), 'library-service-specification-and-performance-framework-2027-final-v3.pdf');
    expect(uploaded.status).toBe(201);
    const responses = await officers.camden.agent.get(`/api/v1/tenders/${exerciseId}/responses`);
    responseId = (responses.body.items as { id: string }[])[0]!.id;
    // The expression of interest stage is over: the exercises count towards the London findings.
    clock.set('2027-02-20T09:00:00.000Z');
  }, 300_000);

  async function measure(page: Page, path: string): Promise<Reflow> {
    const res = await page.goto(path);
    expect([path, res?.status()]).toEqual([path, 200]);
    return (await page.evaluate(MEASURE)) as Reflow;
  }

  /** No sideways scrolling of the page; each wide table in a labelled region that keyboard users can focus. */
  function expectReflows(path: string, reflow: Reflow, regions: number | 'every table') {
    expect({ path, overflowing: reflow.overflowing, cutOffTables: reflow.cutOffTables }).toEqual({
      path,
      overflowing: [],
      cutOffTables: [],
    });
    expect([path, reflow.scrollWidth]).toEqual([path, 320]);
    expect([path, reflow.regions.length]).toEqual([path, regions === 'every table' ? reflow.tables : regions]);
    for (const region of reflow.regions) {
      expect(region).toEqual({ label: expect.stringMatching(/\w/), role: 'region', tabIndex: 0, focused: true });
    }
  }

  /** Tables read row by row become cards on a narrow screen: no scroll region, and each value shown under its heading. */
  async function expectCards(page: Page, path: string, tables: number) {
    await page.goto(path);
    expect([path, await page.locator('table.app-table--stacked').count()]).toEqual([path, tables]);
    const cells = (await page.evaluate(STACKED_CELLS)) as StackedCell[];
    expect(cells.length).toBeGreaterThan(0);
    for (const cell of cells) expect([path, cell.shown]).toEqual([path, cell.heading]);
  }

  test('the programme team’s London findings: tables scroll on their own, with the arrow keys too', async () => {
    const { page, problems } = await suite.signedInPage(programmeEmail);
    expectReflows('/findings', await measure(page, '/findings'), 4);
    const heardVia = page.getByRole('region', { name: 'How organisations heard, by sector' });
    await heardVia.focus();
    await page.keyboard.press('ArrowRight');
    // The arrow key may scroll smoothly: wait for it.
    await untilInPage(page, `document.querySelector('[aria-label="How organisations heard, by sector"]').scrollLeft > 0`);
    expect(await page.evaluate('window.scrollX')).toBe(0);
    expect(problems.list).toEqual([]);
  }, 60_000);

  test('a supplier’s dashboard, exercise list, exercise page, receipt, organisation and colleagues', async () => {
    const { page, problems } = await suite.signedInPage(supplier.email);
    const pages: [string, number][] = [
      // The exercises the organisation is interested in: a card each, not a scroll region.
      ['/dashboard', 0],
      ['/tenders', 0],
      [`/tenders/${exerciseId}`, 1],
      [`/tenders/${exerciseId}/response/receipt`, 1],
      ['/organisation', 0],
      // Names and email addresses: two columns that fit once the addresses wrap.
      ['/organisation/colleagues', 0],
      ['/alerts', 0],
    ];
    for (const [path, regions] of pages) expectReflows(path, await measure(page, path), regions);
    await expectCards(page, '/dashboard', 1);
    expect(problems.list).toEqual([]);
  }, 60_000);

  test('the email alert pages: sign up, check your email, confirm, set up, unsubscribe and stopped', async () => {
    const t = suite.t;
    const email = `alerts.for.new.library.exercises.${Date.now()}@northlondoncommunitylibrariestrust.example.org`;
    await t.alerts.signUp(email, ['camden', 'kensington-and-chelsea', 'richmond-upon-thames'], '198.51.100.7');
    const mail = await t.notifier.outbox.findOne({ to: email }).lean();
    const confirm = /http:\/\/localhost:3000(\/alerts\/confirm\?token=\S+)/.exec(mail?.text ?? '')![1]!;
    const unsubscribe = /http:\/\/localhost:3000(\/unsubscribe\?token=\S+)/.exec(mail?.text ?? '')![1]!;
    const { page, problems } = await suite.openPage();
    for (const path of ['/alerts', '/alerts/check-email', confirm, '/alerts/started', unsubscribe, '/unsubscribe', '/unsubscribe/done']) {
      expectReflows(path, await measure(page, path), 0);
    }
    expect(problems.list).toEqual([]);
  }, 60_000);

  test('an officer’s dashboard, exercise list, exercise page, documents, interests, responses and analysis', async () => {
    const { page, problems } = await suite.signedInPage(officerEmail);
    const pages: [string, number | 'every table'][] = [
      // The council's exercises and the responses: a card each.
      ['/dashboard', 0],
      ['/tenders', 0],
      [`/tenders/${exerciseId}`, 1],
      [`/tenders/${exerciseId}/documents`, 1],
      // Three columns that fit: sector, count and share.
      [`/tenders/${exerciseId}/interests`, 0],
      [`/tenders/${exerciseId}/responses`, 0],
      [`/tenders/${exerciseId}/responses/${responseId}`, 0],
      [`/tenders/${exerciseId}/analysis`, 'every table'],
      ['/findings', 4],
    ];
    for (const [path, regions] of pages) expectReflows(path, await measure(page, path), regions);
    await expectCards(page, '/dashboard', 1);
    await expectCards(page, `/tenders/${exerciseId}/responses`, 1);
    expect(problems.list).toEqual([]);
  }, 120_000);
});
