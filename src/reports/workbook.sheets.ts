import { SECTORS, type Sector } from '../suppliers';
import type { QuestionCrossTab, RespondentRow, ResponseRow, RuleId, SectorAnalysis, SectorCounts } from './analysis.types';

/** A cell's value: user text always passes through safeText first; numbers and dates are ours. */
export type CellValue = string | number | Date | null;
/** A value with its own number format, where the column's format does not fit (a rule's value). */
export interface FormattedCell {
  value: number | Date | null;
  numFmt: string;
}
export type Cell = CellValue | FormattedCell;

export interface SheetColumn {
  header: string;
  /** Width in characters. */
  width: number;
  numFmt?: string;
}

export type RowStyle = 'header' | 'fired' | 'group' | 'note';
export interface SheetRow {
  cells: Cell[];
  style?: RowStyle;
}

/** A sheet small enough to build whole; the two long sheets stream their rows instead. */
export interface SheetSpec {
  name: string;
  columns: SheetColumn[];
  rows: SheetRow[];
  /** How many rows under the header the autofilter covers; all rows unless given. */
  filterRows?: number;
}

export const PERCENT = '0.0%';
export const COUNT = '#,##0';
export const MONEY = '"£"#,##0';
export const DECIMAL = '0.00';
export const DATE_TIME = 'yyyy-mm-dd hh:mm';

/** Excel's limit on the characters of one cell. */
const MAX_CELL_TEXT = 32_767;
/** Characters that start a formula (or DDE payload) in Excel, LibreOffice and Google Sheets. */
const FORMULA_START = /^[=+\-@\t\r]/;
// Characters XML 1.0 cannot carry: one of them would make the whole workbook unreadable.
// eslint-disable-next-line no-control-regex
const NOT_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g;

/**
 * The one way user text enters a workbook (SECURITY 20): always a string, never a formula; text that a
 * spreadsheet would read as a formula gets a leading apostrophe.
 */
export function safeText(value: unknown): string {
  const text = (value === null || value === undefined ? '' : String(value)).replace(NOT_XML, '').slice(0, MAX_CELL_TEXT - 1);
  return FORMULA_START.test(text) ? `'${text}` : text;
}

const pct = (value: number | null): FormattedCell => ({ value, numFmt: PERCENT });
const count = (value: number | null): FormattedCell => ({ value, numFmt: COUNT });

/** Short sector names for column headings; the Summary rows carry the analysis's full labels. */
export const SECTOR_HEADINGS: Record<Sector, string> = {
  private: 'Private',
  public: 'Public',
  voluntary: 'Voluntary and community',
  social_enterprise: 'Social enterprise',
};
const sectorColumns = (suffix = '', numFmt = COUNT): SheetColumn[] =>
  SECTORS.map((s) => ({ header: `${SECTOR_HEADINGS[s]}${suffix}`, width: 14, numFmt }));
const bySectorCells = (values: Record<Sector, number | null>): Cell[] => SECTORS.map((s) => values[s]);

export const THIRD_SECTOR_LABEL = 'Third sector (voluntary, community and social enterprise)';
export const OTHER_SECTORS_LABEL = 'Other sectors (private and public)';

export const RULE_LABELS: Record<RuleId, string> = {
  share: 'Third-sector share of interests is below the target',
  conversion_gap: 'Other sectors turn interest into responses much more often than the third sector',
  volume: 'Too few third-sector interests',
};
const RULE_FORMATS: Record<RuleId, string> = { share: PERCENT, conversion_gap: PERCENT, volume: COUNT };

const countsCells = (label: string, c: SectorCounts): Cell[] => [
  safeText(label),
  c.interests,
  c.started,
  c.submitted,
  c.conversion,
  c.shareOfInterests,
  c.shareOfSubmissions,
];

/** Summary: one row per sector (label in column A), the two groups, then each rule with value, threshold and whether it fired. */
export function summarySheet(a: SectorAnalysis): SheetSpec {
  const rows: SheetRow[] = [
    ...a.sectors.map((s) => ({ cells: countsCells(s.label, s) })),
    { cells: countsCells(THIRD_SECTOR_LABEL, a.thirdSector), style: 'group' as const },
    { cells: countsCells(OTHER_SECTORS_LABEL, a.otherSectors), style: 'group' as const },
    { cells: [] },
    { cells: ['Rule', 'Measured value', 'Threshold', 'Fired', 'What it checks'], style: 'header' },
    ...a.rules.map((r): SheetRow => ({
      cells: [
        r.id,
        { value: r.value, numFmt: RULE_FORMATS[r.id] },
        { value: r.threshold, numFmt: RULE_FORMATS[r.id] },
        r.fired ? 'Yes' : 'No',
        RULE_LABELS[r.id],
      ],
      style: r.fired ? 'fired' : undefined,
    })),
    { cells: [] },
    {
      cells: ['Weak third-sector response', a.weakThirdSectorResponse ? 'Yes' : 'No'],
      style: a.weakThirdSectorResponse ? 'fired' : undefined,
    },
    { cells: ['Responses typed in by an officer', count(a.recordedResponses)] },
    { cells: ['Sector-check warnings', count(a.sectorCheckWarnings)] },
  ];
  return {
    name: 'Summary',
    columns: [
      { header: 'Sector', width: 44 },
      { header: 'Interests', width: 16, numFmt: COUNT },
      { header: 'Started', width: 16, numFmt: COUNT },
      { header: 'Submitted', width: 12, numFmt: COUNT },
      { header: 'Conversion', width: 12, numFmt: PERCENT },
      { header: 'Share of interests', width: 18, numFmt: PERCENT },
      { header: 'Share of submissions', width: 20, numFmt: PERCENT },
    ],
    rows,
    filterRows: a.sectors.length,
  };
}

