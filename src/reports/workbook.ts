import { once } from 'node:events';
import type { Writable } from 'node:stream';
import ExcelJS from 'exceljs';
import type { RespondentRow, ResponseRow, SectorAnalysis } from './analysis.types';
import { addPicture, type Picture } from './workbook.picture';
import {
  aboutSheet,
  barriersSheet,
  decisionsSheet,
  lotsSheet,
  outreachSheet,
  questionsSheet,
  RESPONDENT_COLUMNS,
  respondentCells,
  responseCells,
  responseColumns,
  safeText,
  summarySheet,
  type Cell,
  type CellValue,
  type ExerciseHeading,
  type ResponseColumn,
  type RowStyle,
  type SheetColumn,
  type SheetSpec,
} from './workbook.sheets';

/**
 * Everything the workbook shows. The responses are read once, as they are written; the analysis is complete
 * once they have been read, so the sheets made from it are written after them and put first in the tab order.
 */
export interface WorkbookContent {
  exercise: ExerciseHeading;
  /** The Responses sheet's question columns, in questionnaire order. */
  questions: ResponseColumn[];
  /** Submitted responses in batches, read as they are written. */
  responses: AsyncIterable<ResponseRow[]>;
  /** Every organisation that expressed interest, known once the responses have been read. */
  respondents: () => Iterable<RespondentRow> | AsyncIterable<RespondentRow>;
  analysis: () => SectorAnalysis;
  /** The interests-and-submissions chart placed beside the Summary table, or null for none. */
  chart: (analysis: SectorAnalysis) => Picture | null;
}

export interface WriteOptions {
  /** True once nobody is reading any more (the client went away): stop reading, which closes the cursors. */
  stopped?: () => boolean;
}

export type WriteOutcome = 'written' | 'stopped';

export const SHEET_NAMES = [
  'Summary',
  'Questions by sector',
  'Barriers',
  'Lots',
  'Outreach',
  'Respondents',
  'Responses',
  'Decisions',
  'About',
] as const;

const HEADER_FILL: ExcelJS.Fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFDEE0E2' } };
const FIRED_FILL: ExcelJS.Fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFF6D7D2' } };
const STYLE: Record<RowStyle, Partial<ExcelJS.Style>> = {
  header: { font: { bold: true }, fill: HEADER_FILL },
  fired: { font: { bold: true, color: { argb: 'FF942514' } }, fill: FIRED_FILL },
  group: { font: { bold: true } },
  note: { font: { italic: true } },
};
/** Rows written between checks that the reader is keeping up. */
const ROWS_PER_CHECK = 64;

const isFormatted = (cell: Cell): cell is { value: number | Date | null; numFmt: string } =>
  cell !== null && typeof cell === 'object' && !(cell instanceof Date);

/** The value exceljs receives: every string (again) through safeText, so nothing can become a formula. */
function plain(cell: Cell): CellValue {
  const value = isFormatted(cell) ? cell.value : cell;
  if (typeof value === 'string') return safeText(value);
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  return value;
}

function writeRow(sheet: ExcelJS.Worksheet, cells: Cell[], style?: RowStyle): void {
  const row = sheet.addRow(cells.map(plain));
  cells.forEach((cell, i) => {
    if (isFormatted(cell)) row.getCell(i + 1).numFmt = cell.numFmt;
  });
  if (style) {
    for (let i = 1; i <= Math.max(cells.length, 1); i += 1) Object.assign(row.getCell(i), STYLE[style]);
  }
  row.commit();
}

function openSheet(wb: ExcelJS.stream.xlsx.WorkbookWriter, name: string, columns: SheetColumn[]): ExcelJS.Worksheet {
  const sheet = wb.addWorksheet(name, { views: [{ state: 'frozen', ySplit: 1, xSplit: 0 }] });
  sheet.columns = columns.map((c) => ({ width: c.width, style: c.numFmt ? { numFmt: c.numFmt } : {} }));
  writeRow(
    sheet,
    columns.map((c) => c.header),
    'header',
  );
  return sheet;
}

