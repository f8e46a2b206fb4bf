import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import ExcelJS from 'exceljs';
import { buildFindings, findingsJson } from '../../src/reports/findings';
import type { FindingsCounts } from '../../src/reports/findings';
import { apiClient, signedInAs, startTestApp, STRONG_PASSWORD, type TestApp } from '../helpers/app';
import { createAdmin, registeredSupplier, uniqueEmail } from '../helpers/factories';
import {
  ALL_CANARIES,
  CANARY,
  download,
  expressInterest,
  findingsClock,
  officerOf,
  publishedExercise,
  setSharing,
  submitResponse,
  suppliers,
  type Client,
  type Supplier,
} from '../helpers/findings';

const clock = findingsClock();
let t: TestApp;
let programme: Client;
const officers: Record<string, Client> = {};
const exercises: Record<string, { id: string; lotIds: string[] }> = {};

/** What camden, hackney and lambeth add up to (every organisation interested in each; see beforeAll). */
const THREE_BOROUGHS: FindingsCounts = {
  boroughs: 3,
  exercises: 3,
  interests: { private: 18, public: 12, voluntary: 12, social_enterprise: 3 },
  submitted: { private: 12, public: 12, voluntary: 6, social_enterprise: 1 },
  barriers: {
    timescales: { private: 12, public: 12 },
    tupe_pensions: { public: 12 },
    contract_size: { voluntary: 6, social_enterprise: 1 },
    bid_writing_capacity: { voluntary: 6 },
    insurance_levels: { voluntary: 6 },
    payment_terms: { social_enterprise: 1 },
  },
  heardVia: {
    contracts_finder: { private: 17 },
    other: { private: 1 },
    council_website: { public: 12 },
    cvs_network: { voluntary: 12 },
    word_of_mouth: { social_enterprise: 3 },
  },
  quarters: [{ quarter: '2027-Q1', interests: 45, thirdSector: 15 }],
};

const getFindings = async (client: Client = programme) => {
  const res = await client.agent.get('/api/v1/findings');
  expect(res.status).toBe(200);
  return res.body as ReturnType<typeof findingsJson>;
};

beforeAll(async () => {
  t = await startTestApp({ tenders: { now: clock.now }, questionnaires: { now: clock.now } });
  const user = await t.auth.createUser({
    role: 'programme',
    email: uniqueEmail('programme'),
    password: STRONG_PASSWORD,
    name: 'Pat Programme',
  });
  programme = await signedInAs(t.app, user.email);
  for (const b of ['camden', 'hackney', 'lambeth', 'barnet', 'islington']) officers[b] = await officerOf(t, b);
  exercises.camden = await publishedExercise(officers.camden!);
  exercises.hackney = await publishedExercise(officers.hackney!);
  // Lambeth starts with sharing off: two boroughs contribute at first.
  exercises.lambeth = await publishedExercise(officers.lambeth!, { shareFindings: false });
  exercises.barnet = await publishedExercise(officers.barnet!, { shareFindings: false });
  exercises.islington = await publishedExercise(officers.islington!, {
    clarificationDeadline: '2027-04-01T12:00:00Z',
    eoiDeadline: '2027-04-15T12:00:00Z',
    questionnaireDeadline: '2027-05-01T12:00:00Z',
  });

  const orgs: Record<string, Supplier[]> = {
    private: await suppliers(t, 'private', 6),
    public: await suppliers(t, 'public', 4),
    voluntary: await suppliers(t, 'voluntary', 4),
    social_enterprise: await suppliers(t, 'social_enterprise', 1),
  };
  const submitting: Record<string, number> = { private: 4, public: 4, voluntary: 2, social_enterprise: 1 };
  for (const borough of ['camden', 'hackney', 'lambeth']) {
    const exercise = exercises[borough]!;
    for (const [sector, list] of Object.entries(orgs)) {
      for (const [i, org] of list.entries()) {
        const other = sector === 'private' && i === 5 && borough === 'camden';
        await expressInterest(org, exercise, other ? { heardVia: 'other', heardViaOther: CANARY.heardViaOther } : {});
        // The social enterprise submits only to camden.
        if (i < submitting[sector]! && (sector !== 'social_enterprise' || borough === 'camden')) await submitResponse(org, exercise.id);
      }
    }
  }
  // Barnet (sharing off) and islington (expressions of interest still open) must be left out.
  for (const borough of ['barnet', 'islington']) {
    for (const org of orgs.private!.slice(0, 2)) await expressInterest(org, exercises[borough]!);
    await submitResponse(orgs.private![0]!, exercises[borough]!.id);
  }
  // Camden, hackney, lambeth and barnet have ended their expression of interest stage; islington has not.
  clock.set('2027-02-20T09:00:00.000Z');
}, 600_000);
afterAll(async () => t?.close());

