import type { Model } from 'mongoose';
import { isDuplicateKey } from './errors';

type WriteFailure = { index?: unknown; code?: unknown; errmsg?: unknown; message?: unknown };

/**
 * Inserts every document a unique index (or `_id`) lets in and skips the rest, in one unordered batch, and returns
 * those it inserted: how work that must happen once is claimed by many inserts at once, on any number of servers.
 * A failure other than a duplicate is thrown.
 */
export async function insertNew<T extends object>(model: Model<never>, docs: T[]): Promise<T[]> {
  if (!docs.length) return [];
  try {
    await model.collection.insertMany(docs as never[], { ordered: false });
    return docs;
  } catch (err) {
    const writeErrors = (err as { writeErrors?: unknown }).writeErrors;
    if (!writeErrors) throw err;
    const failures = (Array.isArray(writeErrors) ? writeErrors : [writeErrors]) as WriteFailure[];
    const duplicate = (e: WriteFailure) => isDuplicateKey({ code: e.code, message: e.errmsg ?? e.message });
    if (!failures.every(duplicate)) throw err;
    const skipped = new Set(failures.map((e) => Number(e.index)));
    return docs.filter((_doc, i) => !skipped.has(i));
  }
}
