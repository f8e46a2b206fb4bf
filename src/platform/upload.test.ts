import { randomBytes } from 'node:crypto';
import { buildZip } from '../../test/helpers/zip';
import {
  docxEntries,
  elfExecutable,
  sampleDocx,
  sampleJpeg,
  sampleOds,
  sampleOdt,
  samplePdf,
  samplePng,
  sampleXlsx,
  windowsExecutable,
} from '../../test/helpers/sample-files';
import { PayloadTooLargeError, UnsupportedMediaTypeError } from './errors';
import { contentDisposition, detectUploadType, formatBytes, sanitiseFilename, type UploadType } from './upload';
import { inspectZip, type ZipLimits } from './zip-inspection';

const allLabels = 'The selected file must be a PDF, DOCX, XLSX, ODT, ODS, PNG or JPEG';
const damagedMessage = 'The selected file is damaged or is not a real document';

/** Small limits so zip tests stay quick and light on memory. */
const smallLimits: ZipLimits = {
  maxEntries: 5,
  maxUncompressedBytes: 64 * 1024,
  maxCompressionRatio: 20,
  ratioAppliesAboveBytes: 8 * 1024,
};

/** The error a promise rejects with, failing the test if it resolves. */
async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (err) {
    return err;
  }
  throw new Error('expected the promise to reject');
}

async function expectUnsupported(promise: Promise<unknown>, message: string): Promise<void> {
  const err = await rejection(promise);
  expect(err).toBeInstanceOf(UnsupportedMediaTypeError);
  expect(err).toMatchObject({ status: 415, code: 'unsupported_media_type', message });
}

async function expectTooLarge(promise: Promise<unknown>, message: string): Promise<void> {
  const err = await rejection(promise);
  expect(err).toBeInstanceOf(PayloadTooLargeError);
  expect(err).toMatchObject({ status: 413, code: 'too_large', message });
}

describe('detectUploadType', () => {
  const samples: Array<[UploadType, () => Buffer]> = [
    ['pdf', () => samplePdf()],
    ['docx', () => sampleDocx()],
    ['xlsx', sampleXlsx],
    ['odt', sampleOdt],
    ['ods', sampleOds],
    ['png', samplePng],
    ['jpg', sampleJpeg],
  ];

  test.each(samples)('recognises a %s by its content', async (type, make) => {
    await expect(detectUploadType(make())).resolves.toBe(type);
  });

  test('accepts a type inside the accept list', async () => {
    await expect(detectUploadType(samplePng(), ['pdf', 'png'])).resolves.toBe('png');
  });

  test('refuses a type outside the accept list, naming the accepted types', async () => {
    await expectUnsupported(detectUploadType(samplePng(), ['pdf', 'docx']), 'The selected file must be a PDF or DOCX');
    await expectUnsupported(detectUploadType(sampleDocx(), ['pdf', 'png', 'jpg']), 'The selected file must be a PDF, PNG or JPEG');
    await expectUnsupported(detectUploadType(samplePdf(), ['xlsx']), 'The selected file must be a XLSX');
  });

  test('an empty accept list refuses everything', async () => {
    await expectUnsupported(detectUploadType(samplePdf(), []), 'The selected file must be a permitted file');
  });

  test('refuses Linux and Windows executables', async () => {
    await expectUnsupported(detectUploadType(elfExecutable()), allLabels);
    await expectUnsupported(detectUploadType(windowsExecutable()), allLabels);
  });

  test('refuses plain text and HTML', async () => {
    await expectUnsupported(detectUploadType(Buffer.from('Just some notes about the library service.\n', 'utf8')), allLabels);
    await expectUnsupported(
      detectUploadType(Buffer.from('<!DOCTYPE html>\n<html><head><title>x</title></head><body><script>alert(1)</script></body></html>')),
      allLabels,
    );
  });

  test('refuses a zip archive that is not an office document', async () => {
    const zip = buildZip([
      { name: 'readme.txt', data: 'hello' },
      { name: 'run.sh', data: '#!/bin/sh\necho hi\n' },
    ]);
    await expectUnsupported(detectUploadType(zip), allLabels);
  });

  test('refuses a zip bomb as too large before judging its type', async () => {
    const bomb = buildZip([...docxEntries(), { name: 'word/media/big.bin', data: Buffer.alloc(100 * 1024) }]);
    await expectTooLarge(detectUploadType(bomb, undefined, smallLimits), 'The selected file is too large when unpacked (more than 64 KB)');
  });
});

