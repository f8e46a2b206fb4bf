import supertest from 'supertest';
import { apiClient, signedInAs, startTestApp, testClock, type TestApp } from '../helpers/app';
import { send, type Client } from '../helpers/client';
import { createOfficer, registeredSupplier, tenderBody } from '../helpers/factories';

const clock = testClock();
let t: TestApp;
let camden: Client;
let camden2: Client;
let hackney: Client;
let supplier: Client;

beforeAll(async () => {
  t = await startTestApp({ tenders: { now: clock.now } });
  camden = await signedInAs(t.app, (await createOfficer(t.auth, 'camden')).email);
  camden2 = await signedInAs(t.app, (await createOfficer(t.auth, 'camden')).email);
  hackney = await signedInAs(t.app, (await createOfficer(t.auth, 'hackney')).email);
  supplier = await registeredSupplier(t.app);
});
afterAll(async () => t.close());

beforeEach(() => clock.set('2027-01-10T09:00:00.000Z'));

async function createDraft(client = camden, overrides: Record<string, unknown> = {}) {
  const res = await send(client, 'post', '/api/v1/tenders', tenderBody(overrides));
  expect(res.status).toBe(201);
  return res.body as { id: string; reference: string; status: string; lots: { id: string }[] };
}

describe('the exercise lifecycle', () => {
  test('an officer creates a draft for their own borough with a readable reference and lot ids', async () => {
    const res = await send(camden, 'post', '/api/v1/tenders', tenderBody());
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      status: 'draft',
      borough: { slug: 'camden', name: 'Camden' },
      title: 'Community library services in the north of the borough',
      lots: [
        { id: 'lot-1', title: 'Branch libraries', estimatedAnnualValue: 450000 },
        { id: 'lot-2', title: 'Home library service' },
      ],
      estimatedValue: { min: 1500000, max: 2500000 },
      contractTermMonths: 60,
      tupe: 'yes',
      clarificationDeadline: '2027-02-01T12:00:00.000Z',
      sealed: false,
      shareFindings: true,
      thirdSectorTarget: 0.3,
      publishedAt: null,
      documents: [],
      history: [],
    });
    expect(res.body.reference).toMatch(/^CAM-LIB-2027-\d{3}$/);
    const second = await createDraft();
    expect(second.reference).not.toBe(res.body.reference);
  });

  test('drafts created at the same moment get different references', async () => {
    const results = await Promise.all(Array.from({ length: 8 }, () => send(camden, 'post', '/api/v1/tenders', tenderBody())));
    expect(results.map((r) => r.status)).toEqual(Array(8).fill(201));
    const refs = results.map((r) => r.body.reference as string);
    expect(new Set(refs).size).toBe(8);
  });

  test('draft → published → closed, each step once; wrong steps get 409', async () => {
    const draft = await createDraft();
    expect((await send(camden, 'post', `/api/v1/tenders/${draft.id}/close`)).status).toBe(409);
    const published = await send(camden, 'post', `/api/v1/tenders/${draft.id}/publish`);
    expect(published.status).toBe(200);
    expect(published.body.status).toBe('published');
    expect(published.body.publishedAt).toBe('2027-01-10T09:00:00.000Z');
    const again = await send(camden, 'post', `/api/v1/tenders/${draft.id}/publish`);
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('wrong_status');
    const closed = await send(camden, 'post', `/api/v1/tenders/${draft.id}/close`);
    expect(closed.status).toBe(200);
    expect(closed.body.status).toBe('closed');
    expect((await send(camden, 'post', `/api/v1/tenders/${draft.id}/cancel`)).status).toBe(409);
    expect((await send(camden, 'patch', `/api/v1/tenders/${draft.id}`, { title: 'Too late' })).status).toBe(409);
  });

  test('drafts and published exercises can be cancelled', async () => {
    const draft = await createDraft();
    expect((await send(camden, 'post', `/api/v1/tenders/${draft.id}/cancel`)).body.status).toBe('cancelled');
    const other = await createDraft();
    await send(camden, 'post', `/api/v1/tenders/${other.id}/publish`).expect(200);
    const cancelled = await send(camden, 'post', `/api/v1/tenders/${other.id}/cancel`);
    expect(cancelled.body).toMatchObject({ status: 'cancelled', cancelledAt: '2027-01-10T09:00:00.000Z' });
  });

  test('publishing needs every deadline in the future by the server clock', async () => {
    const draft = await createDraft();
    clock.set('2027-02-10T00:00:00Z');
    const res = await send(camden, 'post', `/api/v1/tenders/${draft.id}/publish`);
    expect(res.status).toBe(422);
    expect(res.body.error.fields).toEqual({ clarificationDeadline: expect.stringMatching(/in the future/) });
    expect((await camden.agent.get(`/api/v1/tenders/${draft.id}`)).body.status).toBe('draft');
  });

  test('edits to a draft leave no history; edits after publishing record who, when, old and new', async () => {
    const draft = await createDraft();
    await send(camden, 'patch', `/api/v1/tenders/${draft.id}`, { title: 'Draft title change' }).expect(200);
    await send(camden, 'post', `/api/v1/tenders/${draft.id}/publish`).expect(200);
    clock.set('2027-01-12T15:30:00Z');
    const res = await send(camden, 'patch', `/api/v1/tenders/${draft.id}`, {
      eoiDeadline: '2027-02-20T12:00:00Z',
      specification: 'A new specification',
      title: 'Draft title change',
    });
    expect(res.status).toBe(200);
    expect(res.body.history).toEqual([
      {
        at: '2027-01-12T15:30:00.000Z',
        field: 'specification',
        old: expect.stringContaining('three branch libraries'),
        new: 'A new specification',
        byName: 'Olive Officer',
      },
      {
        at: '2027-01-12T15:30:00.000Z',
        field: 'eoiDeadline',
        old: '2027-02-15T12:00:00.000Z',
        new: '2027-02-20T12:00:00.000Z',
        byName: 'Olive Officer',
      },
    ]);
    const stored = await t.tenders.tenders.findById(draft.id).lean();
    expect(stored?.history[0]?.by).toEqual(expect.any(String));
    // The public sees what changed and when, not who.
    const publicView = await supertest(t.app).get(`/api/v1/tenders/${draft.id}`);
    expect(publicView.body.history[1]).toEqual({
      at: '2027-01-12T15:30:00.000Z',
      field: 'eoiDeadline',
      old: '2027-02-15T12:00:00.000Z',
      new: '2027-02-20T12:00:00.000Z',
    });
  });

  test('editing lots keeps the ids of lots that stay and gives new lots new ids', async () => {
    const draft = await createDraft();
    const res = await send(camden, 'patch', `/api/v1/tenders/${draft.id}`, {
      lots: [{ id: 'lot-2', title: 'Home library service (renamed)' }, { title: 'Mobile library' }, { id: 'lot-99', title: 'Made-up id' }],
    });
    expect(res.status).toBe(200);
    expect(res.body.lots.map((l: { id: string; title: string }) => [l.id, l.title])).toEqual([
      ['lot-2', 'Home library service (renamed)'],
      ['lot-3', 'Mobile library'],
      ['lot-4', 'Made-up id'],
    ]);
  });
});

