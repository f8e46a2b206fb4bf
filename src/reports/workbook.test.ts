import { PassThrough, Writable } from 'node:stream';
import ExcelJS from 'exceljs';
import fc from 'fast-check';
import type { RespondentRow, ResponseRow, SectorAnalysis } from './analysis.types';
import { writeWorkbook, SHEET_NAMES } from './workbook';
import { chartPicture } from './workbook.picture';
import {
  PERCENT,
  aboutSheet,
  barriersSheet,
  decisionsSheet,
  lotsSheet,
  questionsSheet,
  respondentCells,
  responseCells,
  safeText,
  summarySheet,
} from './workbook.sheets';

const HOSTILE = '=HYPERLINK("http://x","y")';
const bySector = (p: number, q: number, v: number, s: number) => ({ private: p, public: q, voluntary: v, social_enterprise: s });
const counts = (interests: number, started: number, submitted: number, allInterests: number, allSubmitted: number) => ({
  interests,
  started,
  submitted,
  conversion: interests ? submitted / interests : null,
  shareOfInterests: allInterests ? interests / allInterests : null,
  shareOfSubmissions: allSubmitted ? submitted / allSubmitted : null,
});

/** The bulletin's borough, as the analysis describes it. */
const BULLETIN_ANALYSIS: SectorAnalysis = {
  tenderId: 't1',
  generatedAt: '2027-03-02T10:00:00.000Z',
  sectors: [
    { sector: 'private', label: 'Private sector', ...counts(14, 5, 5, 30, 10) },
    { sector: 'public', label: 'Public sector', ...counts(10, 4, 4, 30, 10) },
    { sector: 'voluntary', label: 'Voluntary and community sector', ...counts(4, 2, 1, 30, 10) },
    { sector: 'social_enterprise', label: 'Social enterprise', ...counts(2, 1, 0, 30, 10) },
  ],
  thirdSector: counts(6, 3, 1, 30, 10),
  otherSectors: counts(24, 9, 9, 30, 10),
  weakThirdSectorResponse: true,
  rules: [
    { id: 'share', fired: true, value: 0.2, threshold: 0.3 },
    { id: 'conversion_gap', fired: true, value: 0.375 - 1 / 6, threshold: 0.15 },
    { id: 'volume', fired: false, value: 6, threshold: 3 },
  ],
  barriers: [
    { code: 'contract_size', label: 'Contract size', remedy: '-Smaller lots', bySector: bySector(0, 0, 1, 0), gap: 1 },
    { code: 'timescales', label: 'Timescales', remedy: 'A longer deadline', bySector: bySector(5, 4, 0, 0), gap: -1 },
  ],
  questions: [
    {
      key: 'lots_of_interest',
      label: 'Which lots interest you?',
      type: 'multi',
      respondents: bySector(5, 4, 1, 0),
      options: [
        {
          value: 'whole_service',
          label: 'The whole service',
          bySector: bySector(5, 0, 0, 0),
          shareBySector: { private: 1, public: 0, voluntary: 0, social_enterprise: null },
        },
      ],
    },
    {
      key: 'staff_available',
      label: 'Staff available',
      type: 'number',
      bySector: {
        private: { n: 5, mean: 12, median: 12 },
        public: { n: 4, mean: 12, median: 12 },
        voluntary: { n: 1, mean: 12, median: 12 },
        social_enterprise: { n: 0, mean: null, median: null },
      },
    },
    { key: 'what_would_help', label: '+What would help?', type: 'textarea', answered: bySector(5, 4, 1, 0) },
  ],
  lots: [
    {
      lotId: 'l1',
      title: '@Branch libraries',
      estimatedAnnualValue: 450000,
      interests: bySector(14, 10, 0, 0),
      couldTakeOn: bySector(5, 4, 0, 0),
    },
  ],
  capacityQuestion: { key: 'largest_contract_value', label: 'Largest contract value each year' },
  outreach: [{ heardVia: 'cvs_network', label: 'Local CVS', bySector: bySector(0, 0, 4, 0) }],
  sectorCheckWarnings: 1,
  recordedResponses: 0,
  earlyWarning: null,
  decisions: [
    { barrier: 'contract_size', decision: 'change', text: '=1+1 smaller lots', byName: 'Olive Officer', at: '2027-03-03T09:00:00.000Z' },
  ],
};

describe('safeText', () => {
  test.each([
    ['=HYPERLINK("http://x","y")', `'=HYPERLINK("http://x","y")`],
    ['+44 20 7946 0000', "'+44 20 7946 0000"],
    ['-1', "'-1"],
    ['@SUM(A1)', "'@SUM(A1)"],
    ['\tcmd', "'\tcmd"],
    ['\rcmd', "'\rcmd"],
    ['Friends of the Library', 'Friends of the Library'],
    ['a=b', 'a=b'],
    ['', ''],
  ])('%j is written as %j', (input, expected) => {
    expect(safeText(input)).toBe(expected);
  });

  test('numbers, null and undefined become text; characters XML cannot carry are dropped', () => {
    expect(safeText(12)).toBe('12');
    expect(safeText(null)).toBe('');
    expect(safeText(undefined)).toBe('');
    expect(safeText('a\u0000b\u001Fc')).toBe('abc');
  });

  test('any text: the result never starts a formula, is at most Excel’s cell limit and is stable when applied twice', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 60 }), (text) => {
        const out = safeText(text);
        expect(out).not.toMatch(/^[=+\-@\t\r]/);
        expect(out.length).toBeLessThanOrEqual(32_767);
        expect(safeText(out)).toBe(out);
      }),
    );
  });
});

