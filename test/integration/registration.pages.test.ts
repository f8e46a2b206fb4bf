import { randomBytes } from 'node:crypto';
import supertest from 'supertest';
import { startTestApp, STRONG_PASSWORD, type TestApp } from '../helpers/app';
import { registeredSupplier, uniqueEmail } from '../helpers/factories';
import { answerOrganisationSteps, fillIn } from '../helpers/forms';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => t.close());

const browser = () => supertest.agent(t.app);
const errorLinks = (html: string) => [...html.matchAll(/<a href="(#[^"]+)">/g)].map((m) => m[1]);

const details = (overrides: Record<string, string> = {}) => ({
  name: 'Rae Reader',
  email: uniqueEmail('steps'),
  password: STRONG_PASSWORD,
  ...overrides,
});

describe('registering an organisation in short pages, without JavaScript', () => {
  test('the start page says what is needed, how long it takes and that small and community organisations are welcome', async () => {
    const res = await supertest(t.app).get('/register').expect(200);
    expect(res.text).toContain('Register your organisation');
    expect(res.text).toContain('It takes about 5 minutes');
    expect(res.text).toContain('Small and community organisations are welcome');
    expect(res.text).toContain('the postcode of your main office');
    expect(res.text).toMatch(/href="\/register\/organisation-name"[^>]*class="govuk-button govuk-button--start"/);
  });

  test('every page in turn, then check answers, then your details creates the account and signs in', async () => {
    const agent = browser();
    const steps: [string, Record<string, string | string[]>, string][] = [
      ['organisation-name', { organisationName: '  Peckham Community Readers ' }, '/register/sector'],
      ['sector', { sector: 'social_enterprise' }, '/register/legal-form'],
      ['legal-form', { legalForm: 'cic' }, '/register/size'],
      ['size', { size: 'small' }, '/register/registration-numbers'],
      ['registration-numbers', { registers: ['GB-COH'], 'number-GB-COH': '0123 4567' }, '/register/location'],
      ['location', { postcode: 'se15 5bs', areas: ['southwark', 'lewisham'] }, '/register/check-answers'],
    ];
    for (const [slug, fields, next] of steps) {
      const res = await fillIn(agent, `/register/${slug}`, fields);
      expect([slug, res.status, res.headers.location]).toEqual([slug, 303, next]);
    }

    // The sector page explains each sector; the legal form page offers the chosen sector's forms, with hints, then those of any sector.
    const sectorPage = await agent.get('/register/sector').expect(200);
    expect(sectorPage.text).toContain('Charities, community groups, trusts and other not-for-profit groups run for a social purpose.');
    const legalPage = await agent.get('/register/legal-form').expect(200);
    const order = ['cic', 'cooperative', 'consortium', 'other'].map((v) => legalPage.text.indexOf(`value="${v}"`));
    expect(order.every((at, i) => at > 0 && (i === 0 || at > order[i - 1]!))).toBe(true);
    for (const elsewhere of ['company', 'registered_charity', 'council']) expect(legalPage.text).not.toContain(`value="${elsewhere}"`);
    expect(legalPage.text).toContain('A company that uses its profits and assets for the community, registered with the CIC regulator.');
    expect(legalPage.text).toMatch(/value="cic" checked/);

    const check = await agent.get('/register/check-answers').expect(200);
    for (const shown of [
      'Peckham Community Readers',
      'Social enterprise (CICs, community benefit societies, co-operatives, mutuals)',
      'Community interest company (CIC)',
      'Small (fewer than 50 staff',
      'Companies House number: 01234567',
      'SE15 5BS',
      'Southwark',
      'Lewisham',
    ]) {
      expect(check.text).toContain(shown);
    }
    expect(check.text).toContain('href="/register/your-details"');

    const you = details({ name: 'Rae Reader' });
    const created = await fillIn(agent, '/register/your-details', you);
    expect(created.status).toBe(303);
    expect(created.headers.location).toBe('/dashboard');
    const dashboard = await agent.get('/dashboard').expect(200);
    expect(dashboard.text).toContain('Peckham Community Readers is registered and you are signed in.');
    expect(dashboard.text).toContain('Rae Reader');

    const user = await t.auth.findByEmail(you.email);
    expect(user?.role).toBe('supplier');
    const organisation = await t.suppliers.getOrganisation(user!.organisationId!);
    expect(organisation).toMatchObject({
      name: 'Peckham Community Readers',
      sector: 'social_enterprise',
      legalForm: 'cic',
      size: 'small',
      identifiers: [{ scheme: 'GB-COH', id: '01234567' }],
      postcode: 'SE15 5BS',
      areas: ['southwark', 'lewisham'],
      sectorWarnings: [],
    });

    // The answers went with the old session: a new registration starts from the beginning.
    await agent
      .post('/logout')
      .type('form')
      .send({ _csrf: /name="_csrf" value="([^"]+)"/.exec(dashboard.text)![1] });
    const again = await agent.get('/register/check-answers');
    expect(again.status).toBe(303);
    expect(again.headers.location).toBe('/register/organisation-name');
  });

  test('each page checks only its own answers: 422, an error summary linking to the field, and what was typed', async () => {
    const agent = browser();
    const cases: { slug: string; fields: Record<string, string | string[]>; link: string; message: string; kept?: RegExp }[] = [
      {
        slug: 'organisation-name',
        fields: { organisationName: '   ' },
        link: '#organisationName',
        message: 'Enter your organisation’s name',
      },
      {
        slug: 'organisation-name',
        fields: { organisationName: 'A'.repeat(201) },
        link: '#organisationName',
        message: 'Organisation name must be 200 characters or fewer',
        kept: new RegExp(`value="${'A'.repeat(201)}"`),
      },
    ];
    for (const c of cases) {
      const res = await fillIn(agent, `/register/${c.slug}`, c.fields);
      expect([c.slug, res.status]).toEqual([c.slug, 422]);
      expect(res.text).toContain('There is a problem');
      expect(res.text).toContain('<title>Error: ');
      expect(errorLinks(res.text)).toEqual([c.link]);
      expect(res.text).toContain(c.message);
      if (c.kept) expect(res.text).toMatch(c.kept);
    }
    await fillIn(agent, '/register/organisation-name', { organisationName: 'Readers' }).then((r) => expect(r.status).toBe(303));

    const noSector = await fillIn(agent, '/register/sector', {});
    expect(noSector.status).toBe(422);
    expect(errorLinks(noSector.text)).toEqual(['#sector']);
    expect(noSector.text).toContain('Select the sector your organisation is in');
    expect(noSector.text).not.toContain('Private sector, Public sector');
    const madeUp = await fillIn(agent, '/register/sector', { sector: 'charity' });
    expect(madeUp.status).toBe(422);
    await fillIn(agent, '/register/sector', { sector: 'voluntary' }).then((r) => expect(r.status).toBe(303));

    const noForm = await fillIn(agent, '/register/legal-form', {});
    expect(noForm.status).toBe(422);
    expect(errorLinks(noForm.text)).toEqual(['#legalForm']);
    expect(noForm.text).toContain('Choose your organisation’s legal form');
    await fillIn(agent, '/register/legal-form', { legalForm: 'trust' }).then((r) => expect(r.status).toBe(303));

    const noSize = await fillIn(agent, '/register/size', { size: 'huge' });
    expect(noSize.status).toBe(422);
    expect(errorLinks(noSize.text)).toEqual(['#size']);
    expect(noSize.text).toContain('Choose your organisation’s size');
    await fillIn(agent, '/register/size', { size: 'micro' }).then((r) => expect(r.status).toBe(303));

    // Registration numbers use the registers' own formats; a ticked register needs its number.
    const badNumbers = await fillIn(agent, '/register/registration-numbers', {
      registers: ['GB-COH', 'GB-CHC'],
      'number-GB-CHC': '12',
    });
    expect(badNumbers.status).toBe(422);
    expect(errorLinks(badNumbers.text)).toEqual(['#number-GB-COH', '#number-GB-CHC']);
    expect(badNumbers.text).toContain('Enter the registration number');
    expect(badNumbers.text).toContain('Enter a Charity Commission (England and Wales) number in the correct format, like 1123456');
    expect(badNumbers.text).toMatch(/id="number-GB-CHC" name="number-GB-CHC" type="text"[^>]*value="12"/);
    expect(badNumbers.text).toMatch(/value="GB-CHC" checked/);
    // A number typed without ticking its box counts (without JavaScript every number field shows).
    const typedOnly = await fillIn(agent, '/register/registration-numbers', { 'number-GB-SC': 'SC12' });
    expect(typedOnly.status).toBe(422);
    expect(errorLinks(typedOnly.text)).toEqual(['#number-GB-SC']);
    expect(typedOnly.text).toContain('Enter a Scottish Charity Regulator (OSCR) number in the correct format, like SC012345');
    await fillIn(agent, '/register/registration-numbers', { 'number-GB-CHC': '1123456' }).then((r) => expect(r.status).toBe(303));

    const badPlace = await fillIn(agent, '/register/location', { postcode: 'nowhere', areas: ['southwark', 'atlantis'] });
    expect(badPlace.status).toBe(422);
    expect(errorLinks(badPlace.text)).toEqual(['#postcode', '#areas']);
    expect(badPlace.text).toContain('Enter a full UK postcode, like SW1A 1AA');
    expect(badPlace.text).toContain('Choose London boroughs from the list');
    expect(badPlace.text).toContain('value="nowhere"');
    expect(badPlace.text).toMatch(/value="southwark" checked/);
    await fillIn(agent, '/register/location', { postcode: 'E8 1EA' }).then((r) => expect(r.status).toBe(303));

    await agent.get('/register/check-answers').expect(200);
    const email = uniqueEmail('steps');
    const badDetails = await fillIn(agent, '/register/your-details', { name: 'Rae Reader', email: 'not an email', password: 'short' });
    expect(badDetails.status).toBe(422);
    expect(errorLinks(badDetails.text)).toEqual(['#email', '#password']);
    expect(badDetails.text).toContain('Enter an email address in the correct format, like name@example.org');
    expect(badDetails.text).toContain('Password must be at least 10 characters');
    expect(badDetails.text).toContain('value="Rae Reader"');
    const sameAsEmail = await fillIn(agent, '/register/your-details', { name: '', email, password: email });
    expect(sameAsEmail.status).toBe(422);
    expect(errorLinks(sameAsEmail.text)).toEqual(['#name', '#password']);
    expect(sameAsEmail.text).toContain('Your password must not be your email address');
    expect(sameAsEmail.text).not.toMatch(new RegExp(`type="password"[^>]*value=`));
    // Everything missing: the summary lists the problems in the order of the page, name first.
    const empty = await fillIn(agent, '/register/your-details', { name: '', email: '', password: '' });
    expect(errorLinks(empty.text)).toEqual(['#name', '#email', '#password']);
  });

  test('a legal form from another sector is refused on the legal form field with the schema’s message', async () => {
    const agent = browser();
    await fillIn(agent, '/register/organisation-name', { organisationName: 'Pages Ltd' });
    await fillIn(agent, '/register/sector', { sector: 'private' });
    const page = await agent.get('/register/legal-form').expect(200);
    // The private sector's forms, then consortium and other; a charity's form is not offered.
    expect(page.text.indexOf('value="company"')).toBeLessThan(page.text.indexOf('value="consortium"'));
    expect(page.text).not.toContain('value="registered_charity"');

    const res = await fillIn(agent, '/register/legal-form', { legalForm: 'registered_charity' });
    expect(res.status).toBe(422);
    expect(errorLinks(res.text)).toEqual(['#legalForm']);
    expect(res.text).toMatch(
      /id="legalForm-error"[^>]*>\s*<span class="govuk-visually-hidden">Error:<\/span> A registered charity is in the voluntary and community sector: choose that sector or a different legal form/,
    );
    expect(res.text).toContain('href="/register/sector"');

    // The answer was not kept: the next page is still out of reach.
    const ahead = await agent.get('/register/size');
    expect(ahead.status).toBe(303);
    expect(ahead.headers.location).toBe('/register/legal-form');
  });

  test('jumping ahead goes back to the first page not yet answered', async () => {
    const agent = browser();
    for (const path of ['/register/size', '/register/check-answers', '/register/your-details']) {
      const res = await agent.get(path);
      expect([path, res.status, res.headers.location]).toEqual([path, 303, '/register/organisation-name']);
    }
    await fillIn(agent, '/register/organisation-name', { organisationName: 'Readers' });
    await fillIn(agent, '/register/sector', { sector: 'public' });
    const location = await agent.get('/register/location');
    expect(location.headers.location).toBe('/register/legal-form');

    // A post straight to a later page is turned back too, and nothing is saved.
    const page = await agent.get('/register/legal-form').expect(200);
    const token = /name="_csrf" value="([^"]+)"/.exec(page.text)![1];
    const skipped = await agent.post('/register/location').type('form').send({ _csrf: token, postcode: 'SW1A 1AA' });
    expect(skipped.status).toBe(303);
    expect(skipped.headers.location).toBe('/register/legal-form');
    const create = await agent
      .post('/register/your-details')
      .type('form')
      .send({ _csrf: token, ...details() });
    expect(create.status).toBe(303);
    expect(create.headers.location).toBe('/register/legal-form');

    // With every answer in, the last page still needs the answers checked first.
    for (const [slug, fields] of [
      ['legal-form', { legalForm: 'council' }],
      ['size', { size: 'large' }],
      ['registration-numbers', {}],
      ['location', { postcode: 'SW1A 1AA' }],
    ] as const) {
      await fillIn(agent, `/register/${slug}`, fields);
    }
    const notChecked = await agent.get('/register/your-details');
    expect(notChecked.status).toBe(303);
    expect(notChecked.headers.location).toBe('/register/check-answers');
    await agent.get('/register/check-answers').expect(200);
    await agent.get('/register/your-details').expect(200);
  });

  test('Change links on check answers go to each page and come back to check answers', async () => {
    const agent = browser();
    const check = await answerOrganisationSteps(agent);
    expect(check.status).toBe(200);
    const changeLinks = [...check.text.matchAll(/href="(\/register\/[a-z-]+)">\s*Change/g)].map((m) => m[1]);
    expect(changeLinks).toEqual([
      '/register/organisation-name',
      '/register/sector',
      '/register/legal-form',
      '/register/size',
      '/register/registration-numbers',
      '/register/location',
      '/register/location',
    ]);

    // The page shows the saved answer and goes back to check answers.
    const namePage = await agent.get('/register/organisation-name').expect(200);
    expect(namePage.text).toContain('value="Peckham Community Readers"');
    expect(namePage.text).toMatch(/href="\/register\/check-answers" class="govuk-back-link"/);
    const renamed = await fillIn(agent, '/register/organisation-name', { organisationName: 'Peckham Readers Trust' });
    expect(renamed.headers.location).toBe('/register/check-answers');
    expect((await agent.get('/register/check-answers')).text).toContain('Peckham Readers Trust');

    // A new sector that the legal form no longer fits asks for the legal form again, then returns.
    const sector = await fillIn(agent, '/register/sector', { sector: 'social_enterprise' });
    expect(sector.headers.location).toBe('/register/legal-form');
    expect((await agent.get('/register/check-answers')).headers.location).toBe('/register/legal-form');
    const legalForm = await fillIn(agent, '/register/legal-form', { legalForm: 'community_benefit_society' });
    expect(legalForm.headers.location).toBe('/register/check-answers');
    const after = await agent.get('/register/check-answers').expect(200);
    expect(after.text).toContain('Community benefit society');
    expect(after.text).toContain('Social enterprise (CICs');
  });

  test('the password is never kept in the session store, even when the last page is refused', async () => {
    const agent = browser();
    await answerOrganisationSteps(agent, { 'organisation-name': { organisationName: 'Session Check Readers' } });
    const sessions = t.conn.collection('sessions');
    const stored = async () => JSON.stringify(await sessions.find({}).toArray());
    // The answers are in the store, so this is the right place to look.
    expect(await stored()).toContain('Session Check Readers');

    // Refused twice (an email with an account, then no name), each time with a password of its own.
    const refusedPasswords = [`quartz ${randomBytes(6).toString('hex')} harbour`, `willow ${randomBytes(6).toString('hex')} ember`];
    const existing = await registeredSupplier(t.app);
    const conflict = await fillIn(agent, '/register/your-details', {
      name: 'Sol Session',
      email: existing.email,
      password: refusedPasswords[0]!,
    });
    expect(conflict.status).toBe(409);
    expect(await stored()).not.toContain(refusedPasswords[0]);
    const noName = await fillIn(agent, '/register/your-details', {
      name: '',
      email: uniqueEmail('session'),
      password: refusedPasswords[1]!,
    });
    expect(noName.status).toBe(422);
    expect(noName.text).not.toContain(refusedPasswords[1]);
    expect(await stored()).not.toContain(refusedPasswords[1]);

    const email = uniqueEmail('session');
    const password = `lantern ${randomBytes(8).toString('hex')} meadow`;
    const res = await fillIn(agent, '/register/your-details', { name: 'Sol Session', email, password });
    expect(res.status).toBe(303);
    const all = await stored();
    for (const secret of [password, ...refusedPasswords]) expect(all).not.toContain(secret);
    // The session now holds the signed-in user, not the answers.
    expect(all).not.toContain('"organisationName":"Session Check Readers"');

    // The password chosen is the one that signs in.
    const login = await fillIn(supertest.agent(t.app), '/login', { email, password });
    expect(login.status).toBe(303);
    expect(login.headers.location).toBe('/dashboard');
  });

  test('an email address that already has an account gets a 409 on the email field, keeping name and email', async () => {
    const existing = await registeredSupplier(t.app);
    const agent = browser();
    await answerOrganisationSteps(agent);
    const res = await fillIn(agent, '/register/your-details', {
      name: 'Dee Duplicate',
      email: existing.email.toUpperCase(),
      password: STRONG_PASSWORD,
    });
    expect(res.status).toBe(409);
    expect(errorLinks(res.text)).toEqual(['#email']);
    expect(res.text).toContain('An account with this email address already exists');
    expect(res.text).toContain('value="Dee Duplicate"');
    expect(res.text).toContain(`value="${existing.email.toUpperCase()}"`);
    expect(res.text).not.toContain(STRONG_PASSWORD);
    // The answers are still there for another try.
    await agent.get('/register/check-answers').expect(200);
  });

  test('sector check warnings are shown before and after registering, never blocking it', async () => {
    const agent = browser();
    const check = await answerOrganisationSteps(agent, {
      'organisation-name': { organisationName: 'Chapter and Verse Ltd' },
      sector: { sector: 'private' },
      'legal-form': { legalForm: 'company' },
      'registration-numbers': { registers: ['GB-CHC'], 'number-GB-CHC': '1123456' },
    });
    const warning = 'A Charity Commission (England and Wales) number is given, but the sector is Private sector.';
    expect(check.text).toContain(warning);
    const res = await fillIn(agent, '/register/your-details', details());
    expect(res.status).toBe(303);
    const dashboard = await agent.get('/dashboard').expect(200);
    expect(dashboard.text).toContain('Chapter and Verse Ltd is registered and you are signed in.');
    expect(dashboard.text).toContain(warning);
    const profile = await agent.get('/organisation').expect(200);
    expect(profile.text).toContain(warning);
    expect(profile.text).toContain('govuk-warning-text');
  });

  test('markup in names is shown as text, never run', async () => {
    const attack = '"><script>alert(1)</script>';
    const agent = browser();
    await answerOrganisationSteps(agent, { 'organisation-name': { organisationName: attack } });
    const check = await agent.get('/register/check-answers').expect(200);
    expect(check.text).not.toContain('<script>alert(1)</script>');
    await fillIn(agent, '/register/your-details', details({ name: attack })).then((r) => expect(r.status).toBe(303));
    const dashboard = await agent.get('/dashboard').expect(200);
    expect(dashboard.text).not.toContain('<script>alert(1)</script>');
    expect(dashboard.text).toContain('&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;');
  });

  test('someone already signed in is sent to their dashboard rather than registering again', async () => {
    const { agent } = await registeredSupplier(t.app);
    for (const path of ['/register', '/register/sector']) {
      const res = await agent.get(path);
      expect([path, res.status, res.headers.location]).toEqual([path, 303, '/dashboard']);
    }
  });
});