describe('validation: every error names its field', () => {
  test.each([
    ['a missing title', { title: '' }, 'title', /Enter a title/],
    ['a title of the wrong type', { title: 42 }, 'title', /Enter a title/],
    ['a missing summary', { summary: undefined }, 'summary', /summary/],
    ['a negative lot value', { lots: [{ title: 'A', estimatedAnnualValue: -1 }] }, 'lots.0.estimatedAnnualValue', /0 or more/],
    ['pence in a value', { estimatedValue: { min: 10.5, max: 20 } }, 'estimatedValue.min', /whole number of pounds/],
    ['a max below the min', { estimatedValue: { min: 100, max: 10 } }, 'estimatedValue.max', /at least the minimum/],
    ['a lot without a title', { lots: [{ description: 'x' }] }, 'lots.0.title', /lot title/],
    ['too many lots', { lots: Array.from({ length: 21 }, (_, i) => ({ title: `Lot ${i}` })) }, 'lots', /at most 20/],
    ['a bad term', { contractTermMonths: 0 }, 'contractTermMonths', /at least 1 month/],
    ['a bad TUPE answer', { tupe: 'maybe' }, 'tupe', /TUPE/],
    ['a date that is not a date', { eoiDeadline: 'next week' }, 'eoiDeadline', /date and time/],
    [
      'clarification after EOI',
      { clarificationDeadline: '2027-02-20T12:00:00Z' },
      'clarificationDeadline',
      /on or before the expression of interest deadline/,
    ],
    ['EOI after questionnaire', { eoiDeadline: '2027-03-20T12:00:00Z' }, 'eoiDeadline', /on or before the questionnaire deadline/],
    ['a target over 1', { thirdSectorTarget: 1.5 }, 'thirdSectorTarget', /from 0 to 1/],
    ['sealed as text', { sealed: 'yes' }, 'sealed', /true or false/],
  ])('%s', async (_label, overrides, field, message) => {
    const res = await send(camden, 'post', '/api/v1/tenders', tenderBody(overrides));
    expect(res.status).toBe(422);
    expect(res.body.error.fields[field]).toMatch(message);
  });

  test('an edit is checked against the stored deadlines and rejected without changing anything', async () => {
    const draft = await createDraft();
    const res = await send(camden, 'patch', `/api/v1/tenders/${draft.id}`, {
      questionnaireDeadline: '2027-02-10T12:00:00Z',
      title: 'Changed',
    });
    expect(res.status).toBe(422);
    expect(res.body.error.fields.eoiDeadline).toMatch(/on or before the questionnaire deadline/);
    expect((await camden.agent.get(`/api/v1/tenders/${draft.id}`)).body.title).toBe(
      'Community library services in the north of the borough',
    );
  });

  test('no mass assignment: a body cannot set borough, status, reference or dates of record', async () => {
    const res = await send(camden, 'post', '/api/v1/tenders', {
      ...tenderBody(),
      borough: 'hackney',
      status: 'published',
      reference: 'X-1',
      publishedAt: '2020-01-01T00:00:00Z',
      history: [{ field: 'x' }],
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ status: 'draft', borough: { slug: 'camden' }, publishedAt: null, history: [] });
    expect(res.body.reference).not.toBe('X-1');
    const edited = await send(camden, 'patch', `/api/v1/tenders/${res.body.id}`, {
      status: 'closed',
      borough: { id: 'x' },
      reference: 'Y',
      documents: [],
    });
    expect(edited.status).toBe(200);
    expect(edited.body).toMatchObject({ status: 'draft', borough: { slug: 'camden' }, reference: res.body.reference });
  });
});

