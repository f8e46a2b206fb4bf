import ExcelJS from 'exceljs';
import type supertest from 'supertest';

/** An organisation name a spreadsheet would run as a formula if it were written as one. */
export const HOSTILE_NAME = '=HYPERLINK("http://x","y")';

/** GET the sector workbook as raw bytes, with the response for its status and headers. */
export async function downloadWorkbook(agent: supertest.Agent, tenderId: string): Promise<{ res: supertest.Response; bytes: Buffer }> {
  const res = await agent
    .get(`/api/v1/tenders/${tenderId}/report.xlsx`)
    .buffer(true)
    .parse((stream, done) => {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => done(null, Buffer.concat(chunks)));
    });
  return { res, bytes: res.body as Buffer };
}

export async function readWorkbook(bytes: Buffer): Promise<ExcelJS.Workbook> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(bytes as unknown as ArrayBuffer);
  return wb;
}

/** A row's values from column A, as exceljs reads them. */
export const rowValues = (sheet: ExcelJS.Worksheet, row: number, columns: number): unknown[] =>
  Array.from({ length: columns }, (_, i) => sheet.getRow(row).getCell(i + 1).value);

/** RFC 4180 CSV as LibreOffice writes it: quoted fields, doubled quotes, line breaks inside quotes. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i += 1) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i += 1;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(field);
      field = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i += 1;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += ch;
  }
  if (field || row.length) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}
