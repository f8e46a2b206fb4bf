import { createHash } from 'node:crypto';
import { apiClient, signedInAs, startTestApp, STRONG_PASSWORD, testClock, type TestApp } from '../helpers/app';
import { send, type Client } from '../helpers/client';
import { createOfficer, registeredSupplier, uniqueEmail } from '../helpers/factories';

const clock = testClock('2027-01-10T09:00:00.000Z');
let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ invitations: { now: clock.now } });
});
afterAll(async () => t.close());
beforeEach(() => clock.set('2027-01-10T09:00:00.000Z'));

/** A complete, valid profile for PUT /api/v1/organisations/mine. */
function profile(overrides: Record<string, unknown> = {}) {
  return {
    name: 'Friends of Peckham Library',
    sector: 'voluntary',
    legalForm: 'cio',
    size: 'small',
    identifiers: [{ scheme: 'GB-CHC', id: '1123456' }],
    address: '1 Library Lane\nPeckham',
    postcode: 'se15 5bs',
    areas: ['southwark', 'lewisham'],
    staffCount: 12,
    turnoverBand: '100k_500k',
    largestContractValue: 85000,
    contact: { name: 'Rae Reader', email: 'Rae@Example.org', phone: '020 7946 0000' },
    ...overrides,
  };
}

const put = (client: Client, body: object) => send(client, 'put', '/api/v1/organisations/mine', body);

