import supertest from 'supertest';
import { signedInAs, startTestApp, testClock, type TestApp } from '../helpers/app';
import { send, type Client } from '../helpers/client';
import { createOfficer, draftExercise, publishedExercise, registeredSupplier } from '../helpers/factories';

const clock = testClock();
let t: TestApp;
let camden: Client;
let hackney: Client;

beforeAll(async () => {
  t = await startTestApp({ tenders: { now: clock.now } });
  camden = await signedInAs(t.app, (await createOfficer(t.auth, 'camden')).email);
  hackney = await signedInAs(t.app, (await createOfficer(t.auth, 'hackney')).email);
});
afterAll(async () => t.close());
beforeEach(() => clock.set('2027-01-10T09:00:00.000Z'));

const interest = (overrides: Record<string, unknown> = {}) => ({
  lotIds: ['lot-1'],
  contactName: 'Sam Supplier',
  contactEmail: 'sam@example.org',
  consortium: false,
  willingToPartner: true,
  heardVia: 'cvs_network',
  ...overrides,
});

const charity = (name = 'Friends of the Library') =>
  registeredSupplier(t.app, {
    organisation: {
      name,
      sector: 'voluntary',
      legalForm: 'registered_charity',
      size: 'micro',
      identifiers: [{ scheme: 'GB-CHC', id: '1123456' }],
    },
  });
const company = (name = 'Books Ltd') =>
  registeredSupplier(t.app, {
    organisation: { name, sector: 'private', legalForm: 'company', size: 'large', identifiers: [{ scheme: 'GB-COH', id: '01234567' }] },
  });

