import mongoose, { type Connection } from 'mongoose';

// Queries never match on operator objects smuggled in through input, and unknown filter keys are dropped.
mongoose.set('sanitizeFilter', true);
mongoose.set('strictQuery', true);

export interface ConnectOptions {
  uri: string;
  dbName?: string;
  /** How long an operation waits for an unreachable server before failing (fail fast, then 503). */
  serverSelectionTimeoutMS?: number;
}

/** Opens a mongoose connection that fails fast rather than buffering while the database is down. */
export async function connect(opts: ConnectOptions): Promise<Connection> {
  const conn = mongoose.createConnection(opts.uri, {
    dbName: opts.dbName,
    bufferCommands: false,
    autoIndex: true,
    serverSelectionTimeoutMS: opts.serverSelectionTimeoutMS ?? 2_000,
    heartbeatFrequencyMS: 2_000,
    maxPoolSize: 20,
  });
  await conn.asPromise();
  return conn;
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

/** True for driver errors that mean the database cannot be reached (as opposed to a bad query). */
export function isDatabaseUnavailable(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  const names = [
    'MongoServerSelectionError',
    'MongooseServerSelectionError',
    'MongoNotConnectedError',
    'MongoNetworkError',
    'MongoNetworkTimeoutError',
    'MongoTopologyClosedError',
    'MongoPoolClearedError',
  ];
  if (names.includes(err.name)) return true;
  // bufferCommands is off, so mongoose refuses operations on a closed connection with this message.
  return /before initial connection is complete|Client must be connected|connection .* closed/i.test(err.message);
}

/** True for a unique-index violation (E11000), which the portal reports as a 409. */
export function isDuplicateKey(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === 11000;
}
