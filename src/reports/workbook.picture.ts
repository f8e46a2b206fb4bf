import { Resvg } from '@resvg/resvg-js';
import type ExcelJS from 'exceljs';

/** A chart as a PNG and its size in pixels. */
export interface Picture {
  png: Buffer;
  width: number;
  height: number;
  /** Alternative text for screen readers. */
  description: string;
}

/** Renders the dashboard's SVG chart to a PNG, on white, at a width that reads well beside the table. */
export function chartPicture(svg: string, description: string, width = 720): Picture {
  const rendered = new Resvg(svg, {
    fitTo: { mode: 'width', value: width },
    background: 'white',
    font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' },
  }).render();
  return { png: rendered.asPng(), width: rendered.width, height: rendered.height, description };
}

const EMU_PER_PIXEL = 9525;
const DRAWING_REL = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships/drawing';
const IMAGE_REL = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships/image';
const DRAWING_TYPE = 'application/vnd.openxmlformats-officedocument.drawing+xml';

const xmlAttr = (text: string) =>
  text
    .replace(/&/g, '&amp;')
    .replace(/"/g, '&quot;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/[\r\n\t]/g, ' ');

/** The parts of exceljs's streaming writer a drawing needs; its public API adds pictures only to in-memory workbooks. */
interface StreamingWorkbookParts {
  zip: { append(source: string | Buffer, data: { name: string }): unknown };
  media: unknown[];
  addImage(image: { buffer: Buffer; extension: 'png' }): number;
}
interface StreamingSheetParts {
  _sheetRelsWriter: { addRelationship(rel: { Target: string; Type: string }): string };
  _writeLegacyData(): void;
  stream: { write(text: string): unknown };
}

/**
 * Places a picture on a streamed sheet, anchored at a cell (0-based column and row). Call it before the
 * sheet is committed; one picture per workbook is all the report needs.
 */
export function addPicture(
  workbook: ExcelJS.stream.xlsx.WorkbookWriter,
  sheet: ExcelJS.Worksheet,
  picture: Picture,
  at: { col: number; row: number },
): void {
  const wb = workbook as unknown as StreamingWorkbookParts;
  const ws = sheet as unknown as StreamingSheetParts;
  const imageId = wb.addImage({ buffer: picture.png, extension: 'png' });
  const drawing = `drawing${imageId + 1}`;
  const cx = picture.width * EMU_PER_PIXEL;
  const cy = picture.height * EMU_PER_PIXEL;
  wb.zip.append(
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>' +
      '<xdr:wsDr xmlns:xdr="http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing" xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">' +
      `<xdr:oneCellAnchor><xdr:from><xdr:col>${at.col}</xdr:col><xdr:colOff>0</xdr:colOff><xdr:row>${at.row}</xdr:row><xdr:rowOff>0</xdr:rowOff></xdr:from>` +
      `<xdr:ext cx="${cx}" cy="${cy}"/>` +
      `<xdr:pic><xdr:nvPicPr><xdr:cNvPr id="${imageId + 2}" name="Chart ${imageId + 1}" descr="${xmlAttr(picture.description)}"/>` +
      '<xdr:cNvPicPr><a:picLocks noChangeAspect="1"/></xdr:cNvPicPr></xdr:nvPicPr>' +
      '<xdr:blipFill><a:blip r:embed="rId1"/><a:stretch><a:fillRect/></a:stretch></xdr:blipFill>' +
      `<xdr:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="${cx}" cy="${cy}"/></a:xfrm><a:prstGeom prst="rect"><a:avLst/></a:prstGeom></xdr:spPr></xdr:pic>` +
      '<xdr:clientData/></xdr:oneCellAnchor></xdr:wsDr>',
    { name: `xl/drawings/${drawing}.xml` },
  );
  wb.zip.append(
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>' +
      '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">' +
      `<Relationship Id="rId1" Type="${IMAGE_REL}" Target="../media/image${imageId}.png"/></Relationships>`,
    { name: `xl/drawings/_rels/${drawing}.xml.rels` },
  );
  const rId = ws._sheetRelsWriter.addRelationship({ Target: `../drawings/${drawing}.xml`, Type: DRAWING_REL });
  // <drawing> belongs just before <legacyDrawing> in the sheet's XML, which is where this hook runs.
  const writeLegacyData = ws._writeLegacyData.bind(ws);
  ws._writeLegacyData = () => {
    ws.stream.write(`<drawing r:id="${rId}"/>`);
    writeLegacyData();
  };
  // The package must declare the drawing part's type, which exceljs's streaming writer does not know about.
  const append = wb.zip.append.bind(wb.zip);
  wb.zip.append = (source, data) =>
    append(
      data.name === '[Content_Types].xml' && typeof source === 'string'
        ? source.replace('</Types>', `<Override PartName="/xl/drawings/${drawing}.xml" ContentType="${DRAWING_TYPE}"/></Types>`)
        : source,
      data,
    );
}
