import mongoose, { type Connection } from 'mongoose';

export { isDatabaseUnavailable, isDuplicateKey } from './errors';

// Queries never match on operator objects smuggled in through input, and unknown filter keys are dropped.
mongoose.set('sanitizeFilter', true);
mongoose.set('strictQuery', true);

export interface ConnectOptions {
  uri: string;
  dbName?: string;
  /** How long an operation waits for an unreachable server before failing (fail fast, then 503). */
  serverSelectionTimeoutMS?: number;
}

/** Long enough for a replica set to elect a new primary (typically under 12 s), for an external MongoDB. */
export const EXTERNAL_SERVER_SELECTION_MS = 15_000;

export const CONNECT_TIMEOUT_MS = 5_000;
export const SOCKET_TIMEOUT_MS = 60_000;
export const WAIT_QUEUE_TIMEOUT_MS = 10_000;

/** Opens a mongoose connection that fails fast rather than buffering while the database is down. */
export async function connect(opts: ConnectOptions): Promise<Connection> {
  const conn = mongoose.createConnection(opts.uri, {
    dbName: opts.dbName,
    bufferCommands: false,
    autoIndex: true,
    serverSelectionTimeoutMS: opts.serverSelectionTimeoutMS ?? 2_000,
    heartbeatFrequencyMS: 2_000,
    // A server that stops answering (hung, not closed) misses a heartbeat within this time; its pool is then
    // cleared and operations waiting on it fail (503) instead of waiting for the operating system's TCP timeout.
    connectTimeoutMS: CONNECT_TIMEOUT_MS,
    // A backstop for one reply; long enough for the slowest legitimate batch of a large workbook on the embedded engine.
    socketTimeoutMS: SOCKET_TIMEOUT_MS,
    // An operation waits this long for a free connection when all are busy (or hung).
    waitQueueTimeoutMS: WAIT_QUEUE_TIMEOUT_MS,
    maxPoolSize: 20,
    // A write is acknowledged only once a majority of a replica set has it, so an election cannot undo it.
    writeConcern: { w: 'majority' },
  });
  await conn.asPromise();
  // Each operation that finishes gives its connection back to the pool: the time of the last one says the
  // database is answering, even when every connection is busy and a ping would wait its turn.
  conn.getClient().on('connectionCheckedIn', () => lastAnswer.set(conn, Date.now()));
  return conn;
}

const lastAnswer = new WeakMap<Connection, number>();

/** True when an operation on this connection finished within the last `ms` milliseconds. */
export function answeredWithin(conn: Connection, ms: number): boolean {
  return Date.now() - (lastAnswer.get(conn) ?? 0) <= ms;
}

/** True when the database answers a ping within the time limit. */
export async function ping(conn: Connection, timeoutMs = 1_500): Promise<boolean> {
  const db = conn.db;
  if (!db) return false;
  let timer: NodeJS.Timeout | undefined;
  try {
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('ping timed out')), timeoutMs);
    });
    await Promise.race([db.admin().command({ ping: 1 }), timeout]);
    return true;
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}
