import fs from 'node:fs/promises';
import type { TestApp } from './app';

/** Everything the store holds: files on disk, or GridFS file records and chunks. */
export async function storedFiles(t: TestApp): Promise<string[]> {
  if (t.config.uploadStore === 'gridfs') {
    const files = await t.conn.db!.collection('uploads.files').find().toArray();
    const chunks = await t.conn.db!.collection('uploads.chunks').countDocuments();
    return [...files.map((f) => String(f._id)), ...(chunks > files.length * 1000 ? ['orphan chunks'] : [])];
  }
  return (await fs.readdir(t.config.uploadDir).catch(() => [] as string[])).sort();
}

/** GridFS chunks whose file record is gone (none on disk). */
export async function orphanChunks(t: TestApp): Promise<number> {
  if (t.config.uploadStore !== 'gridfs') return 0;
  const ids = (await t.conn.db!.collection('uploads.files').find().toArray()).map((f) => String(f._id));
  const chunks = await t.conn.db!.collection('uploads.chunks').find().toArray();
  return chunks.filter((c) => !ids.includes(String(c.files_id))).length;
}