describe('a supplier’s own organisation profile', () => {
  test('GET shows every field of the profile registered with', async () => {
    const supplier = await registeredSupplier(t.app);
    const res = await supplier.agent.get('/api/v1/organisations/mine').expect(200);
    expect(res.body).toEqual({
      id: supplier.organisationId,
      name: 'Friends of the Library',
      sector: 'voluntary',
      legalForm: 'registered_charity',
      size: 'small',
      identifiers: [{ scheme: 'GB-CHC', id: '1123456' }],
      postcode: 'SE1 7PB',
      areas: ['southwark', 'lambeth'],
      address: '',
      staffCount: null,
      turnoverBand: null,
      largestContractValue: null,
      contact: null,
      sectorWarnings: [],
      updatedAt: expect.any(String),
    });
  });

  test('PUT replaces the profile, normalising what was typed, and GET then shows it', async () => {
    const supplier = await registeredSupplier(t.app);
    const res = await put(
      supplier,
      profile({
        identifiers: [
          { scheme: 'GB-COH', id: 'sc 123456' },
          { scheme: 'GB-CHC', id: '1123456' },
        ],
      }),
    );
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      name: 'Friends of Peckham Library',
      legalForm: 'cio',
      identifiers: [
        { scheme: 'GB-COH', id: 'SC123456' },
        { scheme: 'GB-CHC', id: '1123456' },
      ],
      address: '1 Library Lane\nPeckham',
      postcode: 'SE15 5BS',
      staffCount: 12,
      turnoverBand: '100k_500k',
      largestContractValue: 85000,
      contact: { name: 'Rae Reader', email: 'rae@example.org', phone: '020 7946 0000' },
      sectorWarnings: [],
    });
    const again = await supplier.agent.get('/api/v1/organisations/mine').expect(200);
    expect(again.body).toEqual(res.body);
  });

  test.each([
    [
      'a Companies House number',
      { identifiers: [{ scheme: 'GB-COH', id: '1234' }] },
      'identifiers.0.id',
      'Enter a Companies House number in the correct format, like 01234567 or SC123456',
    ],
    [
      'a Charity Commission number',
      { identifiers: [{ scheme: 'GB-CHC', id: '12' }] },
      'identifiers.0.id',
      'Enter a Charity Commission (England and Wales) number in the correct format, like 1123456',
    ],
    [
      'an OSCR number',
      { identifiers: [{ scheme: 'GB-SC', id: '123456' }] },
      'identifiers.0.id',
      'Enter a Scottish Charity Regulator (OSCR) number in the correct format, like SC012345',
    ],
    [
      'a Northern Ireland charity number',
      { identifiers: [{ scheme: 'GB-NIC', id: '200123' }] },
      'identifiers.0.id',
      'Enter a Charity Commission for Northern Ireland number in the correct format, like 100123',
    ],
    [
      'an FCA mutuals number',
      { identifiers: [{ scheme: 'GB-MPR', id: 'ABC' }] },
      'identifiers.0.id',
      'Enter a FCA Mutuals Public Register number in the correct format, like 31234R or RS007654',
    ],
    ['an empty number', { identifiers: [{ scheme: 'GB-CHC', id: ' ' }] }, 'identifiers.0.id', 'Enter the registration number'],
    [
      'an unknown register',
      { identifiers: [{ scheme: 'GB-XYZ', id: '1' }] },
      'identifiers.0.scheme',
      'Choose a register: GB-COH, GB-CHC, GB-SC, GB-NIC, GB-MPR',
    ],
    [
      'a register given twice',
      {
        identifiers: [
          { scheme: 'GB-CHC', id: '1123456' },
          { scheme: 'GB-CHC', id: '1123457' },
        ],
      },
      'identifiers',
      'Give each register only once',
    ],
    ['a postcode', { postcode: 'nowhere' }, 'postcode', 'Enter a full UK postcode, like SW1A 1AA'],
    ['a missing postcode', { postcode: '' }, 'postcode', 'Enter a postcode'],
    ['a sector', { sector: 'charity' }, 'sector', 'Select the sector your organisation is in'],
    ['a legal form', { legalForm: 'charity' }, 'legalForm', 'Choose your organisation’s legal form'],
    [
      'a legal form of another sector',
      { sector: 'private' },
      'legalForm',
      'A charitable incorporated organisation (cio) is in the voluntary and community sector: choose that sector or a different legal form',
    ],
    ['a size', { size: 'enormous' }, 'size', 'Choose your organisation’s size'],
    ['a name', { name: '  ' }, 'name', 'Enter your organisation’s name'],
    ['a staff count below 0', { staffCount: -1 }, 'staffCount', 'Number of staff must be 0 or more'],
    ['a staff count that is not whole', { staffCount: 2.5 }, 'staffCount', 'Number of staff must be a whole number'],
    ['a staff count that is text', { staffCount: 'ten' }, 'staffCount', 'Number of staff must be a number'],
    ['a turnover band', { turnoverBand: 'lots' }, 'turnoverBand', expect.stringMatching(/^Choose a turnover band: Less than £100,000, /)],
    ['a contract value below 0', { largestContractValue: -5 }, 'largestContractValue', 'Largest contract value must be 0 or more'],
    [
      'a contact email',
      { contact: { name: 'Rae', email: 'not-an-email', phone: '' } },
      'contact.email',
      'Enter a contact email address in the correct format, like name@example.org',
    ],
    ['a contact without a name', { contact: { name: '', email: 'rae@example.org' } }, 'contact.name', 'Enter a contact name'],
    [
      'a contact phone',
      { contact: { name: 'Rae', email: 'rae@example.org', phone: 'call me' } },
      'contact.phone',
      'Enter a phone number, like 020 7946 0000',
    ],
    ['a borough', { areas: ['atlantis'] }, 'areas.0', 'Choose London boroughs from the list'],
    ['an address', { address: 'x'.repeat(501) }, 'address', 'Address must be 500 characters or fewer'],
  ])('refuses %s with 422 and the field’s message, changing nothing', async (_what, change, field, message) => {
    const supplier = await registeredSupplier(t.app);
    const before = await supplier.agent.get('/api/v1/organisations/mine').expect(200);
    const res = await put(supplier, profile(change));
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('validation_failed');
    expect(res.body.error.fields[field]).toEqual(message);
    const after = await supplier.agent.get('/api/v1/organisations/mine').expect(200);
    expect(after.body).toEqual(before.body);
  });

  test('a charity number with the private sector is saved with a sector-check warning, never refused', async () => {
    const supplier = await registeredSupplier(t.app);
    const res = await put(
      supplier,
      profile({ sector: 'private', legalForm: 'company', identifiers: [{ scheme: 'GB-CHC', id: '1123456' }], sectorWarnings: [] }),
    );
    expect(res.status).toBe(200);
    expect(res.body.sectorWarnings).toEqual([
      'A Charity Commission (England and Wales) number is given, but the sector is Private sector.',
    ]);
    // Fixing the answers clears the warning.
    const fixed = await put(supplier, profile());
    expect(fixed.body.sectorWarnings).toEqual([]);
    const companyOnly = await put(
      supplier,
      profile({ legalForm: 'charitable_company', identifiers: [{ scheme: 'GB-COH', id: '01234567' }] }),
    );
    expect(companyOnly.body.sectorWarnings).toEqual([
      'Only a Companies House number is given for a voluntary organisation: check it is a charity or not-for-profit company.',
    ]);
  });

  test('a body cannot set the id, the warnings or anything outside the profile', async () => {
    const supplier = await registeredSupplier(t.app);
    const res = await put(supplier, {
      ...profile(),
      id: '0123456789abcdef01234567',
      _id: '0123456789abcdef01234567',
      sectorWarnings: ['x'],
      role: 'admin',
    });
    expect(res.status).toBe(200);
    expect(res.body.id).toBe(supplier.organisationId);
    expect(res.body.sectorWarnings).toEqual([]);
  });

  test('another supplier never sees or changes this organisation', async () => {
    const a = await registeredSupplier(t.app, { organisation: { name: 'Alpha Readers' } });
    const b = await registeredSupplier(t.app, {
      organisation: { name: 'Beta Books Ltd', sector: 'private', legalForm: 'company', identifiers: [] },
    });
    expect((await b.agent.get('/api/v1/organisations/mine').expect(200)).body.name).toBe('Beta Books Ltd');
    await put(b, profile({ name: 'Beta Renamed' })).expect(200);
    const aAfter = await a.agent.get('/api/v1/organisations/mine').expect(200);
    expect(aAfter.body.name).toBe('Alpha Readers');
    expect(aAfter.body.id).toBe(a.organisationId);
    expect((await b.agent.get('/api/v1/organisations/mine')).body.id).toBe(b.organisationId);
  });

  test('officers get 403 and anonymous callers 401', async () => {
    const officer = await signedInAs(t.app, (await createOfficer(t.auth)).email);
    await officer.agent.get('/api/v1/organisations/mine').expect(403);
    await send(officer, 'put', '/api/v1/organisations/mine', profile()).expect(403);
    await officer.agent.get('/api/v1/organisations/mine/users').expect(403);
    await send(officer, 'post', '/api/v1/organisations/mine/invitations', { email: uniqueEmail('x'), name: 'X' }).expect(403);
    const anon = await apiClient(t.app);
    await anon.agent.get('/api/v1/organisations/mine').expect(401);
    await send(anon, 'put', '/api/v1/organisations/mine', profile()).expect(401);
  });
});

