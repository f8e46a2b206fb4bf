import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { startTestApp, type TestApp } from '../helpers/app';
import { BULLETIN_MARKET, buildMarket } from '../helpers/market';
import { downloadWorkbook, HOSTILE_NAME, parseCsv } from '../helpers/workbook';

const SOFFICE = process.env.SOFFICE_PATH ?? ['/usr/bin/soffice', '/usr/local/bin/soffice'].find((p) => fs.existsSync(p));
/** Every sheet to `<file>-<Sheet>.csv`: comma, double quotes, UTF-8, raw values (not as shown), no formulas. */
const CSV_FILTER = 'csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1';

/** A number as Calc writes it: percentages keep their % sign even with raw values. */
const num = (text: string) => (text.endsWith('%') ? Number(text.slice(0, -1)) / 100 : Number(text));

const describeWithLibreOffice = SOFFICE ? describe : describe.skip;
if (!SOFFICE)
  console.warn('LibreOffice (soffice) is not installed: the spreadsheet round trip is skipped. Install libreoffice-calc-nogui.');

describeWithLibreOffice('the workbook opened in LibreOffice Calc', () => {
  let t: TestApp;
  let dir: string;
  const csv = (sheet: string) => parseCsv(fs.readFileSync(path.join(dir, `report-${sheet}.csv`), 'utf8'));

  beforeAll(async () => {
    t = await startTestApp();
    const market = await buildMarket(t, {
      ...BULLETIN_MARKET,
      name: (sector, index) => (sector === 'voluntary' && index === 0 ? HOSTILE_NAME : undefined),
    });
    const { res, bytes } = await downloadWorkbook(market.officer.agent, market.tenderId);
    expect(res.status).toBe(200);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'portal-calc-'));
    const file = path.join(dir, 'report.xlsx');
    fs.writeFileSync(file, bytes);
    await promisify(execFile)(
      SOFFICE!,
      ['--headless', `-env:UserInstallation=file://${dir}/profile`, '--convert-to', CSV_FILTER, '--outdir', dir, file],
      { timeout: 120_000 },
    );
  }, 240_000);
  afterAll(async () => {
    await t?.close();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  test('every sheet converts', () => {
    for (const sheet of [
      'Summary',
      'Questions by sector',
      'Barriers',
      'Lots',
      'Outreach',
      'Respondents',
      'Responses',
      'Decisions',
      'About',
    ]) {
      expect([sheet, fs.existsSync(path.join(dir, `report-${sheet}.csv`))]).toEqual([sheet, true]);
    }
  });

  test('Summary holds the sector figures and the rules as Calc reads them', () => {
    const rows = csv('Summary');
    expect(rows[0]!.slice(0, 4)).toEqual(['Sector', 'Interests', 'Started', 'Submitted']);
    expect(rows.slice(1, 5).map((r) => r.slice(1, 4))).toEqual([
      ['14', '5', '5'],
      ['10', '4', '4'],
      ['4', '2', '1'],
      ['2', '1', '0'],
    ]);
    expect(rows.slice(1, 5).map((r) => r[0])).toEqual([
      'Private sector',
      'Public sector',
      'Voluntary and community sector',
      expect.stringMatching(/^Social enterprise/),
    ]);
    expect(rows[5]!.slice(1, 7).map(num)).toEqual([6, 3, 1, expect.closeTo(1 / 6, 6), expect.closeTo(0.2, 10), expect.closeTo(0.1, 10)]);
    const rule = (id: string) => rows.find((r) => r[0] === id)!;
    expect([num(rule('share')[1]!), num(rule('share')[2]!), rule('share')[3]]).toEqual([
      expect.closeTo(0.2, 10),
      expect.closeTo(0.3, 10),
      'Yes',
    ]);
    expect(rule('conversion_gap')[3]).toBe('Yes');
    expect(rule('volume')[3]).toBe('No');
  });

  test('the hostile organisation name is text, not a formula, in Respondents and Responses', () => {
    for (const sheet of ['Respondents', 'Responses']) {
      const names = csv(sheet).map((r) => r[0]);
      expect([sheet, names]).toEqual([sheet, expect.arrayContaining([`'${HOSTILE_NAME}`])]);
      expect(names).not.toContain('y');
    }
  });
});