test('with 2 contributing boroughs nothing is published, and the reason is given', async () => {
  const findings = await getFindings();
  expect(findings).toMatchObject({
    threshold: 10,
    boroughs: 2,
    exercises: 2,
    published: false,
    reason:
      'Only 2 boroughs share findings so far. Findings are published once at least 3 boroughs contribute, so that no borough’s figures can be picked out.',
  });
  const cells = JSON.stringify(findings).match(/\{"value":[^}]*\}/g) ?? [];
  expect(cells.length).toBeGreaterThan(50);
  expect(new Set(cells)).toEqual(new Set(['{"value":null,"suppressed":true}']));
});

test('suppliers get 403 and anonymous callers 401; programme, officers and admins 200', async () => {
  const anonymous = await apiClient(t.app);
  const supplier = await registeredSupplier(t.app);
  const admin = await signedInAs(t.app, (await createAdmin(t.auth)).email);
  for (const url of ['/api/v1/findings', '/api/v1/findings.xlsx']) {
    expect((await anonymous.agent.get(url)).status).toBe(401);
    expect((await supplier.agent.get(url)).status).toBe(403);
    for (const client of [programme, officers.barnet!, admin]) expect((await download(client.agent, url)).res.status).toBe(200);
  }
});

test('with a third borough the findings are published: small counts withheld, and secondary suppression applied', async () => {
  const res = await setSharing(officers.lambeth!, exercises.lambeth!.id, true);
  expect(res.body.shareFindings).toBe(true);
  const audited = await t.audit.events.find({ action: 'tender.sharing.change', target: `tender:${exercises.lambeth!.id}` }).lean();
  expect(audited.map((e) => [e.outcome, e.detail])).toEqual([['allowed', 'on']]);

  const findings = await getFindings();
  // The aggregates are exactly the three boroughs' counts: barnet (sharing off) and islington (still open) are left out.
  expect(findings).toEqual(findingsJson(buildFindings(THREE_BOROUGHS, { threshold: 10 })));
  expect(findings).toMatchObject({ boroughs: 3, exercises: 3, published: true, reason: null });
  const withheld = { value: null, suppressed: true };
  const shown = (n: number) => ({ value: n, suppressed: false });
  expect(findings.sectors).toEqual([
    // Secondary: private submissions are withheld so that the voluntary ones (6) cannot be worked out from the total submitted (31).
    { sector: 'private', interests: shown(18), submitted: withheld },
    // Secondary: public and voluntary interests are withheld so that the social enterprises' 3 cannot be worked out from the total (45).
    { sector: 'public', interests: withheld, submitted: shown(12) },
    // Primary: 6 voluntary submissions, 3 social-enterprise interests and 1 submission are fewer than 10.
    { sector: 'voluntary', interests: withheld, submitted: withheld },
    { sector: 'social_enterprise', interests: withheld, submitted: withheld },
  ]);
  expect(findings.totals).toEqual({ interests: shown(45), submitted: shown(31), thirdSectorInterests: withheld });
  expect(findings.barriers.find((b) => b.code === 'timescales')!.bySector).toEqual({
    private: { value: 12, suppressed: false },
    public: { value: 12, suppressed: false },
    voluntary: { value: 0, suppressed: false },
    social_enterprise: { value: 0, suppressed: false },
  });
  expect(findings.barriers.find((b) => b.code === 'contract_size')!.bySector.voluntary).toEqual(withheld);
});