describe('inspectZip', () => {
  test('summarises a small archive', async () => {
    const zip = buildZip([
      { name: 'a.txt', data: 'hello' },
      { name: 'b.txt', data: 'world!!', deflate: false },
      { name: 'empty/', data: '' },
    ]);
    await expect(inspectZip(zip, smallLimits)).resolves.toEqual({ entries: 3, uncompressedBytes: 12 });
  });

  test('summarises a zip64 archive the same way', async () => {
    const zip = buildZip(
      [
        { name: 'a.txt', data: 'hello' },
        { name: 'b.txt', data: 'world!!' },
      ],
      { zip64: true },
    );
    await expect(inspectZip(zip, smallLimits)).resolves.toEqual({ entries: 2, uncompressedBytes: 12 });
  });

  test('refuses more entries than the limit (413)', async () => {
    const zip = buildZip(Array.from({ length: 6 }, (_, i) => ({ name: `f${i}.txt`, data: `file ${i}` })));
    await expectTooLarge(inspectZip(zip, smallLimits), 'The selected file has too many parts when unpacked (more than 5)');
    // Exactly at the limit is fine.
    const atLimit = buildZip(Array.from({ length: 5 }, (_, i) => ({ name: `f${i}.txt`, data: `file ${i}` })));
    await expect(inspectZip(atLimit, smallLimits)).resolves.toEqual({ entries: 5, uncompressedBytes: 30 });
  });

  test('formats the entry limit with thousands separators', async () => {
    const zip = buildZip(Array.from({ length: 3 }, (_, i) => ({ name: `f${i}.txt`, data: 'x' })));
    await expect(inspectZip(zip, { ...smallLimits, maxEntries: 2 })).rejects.toThrow('(more than 2)');
    // The message for the default limit of 2,000.
    const many = buildZip(Array.from({ length: 2_001 }, (_, i) => ({ name: `${i}`, data: '', deflate: false })));
    await expectTooLarge(inspectZip(many), 'The selected file has too many parts when unpacked (more than 2,000)');
  });

  test('refuses a total unpacked size over the limit (413)', async () => {
    // Random bytes barely compress, so only the total is over a limit.
    const zip = buildZip([
      { name: 'one.bin', data: randomBytes(40 * 1024) },
      { name: 'two.bin', data: randomBytes(40 * 1024) },
    ]);
    await expectTooLarge(inspectZip(zip, smallLimits), 'The selected file is too large when unpacked (more than 64 KB)');
    await expect(inspectZip(zip, { ...smallLimits, maxUncompressedBytes: 80 * 1024 })).resolves.toEqual({
      entries: 2,
      uncompressedBytes: 80 * 1024,
    });
  });

  test('refuses an entry with a compression ratio over the limit (413)', async () => {
    // 32 KB of zeros deflates to a few dozen bytes: far over a ratio of 20, yet under the 64 KB total.
    const zip = buildZip([{ name: 'zeros.bin', data: Buffer.alloc(32 * 1024) }]);
    await expectTooLarge(inspectZip(zip, smallLimits), 'The selected file is too large when unpacked (more than 64 KB)');
    // The same entry passes when the ratio rule only applies to bigger entries.
    await expect(inspectZip(zip, { ...smallLimits, ratioAppliesAboveBytes: 32 * 1024 })).resolves.toEqual({
      entries: 1,
      uncompressedBytes: 32 * 1024,
    });
  });

  test('refuses an entry that inflates to more than it declares (413)', async () => {
    const zip = buildZip([{ name: 'liar.txt', data: 'a'.repeat(5_000), declaredUncompressedSize: 100 }]);
    await expectTooLarge(inspectZip(zip, smallLimits), 'The selected file is too large when unpacked (more than 64 KB)');
  });

  test('refuses an entry that inflates to less than it declares as damaged (415)', async () => {
    const zip = buildZip([{ name: 'short.txt', data: 'a'.repeat(500), declaredUncompressedSize: 600 }]);
    await expectUnsupported(inspectZip(zip, smallLimits), damagedMessage);
  });

  test('refuses a stored entry whose sizes disagree (415)', async () => {
    const zip = buildZip([{ name: 'stored.txt', data: 'abc', deflate: false, declaredUncompressedSize: 4 }]);
    await expectUnsupported(inspectZip(zip, smallLimits), damagedMessage);
  });

  test('refuses deflated data that is not deflate (415)', async () => {
    const zip = buildZip([{ name: 'junk.bin', data: Buffer.from([0xff, 0xff, 0xff, 0xff]), deflate: false, method: 8 }]);
    await expectUnsupported(inspectZip(zip, smallLimits), damagedMessage);
  });

  test('refuses an encrypted entry (415)', async () => {
    const zip = buildZip([
      { name: 'plain.txt', data: 'hello' },
      { name: 'secret.txt', data: 'hello', flags: 0x1 },
    ]);
    await expectUnsupported(inspectZip(zip, smallLimits), damagedMessage);
  });

  test('refuses an unknown compression method (415)', async () => {
    const zip = buildZip([{ name: 'bzip.txt', data: 'hello', method: 12 }]);
    await expectUnsupported(inspectZip(zip, smallLimits), damagedMessage);
  });

  test('refuses a truncated archive (415)', async () => {
    const zip = sampleDocx();
    await expectUnsupported(inspectZip(zip.subarray(0, zip.length - 10), smallLimits), damagedMessage);
    await expectUnsupported(inspectZip(zip.subarray(0, Math.floor(zip.length / 2)), smallLimits), damagedMessage);
    await expectUnsupported(detectUploadType(zip.subarray(0, zip.length - 10)), damagedMessage);
  });

  test('accepts a trailing archive comment', async () => {
    const zip = buildZip([{ name: 'a.txt', data: 'hello' }], { comment: 'made by a test' });
    await expect(inspectZip(zip, smallLimits)).resolves.toEqual({ entries: 1, uncompressedBytes: 5 });
  });
});

