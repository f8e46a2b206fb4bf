import supertest from 'supertest';
import { startTestApp, STRONG_PASSWORD, type TestApp } from '../helpers/app';
import { createOfficer, registeredSupplier, uniqueEmail } from '../helpers/factories';
import { fillIn } from '../helpers/forms';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => t.close());

const errorLinks = (html: string) => [...html.matchAll(/<a href="(#[^"]+)">/g)].map((m) => m[1]);

/** Every field of the profile form, filled in. */
const profileForm = (overrides: Record<string, string | string[]> = {}) => ({
  name: 'Friends of Peckham Library',
  sector: 'voluntary',
  legalForm: 'charitable_company',
  size: 'small',
  registers: ['GB-COH', 'GB-CHC'],
  'number-GB-COH': '01234567',
  'number-GB-CHC': '1123456',
  address: '1 Library Lane\nPeckham',
  postcode: 'se15 5bs',
  areas: ['southwark', 'lewisham'],
  staffCount: '12',
  turnoverBand: '100k_500k',
  largestContractValue: '£85,000',
  contactName: 'Rae Reader',
  contactEmail: 'rae@example.org',
  contactPhone: '020 7946 0000',
  ...overrides,
});

describe('the organisation profile pages', () => {
  test('the profile lists every field; the form changes them all and comes back with a message', async () => {
    const supplier = await registeredSupplier(t.app, { organisation: { name: 'Friends of the Library' } });
    const before = await supplier.agent.get('/organisation').expect(200);
    expect(before.text).toContain('Friends of the Library');
    expect(before.text).toContain('Voluntary and community sector');
    expect(before.text).toContain('Registered charity');
    expect(before.text).toContain('Charity Commission (England and Wales) number: 1123456');
    expect(before.text).toContain('href="/organisation/edit"');
    expect(before.text).toContain('href="/organisation/colleagues"');

    const form = await supplier.agent.get('/organisation/edit').expect(200);
    expect(form.text).toContain('value="Friends of the Library"');
    expect(form.text).toMatch(/value="GB-CHC" checked/);
    expect(form.text).toMatch(/value="southwark" checked/);

    const saved = await fillIn(supplier.agent, '/organisation/edit', profileForm());
    expect(saved.status).toBe(303);
    expect(saved.headers.location).toBe('/organisation');
    const after = await supplier.agent.get('/organisation').expect(200);
    expect(after.text).toContain('Your organisation’s details are saved.');
    for (const shown of [
      'Friends of Peckham Library',
      'Charitable company',
      'Companies House number: 01234567',
      '1 Library Lane',
      'SE15 5BS',
      'Lewisham',
      '£100,000 to £500,000',
      '£85,000',
      'rae@example.org',
      '020 7946 0000',
    ]) {
      expect(after.text).toContain(shown);
    }
    expect(after.text).toMatch(/Number of paid staff\s*<\/dt>\s*<dd class="govuk-summary-list__value">\s*12/);
    expect(after.text).not.toContain('govuk-warning-text');

    // Blank optional fields are cleared.
    await fillIn(
      supplier.agent,
      '/organisation/edit',
      profileForm({ staffCount: '', turnoverBand: '', largestContractValue: '', contactName: '', contactEmail: '', contactPhone: '' }),
    ).then((r) => expect(r.status).toBe(303));
    const cleared = await t.suppliers.getOrganisation(supplier.organisationId);
    expect(cleared).toMatchObject({ staffCount: null, turnoverBand: null, largestContractValue: null, contact: null });
  });

  test('a form with problems comes back with 422, a message beside each field and what was typed', async () => {
    const supplier = await registeredSupplier(t.app);
    const res = await fillIn(
      supplier.agent,
      '/organisation/edit',
      profileForm({
        sector: 'private',
        legalForm: 'registered_charity',
        'number-GB-CHC': '12',
        postcode: 'nowhere',
        staffCount: '-3',
        largestContractValue: 'a lot',
        contactEmail: 'not-an-email',
      }),
    );
    expect(res.status).toBe(422);
    expect(res.text).toContain('There is a problem');
    expect(errorLinks(res.text)).toEqual([
      '#legalForm',
      '#number-GB-CHC',
      '#postcode',
      '#staffCount',
      '#largestContractValue',
      '#contactEmail',
    ]);
    expect(res.text).toContain(
      'A registered charity is in the voluntary and community sector: choose that sector or a different legal form',
    );
    expect(res.text).toContain('Number of staff must be 0 or more');
    expect(res.text).toContain('Largest contract value must be a number');
    expect(res.text).toContain('Enter a contact email address in the correct format, like name@example.org');
    expect(res.text).toContain('value="nowhere"');
    expect(res.text).toContain('value="a lot"');
    expect(res.text).toContain('value="not-an-email"');
    expect(res.text).toMatch(/value="private" checked/);
    expect((await t.suppliers.getOrganisation(supplier.organisationId)).postcode).toBe('SE1 7PB');
  });

  test('a sector-check warning is saved and shown as a GOV.UK warning', async () => {
    const supplier = await registeredSupplier(t.app);
    await fillIn(
      supplier.agent,
      '/organisation/edit',
      profileForm({ sector: 'private', legalForm: 'company', registers: ['GB-CHC'], 'number-GB-COH': '' }),
    ).then((r) => expect(r.status).toBe(303));
    const page = await supplier.agent.get('/organisation').expect(200);
    expect(page.text).toContain('Please check the note about your sector.');
    expect(page.text).toMatch(
      /govuk-warning-text[\s\S]*A Charity Commission \(England and Wales\) number is given, but the sector is Private sector\./,
    );
  });

  test('officers cannot see a supplier’s organisation pages', async () => {
    const officer = await createOfficer(t.auth);
    const agent = supertest.agent(t.app);
    await fillIn(agent, '/login', { email: officer.email, password: STRONG_PASSWORD }).then((r) => expect(r.status).toBe(303));
    for (const path of ['/organisation', '/organisation/edit', '/organisation/colleagues']) {
      expect([path, (await agent.get(path)).status]).toEqual([path, 403]);
    }
  });
});