test('no organisation name, identifier, contact, answer or file name reaches the findings, the workbook or the page', async () => {
  // The canaries are really stored (officers see them), so their absence below means something.
  const officerView = await officers.camden!.agent.get(`/api/v1/tenders/${exercises.camden!.id}/interests`);
  expect(JSON.stringify(officerView.body)).toContain(CANARY.name);
  const responses = await officers.camden!.agent.get(`/api/v1/tenders/${exercises.camden!.id}/responses`);
  expect(JSON.stringify(responses.body)).toContain(CANARY.answer);

  const json = JSON.stringify(await getFindings());
  const { bytes } = await download(programme.agent, '/api/v1/findings.xlsx');
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(bytes as unknown as ArrayBuffer);
  const cells: string[] = [];
  wb.eachSheet((sheet) => sheet.eachRow((row) => row.eachCell((cell) => void cells.push(String(cell.text)))));
  const page = (await programme.agent.get('/findings')).text;
  for (const canary of ALL_CANARIES) {
    for (const [where, text] of [
      ['json', json],
      ['workbook', cells.join('\n')],
      ['page', page],
    ] as const) {
      expect([where, canary, text.toLowerCase().includes(canary.toLowerCase())]).toEqual([where, canary, false]);
    }
  }
  expect(cells.length).toBeGreaterThan(50);
});

test('the workbook: Summary first, withheld figures read "fewer than 10", never their number; the export is audited', async () => {
  const { res, bytes } = await download(programme.agent, '/api/v1/findings.xlsx');
  expect(res.headers['content-type']).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
  expect(res.headers['content-disposition']).toMatch(/^attachment; filename="london-library-market-findings\.xlsx"/);
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(bytes as unknown as ArrayBuffer);
  expect(wb.worksheets.map((s) => s.name)).toEqual(['Summary', 'Barriers', 'How they heard', 'By quarter', 'About']);
  const summary = wb.getWorksheet('Summary')!;
  const row = (label: string) => {
    let found: unknown[] = [];
    summary.eachRow((r) => {
      if (r.getCell(1).value === label) found = [2, 3].map((c) => r.getCell(c).value);
    });
    return found;
  };
  // "withheld" for a figure withheld to protect another, "fewer than 10" for a small one: never a number.
  expect(row('Private sector')).toEqual([18, 'withheld']);
  expect(row('Social enterprise (CICs, community benefit societies, co-operatives, mutuals)')).toEqual(['fewer than 10', 'fewer than 10']);
  expect(row('Voluntary and community sector')[1]).toBe('fewer than 10');
  const about = wb.getWorksheet('About')!;
  const aboutText = about.getColumn(1).values.join(' ');
  expect(aboutText).toContain('at least 3 boroughs');
  expect(aboutText).toContain('fewer than 10');
  const events = await t.audit.events.find({ action: 'findings.export' }).lean();
  expect(events.length).toBeGreaterThan(0);
  expect(events.at(-1)).toMatchObject({ outcome: 'allowed', actorRole: 'programme', detail: '3 exercises, 3 boroughs, published' });
});