describe('sanitiseFilename', () => {
  test('strips folders, Unix and Windows', () => {
    expect(sanitiseFilename('../../etc/passwd.pdf', 'pdf')).toBe('passwd.pdf');
    expect(sanitiseFilename('C:\\x\\y.pdf', 'pdf')).toBe('y.pdf');
    expect(sanitiseFilename('..\\..\\windows/system32\\report.docx', 'docx')).toBe('report.docx');
  });

  test('removes control and bidi-override characters, then fixes the extension', () => {
    expect(sanitiseFilename('report\u202Efdp.exe', 'pdf')).toBe('reportfdp.pdf');
    expect(sanitiseFilename('bad\u0000na\u0007me\u200B.pdf', 'pdf')).toBe('badname.pdf');
    expect(sanitiseFilename('line\u2028break.pdf', 'pdf')).toBe('line break.pdf');
  });

  test('replaces a wrong extension rather than keeping it alongside', () => {
    expect(sanitiseFilename('invoice.pdf.exe', 'pdf')).toBe('invoice.pdf.pdf');
    expect(sanitiseFilename('photo.png', 'jpg')).toBe('photo.jpg');
    expect(sanitiseFilename('notes', 'docx')).toBe('notes.docx');
    // Not an extension: digits only.
    expect(sanitiseFilename('budget v1.2', 'xlsx')).toBe('budget v1.2.xlsx');
  });

  test('keeps an alias of the detected type, lowercased', () => {
    expect(sanitiseFilename('photo.JPEG', 'jpg')).toBe('photo.jpeg');
    expect(sanitiseFilename('photo.jpe', 'jpg')).toBe('photo.jpe');
    expect(sanitiseFilename('Spec.PDF', 'pdf')).toBe('Spec.pdf');
  });

  test('falls back to upload.<ext> for empty names', () => {
    expect(sanitiseFilename('', 'pdf')).toBe('upload.pdf');
    expect(sanitiseFilename(undefined, 'png')).toBe('upload.png');
    expect(sanitiseFilename('...', 'ods')).toBe('upload.ods');
    expect(sanitiseFilename('   ', 'odt')).toBe('upload.odt');
    expect(sanitiseFilename('folder/', 'xlsx')).toBe('upload.xlsx');
    expect(sanitiseFilename('\u202E\u0000', 'pdf')).toBe('upload.pdf');
  });

  test('cuts long names to 120 characters of stem', () => {
    expect(sanitiseFilename(`${'a'.repeat(300)}.pdf`, 'pdf')).toBe(`${'a'.repeat(120)}.pdf`);
    // Characters, not UTF-16 code units.
    expect(sanitiseFilename(`${'😀'.repeat(200)}.png`, 'png')).toBe(`${'😀'.repeat(120)}.png`);
    // No trailing space or dot is left where the cut falls.
    expect(sanitiseFilename(`${'a'.repeat(119)} b.pdf`, 'pdf')).toBe(`${'a'.repeat(119)}.pdf`);
  });

  test('replaces reserved characters with underscores and collapses spaces', () => {
    expect(sanitiseFilename('a<b>c:d"e|f?g*h.pdf', 'pdf')).toBe('a_b_c_d_e_f_g_h.pdf');
    expect(sanitiseFilename('  my   report\t.pdf  ', 'pdf')).toBe('my report.pdf');
  });

  test('keeps accented and non-Latin letters, in NFC', () => {
    expect(sanitiseFilename('Cafe\u0301 plan.pdf', 'pdf')).toBe('Caf\u00e9 plan.pdf');
    expect(sanitiseFilename('報告.docx', 'docx')).toBe('報告.docx');
  });
});

