import ExcelJS from 'exceljs';
import { apiClient, signedInAs, STRONG_PASSWORD, startTestApp, type TestApp } from '../helpers/app';
import { createOfficer, registeredSupplier, uniqueEmail } from '../helpers/factories';
import { BULLETIN_MARKET, buildMarket, type Market } from '../helpers/market';
import { downloadWorkbook, HOSTILE_NAME, readWorkbook, rowValues } from '../helpers/workbook';

let t: TestApp;
let market: Market;
let wb: ExcelJS.Workbook;
let download: Awaited<ReturnType<typeof downloadWorkbook>>;

beforeAll(async () => {
  t = await startTestApp();
  market = await buildMarket(t, {
    ...BULLETIN_MARKET,
    // The first voluntary organisation submits, so its name reaches both Respondents and Responses.
    name: (sector, index) => (sector === 'voluntary' && index === 0 ? HOSTILE_NAME : undefined),
    answers: (sector, index) => (sector === 'private' && index === 0 ? { what_would_help: '+44 20 7946 0000 -call us' } : undefined),
  });
  download = await downloadWorkbook(market.officer.agent, market.tenderId);
  wb = await readWorkbook(download.bytes);
}, 120_000);
afterAll(async () => t.close());

const sheet = (name: string) => wb.getWorksheet(name)!;

