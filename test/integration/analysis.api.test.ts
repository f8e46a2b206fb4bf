import type supertest from 'supertest';
import { apiClient, signedInAs, startTestApp, testClock, type TestApp } from '../helpers/app';
import { createOfficer, registeredSupplier, uniqueEmail } from '../helpers/factories';
import { BULLETIN_MARKET, buildMarket, type Market } from '../helpers/market';

type Client = { agent: supertest.Agent; csrfToken: string };

const clock = testClock('2027-01-10T09:00:00.000Z');
let t: TestApp;
let market: Market;
let camden: Client;

const dates = {
  clarificationDeadline: '2027-02-01T12:00:00.000Z',
  eoiDeadline: '2027-02-15T12:00:00.000Z',
  questionnaireDeadline: '2027-03-01T12:00:00.000Z',
};

beforeAll(async () => {
  t = await startTestApp({ tenders: { now: clock.now }, questionnaires: { now: clock.now } });
  camden = await signedInAs(t.app, (await createOfficer(t.auth, 'camden')).email);
  market = await buildMarket(t, { ...BULLETIN_MARKET, tender: { ...dates, thirdSectorTarget: 0.25 } });
}, 120_000);
afterAll(async () => t.close());
beforeEach(() => clock.set('2027-01-20T09:00:00.000Z'));

const auditOf = (tenderId: string) => t.audit.events.find({ target: `tender:${tenderId}` }).lean();