const SOFFICE = ['/usr/bin/soffice', '/usr/local/bin/soffice'].find((p) => fs.existsSync(p));
(SOFFICE ? test : test.skip)(
  'LibreOffice opens findings.xlsx and shows the same figures',
  async () => {
    const { bytes } = await download(programme.agent, '/api/v1/findings.xlsx');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'findings-calc-'));
    try {
      const file = path.join(dir, 'findings.xlsx');
      fs.writeFileSync(file, bytes);
      const filter = 'csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1';
      await promisify(execFile)(
        SOFFICE!,
        ['--headless', `-env:UserInstallation=file://${dir}/profile`, '--convert-to', filter, '--outdir', dir, file],
        {
          timeout: 120_000,
        },
      );
      const csv = fs.readFileSync(path.join(dir, 'findings-Summary.csv'), 'utf8');
      const findings = await getFindings();
      const text = (cell: { value: number | null; suppressed: boolean }, words: string) => (cell.suppressed ? words : String(cell.value));
      const [privateSector, publicSector] = findings.sectors;
      expect(csv).toContain(
        `Private sector,${text(privateSector!.interests, '')},${text(privateSector!.submitted, 'withheld')},not published`,
      );
      expect(csv).toContain(
        `Public sector,${text(publicSector!.interests, 'withheld')},${text(publicSector!.submitted, '')},not published`,
      );
      expect(csv).toContain('Voluntary and community sector,withheld,fewer than 10,not published');
      expect(csv).toContain('"Social enterprise (CICs, community benefit societies, co-operatives, mutuals)",fewer than 10,fewer than 10');
      expect(csv).toContain(`All sectors,${findings.totals.interests.value},${findings.totals.submitted.value}`);
      expect(
        fs
          .readdirSync(dir)
          .filter((f) => f.endsWith('.csv'))
          .sort(),
      ).toEqual(['About', 'Barriers', 'By quarter', 'How they heard', 'Summary'].map((s) => `findings-${s}.csv`));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  },
  180_000,
);

test('switching sharing off removes the exercise from the next findings; closing an exercise brings it in', async () => {
  await setSharing(officers.camden!, exercises.camden!.id, false);
  expect(await getFindings()).toMatchObject({ boroughs: 2, exercises: 2, published: false });
  await setSharing(officers.camden!, exercises.camden!.id, true);
  expect(await getFindings()).toMatchObject({ boroughs: 3, exercises: 3, published: true });
  // Another borough's officer cannot switch it: 404.
  const res = await officers
    .hackney!.agent.put(`/api/v1/tenders/${exercises.camden!.id}/sharing`)
    .set('X-CSRF-Token', officers.hackney!.csrfToken)
    .send({ shareFindings: false });
  expect(res.status).toBe(404);
  const bad = await officers
    .camden!.agent.put(`/api/v1/tenders/${exercises.camden!.id}/sharing`)
    .set('X-CSRF-Token', officers.camden!.csrfToken)
    .send({ shareFindings: 'nope' });
  expect(bad.status).toBe(422);
  expect(bad.body.error.fields).toHaveProperty('shareFindings');

  // Islington closes before its expression of interest deadline: its stage has ended, so it counts.
  await officers
    .islington!.agent.post(`/api/v1/tenders/${exercises.islington!.id}/close`)
    .set('X-CSRF-Token', officers.islington!.csrfToken)
    .expect(200);
  const findings = await getFindings();
  expect(findings).toMatchObject({ boroughs: 4, exercises: 4, published: true });
});

test('a sealed exercise adds its interests once that stage ends, but its answers only after its questionnaire deadline', async () => {
  const before = await t.findings.counts();
  clock.set('2027-01-20T09:00:00.000Z');
  const lewisham = await officerOf(t, 'lewisham');
  const sealed = await publishedExercise(lewisham, { sealed: true });
  const [org] = await suppliers(t, 'voluntary', 1);
  await expressInterest(org!, sealed);
  await submitResponse(org!, sealed.id, { barriers: ['contract_size', 'payment_terms'] });

  clock.set('2027-02-20T09:00:00.000Z');
  const whileSealed = await t.findings.counts();
  expect(whileSealed.exercises).toBe(before.exercises + 1);
  expect(whileSealed.interests.voluntary).toBe(before.interests.voluntary! + 1);
  expect(whileSealed.submitted).toEqual(before.submitted);
  expect(whileSealed.barriers).toEqual(before.barriers);

  clock.set('2027-03-01T12:00:00.001Z');
  const opened = await t.findings.counts();
  expect(opened.submitted.voluntary).toBe(before.submitted.voluntary! + 1);
  expect(opened.barriers.payment_terms).toEqual({ ...before.barriers.payment_terms, voluntary: 1 });
});
