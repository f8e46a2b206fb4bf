import { crc32, deflateRawSync } from 'node:zlib';

export interface ZipEntrySpec {
  name: string;
  data: Buffer | string;
  /** Deflate the data (default) or store it as it is. */
  deflate?: boolean;
  /** Overrides for building damaged or hostile archives. */
  declaredUncompressedSize?: number;
  method?: number;
  flags?: number;
}

export interface ZipOptions {
  /** Write ZIP64 records and extra fields, as large-file writers do. */
  zip64?: boolean;
  comment?: string;
}

const U16_MAX = 0xffff;
const U32_MAX = 0xffffffff;

/** A zip archive built in memory, for tests: just enough of APPNOTE for office files and zip bombs. */
export function buildZip(entries: ZipEntrySpec[], opts: ZipOptions = {}): Buffer {
  const zip64 = opts.zip64 ?? false;
  const version = zip64 ? 45 : 20;
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const entry of entries) {
    const raw = typeof entry.data === 'string' ? Buffer.from(entry.data, 'utf8') : entry.data;
    const deflate = entry.deflate ?? true;
    const body = deflate ? deflateRawSync(raw) : raw;
    const method = entry.method ?? (deflate ? 8 : 0);
    const flags = entry.flags ?? 0x0800; // names are UTF-8
    const uncompressed = entry.declaredUncompressedSize ?? raw.length;
    if (!zip64 && uncompressed >= U32_MAX) throw new Error('sizes of 4 GB or more need zip64');
    const name = Buffer.from(entry.name, 'utf8');
    const crc = crc32(raw);

    const localExtra = zip64 ? extra64([uncompressed, body.length]) : Buffer.alloc(0);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(version, 4);
    local.writeUInt16LE(flags, 6);
    local.writeUInt16LE(method, 8);
    local.writeUInt16LE(0, 10);
    local.writeUInt16LE(0x21, 12); // 1980-01-01
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(zip64 ? U32_MAX : body.length, 18);
    local.writeUInt32LE(zip64 ? U32_MAX : uncompressed, 22);
    local.writeUInt16LE(name.length, 26);
    local.writeUInt16LE(localExtra.length, 28);
    locals.push(local, name, localExtra, body);

    const centralExtra = zip64 ? extra64([uncompressed, body.length, offset]) : Buffer.alloc(0);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(version, 4);
    central.writeUInt16LE(version, 6);
    central.writeUInt16LE(flags, 8);
    central.writeUInt16LE(method, 10);
    central.writeUInt16LE(0, 12);
    central.writeUInt16LE(0x21, 14);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(zip64 ? U32_MAX : body.length, 20);
    central.writeUInt32LE(zip64 ? U32_MAX : uncompressed, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt16LE(centralExtra.length, 30);
    central.writeUInt16LE(0, 32);
    central.writeUInt16LE(0, 34);
    central.writeUInt16LE(0, 36);
    central.writeUInt32LE(0, 38);
    central.writeUInt32LE(zip64 ? U32_MAX : offset, 42);
    centrals.push(central, name, centralExtra);

    offset += local.length + name.length + localExtra.length + body.length;
  }

  const cdOffset = offset;
  const cd = Buffer.concat(centrals);
  const tail: Buffer[] = [];
  if (zip64) {
    const record = Buffer.alloc(56);
    record.writeUInt32LE(0x06064b50, 0);
    record.writeBigUInt64LE(44n, 4);
    record.writeUInt16LE(45, 12);
    record.writeUInt16LE(45, 14);
    record.writeUInt32LE(0, 16);
    record.writeUInt32LE(0, 20);
    record.writeBigUInt64LE(BigInt(entries.length), 24);
    record.writeBigUInt64LE(BigInt(entries.length), 32);
    record.writeBigUInt64LE(BigInt(cd.length), 40);
    record.writeBigUInt64LE(BigInt(cdOffset), 48);
    const locator = Buffer.alloc(20);
    locator.writeUInt32LE(0x07064b50, 0);
    locator.writeUInt32LE(0, 4);
    locator.writeBigUInt64LE(BigInt(cdOffset + cd.length), 8);
    locator.writeUInt32LE(1, 16);
    tail.push(record, locator);
  }
  const comment = Buffer.from(opts.comment ?? '', 'utf8');
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(0, 4);
  end.writeUInt16LE(0, 6);
  end.writeUInt16LE(zip64 ? U16_MAX : entries.length, 8);
  end.writeUInt16LE(zip64 ? U16_MAX : entries.length, 10);
  end.writeUInt32LE(zip64 ? U32_MAX : cd.length, 12);
  end.writeUInt32LE(zip64 ? U32_MAX : cdOffset, 16);
  end.writeUInt16LE(comment.length, 20);
  return Buffer.concat([...locals, cd, ...tail, end, comment]);
}

function extra64(values: number[]): Buffer {
  const field = Buffer.alloc(4 + values.length * 8);
  field.writeUInt16LE(0x0001, 0);
  field.writeUInt16LE(values.length * 8, 2);
  values.forEach((value, i) => field.writeBigUInt64LE(BigInt(value), 4 + i * 8));
  return field;
}