function questionRows(q: QuestionCrossTab): SheetRow[] {
  const head = [safeText(q.key), safeText(q.label)];
  switch (q.type) {
    case 'single':
    case 'multi':
    case 'yesno':
      return [
        { cells: [...head, 'All options', 'Respondents', ...bySectorCells(q.respondents)] },
        ...q.options.flatMap((o): SheetRow[] => [
          { cells: [...head, safeText(o.label), 'Count', ...bySectorCells(o.bySector)] },
          { cells: [...head, safeText(o.label), 'Share', ...SECTORS.map((s) => pct(o.shareBySector[s]))] },
        ]),
      ];
    case 'scale':
    case 'number':
      return [
        { cells: [...head, '', 'Answered', ...SECTORS.map((s) => q.bySector[s].n)] },
        { cells: [...head, '', 'Mean', ...SECTORS.map((s) => ({ value: q.bySector[s].mean, numFmt: DECIMAL }))] },
        { cells: [...head, '', 'Median', ...SECTORS.map((s) => ({ value: q.bySector[s].median, numFmt: DECIMAL }))] },
      ];
    default:
      return [{ cells: [...head, '', 'Answered', ...bySectorCells(q.answered)] }];
  }
}

/** Per-question figures by sector; never the text of an answer. */
export function questionsSheet(a: SectorAnalysis): SheetSpec {
  return {
    name: 'Questions by sector',
    columns: [
      { header: 'Question key', width: 24 },
      { header: 'Question', width: 50 },
      { header: 'Option', width: 30 },
      { header: 'Figure', width: 12 },
      ...sectorColumns(),
    ],
    rows: a.questions.flatMap(questionRows),
  };
}

/** Barriers ranked by the gap between third-sector and other respondents, with the usual remedy. */
export function barriersSheet(a: SectorAnalysis): SheetSpec {
  return {
    name: 'Barriers',
    columns: [
      { header: 'Code', width: 22 },
      { header: 'Barrier', width: 40 },
      ...sectorColumns(),
      { header: 'Gap (third sector minus others)', width: 16, numFmt: PERCENT },
      { header: 'What usually helps', width: 60 },
    ],
    rows: a.barriers.map((b) => ({ cells: [b.code, safeText(b.label), ...bySectorCells(b.bySector), b.gap, safeText(b.remedy)] })),
  };
}

/** Interests in each lot by sector, and who could take on a contract of the lot's yearly value. */
export function lotsSheet(a: SectorAnalysis): SheetSpec {
  const rows: SheetRow[] = a.lots.map((l) => ({
    cells: [safeText(l.title), l.estimatedAnnualValue, ...bySectorCells(l.interests), ...bySectorCells(l.couldTakeOn)],
  }));
  rows.push(
    { cells: [] },
    {
      cells: [
        a.capacityQuestion
          ? safeText(
              `"Could take on" counts submitted respondents whose answer to "${a.capacityQuestion.label}" is at least the lot's yearly value.`,
            )
          : 'The questionnaire has no question about the largest contract an organisation could take on, so "could take on" is not counted.',
      ],
      style: 'note',
    },
  );
  return {
    name: 'Lots',
    columns: [
      { header: 'Lot', width: 36 },
      { header: 'Estimated yearly value', width: 16, numFmt: MONEY },
      ...sectorColumns(': interests'),
      ...sectorColumns(': could take on'),
    ],
    rows,
    filterRows: a.lots.length,
  };
}

/** How organisations heard about the exercise, by sector: which outreach reaches the third sector. */
export function outreachSheet(a: SectorAnalysis): SheetSpec {
  return {
    name: 'Outreach',
    columns: [{ header: 'Heard about the exercise through', width: 40 }, ...sectorColumns(), { header: 'All', width: 10, numFmt: COUNT }],
    rows: a.outreach.map((o) => ({
      cells: [safeText(o.label), ...bySectorCells(o.bySector), SECTORS.reduce((sum, s) => sum + o.bySector[s], 0)],
    })),
  };
}