function filter(sheet: ExcelJS.Worksheet, columns: number, rows: number): void {
  sheet.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1 + rows, column: columns } };
}

function writeWholeSheet(wb: ExcelJS.stream.xlsx.WorkbookWriter, spec: SheetSpec, before?: (sheet: ExcelJS.Worksheet) => void) {
  const sheet = openSheet(wb, spec.name, spec.columns);
  for (const row of spec.rows) writeRow(sheet, row.cells, row.style);
  filter(sheet, spec.columns.length, spec.filterRows ?? spec.rows.length);
  before?.(sheet);
  sheet.commit();
}

async function keepUp(out: Writable): Promise<void> {
  if (!out.writableNeedDrain || out.destroyed) return;
  await Promise.race([once(out, 'drain'), once(out, 'close')]);
}

/** Puts the sheets in the order the reader sees them, whatever order they were written in. */
function orderTabs(wb: ExcelJS.stream.xlsx.WorkbookWriter): void {
  const parts = wb as unknown as { _worksheets: (ExcelJS.Worksheet | undefined)[] };
  const sheets = parts._worksheets.filter((s): s is ExcelJS.Worksheet => Boolean(s));
  const position = (s: ExcelJS.Worksheet) => (SHEET_NAMES as readonly string[]).indexOf(s.name);
  // exceljs lists sheets in workbook.xml in the order of this array, whose first slot is a hole (skipped by map and forEach).
  const ordered = new Array<ExcelJS.Worksheet | undefined>(1);
  ordered.push(...sheets.sort((a, b) => position(a) - position(b)));
  parts._worksheets = ordered;
}

/**
 * Streams a workbook row by row into `out` (an HTTP response, or any writable). Responses and
 * Respondents are written first (each sheet is committed before the next starts, so nothing waits in
 * memory); the sheets made from the analysis follow, and the tab order puts Summary first.
 */
export async function writeWorkbook(content: WorkbookContent, out: Writable, opts: WriteOptions = {}): Promise<WriteOutcome> {
  const stopped = opts.stopped ?? (() => out.destroyed);
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: false });
  wb.creator = 'Library Market Engagement Portal';
  const abort = (): WriteOutcome => {
    (wb as unknown as { zip: { abort(): void } }).zip.abort();
    return 'stopped';
  };

  const { questions } = content;
  const responses = openSheet(wb, 'Responses', responseColumns(questions));
  let written = 0;
  for await (const batch of content.responses) {
    if (stopped()) return abort();
    for (const row of batch) writeRow(responses, responseCells(row, questions));
    written += batch.length;
    await keepUp(out);
  }
  filter(responses, 4 + questions.length, written);
  responses.commit();

  const respondents = openSheet(wb, 'Respondents', RESPONDENT_COLUMNS);
  written = 0;
  for await (const row of content.respondents()) {
    writeRow(respondents, respondentCells(row));
    written += 1;
    if (written % ROWS_PER_CHECK === 0) {
      if (stopped()) return abort();
      await keepUp(out);
    }
  }
  filter(respondents, RESPONDENT_COLUMNS.length, written);
  respondents.commit();
  if (stopped()) return abort();

  const analysis = content.analysis();
  wb.created = new Date(analysis.generatedAt);
  const chart = content.chart(analysis);
  writeWholeSheet(wb, summarySheet(analysis), (sheet) => {
    if (chart) addPicture(wb, sheet, chart, { col: 8, row: 1 });
  });
  for (const spec of [questionsSheet(analysis), barriersSheet(analysis), lotsSheet(analysis), outreachSheet(analysis)]) {
    writeWholeSheet(wb, spec);
  }
  writeWholeSheet(wb, decisionsSheet(analysis));
  writeWholeSheet(wb, aboutSheet(analysis, content.exercise));
  orderTabs(wb);
  await wb.commit();
  return 'written';
}
