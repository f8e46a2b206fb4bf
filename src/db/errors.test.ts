import { MongoNetworkTimeoutError, MongoServerError, MongoWriteConcernError } from 'mongodb';
import { isDatabaseUnavailable, isDuplicateKey } from './errors';

const serverError = (code: number, message = 'server said no', labels: string[] = []) => {
  const err = new MongoServerError({ message, code, errorLabels: labels });
  return err;
};

describe('isDatabaseUnavailable', () => {
  test.each([
    ['NotWritablePrimary', 10107],
    ['ShutdownInProgress', 91],
    ['InterruptedDueToReplStateChange', 11602],
    ['PrimarySteppedDown', 189],
    ['NotPrimaryNoSecondaryOk', 13435],
    ['MaxTimeMSExpired', 50],
    ['HostUnreachable', 6],
  ])('%s (code %i) is a 503, not a 500', (_name, code) => {
    expect(isDatabaseUnavailable(serverError(code))).toBe(true);
  });

  test('an error labelled RetryableWriteError is a 503', () => {
    expect(isDatabaseUnavailable(serverError(2, 'whatever', ['RetryableWriteError']))).toBe(true);
  });

  test('a write concern that could not be met is a 503', () => {
    const err = new MongoWriteConcernError({ ok: 1, writeConcernError: { code: 64, errmsg: 'waiting for replication timed out' } });
    expect(isDatabaseUnavailable(err)).toBe(true);
  });

  test('network time-outs are a 503', () => {
    expect(isDatabaseUnavailable(new MongoNetworkTimeoutError('socket timed out'))).toBe(true);
  });

  test('bad queries, validation errors and duplicates are not', () => {
    expect(isDatabaseUnavailable(serverError(2, 'BadValue'))).toBe(false);
    expect(isDatabaseUnavailable(serverError(11000, 'E11000 duplicate key'))).toBe(false);
    expect(isDatabaseUnavailable(new Error('Validation failed'))).toBe(false);
    expect(isDatabaseUnavailable('down')).toBe(false);
  });
});

describe('isDuplicateKey', () => {
  test('MongoDB code 11000', () => {
    expect(isDuplicateKey(serverError(11000, 'E11000 duplicate key error collection: x'))).toBe(true);
  });

  test("the embedded FerretDB's code 1 for a unique index broken by an update", () => {
    expect(isDuplicateKey(serverError(1, 'UNIQUE constraint failed: "x_abc"._ferretdb_index'))).toBe(true);
  });

  test('other code 1 errors are not duplicates', () => {
    expect(isDuplicateKey(serverError(1, 'some internal error'))).toBe(false);
    expect(isDuplicateKey(new Error('E11000 in the message only'))).toBe(false);
  });
});
