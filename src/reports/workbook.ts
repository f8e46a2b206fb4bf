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
  type RowStyle,
  type SheetColumn,
  type SheetSpec,
} from './workbook.sheets';

/** Everything the workbook shows; the two long lists are read as they are written, never held whole. */
export interface WorkbookContent {
  analysis: SectorAnalysis;
  exercise: ExerciseHeading;
  respondents: AsyncIterable<RespondentRow>;
  responses: AsyncIterable<ResponseRow>;
  /** The dashboard's interests-and-submissions chart, placed beside the Summary table. */
  chart: Picture | null;
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

/**
 * Streams a workbook row by row into `out` (an HTTP response, or any writable). Whole sheets are small
 * (figures by sector); Respondents and Responses are read from their iterables as they are written, and
 * each sheet is committed before the next starts, so memory does not grow with the number of responses.
 */
export async function writeWorkbook(content: WorkbookContent, out: Writable, opts: WriteOptions = {}): Promise<WriteOutcome> {
  const stopped = opts.stopped ?? (() => out.destroyed);
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: false });
  wb.creator = 'Library Market Engagement Portal';
  wb.created = new Date(content.analysis.generatedAt);
  const { analysis } = content;

  writeWholeSheet(wb, summarySheet(analysis), (sheet) => {
    if (content.chart) addPicture(wb, sheet, content.chart, { col: 8, row: 1 });
  });
  for (const spec of [questionsSheet(analysis), barriersSheet(analysis), lotsSheet(analysis), outreachSheet(analysis)]) {
    writeWholeSheet(wb, spec);
  }

  const streamed = async <T>(name: string, columns: SheetColumn[], rows: AsyncIterable<T>, cells: (row: T) => Cell[]) => {
    const sheet = openSheet(wb, name, columns);
    let written = 0;
    for await (const row of rows) {
      if (stopped()) return false;
      writeRow(sheet, cells(row));
      written += 1;
      if (written % ROWS_PER_CHECK === 0) await keepUp(out);
    }
    filter(sheet, columns.length, written);
    sheet.commit();
    return !stopped();
  };
  const questions = analysis.questions.map((q) => ({ key: q.key, label: q.label }));
  const complete =
    (await streamed('Respondents', RESPONDENT_COLUMNS, content.respondents, respondentCells)) &&
    (await streamed('Responses', responseColumns(questions), content.responses, (r) => responseCells(r, questions)));
  if (!complete) {
    (wb as unknown as { zip: { abort(): void } }).zip.abort();
    return 'stopped';
  }

  writeWholeSheet(wb, decisionsSheet(analysis));
  writeWholeSheet(wb, aboutSheet(analysis, content.exercise));
  await wb.commit();
  return 'written';
}