describe('contentDisposition', () => {
  test('a plain ASCII name', () => {
    expect(contentDisposition('spec.pdf')).toBe(`attachment; filename="spec.pdf"; filename*=UTF-8''spec.pdf`);
  });

  test('quotes in the name are made safe', () => {
    expect(contentDisposition('Spec "v2".pdf')).toBe(`attachment; filename="Spec _v2_.pdf"; filename*=UTF-8''Spec%20_v2_.pdf`);
  });

  test('backslashes are treated as folder separators', () => {
    expect(contentDisposition('folder\\a.pdf')).toBe(`attachment; filename="a.pdf"; filename*=UTF-8''a.pdf`);
  });

  test('accented names get an unaccented fallback and a UTF-8 filename*', () => {
    expect(contentDisposition('Café plan.pdf')).toBe(`attachment; filename="Cafe plan.pdf"; filename*=UTF-8''Caf%C3%A9%20plan.pdf`);
  });

  test('non-Latin names fall back to underscores', () => {
    expect(contentDisposition('報告.pdf')).toBe(`attachment; filename="__.pdf"; filename*=UTF-8''%E5%A0%B1%E5%91%8A.pdf`);
  });

  test('percent signs and the characters RFC 5987 reserves are encoded', () => {
    expect(contentDisposition("O'Brien (100%).pdf")).toBe(
      `attachment; filename="O'Brien (100_).pdf"; filename*=UTF-8''O%27Brien%20%28100%25%29.pdf`,
    );
  });

  test('control characters, lone surrogates and empty names', () => {
    expect(contentDisposition('a\r\nb\uD800.pdf')).toBe(`attachment; filename="ab.pdf"; filename*=UTF-8''ab.pdf`);
    expect(contentDisposition('')).toBe(`attachment; filename="download"; filename*=UTF-8''download`);
    expect(contentDisposition('../..')).toBe(`attachment; filename="download"; filename*=UTF-8''download`);
  });

  test('always starts with attachment;', () => {
    for (const name of ['x.pdf', 'inline.pdf', '', 'Café.pdf']) expect(contentDisposition(name).startsWith('attachment; ')).toBe(true);
  });
});

describe('formatBytes', () => {
  test.each([
    [0, '0 bytes'],
    [512, '512 bytes'],
    [1023, '1023 bytes'],
    [1024, '1 KB'],
    [1536, '1.5 KB'],
    [2048, '2 KB'],
    [1024 * 1024, '1 MB'],
    [1.5 * 1024 * 1024, '1.5 MB'],
    [20 * 1024 * 1024, '20 MB'],
  ])('%d bytes reads as %s', (bytes, text) => {
    expect(formatBytes(bytes)).toBe(text);
  });
});

describe('office documents written with zip64 records', () => {
  test('are recognised from the central directory', async () => {
    await expect(detectUploadType(sampleDocx('x', { zip64: true }))).resolves.toBe('docx');
    await expect(detectUploadType(buildZip(docxEntries('x'), { zip64: true }), ['docx'])).resolves.toBe('docx');
  });

  test('a macro-enabled document is still refused, zip64 or not', async () => {
    const macro = docxEntries('x', 'application/vnd.ms-word.document.macroEnabled.main+xml');
    await expect(detectUploadType(buildZip(macro))).rejects.toMatchObject({ status: 415 });
    await expect(detectUploadType(buildZip(macro, { zip64: true }))).rejects.toMatchObject({ status: 415 });
  });

  test('a zip with office-like names but no content types is not an office document', async () => {
    const fake = buildZip([{ name: 'word/document.xml', data: '<w:document/>' }], { zip64: true });
    await expect(detectUploadType(fake)).rejects.toMatchObject({ status: 415 });
  });
});