describe('expressing interest', () => {
  test('a supplier expresses interest once; the record carries its organisation’s sector and size', async () => {
    const id = await publishedExercise(camden);
    const s = await charity();
    const res = await send(s, 'post', `/api/v1/tenders/${id}/interests`, interest({ lotIds: ['lot-1', 'lot-2'], consortium: true }));
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      id: expect.stringMatching(/^[0-9a-f]{24}$/),
      tenderId: id,
      organisation: { id: s.organisationId, name: 'Friends of the Library', sector: 'voluntary', size: 'micro' },
      lotIds: ['lot-1', 'lot-2'],
      contactName: 'Sam Supplier',
      contactEmail: 'sam@example.org',
      consortium: true,
      willingToPartner: true,
      heardVia: 'cvs_network',
      heardViaOther: '',
      status: 'active',
      createdAt: '2027-01-10T09:00:00.000Z',
      withdrawnAt: null,
    });
    const again = await send(s, 'post', `/api/v1/tenders/${id}/interests`, interest());
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('duplicate');
    expect((await s.agent.get(`/api/v1/tenders/${id}/interests/mine`)).body.id).toBe(res.body.id);
  });

  test('two simultaneous requests from one organisation give one 201 and one 409', async () => {
    const id = await publishedExercise(camden);
    const s = await charity();
    const colleague = await signedInAs(t.app, s.email);
    const results = await Promise.all([
      send(s, 'post', `/api/v1/tenders/${id}/interests`, interest()),
      send(colleague, 'post', `/api/v1/tenders/${id}/interests`, interest()),
      send(s, 'post', `/api/v1/tenders/${id}/interests`, interest()),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual([201, 409, 409]);
    const list = await camden.agent.get(`/api/v1/tenders/${id}/interests`);
    expect(list.body.items.filter((i: { organisation: { id: string } }) => i.organisation.id === s.organisationId)).toHaveLength(1);
  });

  test('every field is checked, with a message per field', async () => {
    const id = await publishedExercise(camden);
    const s = await charity();
    const res = await send(s, 'post', `/api/v1/tenders/${id}/interests`, {
      lotIds: 'lot-1',
      contactName: '',
      contactEmail: 'not-an-email',
      consortium: 'yes',
      willingToPartner: 1,
      heardVia: 'twitter',
    });
    expect(res.status).toBe(422);
    expect(res.body.error.fields).toEqual({
      lotIds: 'Lots must be a list',
      contactName: 'Enter the name of the person the council should contact',
      contactEmail: 'Enter an email address in the correct format, like name@example.org',
      consortium: 'Say whether you would bid as part of a consortium (true or false)',
      willingToPartner: 'Say whether you are willing to partner (true or false)',
      heardVia: expect.stringMatching(/^Say how you heard about this exercise: The council’s website, Contracts Finder/),
    });
    const badLot = await send(s, 'post', `/api/v1/tenders/${id}/interests`, interest({ lotIds: ['lot-9'] }));
    expect(badLot.status).toBe(422);
    expect(badLot.body.error.fields).toEqual({ lotIds: 'Choose lots of this exercise: lot-9 is not one of them' });
    const noLot = await send(s, 'post', `/api/v1/tenders/${id}/interests`, interest({ lotIds: [] }));
    expect(noLot.body.error.fields).toEqual({ lotIds: 'Choose at least one lot you are interested in' });
    const twice = await send(s, 'post', `/api/v1/tenders/${id}/interests`, interest({ lotIds: ['lot-1', 'lot-1'] }));
    expect(twice.body.error.fields).toEqual({ lotIds: 'Choose each lot only once' });
    const other = await send(s, 'post', `/api/v1/tenders/${id}/interests`, interest({ heardVia: 'other' }));
    expect(other.body.error.fields).toEqual({ heardViaOther: 'Tell us where you heard about this exercise' });
    const operator = await send(s, 'post', `/api/v1/tenders/${id}/interests`, interest({ heardVia: { $ne: null } }));
    expect(operator.status).toBe(422);
    // Nothing was stored by any of these.
    expect((await s.agent.get(`/api/v1/tenders/${id}/interests/mine`)).status).toBe(404);
  });

  test('409 after the deadline (by the server clock) and on exercises that are not open', async () => {
    const id = await publishedExercise(camden);
    const s = await charity();
    clock.set('2027-02-15T12:00:00.001Z');
    const late = await send(s, 'post', `/api/v1/tenders/${id}/interests`, interest());
    expect(late.status).toBe(409);
    expect(late.body.error).toMatchObject({ code: 'deadline_passed', message: 'The deadline for expressions of interest has passed' });
    clock.set('2027-02-15T12:00:00.000Z');
    expect((await send(s, 'post', `/api/v1/tenders/${id}/interests`, interest())).status).toBe(201);

    clock.set('2027-01-10T09:00:00.000Z');
    const closedId = await publishedExercise(camden);
    await send(camden, 'post', `/api/v1/tenders/${closedId}/close`).expect(200);
    const closed = await send(s, 'post', `/api/v1/tenders/${closedId}/interests`, interest());
    expect(closed.status).toBe(409);
    expect(closed.body.error.code).toBe('not_open');

    const draftId = await draftExercise(camden);
    expect((await send(s, 'post', `/api/v1/tenders/${draftId}/interests`, interest())).status).toBe(404);
  });

  test('withdrawing keeps the record; a second withdrawal or a new interest are refused', async () => {
    const id = await publishedExercise(camden);
    const s = await charity();
    await send(s, 'post', `/api/v1/tenders/${id}/interests`, interest()).expect(201);
    clock.set('2027-01-11T10:00:00.000Z');
    expect((await send(s, 'delete', `/api/v1/tenders/${id}/interests/mine`)).status).toBe(204);
    const mine = await s.agent.get(`/api/v1/tenders/${id}/interests/mine`);
    expect(mine.body).toMatchObject({ status: 'withdrawn', withdrawnAt: '2027-01-11T10:00:00.000Z' });
    expect((await send(s, 'delete', `/api/v1/tenders/${id}/interests/mine`)).status).toBe(404);
    expect((await send(s, 'post', `/api/v1/tenders/${id}/interests`, interest())).status).toBe(409);
    const officerView = await camden.agent.get(`/api/v1/tenders/${id}/interests`);
    expect(officerView.body.items).toEqual([expect.objectContaining({ status: 'withdrawn' })]);
    expect(officerView.body.counts).toMatchObject({ total: 0, withdrawn: 1 });
  });
});

