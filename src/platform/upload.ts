import { createHash } from 'node:crypto';
import type { Request, Response } from 'express';
import { fileTypeFromBuffer } from 'file-type';
import multer from 'multer';
import { AppError, BadRequestError, PayloadTooLargeError, UnsupportedMediaTypeError, ValidationError } from './errors';
import { formatBytes, MB } from './file-size';
import { defaultZipLimits, inspectZip, isZip, officeTypeOfZip, type ZipLimits } from './zip-inspection';

export { formatBytes } from './file-size';

/** The kinds of file the portal accepts, by the extension file-type reports for them. */
export const uploadTypes = {
  pdf: { mime: 'application/pdf', label: 'PDF', aliases: ['pdf'] },
  docx: { mime: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', label: 'DOCX', aliases: ['docx'] },
  xlsx: { mime: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', label: 'XLSX', aliases: ['xlsx'] },
  odt: { mime: 'application/vnd.oasis.opendocument.text', label: 'ODT', aliases: ['odt'] },
  ods: { mime: 'application/vnd.oasis.opendocument.spreadsheet', label: 'ODS', aliases: ['ods'] },
  png: { mime: 'image/png', label: 'PNG', aliases: ['png'] },
  jpg: { mime: 'image/jpeg', label: 'JPEG', aliases: ['jpg', 'jpeg', 'jpe'] },
} as const;

export type UploadType = keyof typeof uploadTypes;

const zipBasedTypes: ReadonlySet<string> = new Set<UploadType>(['docx', 'xlsx', 'odt', 'ods']);

export interface UploadOptions {
  /** The form field holding the file. */
  fieldName?: string;
  maxFileBytes?: number;
  /** Other (text) fields the form may carry, such as `_csrf`; multer puts them on req.body. */
  maxFields?: number;
  maxFieldBytes?: number;
  /** The types this route accepts; all of uploadTypes unless narrowed. */
  accept?: readonly UploadType[];
  zip?: Partial<ZipLimits>;
}

export const defaultUploadLimits = {
  fieldName: 'file',
  maxFileBytes: 20 * MB,
  maxFields: 20,
  maxFieldBytes: 100 * 1024,
} as const;

export interface ReceivedUpload {
  buffer: Buffer;
  /** The client's file name, cleaned for display and headers, with an extension matching detectedMime. Data only: never a path. */
  originalName: string;
  detectedMime: string;
  ext: UploadType;
  size: number;
  /** Hex SHA-256 of the content. */
  sha256: string;
}

/**
 * Reads one multipart file upload into memory and checks it: size and part limits, type by magic
 * bytes against the allow-list, zip archives for bombs. Nothing touches disk or the database here,
 * so a request that fails or is aborted leaves nothing behind. Text fields end up on req.body.
 */
export async function receiveUpload(req: Request, res: Response, opts: UploadOptions = {}): Promise<ReceivedUpload> {
  const fieldName = opts.fieldName ?? defaultUploadLimits.fieldName;
  const received = await receiveForm(req, res, { ...opts, fileFields: [fieldName] });
  if (!received) throw new ValidationError({ [fieldName]: 'Select a file to upload' });
  return checkUpload(received.file, { ...opts, fieldName });
}

/** A file as it arrived in a form, not yet checked. */
export interface ArrivedFile {
  /** The form field it came in. */
  field: string;
  file: Express.Multer.File;
}

/**
 * Reads a multipart form: its text fields onto req.body and at most one file from one of the named
 * fields (an empty file field is no file). The file is only held in memory; checkUpload judges it.
 */
export async function receiveForm(
  req: Request,
  res: Response,
  opts: UploadOptions & { fileFields: readonly string[] },
): Promise<ArrivedFile | null> {
  const maxFileBytes = opts.maxFileBytes ?? defaultUploadLimits.maxFileBytes;
  const maxFields = opts.maxFields ?? defaultUploadLimits.maxFields;
  const parse = multer({
    storage: multer.memoryStorage(),
    // Browsers send file names as raw UTF-8; busboy's default of latin1 would garble them.
    defParamCharset: 'utf8',
    limits: {
      fileSize: maxFileBytes,
      files: 1,
      fields: maxFields,
      fieldSize: opts.maxFieldBytes ?? defaultUploadLimits.maxFieldBytes,
      fieldNameSize: 100,
      parts: maxFields + opts.fileFields.length,
      headerPairs: 100,
    },
  }).fields(opts.fileFields.map((name) => ({ name, maxCount: 1 })));
  const fieldName = opts.fileFields[0] ?? defaultUploadLimits.fieldName;

  await new Promise<void>((resolve, reject) => {
    parse(req, res, (err?: unknown) =>
      err === undefined || err === null ? resolve() : reject(toUploadError(err, fieldName, maxFileBytes)),
    );
  });
  const files = (req.files ?? {}) as Record<string, Express.Multer.File[] | undefined>;
  for (const field of opts.fileFields) {
    const file = files[field]?.[0];
    if (file) return { field, file };
  }
  return null;
}

/** Checks a file that arrived: not empty, an allowed type by its content, no zip bomb. */
export async function checkUpload(file: Express.Multer.File, opts: UploadOptions = {}): Promise<ReceivedUpload> {
  const fieldName = opts.fieldName ?? defaultUploadLimits.fieldName;
  if (file.size === 0) throw new ValidationError({ [fieldName]: 'The selected file is empty' });

  const ext = await detectUploadType(file.buffer, opts.accept ?? (Object.keys(uploadTypes) as UploadType[]), {
    ...defaultZipLimits,
    ...opts.zip,
  });
  return {
    buffer: file.buffer,
    originalName: sanitiseFilename(file.originalname, ext),
    detectedMime: uploadTypes[ext].mime,
    ext,
    size: file.size,
    sha256: createHash('sha256').update(file.buffer).digest('hex'),
  };
}

function toUploadError(err: unknown, fieldName: string, maxFileBytes: number): AppError {
  if (err instanceof AppError) return err;
  if (!(err instanceof multer.MulterError)) {
    // busboy's parse errors and client aborts: the body could not be read as a whole form.
    return new BadRequestError('malformed_upload', 'The upload could not be read. Try again');
  }
  switch (err.code) {
    case 'LIMIT_FILE_SIZE':
      return new PayloadTooLargeError(`The selected file must be smaller than ${formatBytes(maxFileBytes)}`);
    case 'LIMIT_FILE_COUNT':
      return new PayloadTooLargeError('Upload one file at a time');
    case 'LIMIT_PART_COUNT':
    case 'LIMIT_FIELD_COUNT':
      return new PayloadTooLargeError('The form has too many fields');
    case 'LIMIT_FIELD_KEY':
    case 'LIMIT_FIELD_VALUE':
      return new PayloadTooLargeError('A field in the form is too long');
    case 'LIMIT_UNEXPECTED_FILE':
      return new BadRequestError('unexpected_file', `Send the file in the "${fieldName}" field`, {
        [fieldName]: 'Select one file to upload',
      });
    default:
      return new BadRequestError('malformed_upload', 'The upload could not be read. Try again');
  }
}

/** The allowed type of a file, judged by its content alone; 415 for anything else, 413 for a zip bomb. */
export async function detectUploadType(
  buffer: Buffer,
  accept: readonly UploadType[] = Object.keys(uploadTypes) as UploadType[],
  zipLimits: ZipLimits = defaultZipLimits,
): Promise<UploadType> {
  const notAllowed = new UnsupportedMediaTypeError(`The selected file must be a ${listLabels(accept)}`);
  // Check any zip before file-type reads it, so a bomb is refused (413) whatever its entries claim to be.
  if (isZip(buffer)) await inspectZip(buffer, zipLimits);
  let detected = await fileTypeFromBuffer(buffer);
  // file-type reads only local headers and cannot size zip64 entries; the central directory can.
  if (isZip(buffer) && (!detected || detected.ext === 'zip')) {
    const office = officeTypeOfZip(buffer, zipLimits);
    if (office) detected = { ext: office, mime: uploadTypes[office].mime } as typeof detected;
  }
  if (!detected || !Object.hasOwn(uploadTypes, detected.ext)) throw notAllowed;
  const ext = detected.ext as UploadType;
  if (!accept.includes(ext) || uploadTypes[ext].mime !== detected.mime) throw notAllowed;
  if (zipBasedTypes.has(ext) && !isZip(buffer)) throw notAllowed;
  return ext;
}

function listLabels(types: readonly UploadType[]): string {
  const labels = types.map((t) => uploadTypes[t].label);
  return labels.length <= 1 ? (labels[0] ?? 'permitted file') : `${labels.slice(0, -1).join(', ')} or ${labels.at(-1)}`;
}

// ---------------------------------------------------------------------------------------------
// File names: data to show people, never part of a path.

// Control and invisible formatting characters (including bidi overrides that disguise extensions), lone surrogates.
const invisible = /[\p{Cc}\p{Cf}\p{Cs}]/gu;
const lineBreaks = /[\p{Zl}\p{Zp}]/gu;
// Reserved in file names on common systems.
const reserved = /[<>:"/\\|?*]/g;
const MAX_STEM_CHARACTERS = 120;

function cleanName(name: string): string {
  const base = name.split(/[/\\]/).at(-1) ?? '';
  return base
    .normalize('NFC')
    .replace(invisible, '')
    .replace(lineBreaks, ' ')
    .replace(reserved, '_')
    .replace(/\s+/g, ' ')
    .replace(/^[\s.]+|[\s.]+$/g, '');
}

/**
 * The client's file name made safe to show and to send back in Content-Disposition: no folders,
 * no control or invisible characters, a bounded length, and an extension matching the detected type.
 */
export function sanitiseFilename(name: string | undefined, type: UploadType): string {
  const cleaned = cleanName(name ?? '');
  const dot = cleaned.lastIndexOf('.');
  const currentExt = dot > 0 ? cleaned.slice(dot + 1).toLowerCase() : '';
  let stem = cleaned;
  let ext: string = type;
  if ((uploadTypes[type].aliases as readonly string[]).includes(currentExt)) {
    stem = cleaned.slice(0, dot);
    ext = currentExt;
  } else if (/^[a-z0-9]{1,5}$/.test(currentExt) && /[a-z]/.test(currentExt)) {
    // A different extension (report.exe, photo.png for a JPEG) is replaced, not kept alongside.
    stem = cleaned.slice(0, dot);
  }
  stem = Array.from(stem)
    .slice(0, MAX_STEM_CHARACTERS)
    .join('')
    .replace(/[\s.]+$/, '');
  return `${stem || 'upload'}.${ext}`;
}

/** A Content-Disposition value that makes browsers download, never display, the file under a safe name. */
export function contentDisposition(filename: string): string {
  const name = cleanName(filename) || 'download';
  const ascii = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^\x20-\x7e]/g, '_')
    .replace(/["\\%]/g, '_');
  const encoded = encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}