describe('GET /api/v1/tenders/:id/report.xlsx', () => {
  test('is an xlsx attachment named after the exercise reference, and the download is audited', async () => {
    expect(download.res.status).toBe(200);
    expect(download.res.headers['content-type']).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    const tender = await t.tenders.get(market.tenderId, undefined);
    expect(download.res.headers['content-disposition']).toMatch(/^attachment; filename="/);
    expect(download.res.headers['content-disposition']).toContain(`${tender.reference}-sector-analysis.xlsx`);
    const events = await t.audit.events.find({ action: 'reports.workbook', target: `tender:${market.tenderId}` }).lean();
    expect(events).toEqual([expect.objectContaining({ outcome: 'allowed', actorRole: 'officer' })]);
  });

  test('has its sheets in order', () => {
    expect(wb.worksheets.map((s) => s.name)).toEqual([
      'Summary',
      'Questions by sector',
      'Barriers',
      'Lots',
      'Outreach',
      'Respondents',
      'Responses',
      'Decisions',
      'About',
    ]);
  });

  test('Summary: one row per sector with its label in column A, the two groups and the three rules', () => {
    const summary = sheet('Summary');
    expect(rowValues(summary, 1, 7)).toEqual([
      'Sector',
      'Interests',
      'Started',
      'Submitted',
      'Conversion',
      'Share of interests',
      'Share of submissions',
    ]);
    const rows = [2, 3, 4, 5].map((r) => rowValues(summary, r, 4));
    expect(rows.map((r) => r.slice(1))).toEqual([
      [14, 5, 5],
      [10, 4, 4],
      [4, 2, 1],
      [2, 1, 0],
    ]);
    expect(rows.map((r) => r[0])).toEqual([
      'Private sector',
      'Public sector',
      'Voluntary and community sector',
      expect.stringMatching(/^Social enterprise/),
    ]);
    expect(rowValues(summary, 4, 7).slice(4)).toEqual([0.25, 4 / 30, 0.1]);
    expect(rowValues(summary, 6, 7)).toEqual([expect.stringMatching(/^Third sector/), 6, 3, 1, 1 / 6, 0.2, 0.1]);
    expect(rowValues(summary, 7, 7)).toEqual([expect.stringMatching(/^Other sectors/), 24, 9, 9, 9 / 24, 0.8, 0.9]);
    expect(summary.getCell('F6').numFmt).toBe('0.0%');
    expect(summary.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    expect(summary.autoFilter).toBeTruthy();

    const rules = new Map<string, unknown[]>();
    summary.eachRow((row) => {
      const id = row.getCell(1).value;
      if (id === 'share' || id === 'conversion_gap' || id === 'volume') rules.set(id, rowValues(summary, row.number, 4));
    });
    expect(rules.get('share')).toEqual(['share', 0.2, 0.3, 'Yes']);
    expect(rules.get('conversion_gap')).toEqual(['conversion_gap', expect.closeTo(9 / 24 - 1 / 6, 10), 0.15, 'Yes']);
    expect(rules.get('volume')).toEqual(['volume', 6, 3, 'No']);
    expect(summary.getImages()).toHaveLength(1);
  });

  test('Respondents: one row per interest with sector, size and status, and no contact details', () => {
    const respondents = sheet('Respondents');
    expect(respondents.rowCount).toBe(31);
    const names: unknown[] = [];
    respondents.eachRow((row, n) => {
      if (n > 1) names.push(row.getCell(1).value);
    });
    expect(names).toContain(`'${HOSTILE_NAME}`);
    const hostile = names.indexOf(`'${HOSTILE_NAME}`) + 2;
    expect(rowValues(respondents, hostile, 5)).toEqual([`'${HOSTILE_NAME}`, 'Voluntary and community', 'small', 'Active', 'submitted']);
  });

  test('Responses: one row per submitted response, one column per question, hostile text kept as text', () => {
    const responses = sheet('Responses');
    expect(responses.rowCount).toBe(11);
    const headers = rowValues(responses, 1, responses.columnCount);
    expect(headers.slice(0, 4)).toEqual(['Organisation', 'Sector', 'Received', 'Typed in by an officer']);
    expect(headers.length).toBeGreaterThanOrEqual(4 + 20);
    const byName = new Map<unknown, ExcelJS.Row>();
    responses.eachRow((row, n) => {
      if (n > 1) byName.set(row.getCell(1).value, row);
    });
    expect(byName.has(`'${HOSTILE_NAME}`)).toBe(true);
    const helpColumn = headers.findIndex((h) => typeof h === 'string' && h.startsWith('What would help')) + 1;
    expect(helpColumn).toBeGreaterThan(0);
    const values = [...byName.values()].map((row) => row.getCell(helpColumn).value);
    expect(values).toContain("'+44 20 7946 0000 -call us");
  });

  test('no cell anywhere is a formula, and no contact email is in the workbook', () => {
    let cells = 0;
    wb.eachSheet((ws) =>
      ws.eachRow((row) =>
        row.eachCell((cell) => {
          cells += 1;
          expect([ws.name, cell.address, cell.type === ExcelJS.ValueType.Formula, cell.formula]).toEqual([
            ws.name,
            cell.address,
            false,
            undefined,
          ]);
          if (typeof cell.value === 'string') expect(cell.value).not.toMatch(/@example\.org/);
        }),
      ),
    );
    expect(cells).toBeGreaterThan(500);
  });
});

describe('who may download it', () => {
  const url = () => `/api/v1/tenders/${market.tenderId}/report.xlsx`;

  test('another borough’s officer: 404, audited', async () => {
    const other = await signedInAs(t.app, (await createOfficer(t.auth, 'camden')).email);
    const res = await other.agent.get(url());
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('not_found');
    expect(await t.audit.events.countDocuments({ target: `tender:${market.tenderId}`, outcome: 'denied' })).toBeGreaterThan(0);
  });

  test('a supplier and the programme team: 403; anonymous: 401', async () => {
    const supplier = await registeredSupplier(t.app);
    expect((await supplier.agent.get(url())).status).toBe(403);
    const programme = await t.auth.createUser({
      role: 'programme',
      email: uniqueEmail('programme'),
      password: STRONG_PASSWORD,
      name: 'Pat Programme',
    });
    expect((await (await signedInAs(t.app, programme.email)).agent.get(url())).status).toBe(403);
    const anonymous = await apiClient(t.app);
    const res = await anonymous.agent.get(url());
    expect(res.status).toBe(401);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
  });

  test('a sealed exercise before its questionnaire deadline: refused with a JSON error, audited', async () => {
    const sealed = await buildMarket(t, {
      officer: market.officer,
      tender: { sealed: true },
      interests: { voluntary: 1 },
      submitted: { voluntary: 1 },
    });
    const res = await sealed.officer.agent.get(`/api/v1/tenders/${sealed.tenderId}/report.xlsx`);
    expect([403, 409]).toContain(res.status);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.body.error.message).toMatch(/sealed/i);
    expect(await t.audit.events.countDocuments({ target: `tender:${sealed.tenderId}`, outcome: 'denied' })).toBeGreaterThan(0);
    expect(
      await t.audit.events.countDocuments({ target: `tender:${sealed.tenderId}`, action: 'reports.workbook', outcome: 'allowed' }),
    ).toBe(0);
  }, 60_000);
});