describe('GET /api/v1/tenders/:id/analysis', () => {
  test('the bulletin borough: every number of the contract', async () => {
    const res = await market.officer.agent.get(`/api/v1/tenders/${market.tenderId}/analysis`).expect(200);
    const a = res.body;
    expect(a.tenderId).toBe(market.tenderId);
    expect(new Date(a.generatedAt).toISOString()).toBe('2027-01-20T09:00:00.000Z');
    expect(a.sectors).toEqual([
      {
        sector: 'private',
        label: 'Private sector',
        interests: 14,
        started: 5,
        submitted: 5,
        conversion: 5 / 14,
        shareOfInterests: 14 / 30,
        shareOfSubmissions: 0.5,
      },
      {
        sector: 'public',
        label: 'Public sector',
        interests: 10,
        started: 4,
        submitted: 4,
        conversion: 0.4,
        shareOfInterests: 1 / 3,
        shareOfSubmissions: 0.4,
      },
      {
        sector: 'voluntary',
        label: 'Voluntary and community sector',
        interests: 4,
        started: 2,
        submitted: 1,
        conversion: 0.25,
        shareOfInterests: 4 / 30,
        shareOfSubmissions: 0.1,
      },
      {
        sector: 'social_enterprise',
        label: 'Social enterprise (CICs, community benefit societies, co-operatives, mutuals)',
        interests: 2,
        started: 1,
        submitted: 0,
        conversion: 0,
        shareOfInterests: 2 / 30,
        shareOfSubmissions: 0,
      },
    ]);
    expect(a.thirdSector).toEqual({
      interests: 6,
      started: 3,
      submitted: 1,
      conversion: 1 / 6,
      shareOfInterests: 0.2,
      shareOfSubmissions: 0.1,
    });
    expect(a.otherSectors).toEqual({
      interests: 24,
      started: 9,
      submitted: 9,
      conversion: 0.375,
      shareOfInterests: 0.8,
      shareOfSubmissions: 0.9,
    });
    expect(a.weakThirdSectorResponse).toBe(true);
    expect(a.rules).toHaveLength(3);
    expect(a.rules[0]).toEqual({ id: 'share', fired: true, value: 0.2, threshold: 0.25 });
    expect(a.rules[1]).toMatchObject({ id: 'conversion_gap', fired: true, threshold: 0.15 });
    expect(a.rules[1].value).toBeCloseTo(0.375 - 1 / 6, 10);
    expect(a.rules[2]).toEqual({ id: 'volume', fired: false, value: 6, threshold: 3 });

    // Barriers (factory defaults): the voluntary respondent names contract size, bid writing and insurance.
    expect(a.barriers).toHaveLength(12);
    expect(a.barriers.slice(0, 3).map((b: { code: string }) => b.code)).toEqual([
      'contract_size',
      'insurance_levels',
      'bid_writing_capacity',
    ]);
    expect(a.barriers[0]).toEqual({
      code: 'contract_size',
      label: 'The contract is too big for us',
      remedy: 'consider smaller lots or a lot for community-managed libraries',
      bySector: { private: 0, public: 0, voluntary: 1, social_enterprise: 0 },
      gap: 1,
    });
    const byCode = Object.fromEntries(a.barriers.map((b: { code: string }) => [b.code, b]));
    expect(byCode.timescales).toMatchObject({ bySector: { private: 5, public: 4, voluntary: 0, social_enterprise: 0 }, gap: -1 });
    expect(byCode.tupe_pensions.bySector).toEqual({ private: 0, public: 4, voluntary: 0, social_enterprise: 0 });
    expect(byCode.tupe_pensions.gap).toBeCloseTo(-4 / 9, 10);

    // Beyond the contract.
    expect(a.lots.map((l: { interests: object; couldTakeOn: object }) => [l.interests, l.couldTakeOn])).toEqual([
      [
        { private: 14, public: 10, voluntary: 0, social_enterprise: 0 },
        { private: 5, public: 4, voluntary: 0, social_enterprise: 0 },
      ],
      [
        { private: 14, public: 10, voluntary: 4, social_enterprise: 2 },
        { private: 5, public: 4, voluntary: 1, social_enterprise: 0 },
      ],
    ]);
    expect(a.capacityQuestion).toEqual({ key: 'largest_contract_value', label: expect.stringContaining('largest contract value') });
    const outreach = Object.fromEntries(a.outreach.map((o: { heardVia: string; bySector: object }) => [o.heardVia, o.bySector]));
    expect(outreach.cvs_network).toEqual({ private: 0, public: 0, voluntary: 4, social_enterprise: 0 });
    expect(outreach.word_of_mouth).toEqual({ private: 0, public: 0, voluntary: 0, social_enterprise: 2 });
    const likelihood = a.questions.find((q: { key: string }) => q.key === 'likelihood_to_bid');
    expect(likelihood.bySector).toEqual({
      private: { n: 5, mean: 5, median: 5 },
      public: { n: 4, mean: 4, median: 4 },
      voluntary: { n: 1, mean: 2, median: 2 },
      social_enterprise: { n: 0, mean: null, median: null },
    });
    const experience = a.questions.find((q: { key: string }) => q.key === 'relevant_experience');
    expect(experience.answered).toEqual({ private: 5, public: 4, voluntary: 1, social_enterprise: 0 });
    expect(JSON.stringify(a)).not.toContain('We run services like this');
    expect(a.sectorCheckWarnings).toBe(0);
    expect(a.recordedResponses).toBe(0);
    expect(a.earlyWarning).toEqual({
      message: '6 of 30 interests are from the third sector; 27 days left',
      daysLeft: 27,
      actions: expect.arrayContaining([
        expect.stringMatching(/CVS/),
        expect.stringMatching(/smaller lot/),
        expect.stringMatching(/longer/),
      ]),
    });
    expect(a.decisions).toEqual([]);
  });

  test('no early warning once expressions of interest have closed', async () => {
    clock.set('2027-02-16T09:00:00.000Z');
    const res = await market.officer.agent.get(`/api/v1/tenders/${market.tenderId}/analysis`).expect(200);
    expect(res.body.earlyWarning).toBeNull();
  });

  test('suppliers and the programme team 403, anonymous 401, another borough 404 and audited', async () => {
    const url = `/api/v1/tenders/${market.tenderId}/analysis`;
    await market.members[0]!.agent.get(url).expect(403);
    const programme = await t.auth.createUser({
      role: 'programme',
      email: uniqueEmail('programme'),
      password: 'correct horse battery',
      name: 'Pat Programme',
    });
    await (await signedInAs(t.app, programme.email)).agent.get(url).expect(403);
    await (await apiClient(t.app)).agent.get(url).expect(401);
    const before = (await auditOf(market.tenderId)).filter((e) => e.outcome === 'denied').length;
    const res = await camden.agent.get(url).expect(404);
    expect(res.body.error.code).toBe('not_found');
    const denied = (await auditOf(market.tenderId)).filter((e) => e.outcome === 'denied');
    expect(denied.length).toBe(before + 1);
  });
});

