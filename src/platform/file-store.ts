import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { finished, pipeline } from 'node:stream/promises';
import type { Response } from 'express';
import { GridFSBucket, ObjectId } from 'mongodb';
import type { Connection } from 'mongoose';
import type { Config } from '../config';
import { contentDisposition } from './upload';
import { NotFoundError } from './errors';

export interface StoredFileMeta {
  contentType: string;
  originalName: string;
}

/**
 * Where uploaded files live. Keys are made by the store, never from user input; the feature's own
 * record keeps the key beside the file's name, type, size and hash.
 */
export interface FileStore {
  put(data: Buffer, meta: StoredFileMeta): Promise<{ key: string }>;
  /** The file's content; NotFoundError when there is no such file. */
  open(key: string): Promise<Readable>;
  /** Removes the file; removing one that is already gone is not an error. */
  remove(key: string): Promise<void>;
}

const diskKey = /^[0-9a-f]{32}$/;

/** Files in one folder under random names; a file appears under its name only once completely written. */
export class DiskFileStore implements FileStore {
  constructor(readonly dir: string) {}

  async put(data: Buffer): Promise<{ key: string }> {
    await fs.mkdir(this.dir, { recursive: true, mode: 0o700 });
    const key = randomBytes(16).toString('hex');
    // The temporary name can never match a key, so a crash mid-write leaves nothing that open() would serve.
    const partial = path.join(this.dir, `.partial-${key}`);
    try {
      const handle = await fs.open(partial, 'wx', 0o600);
      try {
        await handle.writeFile(data);
        await handle.sync();
      } finally {
        await handle.close();
      }
      await fs.rename(partial, this.pathOf(key));
    } catch (err) {
      await fs.rm(partial, { force: true });
      throw err;
    }
    return { key };
  }

  async open(key: string): Promise<Readable> {
    let handle: fs.FileHandle;
    try {
      handle = await fs.open(this.pathOf(key), 'r');
    } catch (err) {
      if (isMissing(err)) throw new NotFoundError();
      throw err;
    }
    return handle.createReadStream();
  }

  async remove(key: string): Promise<void> {
    await fs.rm(this.pathOf(key), { force: true });
  }

  private pathOf(key: string): string {
    if (!diskKey.test(key)) throw new NotFoundError();
    return path.join(this.dir, key);
  }
}

function isMissing(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}

const gridFsKey = /^[0-9a-f]{24}$/;

/** Files in the database's `uploads` GridFS bucket; the key is the file's ObjectId. */
export class GridFsFileStore implements FileStore {
  private readonly bucket: GridFSBucket;

  constructor(conn: Connection) {
    if (!conn.db) throw new Error('GridFsFileStore needs a connected database');
    this.bucket = new GridFSBucket(conn.db, { bucketName: 'uploads' });
  }

  async put(data: Buffer, meta: StoredFileMeta): Promise<{ key: string }> {
    const upload = this.bucket.openUploadStream(meta.originalName, { metadata: { contentType: meta.contentType } });
    try {
      upload.end(data);
      await finished(upload);
    } catch (err) {
      // The files document is written last, so a failed upload leaves at most chunks: remove them.
      await this.bucket.delete(upload.id).catch(() => undefined);
      throw err;
    }
    return { key: upload.id.toHexString() };
  }

  async open(key: string): Promise<Readable> {
    const id = this.idOf(key);
    const found = await this.bucket.find({ _id: id }, { limit: 1, projection: { _id: 1 } }).toArray();
    if (found.length === 0) throw new NotFoundError();
    return this.bucket.openDownloadStream(id);
  }

  async remove(key: string): Promise<void> {
    try {
      await this.bucket.delete(this.idOf(key));
    } catch (err) {
      // delete() also clears orphaned chunks before reporting a missing files document.
      if (!(err instanceof Error && /File not found/.test(err.message))) throw err;
    }
  }

  private idOf(key: string): ObjectId {
    if (!gridFsKey.test(key)) throw new NotFoundError();
    return ObjectId.createFromHexString(key);
  }
}

/** The store the configuration names: `disk` (UPLOAD_DIR) or `gridfs` (the portal's database). */
export function createFileStore(config: Pick<Config, 'uploadStore' | 'uploadDir'>, conn: Connection): FileStore {
  return config.uploadStore === 'gridfs' ? new GridFsFileStore(conn) : new DiskFileStore(config.uploadDir);
}

/**
 * Sends a stored file as a download: attachment disposition, the type detected at upload, no
 * sniffing, no shared caching. Call it only after the route has authorised the caller.
 */
export async function sendStoredFile(res: Response, store: FileStore, key: string, meta: StoredFileMeta): Promise<void> {
  const content = await store.open(key);
  res.setHeader('Content-Type', meta.contentType);
  res.setHeader('Content-Disposition', contentDisposition(meta.originalName));
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Cache-Control', 'private, no-store');
  try {
    await pipeline(content, res);
  } catch (err) {
    // A client that goes away mid-download is not a server fault.
    if ((err as { code?: unknown }).code === 'ERR_STREAM_PREMATURE_CLOSE') return;
    throw err;
  }
}
