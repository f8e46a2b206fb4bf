import type { Writable } from 'node:stream';
import ExcelJS from 'exceljs';
import { BARRIERS } from '../questionnaires';
import { HEARD_VIA_LABELS, SECTORS, SECTOR_LABELS, type Sector } from '../suppliers';
import type { DisclosedCell } from './disclosure';
import { withheldText, type FindingsReport } from './findings';
import { COUNT, PERCENT, SECTOR_HEADINGS, safeText, type SheetSpec } from './workbook.sheets';

/** The findings workbook's sheets, Summary first. */
export const FINDINGS_SHEET_NAMES = ['Summary', 'Barriers', 'How they heard', 'By quarter', 'About'] as const;

type FindingsCellValue = string | number | null;

/** A published figure as a number; a withheld one as its words ("fewer than 10"), never its value. */
const figure = (cell: DisclosedCell, threshold: number): FindingsCellValue =>
  cell.suppressed || cell.value === null ? withheldText(cell, threshold) : cell.value;
const share = (value: number | null): FindingsCellValue => (value === null ? 'not published' : value);

const sectorColumns = SECTORS.map((s) => ({ header: SECTOR_HEADINGS[s], width: 16, numFmt: COUNT }));

/** Plain-English rules, for the About sheet and the page. */
export function findingsRules(threshold: number): string[] {
  return [
    'These findings add up expressions of interest and questionnaires from every London borough exercise that shares them, once its expression of interest stage has ended (the deadline has passed or the exercise is closed). Drafts and cancelled exercises are never included.',
    'Nothing is published until at least 3 boroughs contribute, so that no borough’s figures can be picked out.',
    `Any count from 1 to ${threshold - 1} is withheld and shown as “fewer than ${threshold}”, so that no organisation can be picked out. Zero is shown as 0.`,
    'Where a withheld count could be worked out from a total and the other published counts, another count (or the total) is withheld too and shown as “withheld”.',
    'Organisations, boroughs, contact details, written answers and files are never shown. Only counts are.',
    'Barriers count submitted questionnaires naming each barrier; one questionnaire can name several, so barrier counts do not add up to the number submitted.',
  ];
}

/** The sheets as rows: pure, so they can be checked without writing a file. */
export function findingsSheets(report: FindingsReport): SheetSpec[] {
  const k = report.threshold;
  const f = (cell: DisclosedCell) => figure(cell, k);
  const summary: SheetSpec = {
    name: 'Summary',
    columns: [
      { header: 'Sector', width: 44 },
      { header: 'Expressions of interest', width: 24, numFmt: COUNT },
      { header: 'Questionnaires submitted', width: 24, numFmt: COUNT },
      { header: 'Submitted per interest', width: 22, numFmt: PERCENT },
    ],
    rows: [
      ...report.sectors.map((s) => ({
        cells: [SECTOR_LABELS[s.sector], f(s.interests), f(s.submitted), share(report.conversion.bySector[s.sector])],
      })),
      { cells: ['All sectors', f(report.totals.interests), f(report.totals.submitted), share(report.conversion.overall)], style: 'group' },
      { cells: ['Third-sector share of expressions of interest', share(report.thirdSectorShare)] },
      { cells: ['Exercises contributing', report.exercises] },
      { cells: ['Boroughs contributing', report.boroughs] },
      ...(report.reason ? [{ cells: [report.reason], style: 'note' as const }] : []),
    ],
  };
  // The share row is a fraction: its own format is set when written (see writeFindingsWorkbook).
  const barriers: SheetSpec = {
    name: 'Barriers',
    columns: [{ header: 'Barrier', width: 44 }, ...sectorColumns],
    rows: report.barriers.map((b) => ({ cells: [BARRIERS[b.code].label, ...SECTORS.map((s: Sector) => f(b.bySector[s]))] })),
  };
  const heard: SheetSpec = {
    name: 'How they heard',
    columns: [{ header: 'How they heard', width: 44 }, ...sectorColumns, { header: 'All sectors', width: 14, numFmt: COUNT }],
    rows: report.heardVia.map((h) => ({ cells: [HEARD_VIA_LABELS[h.code], ...SECTORS.map((s) => f(h.bySector[s])), f(h.total)] })),
  };
  const quarters: SheetSpec = {
    name: 'By quarter',
    columns: [
      { header: 'Quarter', width: 12 },
      { header: 'Expressions of interest', width: 24, numFmt: COUNT },
      { header: 'From the third sector', width: 24, numFmt: COUNT },
      { header: 'Third-sector share', width: 20, numFmt: PERCENT },
    ],
    rows: report.quarters.map((q) => ({ cells: [q.quarter, f(q.interests), f(q.thirdSector), share(q.thirdSectorShare)] })),
  };
  const about: SheetSpec = {
    name: 'About',
    columns: [{ header: 'About these findings', width: 120 }],
    rows: [
      ...findingsRules(k).map((text) => ({ cells: [text] })),
      { cells: [`Contributing: ${report.exercises} exercises from ${report.boroughs} boroughs.`] },
      ...(report.reason ? [{ cells: [report.reason] }] : []),
    ],
  };
  return [summary, barriers, heard, quarters, about];
}

const HEADER: Partial<ExcelJS.Style> = {
  font: { bold: true },
  fill: { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFDEE0E2' } },
};

/** Streams the findings workbook into `out` (the response): every text through safeText, numbers as numbers. */
export async function writeFindingsWorkbook(report: FindingsReport, out: Writable, generatedAt: Date): Promise<void> {
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: false });
  wb.creator = 'Library Market Engagement Portal';
  wb.created = generatedAt;
  for (const spec of findingsSheets(report)) {
    const sheet = wb.addWorksheet(spec.name, { views: [{ state: 'frozen', ySplit: 1, xSplit: 0 }] });
    sheet.columns = spec.columns.map((c) => ({ width: c.width, style: c.numFmt ? { numFmt: c.numFmt } : {} }));
    const header = sheet.addRow(spec.columns.map((c) => safeText(c.header)));
    header.eachCell((cell) => Object.assign(cell, HEADER));
    header.commit();
    for (const line of spec.rows) {
      const values = line.cells.map((c) => (typeof c === 'string' ? safeText(c) : c));
      const row = sheet.addRow(values);
      if (spec.name === 'Summary' && values[0] === 'Third-sector share of expressions of interest') row.getCell(2).numFmt = PERCENT;
      if (line.style === 'group') row.eachCell((cell) => (cell.font = { bold: true }));
      if (line.style === 'note') row.getCell(1).font = { italic: true };
      if (spec.name === 'About') row.getCell(1).alignment = { wrapText: true, vertical: 'top' };
      row.commit();
    }
    sheet.commit();
  }
  await wb.commit();
}
