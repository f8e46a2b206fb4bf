import { createInflateRaw, inflateRawSync } from 'node:zlib';
import { PayloadTooLargeError, UnsupportedMediaTypeError } from './errors';
import { formatBytes, MB } from './file-size';

// Zip archives (DOCX, XLSX, ODT, ODS): read the central directory, never trust it blindly.

/** The office formats that are zip archives. */
export type OfficeType = 'docx' | 'xlsx' | 'odt' | 'ods';

export interface ZipLimits {
  /** Most entries (files and folders) the archive may hold. */
  maxEntries: number;
  /** Most bytes all entries may unpack to, together. */
  maxUncompressedBytes: number;
  /** Largest compression ratio allowed for an entry bigger than ratioAppliesAboveBytes. */
  maxCompressionRatio: number;
  ratioAppliesAboveBytes: number;
}

export const defaultZipLimits: ZipLimits = {
  maxEntries: 2_000,
  maxUncompressedBytes: 100 * MB,
  maxCompressionRatio: 200,
  ratioAppliesAboveBytes: 1 * MB,
};

const LOCAL_HEADER = 0x04034b50;
const CENTRAL_HEADER = 0x02014b50;
const END_OF_CENTRAL_DIRECTORY = 0x06054b50;
const ZIP64_END_LOCATOR = 0x07064b50;
const ZIP64_END = 0x06064b50;
const ZIP64_EXTRA_ID = 0x0001;
const U16_MAX = 0xffff;
const U32_MAX = 0xffffffff;

export function isZip(buffer: Buffer): boolean {
  return buffer.length >= 4 && buffer.readUInt32LE(0) === LOCAL_HEADER;
}

export interface ZipSummary {
  entries: number;
  uncompressedBytes: number;
}

interface ZipEntry {
  name: string;
  method: number;
  compressedSize: number;
  uncompressedSize: number;
  dataStart: number;
}

const damaged = () => new UnsupportedMediaTypeError('The selected file is damaged or is not a real document');
const tooManyParts = (limit: number) =>
  new PayloadTooLargeError(`The selected file has too many parts when unpacked (more than ${limit.toLocaleString('en-GB')})`);
const tooLargeUnpacked = (limit: number) =>
  new PayloadTooLargeError(`The selected file is too large when unpacked (more than ${formatBytes(limit)})`);

/**
 * Checks a zip archive's declared entry count, unpacked sizes and compression ratios against the
 * limits (413), then inflates each entry, counting without keeping, to catch entries that unpack to
 * more than they declare. A zip this code cannot read in full is refused as damaged (415).
 */
export async function inspectZip(buffer: Buffer, limits: ZipLimits = defaultZipLimits): Promise<ZipSummary> {
  const entries = readCentralDirectory(buffer, limits);
  for (const entry of entries) {
    const data = buffer.subarray(entry.dataStart, entry.dataStart + entry.compressedSize);
    // Stored entries were matched against their sizes already; an empty deflated entry has nothing to inflate.
    if (entry.method === 0 || (entry.compressedSize === 0 && entry.uncompressedSize === 0)) continue;
    const unpacked = await inflatedSize(data, entry.uncompressedSize);
    if (unpacked === 'over') throw tooLargeUnpacked(limits.maxUncompressedBytes);
    if (unpacked !== entry.uncompressedSize) throw damaged();
  }
  return { entries: entries.length, uncompressedBytes: entries.reduce((sum, e) => sum + e.uncompressedSize, 0) };
}