/** What the borough decided for each barrier, who recorded it and when. */
export function decisionsSheet(a: SectorAnalysis): SheetSpec {
  return {
    name: 'Decisions',
    columns: [
      { header: 'Barrier', width: 30 },
      { header: 'Decision', width: 14 },
      { header: 'What will change, or why not', width: 70 },
      { header: 'Recorded by', width: 24 },
      { header: 'Recorded at', width: 18, numFmt: DATE_TIME },
    ],
    rows: a.decisions.map((d) => ({
      cells: [
        safeText(a.barriers.find((b) => b.code === d.barrier)?.label ?? d.barrier),
        d.decision === 'change' ? 'Change' : 'No change',
        safeText(d.text),
        safeText(d.byName),
        new Date(d.at),
      ],
    })),
  };
}

export const RESPONDENT_COLUMNS: SheetColumn[] = [
  { header: 'Organisation', width: 40 },
  { header: 'Sector', width: 24 },
  { header: 'Size', width: 10 },
  { header: 'Interest', width: 12 },
  { header: 'Questionnaire', width: 14 },
  { header: 'Typed in by an officer', width: 12 },
  { header: 'Sector-check warnings', width: 12, numFmt: COUNT },
];

/** One organisation that expressed interest; never its contact details. */
export function respondentCells(r: RespondentRow): Cell[] {
  return [
    safeText(r.organisation),
    SECTOR_HEADINGS[r.sector],
    safeText(r.size),
    r.interestStatus === 'active' ? 'Active' : 'Withdrawn',
    r.questionnaire,
    r.recorded ? 'Yes' : 'No',
    r.sectorWarnings,
  ];
}

export interface ResponseColumn {
  key: string;
  label: string;
}

export function responseColumns(questions: ResponseColumn[]): SheetColumn[] {
  return [
    { header: 'Organisation', width: 40 },
    { header: 'Sector', width: 24 },
    { header: 'Received', width: 18, numFmt: DATE_TIME },
    { header: 'Typed in by an officer', width: 12 },
    ...questions.map((q) => ({ header: safeText(q.label), width: 24 })),
  ];
}

/** One submitted response: a column per question, numbers as numbers and every text as safe text. */
export function responseCells(r: ResponseRow, questions: ResponseColumn[]): Cell[] {
  const cells: Cell[] = [safeText(r.organisation), SECTOR_HEADINGS[r.sector], new Date(r.receivedAt), r.recorded ? 'Yes' : 'No'];
  for (const q of questions) {
    const answer = r.answers[q.key];
    cells.push(typeof answer === 'number' ? answer : answer === null || answer === undefined ? null : safeText(answer));
  }
  return cells;
}

export interface ExerciseHeading {
  reference: string;
  title: string;
}

/** Definitions, thresholds and where the figures come from, so the workbook can be read on its own. */
export function aboutSheet(a: SectorAnalysis, exercise: ExerciseHeading): SheetSpec {
  const threshold = (id: RuleId) => a.rules.find((r) => r.id === id)?.threshold ?? null;
  const rows: SheetRow[] = [
    { cells: ['Exercise reference', safeText(exercise.reference)] },
    { cells: ['Exercise', safeText(exercise.title)] },
    { cells: ['Generated', { value: new Date(a.generatedAt), numFmt: DATE_TIME }] },
    { cells: [] },
    { cells: ['Definitions', ''], style: 'header' },
    { cells: ['Interests', 'Organisations with an active expression of interest in the exercise.'] },
    { cells: ['Started', 'Organisations that have saved or submitted answers to the questionnaire.'] },
    { cells: ['Submitted', 'Organisations whose response has been submitted (typed-in responses included and marked).'] },
    { cells: ['Conversion', 'Submitted divided by interests.'] },
    { cells: ['Share of interests', "The sector's interests divided by all interests."] },
    { cells: ['Share of submissions', "The sector's submissions divided by all submissions."] },
    { cells: ['Third sector', 'Voluntary and community organisations and social enterprises.'] },
    { cells: ['Barrier gap', 'Share of third-sector respondents naming the barrier minus the share of other respondents naming it.'] },
    { cells: [] },
    { cells: ['Thresholds', ''], style: 'header' },
    { cells: [RULE_LABELS.share, pct(threshold('share'))] },
    { cells: [RULE_LABELS.conversion_gap, pct(threshold('conversion_gap'))] },
    { cells: [RULE_LABELS.volume, count(threshold('volume'))] },
    { cells: [] },
    {
      cells: [
        'Text in this workbook',
        "Text that starts with =, +, -, @, a tab or a carriage return is shown with a leading ' so it is never run as a formula.",
      ],
      style: 'note',
    },
  ];
  return {
    name: 'About',
    columns: [
      { header: 'Item', width: 60 },
      { header: 'Value', width: 90 },
    ],
    rows,
    filterRows: 0,
  };
}