describe('who sees what', () => {
  test('officers see interests with sector, size and sector-check warnings, filtered, with counts by sector', async () => {
    const id = await publishedExercise(camden);
    const a = await charity('Reading Friends');
    const b = await company('Pages Ltd');
    const c = await registeredSupplier(t.app, {
      organisation: {
        name: 'Mislabelled Ltd',
        sector: 'private',
        legalForm: 'company',
        size: 'small',
        identifiers: [{ scheme: 'GB-CHC', id: '1098765' }],
      },
    });
    const d = await registeredSupplier(t.app, {
      organisation: { name: 'Story Co-op', sector: 'social_enterprise', legalForm: 'cooperative', size: 'small', identifiers: [] },
    });
    await send(a, 'post', `/api/v1/tenders/${id}/interests`, interest()).expect(201);
    await send(b, 'post', `/api/v1/tenders/${id}/interests`, interest({ lotIds: ['lot-2'] })).expect(201);
    await send(c, 'post', `/api/v1/tenders/${id}/interests`, interest()).expect(201);
    await send(d, 'post', `/api/v1/tenders/${id}/interests`, interest({ lotIds: ['lot-2'] })).expect(201);

    const all = await camden.agent.get(`/api/v1/tenders/${id}/interests`);
    expect(all.status).toBe(200);
    expect(all.body.items.map((i: { organisation: { name: string } }) => i.organisation.name)).toEqual([
      'Reading Friends',
      'Pages Ltd',
      'Mislabelled Ltd',
      'Story Co-op',
    ]);
    const mislabelled = all.body.items.find((i: { organisation: { name: string } }) => i.organisation.name === 'Mislabelled Ltd');
    expect(mislabelled.sectorWarnings).toEqual([expect.stringContaining('Charity Commission')]);
    expect(all.body.counts).toEqual({
      bySector: [
        { sector: 'private', interests: 2 },
        { sector: 'public', interests: 0 },
        { sector: 'voluntary', interests: 1 },
        { sector: 'social_enterprise', interests: 1 },
      ],
      thirdSector: 2,
      otherSectors: 2,
      total: 4,
      withdrawn: 0,
    });
    const names = async (query: string) =>
      (await camden.agent.get(`/api/v1/tenders/${id}/interests?${query}`)).body.items.map(
        (i: { organisation: { name: string } }) => i.organisation.name,
      );
    expect(await names('sector=private')).toEqual(['Pages Ltd', 'Mislabelled Ltd']);
    expect(await names('size=micro')).toEqual(['Reading Friends']);
    expect(await names('lot=lot-2')).toEqual(['Pages Ltd', 'Story Co-op']);
    expect(await names('sectorCheck=warning')).toEqual(['Mislabelled Ltd']);
    const bad = await camden.agent.get(`/api/v1/tenders/${id}/interests?sector=charity&size=huge`);
    expect(bad.status).toBe(422);
    expect(Object.keys(bad.body.error.fields)).toEqual(['sector', 'size']);
    // An operator in the query string is only an unknown parameter: it filters nothing.
    const injected = await camden.agent.get(`/api/v1/tenders/${id}/interests?sector[$ne]=x`);
    expect(injected.status).toBe(200);
    expect(injected.body.items).toHaveLength(4);
  });

  test('another borough’s officer gets 404 and the attempt is audited; suppliers never see others’ interests', async () => {
    const id = await publishedExercise(camden);
    const a = await charity();
    const b = await company();
    await send(a, 'post', `/api/v1/tenders/${id}/interests`, interest()).expect(201);
    expect((await hackney.agent.get(`/api/v1/tenders/${id}/interests`)).status).toBe(404);
    const audit = await t.audit.events.find({ target: `tender:${id}`, outcome: 'denied' }).lean();
    expect(audit.length).toBeGreaterThan(0);
    expect((await a.agent.get(`/api/v1/tenders/${id}/interests`)).status).toBe(403);
    expect((await b.agent.get(`/api/v1/tenders/${id}/interests/mine`)).status).toBe(404);
    expect((await send(b, 'delete', `/api/v1/tenders/${id}/interests/mine`)).status).toBe(404);
    expect((await a.agent.get(`/api/v1/tenders/${id}/interests/mine`)).status).toBe(200);
    expect((await supertest(t.app).get(`/api/v1/tenders/${id}/interests`)).status).toBe(401);
    // Officers cannot express interest.
    expect((await send(camden, 'post', `/api/v1/tenders/${id}/interests`, interest())).status).toBe(403);
  });

  test('the partner finder shows opted-in organisations to each other, and nobody else', async () => {
    const id = await publishedExercise(camden);
    const a = await charity('Opted In One');
    const b = await company('Opted In Two');
    const c = await charity('Not Opted In');
    const d = await company('Not Interested');
    await send(a, 'post', `/api/v1/tenders/${id}/interests`, interest({ willingToPartner: true })).expect(201);
    await send(b, 'post', `/api/v1/tenders/${id}/interests`, interest({ willingToPartner: true, lotIds: ['lot-2'] })).expect(201);
    await send(c, 'post', `/api/v1/tenders/${id}/interests`, interest({ willingToPartner: false })).expect(201);

    const seenByA = await a.agent.get(`/api/v1/tenders/${id}/partners`);
    expect(seenByA.status).toBe(200);
    expect(seenByA.body.items).toEqual([
      {
        organisationId: b.organisationId,
        name: 'Opted In Two',
        sector: 'private',
        lotIds: ['lot-2'],
        contactName: 'Sam Supplier',
        contactEmail: 'sam@example.org',
      },
    ]);
    expect((await b.agent.get(`/api/v1/tenders/${id}/partners`)).body.items.map((p: { name: string }) => p.name)).toEqual(['Opted In One']);
    expect((await c.agent.get(`/api/v1/tenders/${id}/partners`)).status).toBe(403);
    expect((await d.agent.get(`/api/v1/tenders/${id}/partners`)).status).toBe(403);
    expect((await camden.agent.get(`/api/v1/tenders/${id}/partners`)).status).toBe(403);

    // Withdrawing takes an organisation out of the finder.
    await send(b, 'delete', `/api/v1/tenders/${id}/interests/mine`).expect(204);
    expect((await a.agent.get(`/api/v1/tenders/${id}/partners`)).body.items).toEqual([]);
  });

  test('a profile change of sector is reflected in the counts', async () => {
    const id = await publishedExercise(camden);
    const s = await registeredSupplier(t.app, {
      organisation: { name: 'Changing Org', sector: 'private', legalForm: 'other', size: 'small', identifiers: [] },
    });
    await send(s, 'post', `/api/v1/tenders/${id}/interests`, interest()).expect(201);
    const profile = (await s.agent.get('/api/v1/organisations/mine')).body;
    const put = await send(s, 'put', '/api/v1/organisations/mine', { ...profile, sector: 'social_enterprise' });
    expect(put.status).toBe(200);
    const counts = (await camden.agent.get(`/api/v1/tenders/${id}/interests`)).body.counts;
    expect(counts.thirdSector).toBe(1);
    expect(counts.bySector).toContainEqual({ sector: 'social_enterprise', interests: 1 });
  });

  test('organisations with an interest are notified when an answer is published', async () => {
    const id = await publishedExercise(camden);
    const a = await charity();
    const withdrawn = await company();
    await send(a, 'post', `/api/v1/tenders/${id}/interests`, interest()).expect(201);
    await send(withdrawn, 'post', `/api/v1/tenders/${id}/interests`, interest()).expect(201);
    await send(withdrawn, 'delete', `/api/v1/tenders/${id}/interests/mine`).expect(204);
    const asker = await company('Asker Ltd');
    const q = await send(asker, 'post', `/api/v1/tenders/${id}/clarifications`, { question: 'Is there parking?' });
    await send(camden, 'post', `/api/v1/tenders/${id}/clarifications/${q.body.id}/answer`, { answer: 'Yes.', publish: true }).expect(200);
    const notified = (await t.notifier.notifications.find({}).lean()).map((n) => n.organisation.toString());
    expect(notified).toContain(a.organisationId);
    expect(notified).not.toContain(withdrawn.organisationId);
  });
});