describe('sheet rows', () => {
  test('Summary: a row per sector with its label first, the two groups, then each rule', () => {
    const spec = summarySheet(BULLETIN_ANALYSIS);
    expect(spec.name).toBe('Summary');
    expect(spec.rows.slice(0, 4).map((r) => r.cells.slice(0, 4))).toEqual([
      ['Private sector', 14, 5, 5],
      ['Public sector', 10, 4, 4],
      ['Voluntary and community sector', 4, 2, 1],
      ['Social enterprise', 2, 1, 0],
    ]);
    expect(spec.rows[2]!.cells.slice(4)).toEqual([0.25, 4 / 30, 0.1]);
    expect(spec.rows[4]!.cells.slice(0, 7)).toEqual([
      'Third sector (voluntary, community and social enterprise)',
      6,
      3,
      1,
      1 / 6,
      0.2,
      0.1,
    ]);
    expect(spec.rows[5]!.cells.slice(1, 4)).toEqual([24, 9, 9]);
    const rules = spec.rows.filter((r) => ['share', 'conversion_gap', 'volume'].includes(r.cells[0] as string));
    expect(rules.map((r) => [r.cells[0], r.cells[3], r.style])).toEqual([
      ['share', 'Yes', 'fired'],
      ['conversion_gap', 'Yes', 'fired'],
      ['volume', 'No', undefined],
    ]);
    expect(rules[0]!.cells[1]).toEqual({ value: 0.2, numFmt: PERCENT });
    expect(spec.columns.map((c) => c.header)).toEqual([
      'Sector',
      'Interests',
      'Started',
      'Submitted',
      'Conversion',
      'Share of interests',
      'Share of submissions',
    ]);
    expect(spec.filterRows).toBe(4);
  });

  test('Questions by sector: counts and shares of options, n, mean and median of numbers, answered counts of text', () => {
    const rows = questionsSheet(BULLETIN_ANALYSIS).rows.map((r) => r.cells);
    expect(rows[0]).toEqual(['lots_of_interest', 'Which lots interest you?', 'All options', 'Respondents', 5, 4, 1, 0]);
    expect(rows[1]).toEqual(['lots_of_interest', 'Which lots interest you?', 'The whole service', 'Count', 5, 0, 0, 0]);
    expect(rows[2]!.slice(4)).toEqual([1, 0, 0, null].map((value) => ({ value, numFmt: PERCENT })));
    expect(rows[3]!.slice(3)).toEqual(['Answered', 5, 4, 1, 0]);
    expect(rows[6]).toEqual(['what_would_help', "'+What would help?", '', 'Answered', 5, 4, 1, 0]);
  });

  test('Barriers, Lots and Decisions carry user text only through safeText', () => {
    expect(barriersSheet(BULLETIN_ANALYSIS).rows[0]!.cells).toEqual(['contract_size', 'Contract size', 0, 0, 1, 0, 1, "'-Smaller lots"]);
    expect(lotsSheet(BULLETIN_ANALYSIS).rows[0]!.cells).toEqual(["'@Branch libraries", 450000, 14, 10, 0, 0, 5, 4, 0, 0]);
    expect(decisionsSheet(BULLETIN_ANALYSIS).rows[0]!.cells).toEqual([
      'Contract size',
      'Change',
      "'=1+1 smaller lots",
      'Olive Officer',
      new Date('2027-03-03T09:00:00.000Z'),
    ]);
  });

  test('Respondents and Responses rows: no contact details, answers as numbers or safe text', () => {
    const respondent: RespondentRow = {
      organisation: HOSTILE,
      sector: 'voluntary',
      size: 'small',
      interestStatus: 'active',
      questionnaire: 'submitted',
      recorded: false,
      sectorWarnings: 0,
    };
    expect(respondentCells(respondent)).toEqual([`'${HOSTILE}`, 'Voluntary and community', 'small', 'Active', 'submitted', 'No', 0]);
    const response: ResponseRow = {
      organisation: HOSTILE,
      sector: 'private',
      receivedAt: '2027-02-20T10:00:00.000Z',
      recorded: true,
      answers: { staff_available: 12, what_would_help: '-more time', lots_of_interest: null },
    };
    const questions = BULLETIN_ANALYSIS.questions.map((q) => ({ key: q.key, label: q.label }));
    expect(responseCells(response, questions)).toEqual([
      `'${HOSTILE}`,
      'Private',
      new Date('2027-02-20T10:00:00.000Z'),
      'Yes',
      null,
      12,
      "'-more time",
    ]);
  });

  test('About names the exercise, the generated time and every threshold', () => {
    const cells = aboutSheet(BULLETIN_ANALYSIS, { reference: 'HAC-2027-001', title: '=evil' }).rows.map((r) => r.cells);
    expect(cells[0]).toEqual(['Exercise reference', 'HAC-2027-001']);
    expect(cells[1]).toEqual(['Exercise', "'=evil"]);
    expect(cells.flat()).toEqual(
      expect.arrayContaining([
        { value: 0.3, numFmt: PERCENT },
        { value: 0.15, numFmt: PERCENT },
      ]),
    );
  });
});