function readCentralDirectory(buffer: Buffer, limits: ZipLimits): ZipEntry[] {
  const eocd = findEndOfCentralDirectory(buffer);
  if (eocd < 0) throw damaged();
  if (buffer.readUInt16LE(eocd + 4) !== 0 || buffer.readUInt16LE(eocd + 6) !== 0) throw damaged(); // split archives
  let count = buffer.readUInt16LE(eocd + 10);
  let cdSize = buffer.readUInt32LE(eocd + 12);
  let cdOffset = buffer.readUInt32LE(eocd + 16);
  let cdEndLimit = eocd;
  if (count === U16_MAX || cdSize === U32_MAX || cdOffset === U32_MAX) {
    const locator = eocd - 20;
    if (locator < 0 || buffer.readUInt32LE(locator) !== ZIP64_END_LOCATOR) throw damaged();
    const record = readSafeU64(buffer, locator + 8);
    if (record < 0 || record + 56 > locator || buffer.readUInt32LE(record) !== ZIP64_END) throw damaged();
    count = readSafeU64(buffer, record + 32);
    cdSize = readSafeU64(buffer, record + 40);
    cdOffset = readSafeU64(buffer, record + 48);
    cdEndLimit = record;
  }
  if (count > limits.maxEntries) throw tooManyParts(limits.maxEntries);
  if (cdOffset < 0 || cdSize < 0 || cdOffset + cdSize > cdEndLimit) throw damaged();

  const entries: ZipEntry[] = [];
  let total = 0;
  let pos = cdOffset;
  const cdEnd = cdOffset + cdSize;
  for (let i = 0; i < count; i++) {
    if (pos + 46 > cdEnd || buffer.readUInt32LE(pos) !== CENTRAL_HEADER) throw damaged();
    const flags = buffer.readUInt16LE(pos + 8);
    const method = buffer.readUInt16LE(pos + 10);
    let compressedSize = buffer.readUInt32LE(pos + 20);
    let uncompressedSize = buffer.readUInt32LE(pos + 24);
    const nameLength = buffer.readUInt16LE(pos + 28);
    const extraLength = buffer.readUInt16LE(pos + 30);
    const commentLength = buffer.readUInt16LE(pos + 32);
    let localOffset = buffer.readUInt32LE(pos + 42);
    const extraStart = pos + 46 + nameLength;
    const next = extraStart + extraLength + commentLength;
    if (next > cdEnd) throw damaged();
    if (uncompressedSize === U32_MAX || compressedSize === U32_MAX || localOffset === U32_MAX) {
      const zip64 = readZip64Extra(buffer.subarray(extraStart, extraStart + extraLength), {
        uncompressed: uncompressedSize === U32_MAX,
        compressed: compressedSize === U32_MAX,
        offset: localOffset === U32_MAX,
      });
      uncompressedSize = zip64.uncompressed ?? uncompressedSize;
      compressedSize = zip64.compressed ?? compressedSize;
      localOffset = zip64.offset ?? localOffset;
    }
    // Encrypted entries cannot be checked, and office documents never use them.
    if (flags & 0x1) throw damaged();
    if (method !== 0 && method !== 8) throw damaged();
    if (method === 0 && compressedSize !== uncompressedSize) throw damaged();

    total += uncompressedSize;
    if (total > limits.maxUncompressedBytes) throw tooLargeUnpacked(limits.maxUncompressedBytes);
    if (uncompressedSize > limits.ratioAppliesAboveBytes && uncompressedSize > limits.maxCompressionRatio * compressedSize) {
      throw tooLargeUnpacked(limits.maxUncompressedBytes);
    }

    if (localOffset + 30 > cdOffset || buffer.readUInt32LE(localOffset) !== LOCAL_HEADER) throw damaged();
    const dataStart = localOffset + 30 + buffer.readUInt16LE(localOffset + 26) + buffer.readUInt16LE(localOffset + 28);
    if (dataStart + compressedSize > cdOffset) throw damaged();
    const name = buffer.toString('utf8', pos + 46, pos + 46 + nameLength);
    entries.push({ name, method, compressedSize, uncompressedSize, dataStart });
    pos = next;
  }
  return entries;
}

/** A small entry's text (at most 1 MB unpacked); empty when it cannot be read. */
function entryText(buffer: Buffer, entry: ZipEntry): string {
  const data = buffer.subarray(entry.dataStart, entry.dataStart + entry.compressedSize);
  try {
    const raw = entry.method === 0 ? data : inflateRawSync(data, { maxOutputLength: 1024 * 1024 });
    return raw.toString('utf8');
  } catch {
    return '';
  }
}

const OPEN_DOCUMENT_TYPES: Record<string, OfficeType> = {
  'application/vnd.oasis.opendocument.text': 'odt',
  'application/vnd.oasis.opendocument.spreadsheet': 'ods',
};