describe('who may see and change what', () => {
  test('drafts are visible only to their own borough’s officers; other ids answer 404', async () => {
    const draft = await createDraft();
    expect((await camden2.agent.get(`/api/v1/tenders/${draft.id}`)).status).toBe(200);
    expect((await hackney.agent.get(`/api/v1/tenders/${draft.id}`)).status).toBe(404);
    expect((await supplier.agent.get(`/api/v1/tenders/${draft.id}`)).status).toBe(404);
    expect((await supertest(t.app).get(`/api/v1/tenders/${draft.id}`)).status).toBe(404);
    expect((await supertest(t.app).get('/api/v1/tenders/not-an-id')).status).toBe(404);
    expect((await supertest(t.app).get('/api/v1/tenders/000000000000000000000000')).status).toBe(404);
    const audit = await t.audit.events.find({ target: `tender:${draft.id}`, outcome: 'denied' }).lean();
    expect(audit.map((e) => e.actorRole).sort()).toEqual(['officer', 'supplier']);
  });

  test('another borough’s officer gets 404 on every change route, and each attempt is audited', async () => {
    const draft = await createDraft();
    const attempts = [
      send(hackney, 'patch', `/api/v1/tenders/${draft.id}`, { title: 'Hijacked' }),
      send(hackney, 'post', `/api/v1/tenders/${draft.id}/publish`),
      send(hackney, 'post', `/api/v1/tenders/${draft.id}/close`),
      send(hackney, 'post', `/api/v1/tenders/${draft.id}/cancel`),
    ];
    for (const res of await Promise.all(attempts)) expect(res.status).toBe(404);
    expect((await camden.agent.get(`/api/v1/tenders/${draft.id}`)).body).toMatchObject({
      status: 'draft',
      title: 'Community library services in the north of the borough',
    });
    expect(await t.audit.events.countDocuments({ target: `tender:${draft.id}`, action: 'tender.change', outcome: 'denied' })).toBe(4);
  });

  test('suppliers and anonymous users cannot create or change exercises', async () => {
    expect((await send(supplier, 'post', '/api/v1/tenders', tenderBody())).status).toBe(403);
    const anon = await apiClient(t.app);
    expect((await send(anon, 'post', '/api/v1/tenders', tenderBody())).status).toBe(401);
    const draft = await createDraft();
    expect((await send(supplier, 'post', `/api/v1/tenders/${draft.id}/publish`)).status).toBe(403);
  });

  test('the list shows published exercises to everyone and drafts only to their own borough', async () => {
    const draft = await createDraft(camden, { title: 'Camden draft only' });
    const live = await createDraft(hackney, { title: 'Hackney open exercise' });
    await send(hackney, 'post', `/api/v1/tenders/${live.id}/publish`).expect(200);
    const titles = async (client: supertest.Agent | ReturnType<typeof supertest>, query = '') =>
      ((await client.get(`/api/v1/tenders${query}`)).body.items as { title: string }[]).map((i) => i.title);
    expect(await titles(supertest(t.app))).toContain('Hackney open exercise');
    expect(await titles(supertest(t.app))).not.toContain('Camden draft only');
    expect(await titles(supplier.agent)).not.toContain('Camden draft only');
    expect(await titles(hackney.agent)).not.toContain('Camden draft only');
    expect(await titles(camden.agent)).toEqual(expect.arrayContaining(['Camden draft only', 'Hackney open exercise']));
    expect(await titles(camden.agent, '?status=draft')).toContain('Camden draft only');
    expect(await titles(hackney.agent, '?status=draft')).not.toContain('Camden draft only');
    expect(await titles(supertest(t.app), '?borough=hackney')).toEqual(['Hackney open exercise']);
    expect(await titles(supertest(t.app), '?q=HACKNEY%20open')).toEqual(['Hackney open exercise']);
    expect(await titles(supertest(t.app), '?q=.*')).toEqual([]);
    expect((await supertest(t.app).get('/api/v1/tenders?status=weird')).status).toBe(422);
    // Bracketed keys are not parsed into objects: an operator in the query string is just an unknown key.
    const injected = await supertest(t.app).get('/api/v1/tenders?q[$ne]=x&status[$ne]=draft');
    expect(injected.status).toBe(200);
    expect(injected.body.items.map((i: { status: string }) => i.status)).not.toContain('draft');
    expect(draft.id).toBeDefined();
  });
});