describe('sealed exercises', () => {
  test('analysis, dashboard and workbook are refused until the questionnaire deadline, every attempt audited', async () => {
    const sealed = await buildMarket(t, {
      officer: market.officer,
      interests: { private: 1, voluntary: 1 },
      submitted: { private: 1 },
      tender: { ...dates, sealed: true },
    });
    const urls = [`/api/v1/tenders/${sealed.tenderId}/analysis`, `/tenders/${sealed.tenderId}/analysis`];
    for (const url of urls) {
      const res = await sealed.officer.agent.get(url);
      expect(res.status).toBe(403);
    }
    const events = (await auditOf(sealed.tenderId)).filter((e) => e.outcome === 'denied' && e.action.startsWith('reports.'));
    expect(events.length).toBeGreaterThanOrEqual(2);
    expect(events[0]!.detail).toMatch(/sealed/);

    clock.set('2027-03-01T12:00:01.000Z');
    const open = await sealed.officer.agent.get(urls[0]!).expect(200);
    expect(open.body.sectors[0].submitted).toBe(1);
  }, 60_000);
});

describe('decision log', () => {
  const url = (barrier: string) => `/api/v1/tenders/${market.tenderId}/decisions/${barrier}`;
  const put = (c: Client, barrier: string, body: object) => c.agent.put(url(barrier)).set('X-CSRF-Token', c.csrfToken).send(body);

  test('records, replaces, audits, and shows in the analysis', async () => {
    const first = await put(market.officer, 'contract_size', {
      decision: 'change',
      text: 'We will add a lot for community-managed libraries.',
    }).expect(200);
    expect(first.body).toMatchObject({ barrier: 'contract_size', decision: 'change', byName: 'Olive Officer' });
    await put(market.officer, 'timescales', { decision: 'no_change', text: 'Eight weeks is already given.' }).expect(200);
    clock.set('2027-01-21T10:00:00.000Z');
    await put(market.officer, 'contract_size', { decision: 'change', text: 'Two smaller lots.' }).expect(200);

    expect(await t.reports.decisions.countDocuments({ tender: market.tenderId })).toBe(2);
    const a = (await market.officer.agent.get(`/api/v1/tenders/${market.tenderId}/analysis`).expect(200)).body;
    expect(a.decisions).toEqual([
      { barrier: 'contract_size', decision: 'change', text: 'Two smaller lots.', byName: 'Olive Officer', at: '2027-01-21T10:00:00.000Z' },
      {
        barrier: 'timescales',
        decision: 'no_change',
        text: 'Eight weeks is already given.',
        byName: 'Olive Officer',
        at: '2027-01-20T09:00:00.000Z',
      },
    ]);
    const audited = (await auditOf(market.tenderId)).filter((e) => e.action === 'reports.decision');
    expect(audited.map((e) => e.detail)).toEqual(expect.arrayContaining(['contract_size: change', 'timescales: no_change']));
    expect(audited).toHaveLength(3);
  });

  test('bad input is 422 per field; an unknown barrier 404; another borough 404; a supplier 403', async () => {
    const bad = await put(market.officer, 'contract_size', { decision: 'maybe', text: '' }).expect(422);
    expect(Object.keys(bad.body.error.fields).sort()).toEqual(['decision', 'text']);
    await put(market.officer, 'not_a_barrier', { decision: 'change', text: 'x' }).expect(404);
    await put(camden, 'contract_size', { decision: 'change', text: 'x' }).expect(404);
    const supplier = market.members[0]!;
    await put(supplier, 'contract_size', { decision: 'change', text: 'x' }).expect(403);
    await put(market.officer, 'contract_size', { decision: 'change', text: { $ne: null } }).expect(422);
  });
});