describe('inviting colleagues', () => {
  const invite = (client: Client, body: object) => send(client, 'post', '/api/v1/organisations/mine/invitations', body);
  const tokenOf = (link: string) => link.replace('/invitations/', '');
  const accept = async (body: object) => {
    const anon = await apiClient(t.app);
    const res = await send(anon, 'post', '/api/v1/auth/invitations/accept', body);
    return { ...anon, res };
  };

  test('invite, see it waiting, accept: the new user is a supplier of the same organisation and sees the same profile', async () => {
    const owner = await registeredSupplier(t.app, { organisation: { name: 'Peckham Readers' } });
    const email = uniqueEmail('colleague');
    const res = await invite(owner, { email: email.toUpperCase(), name: 'Cal Colleague' });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      id: expect.any(String),
      email,
      name: 'Cal Colleague',
      createdAt: '2027-01-10T09:00:00.000Z',
      expiresAt: '2027-01-17T09:00:00.000Z',
      link: expect.stringMatching(/^\/invitations\/[A-Za-z0-9_-]{43}$/),
      url: `${t.config.baseUrl}${res.body.link}`,
    });
    const token = tokenOf(res.body.link);

    // Only the token's hash is stored.
    const stored = await t.conn.collection('invitations').findOne({ email });
    expect(stored?.tokenHash).toBe(createHash('sha256').update(token).digest('hex'));
    expect(JSON.stringify(stored)).not.toContain(token);

    // An email with the link waits in the outbox.
    const mail = await t.notifier.outbox.findOne({ to: email }).lean();
    expect(mail?.subject).toContain('Peckham Readers');
    // The link in the email is absolute, built from BASE_URL, since it is opened outside the portal.
    expect(mail?.text).toContain(`\n${t.config.baseUrl}${res.body.link}\n`);
    expect(t.config.baseUrl).toBe('http://localhost:3000');

    const users = await owner.agent.get('/api/v1/organisations/mine/users').expect(200);
    expect(users.body.items).toEqual([{ id: expect.any(String), name: 'Sam Supplier', email: owner.email }]);
    expect(users.body.invitations).toEqual([
      { id: res.body.id, email, name: 'Cal Colleague', createdAt: res.body.createdAt, expiresAt: res.body.expiresAt },
    ]);

    const accepted = await accept({ token, name: 'Cal Colleague', password: STRONG_PASSWORD });
    expect(accepted.res.status).toBe(201);
    expect(accepted.res.body.user).toMatchObject({
      email,
      name: 'Cal Colleague',
      role: 'supplier',
      organisationId: owner.organisationId,
      borough: null,
    });
    expect(accepted.res.body.csrfToken).toEqual(expect.any(String));

    // Signed in as the new user, who sees the same profile and can change it.
    const session = await accepted.agent.get('/api/v1/auth/session').expect(200);
    expect(session.body.user.email).toBe(email);
    const mine = await accepted.agent.get('/api/v1/organisations/mine').expect(200);
    const ownerView = await owner.agent.get('/api/v1/organisations/mine').expect(200);
    expect(mine.body).toEqual(ownerView.body);
    await accepted.agent
      .put('/api/v1/organisations/mine')
      .set('X-CSRF-Token', accepted.res.body.csrfToken as string)
      .send(profile({ name: 'Peckham Readers Together' }))
      .expect(200);
    expect((await owner.agent.get('/api/v1/organisations/mine')).body.name).toBe('Peckham Readers Together');

    const after = await owner.agent.get('/api/v1/organisations/mine/users').expect(200);
    expect(after.body.items.map((u: { email: string }) => u.email).sort()).toEqual([email, owner.email].sort());
    expect(after.body.invitations).toEqual([]);

    // The new user can sign in with the password chosen.
    await signedInAs(t.app, email);
  });

  test('a used link answers 404 with a clear message', async () => {
    const owner = await registeredSupplier(t.app);
    const res = await invite(owner, { email: uniqueEmail('once'), name: 'Olly Once' }).expect(201);
    const token = tokenOf(res.body.link);
    expect((await accept({ token, name: 'Olly Once', password: STRONG_PASSWORD })).res.status).toBe(201);
    const again = await accept({ token, name: 'Olly Again', password: 'another long passphrase' });
    expect(again.res.status).toBe(404);
    expect(again.res.body.error.message).toMatch(
      /^This invitation link is not valid\. It may have been used already, or be more than 7 days old/,
    );
    const unknown = await accept({ token: 'x'.repeat(43), name: 'Nobody', password: STRONG_PASSWORD });
    expect(unknown.res.status).toBe(404);
  });

  test('a link more than 7 days old answers 404, and the person can then be invited again', async () => {
    const owner = await registeredSupplier(t.app);
    const email = uniqueEmail('late');
    const res = await invite(owner, { email, name: 'Lee Late' }).expect(201);
    clock.advance(7 * 24 * 60 * 60_000 - 60_000);
    const users = await owner.agent.get('/api/v1/organisations/mine/users').expect(200);
    expect(users.body.invitations).toHaveLength(1);
    clock.advance(60_000);
    const late = await accept({ token: tokenOf(res.body.link), name: 'Lee Late', password: STRONG_PASSWORD });
    expect(late.res.status).toBe(404);
    expect(late.res.body.error.message).toContain('more than 7 days old');
    expect((await owner.agent.get('/api/v1/organisations/mine/users')).body.invitations).toEqual([]);
    expect(await t.auth.findByEmail(email)).toBeNull();

    const fresh = await invite(owner, { email, name: 'Lee Late' });
    expect(fresh.status).toBe(201);
    expect((await accept({ token: tokenOf(fresh.body.link), name: 'Lee Late', password: STRONG_PASSWORD })).res.status).toBe(201);
  });

  test('409 for an email that has an account or a live invitation; 422 for bad input', async () => {
    const owner = await registeredSupplier(t.app);
    const other = await registeredSupplier(t.app);
    const taken = await invite(owner, { email: other.email, name: 'Already Here' });
    expect(taken.status).toBe(409);
    expect(taken.body.error.fields.email).toBe('An account with this email address already exists');

    const email = uniqueEmail('twice');
    await invite(owner, { email, name: 'Tia Twice' }).expect(201);
    const twice = await invite(owner, { email, name: 'Tia Twice' });
    expect(twice.status).toBe(409);
    expect(twice.body.error.code).toBe('invitation_pending');
    // Another organisation's invitations are never revealed: it may invite the same person.
    expect((await invite(other, { email, name: 'Tia Twice' })).status).toBe(201);

    const bad = await invite(owner, { email: 'not an email', name: '' });
    expect(bad.status).toBe(422);
    expect(bad.body.error.fields).toEqual({
      email: 'Enter an email address in the correct format, like name@example.org',
      name: 'Enter their full name',
    });
  });

  test('accepting checks the name and the registration password rules, and a refused try leaves the link working', async () => {
    const owner = await registeredSupplier(t.app);
    const email = uniqueEmail('rules');
    const res = await invite(owner, { email, name: 'Rue Rules' }).expect(201);
    const token = tokenOf(res.body.link);
    const cases: [Record<string, unknown>, string, string][] = [
      [{ token, name: 'Rue', password: 'short' }, 'password', 'Password must be at least 10 characters'],
      [
        { token, name: 'Rue', password: 'password123' },
        'password',
        'This password is too common. Choose a password that is harder to guess',
      ],
      [{ token, name: 'Rue', password: email }, 'password', 'Your password must not be your email address'],
      [{ token, name: ' ', password: STRONG_PASSWORD }, 'name', 'Enter your full name'],
    ];
    for (const [body, field, message] of cases) {
      const refused = await accept(body);
      expect([field, refused.res.status, refused.res.body.error.fields?.[field]]).toEqual([field, 422, message]);
    }
    expect((await accept({ token, name: 'Rue Rules', password: STRONG_PASSWORD })).res.status).toBe(201);
  });

  test('another organisation’s users and invitations are never listed', async () => {
    const a = await registeredSupplier(t.app);
    const b = await registeredSupplier(t.app);
    await invite(a, { email: uniqueEmail('a-only'), name: 'Ava Only' }).expect(201);
    const list = await b.agent.get('/api/v1/organisations/mine/users').expect(200);
    expect(list.body.items).toEqual([{ id: expect.any(String), name: 'Sam Supplier', email: b.email }]);
    expect(list.body.invitations).toEqual([]);
  });
});
