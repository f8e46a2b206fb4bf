import type { Connection } from 'mongoose';

/** Collections whose changes say nothing about what a request did: the session store touches sessions on every request. */
const IGNORED = new Set(['sessions']);

/** Every document of every collection of the test database (but `except`), to compare before and after requests that must change nothing. */
export async function databaseSnapshot(conn: Connection, except: string[] = []): Promise<Record<string, unknown[]>> {
  const db = conn.db;
  if (!db) throw new Error('the connection is not open');
  const names = (await db.listCollections().toArray()).map((c) => c.name).filter((name) => !IGNORED.has(name) && !except.includes(name));
  const snapshot: Record<string, unknown[]> = {};
  for (const name of names.sort()) {
    snapshot[name] = JSON.parse(JSON.stringify(await db.collection(name).find({}).sort({ _id: 1 }).toArray())) as unknown[];
  }
  return snapshot;
}
