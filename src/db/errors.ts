/** Server error codes that mean "try again shortly": elections, shutdowns, time limits, unreachable hosts. */
const RETRYABLE_CODES = new Set([
  6, // HostUnreachable
  7, // HostNotFound
  50, // MaxTimeMSExpired
  89, // NetworkTimeout
  91, // ShutdownInProgress
  189, // PrimarySteppedDown
  262, // ExceededTimeLimit
  9001, // SocketException
  10107, // NotWritablePrimary
  11600, // InterruptedAtShutdown
  11602, // InterruptedDueToReplStateChange
  13435, // NotPrimaryNoSecondaryOk
  13436, // NotPrimaryOrSecondary
]);

const UNAVAILABLE_NAMES = new Set([
  'MongoServerSelectionError',
  'MongooseServerSelectionError',
  'MongoNotConnectedError',
  'MongoNetworkError',
  'MongoNetworkTimeoutError',
  'MongoTopologyClosedError',
  'MongoPoolClearedError',
  'MongoWriteConcernError',
  'MongoOperationTimeoutError',
]);

type DriverError = Error & { code?: unknown; errorLabels?: unknown; errorLabelSet?: unknown; writeConcernError?: unknown };

function hasLabel(err: DriverError, label: string): boolean {
  if (Array.isArray(err.errorLabels) && err.errorLabels.includes(label)) return true;
  return err.errorLabelSet instanceof Set && err.errorLabelSet.has(label);
}

/**
 * True for driver errors that mean the database cannot serve the request now (unreachable, electing a primary,
 * shutting down, a write concern not met), as opposed to a bad query: those are 503 with Retry-After, never 500.
 */
export function isDatabaseUnavailable(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  const e = err as DriverError;
  if (UNAVAILABLE_NAMES.has(e.name)) return true;
  if (hasLabel(e, 'RetryableWriteError') || hasLabel(e, 'ResetPool') || hasLabel(e, 'TransientTransactionError')) return true;
  if (typeof e.code === 'number' && RETRYABLE_CODES.has(e.code)) return true;
  if (e.writeConcernError) return true;
  // bufferCommands is off, so mongoose refuses operations on a closed connection with this message.
  return /before initial connection is complete|Client must be connected|connection .* closed/i.test(e.message);
}

/**
 * True for a unique-index violation, which the portal reports as a 409. MongoDB says 11000; the embedded
 * FerretDB says 11000 on inserts but code 1 ("UNIQUE constraint failed") on updates and findAndModify.
 */
export function isDuplicateKey(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false;
  const { code, message } = err as { code?: unknown; message?: unknown };
  if (code === 11000 || code === 11001) return true;
  return code === 1 && typeof message === 'string' && /E11000|duplicate key|UNIQUE constraint failed/i.test(message);
}