describe('colleagues and invitation pages', () => {
  test('invite a colleague, see the link, and the colleague joins through it without JavaScript', async () => {
    const owner = await registeredSupplier(t.app, { organisation: { name: 'Lewisham Library Friends' } });
    const page = await owner.agent.get('/organisation/colleagues').expect(200);
    expect(page.text).toContain(owner.email);
    expect(page.text).toContain('Invite a colleague');

    const empty = await fillIn(owner.agent, '/organisation/colleagues', { name: '', email: 'nope' });
    expect(empty.status).toBe(422);
    expect(errorLinks(empty.text)).toEqual(['#name', '#email']);
    expect(empty.text).toContain('value="nope"');

    const email = uniqueEmail('page-colleague');
    const invited = await fillIn(owner.agent, '/organisation/colleagues', { name: 'Cal Colleague', email });
    expect(invited.status).toBe(201);
    expect(invited.text).toContain('Cal Colleague is invited');
    const link = /<code id="invitation-link">https?:\/\/[^/]+(\/invitations\/[A-Za-z0-9_-]{43})<\/code>/.exec(invited.text)?.[1];
    expect(link).toBeDefined();
    expect(invited.text).toMatch(/Invitations waiting[\s\S]*Cal Colleague/);

    const again = await fillIn(owner.agent, '/organisation/colleagues', { name: 'Cal Colleague', email });
    expect(again.status).toBe(409);
    expect(errorLinks(again.text)).toEqual(['#email']);
    expect(again.text).toContain('This person has already been invited and their link still works');

    const colleague = supertest.agent(t.app);
    const join = await colleague.get(link!).expect(200);
    expect(join.text).toContain('Join Lewisham Library Friends');
    expect(join.text).toContain(email);
    expect(join.text).toContain('value="Cal Colleague"');

    const weak = await fillIn(colleague, link!, { name: 'Cal Colleague', password: 'short' });
    expect(weak.status).toBe(422);
    expect(errorLinks(weak.text)).toEqual(['#password']);
    expect(weak.text).toContain('Password must be at least 10 characters');

    const joined = await fillIn(colleague, link!, { name: 'Cal Colleague', password: STRONG_PASSWORD });
    expect(joined.status).toBe(303);
    expect(joined.headers.location).toBe('/dashboard');
    const dashboard = await colleague.get('/dashboard').expect(200);
    expect(dashboard.text).toContain('Your account is created and you have joined Lewisham Library Friends.');
    const profile = await colleague.get('/organisation').expect(200);
    expect(profile.text).toContain('Lewisham Library Friends');

    const used = await supertest(t.app).get(link!);
    expect(used.status).toBe(404);
    expect(used.text).toContain('This invitation link is not valid. It may have been used already, or be more than 7 days old.');

    const list = await owner.agent.get('/organisation/colleagues').expect(200);
    expect(list.text).toContain(email);
    expect(list.text).not.toContain('Invitations waiting');
  });
});