/**
 * The office format of a zip archive, read from its central directory: Office Open XML by its
 * `[Content_Types].xml` and main part, OpenDocument by its stored `mimetype` entry. Null otherwise.
 */
export function officeTypeOfZip(buffer: Buffer, limits: ZipLimits = defaultZipLimits): OfficeType | null {
  const entries = readCentralDirectory(buffer, limits);
  const names = new Set(entries.map((e) => e.name));
  const types = entries.find((e) => e.name === '[Content_Types].xml');
  if (types) {
    // The main part's declared type tells a document from its macro-enabled or template cousins.
    const xml = entryText(buffer, types);
    if (names.has('word/document.xml') && xml.includes('wordprocessingml.document.main+xml')) return 'docx';
    if (names.has('xl/workbook.xml') && xml.includes('spreadsheetml.sheet.main+xml')) return 'xlsx';
    return null;
  }
  const mimetype = entries.find((e) => e.name === 'mimetype' && e.method === 0);
  if (!mimetype) return null;
  const declared = buffer.toString('ascii', mimetype.dataStart, mimetype.dataStart + mimetype.compressedSize).trim();
  return OPEN_DOCUMENT_TYPES[declared] ?? null;
}

/** The end-of-central-directory record's offset, searching back over a trailing comment; -1 when absent. */
function findEndOfCentralDirectory(buffer: Buffer): number {
  const earliest = Math.max(0, buffer.length - 22 - U16_MAX);
  for (let pos = buffer.length - 22; pos >= earliest; pos--) {
    if (buffer.readUInt32LE(pos) === END_OF_CENTRAL_DIRECTORY && pos + 22 + buffer.readUInt16LE(pos + 20) <= buffer.length) return pos;
  }
  return -1;
}

/** A 64-bit field as a number; beyond 2^53 it can name nothing in a 20 MB buffer, so -1 marks it unusable. */
function readSafeU64(buffer: Buffer, offset: number): number {
  if (offset + 8 > buffer.length) throw damaged();
  const value = buffer.readBigUInt64LE(offset);
  return value > BigInt(Number.MAX_SAFE_INTEGER) ? -1 : Number(value);
}

function readZip64Extra(
  extra: Buffer,
  wanted: { uncompressed: boolean; compressed: boolean; offset: boolean },
): { uncompressed?: number; compressed?: number; offset?: number } {
  let pos = 0;
  while (pos + 4 <= extra.length) {
    const id = extra.readUInt16LE(pos);
    const size = extra.readUInt16LE(pos + 2);
    if (pos + 4 + size > extra.length) break;
    if (id === ZIP64_EXTRA_ID) {
      const field = extra.subarray(pos + 4, pos + 4 + size);
      const found: { uncompressed?: number; compressed?: number; offset?: number } = {};
      let at = 0;
      for (const key of ['uncompressed', 'compressed', 'offset'] as const) {
        if (!wanted[key]) continue;
        const value = readSafeU64(field, at);
        // An unrepresentable size is certainly over any limit; an unrepresentable offset is damage.
        found[key] = value < 0 ? (key === 'offset' ? -1 : Number.MAX_SAFE_INTEGER) : value;
        at += 8;
      }
      if (found.offset !== undefined && found.offset < 0) throw damaged();
      return found;
    }
    pos += 4 + size;
  }
  throw damaged();
}

/** How many bytes raw deflate data unpacks to, or 'over' as soon as it passes limit; -1 for data that is not deflate. */
function inflatedSize(data: Buffer, limit: number): Promise<number | 'over'> {
  return new Promise((resolve) => {
    const inflate = createInflateRaw();
    let total = 0;
    let settled = false;
    const settle = (result: number | 'over') => {
      if (settled) return;
      settled = true;
      resolve(result);
    };
    inflate.on('data', (chunk: Buffer) => {
      total += chunk.length;
      if (total > limit) {
        settle('over');
        inflate.destroy();
      }
    });
    inflate.on('end', () => settle(total));
    inflate.on('error', () => settle(-1));
    inflate.end(data);
  });
}