describe('you said, we did', () => {
  test('published, every interested organisation notified in the app and by email, no names', async () => {
    const outsider = await registeredSupplier(t.app, {
      organisation: { name: 'Not Interested Ltd', sector: 'private', legalForm: 'company', identifiers: [] },
    });
    const res = await market.officer.agent
      .post(`/api/v1/tenders/${market.tenderId}/you-said-we-did`)
      .set('X-CSRF-Token', market.officer.csrfToken)
      .send({ youSaid: 'The contract is too big for community groups.', weDid: 'We have split it into two smaller lots.' })
      .expect(201);
    expect(res.body).toMatchObject({ tenderId: market.tenderId, weDid: 'We have split it into two smaller lots.' });

    const notified = await t.notifier.notifications.find({ kind: 'you_said_we_did' }).lean();
    expect(new Set(notified.map((n) => n.organisation.toString()))).toEqual(new Set(market.members.map((m) => m.organisationId)));
    expect(notified.some((n) => n.organisation.toString() === outsider.organisationId)).toBe(false);
    for (const n of notified) for (const m of market.members) expect(`${n.title} ${n.body}`).not.toContain(m.name);
    const emails = await t.notifier.outbox.find({ subject: /You said, we did/ }).lean();
    expect(emails.map((e) => e.to).sort()).toEqual(market.members.map((m) => m.email.toLowerCase()).sort());

    const member = market.members.at(-1)!;
    const dashboard = await member.agent.get('/dashboard').expect(200);
    expect(dashboard.text).toContain('We have split it into two smaller lots.');
    const page = await (await apiClient(t.app)).agent.get(`/tenders/${market.tenderId}`).expect(200);
    expect(page.text).toContain('id="you-said-we-did"');
    expect(page.text).toContain('The contract is too big for community groups.');

    // A correction is shown at once but not sent to everyone again.
    await market.officer.agent
      .post(`/api/v1/tenders/${market.tenderId}/you-said-we-did`)
      .set('X-CSRF-Token', market.officer.csrfToken)
      .send({ youSaid: 'The contract is too big for community groups.', weDid: 'We have split it into three smaller lots.' })
      .expect(201);
    expect(await t.notifier.notifications.countDocuments({ kind: 'you_said_we_did' })).toBe(notified.length);
    expect(await t.notifier.outbox.countDocuments({ subject: /You said, we did/ })).toBe(emails.length);
    const corrected = await (await apiClient(t.app)).agent.get(`/tenders/${market.tenderId}`).expect(200);
    expect(corrected.text).toContain('We have split it into three smaller lots.');
  });

  test('empty fields are 422 per field; a supplier 403', async () => {
    const bad = await market.officer.agent
      .post(`/api/v1/tenders/${market.tenderId}/you-said-we-did`)
      .set('X-CSRF-Token', market.officer.csrfToken)
      .send({ youSaid: ' ' })
      .expect(422);
    expect(Object.keys(bad.body.error.fields).sort()).toEqual(['weDid', 'youSaid']);
    const supplier = market.members[0]!;
    await supplier.agent
      .post(`/api/v1/tenders/${market.tenderId}/you-said-we-did`)
      .set('X-CSRF-Token', supplier.csrfToken)
      .send({})
      .expect(403);
  });
});