async function* batches<T>(rows: T[], size = 2): AsyncGenerator<T[]> {
  for (let i = 0; i < rows.length; i += size) yield rows.slice(i, i + size);
}

const QUESTIONS = BULLETIN_ANALYSIS.questions.map((q) => ({ key: q.key, label: q.label }));

async function writtenWorkbook(respondents: RespondentRow[], responses: ResponseRow[]) {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (c: Buffer) => chunks.push(c));
  const svg =
    '<svg xmlns="http://www.w3.org/2000/svg" width="200" height="100"><rect x="10" y="10" width="50" height="80" fill="#1d70b8"/></svg>';
  const outcome = await writeWorkbook(
    {
      exercise: { reference: 'HAC-2027-001', title: 'Libraries' },
      questions: QUESTIONS,
      responses: batches(responses),
      respondents: () => respondents,
      analysis: () => BULLETIN_ANALYSIS,
      chart: () => chartPicture(svg, 'Interests and submissions by sector'),
    },
    out,
  );
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(Buffer.concat(chunks) as unknown as ArrayBuffer);
  return { outcome, wb };
}

describe('the streamed workbook', () => {
  test('has its sheets in order, the Summary figures, frozen headers, a picture and no formula anywhere', async () => {
    const respondent: RespondentRow = {
      organisation: HOSTILE,
      sector: 'voluntary',
      size: 'small',
      interestStatus: 'active',
      questionnaire: 'submitted',
      recorded: false,
      sectorWarnings: 0,
    };
    const response: ResponseRow = {
      organisation: HOSTILE,
      sector: 'voluntary',
      receivedAt: '2027-02-20T10:00:00.000Z',
      recorded: false,
      answers: { staff_available: 3, what_would_help: '=cmd|"/c calc"!A1' },
    };
    const { outcome, wb } = await writtenWorkbook([respondent], [response]);
    expect(outcome).toBe('written');
    expect(wb.worksheets.map((s) => s.name)).toEqual([...SHEET_NAMES]);
    const summary = wb.getWorksheet('Summary')!;
    expect([1, 2, 3, 4, 5].map((r) => (summary.getRow(r).values as unknown[]).slice(1, 5))).toEqual([
      ['Sector', 'Interests', 'Started', 'Submitted'],
      ['Private sector', 14, 5, 5],
      ['Public sector', 10, 4, 4],
      ['Voluntary and community sector', 4, 2, 1],
      ['Social enterprise', 2, 1, 0],
    ]);
    expect(summary.getCell('F6').numFmt).toBe(PERCENT);
    expect(summary.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    expect(summary.getImages()).toHaveLength(1);
    expect(wb.getWorksheet('Respondents')!.getCell('A2').value).toBe(`'${HOSTILE}`);
    expect(wb.getWorksheet('Responses')!.getCell('A2').value).toBe(`'${HOSTILE}`);
    wb.eachSheet((sheet) =>
      sheet.eachRow((row) =>
        row.eachCell((cell) => {
          expect([sheet.name, cell.address, cell.type]).not.toEqual([sheet.name, cell.address, ExcelJS.ValueType.Formula]);
          expect(cell.formula).toBeUndefined();
        }),
      ),
    );
  });

  test('stops reading when nobody is reading any more, which closes the source', async () => {
    let closed = false;
    let read = 0;
    const response: ResponseRow = {
      organisation: 'Org',
      sector: 'private',
      receivedAt: '2027-02-20T10:00:00.000Z',
      recorded: false,
      answers: {},
    };
    async function* endless(): AsyncGenerator<ResponseRow[]> {
      try {
        for (;;) {
          read += 1;
          yield [response, response];
        }
      } finally {
        closed = true;
      }
    }
    const sink = new Writable({ write: (_chunk, _enc, done) => done() });
    const outcome = await writeWorkbook(
      {
        exercise: { reference: 'R', title: 'T' },
        questions: QUESTIONS,
        responses: endless(),
        respondents: () => [],
        analysis: () => BULLETIN_ANALYSIS,
        chart: () => null,
      },
      sink,
      { stopped: () => read > 500 },
    );
    expect(outcome).toBe('stopped');
    expect(closed).toBe(true);
  });
});
