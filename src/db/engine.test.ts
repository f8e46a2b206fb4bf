import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { Connection } from 'mongoose';
import { connect, isDatabaseUnavailable, ping } from './connection';
import {
  chooseEngine,
  EngineUnavailableError,
  engineRecordPath,
  ferretdbBinary,
  findMongodBinary,
  getFreePort,
  makeEphemeralDir,
  readEngineRecord,
  removeEngineRecord,
  startEngine,
  writeEngineRecord,
  type EmbeddedEngine,
  type EngineAvailability,
} from './engine';

const tempDirs: string[] = [];

function tempDir(prefix = 'lmep-engine-test-'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  tempDirs.push(dir);
  return dir;
}

/** Writes a file that is a (fake) executable, or a plain file when `mode` says so. */
function writeFile(file: string, mode = 0o755): string {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, '#!/bin/sh\nexit 0\n');
  fs.chmodSync(file, mode);
  return file;
}

afterAll(() => {
  for (const dir of tempDirs) fs.rmSync(dir, { recursive: true, force: true });
});

/** Calls `fn` and returns the error it throws (failing the test when it does not throw). */
function thrownBy(fn: () => unknown): Error {
  try {
    fn();
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected a throw');
}

describe('chooseEngine', () => {
  const avail = (a: Partial<EngineAvailability>): EngineAvailability => ({
    requested: 'auto',
    mongodBinary: undefined,
    ferretdbBuilt: false,
    ...a,
  });

  test('auto prefers mongod when a binary is on hand, and names it in the reason', () => {
    const choice = chooseEngine(avail({ mongodBinary: '/opt/mongo/bin/mongod', ferretdbBuilt: true }));
    expect(choice.kind).toBe('mongod');
    expect(choice.reason).toContain('auto');
    expect(choice.reason).toContain('/opt/mongo/bin/mongod');
  });

  test('auto uses mongod even when FerretDB is not built', () => {
    expect(chooseEngine(avail({ mongodBinary: '/usr/bin/mongod' })).kind).toBe('mongod');
  });

  test('auto falls back to FerretDB without a mongod binary', () => {
    const choice = chooseEngine(avail({ ferretdbBuilt: true }));
    expect(choice.kind).toBe('ferretdb');
    expect(choice.reason).toMatch(/no mongod binary/);
  });

  test('auto with neither engine says what to set', () => {
    const err = thrownBy(() => chooseEngine(avail({})));
    expect(err).toBeInstanceOf(EngineUnavailableError);
    expect(err.name).toBe('EngineUnavailableError');
    expect(err.message).toMatch(/No embedded database engine/);
    expect(err.message).toContain('MONGODB_URI');
    expect(err.message).toContain('MONGOMS_SYSTEM_BINARY');
    expect(err.message).toMatch(/\bGo\b/);
  });

  test('mongod forced with a binary is chosen even when FerretDB is built', () => {
    const choice = chooseEngine(avail({ requested: 'mongod', mongodBinary: '/usr/bin/mongod', ferretdbBuilt: true }));
    expect(choice).toEqual({ kind: 'mongod', reason: 'EMBEDDED_DB=mongod (binary /usr/bin/mongod)' });
  });

  test('mongod forced without a binary fails, even when FerretDB is built', () => {
    const err = thrownBy(() => chooseEngine(avail({ requested: 'mongod', ferretdbBuilt: true })));
    expect(err).toBeInstanceOf(EngineUnavailableError);
    expect(err.message).toContain('EMBEDDED_DB=mongod');
    expect(err.message).toContain('MONGODB_URI');
    expect(err.message).toContain('MONGOMS_SYSTEM_BINARY');
    expect(err.message).toMatch(/\bGo\b/);
  });

  test('ferretdb forced when built is chosen even when a mongod binary is on hand', () => {
    const choice = chooseEngine(avail({ requested: 'ferretdb', mongodBinary: '/usr/bin/mongod', ferretdbBuilt: true }));
    expect(choice).toEqual({ kind: 'ferretdb', reason: 'EMBEDDED_DB=ferretdb' });
  });

  test('ferretdb forced but not built fails and names the binary path, even with a mongod binary', () => {
    const err = thrownBy(() => chooseEngine(avail({ requested: 'ferretdb', mongodBinary: '/usr/bin/mongod' })));
    expect(err).toBeInstanceOf(EngineUnavailableError);
    expect(err.message).toContain('EMBEDDED_DB=ferretdb');
    expect(err.message).toContain(ferretdbBinary);
    expect(err.message).toContain('MONGODB_URI');
    expect(err.message).toContain('MONGOMS_SYSTEM_BINARY');
    expect(err.message).toMatch(/install Go/);
  });
});

describe('findMongodBinary', () => {
  test('a configured executable is used as is', () => {
    const binary = writeFile(path.join(tempDir(), 'custom', 'my-mongod'));
    expect(findMongodBinary({ configured: binary, searchPath: '' })).toBe(binary);
  });

  test('a configured path that does not exist gives undefined, without falling back to PATH', () => {
    const onPath = tempDir();
    writeFile(path.join(onPath, 'mongod'));
    const missing = path.join(tempDir(), 'nope', 'mongod');
    expect(findMongodBinary({ configured: missing, searchPath: onPath })).toBeUndefined();
  });

  test('a configured file that is not executable, or a folder, gives undefined', () => {
    const dir = tempDir();
    const plain = writeFile(path.join(dir, 'mongod'), 0o644);
    expect(findMongodBinary({ configured: plain, searchPath: '' })).toBeUndefined();
    expect(findMongodBinary({ configured: dir, searchPath: '' })).toBeUndefined();
  });

  test('finds an executable `mongod` on PATH, skipping folders without one', () => {
    const empty = tempDir();
    const withMongod = tempDir();
    const binary = writeFile(path.join(withMongod, 'mongod'));
    const searchPath = ['', empty, path.join(empty, 'missing'), withMongod].join(path.delimiter);
    expect(findMongodBinary({ searchPath })).toBe(binary);
  });

  test('a PATH entry whose `mongod` is not executable is skipped', () => {
    const notExec = tempDir();
    writeFile(path.join(notExec, 'mongod'), 0o644);
    const exec = tempDir();
    const binary = writeFile(path.join(exec, 'mongod'));
    expect(findMongodBinary({ searchPath: notExec })).toBeUndefined();
    expect(findMongodBinary({ searchPath: [notExec, exec].join(path.delimiter) })).toBe(binary);
  });

  test('the first PATH folder with mongod wins', () => {
    const first = tempDir();
    const second = tempDir();
    const a = writeFile(path.join(first, 'mongod'));
    writeFile(path.join(second, 'mongod'));
    expect(findMongodBinary({ searchPath: [first, second].join(path.delimiter) })).toBe(a);
  });

  test('finds a binary downloaded earlier by mongodb-memory-server under HOME', () => {
    const home = tempDir('lmep-home-');
    const cached = writeFile(path.join(home, '.cache', 'mongodb-binaries', 'mongod-x64-ubuntu2204-7.0.14'));
    expect(findMongodBinary({ searchPath: tempDir(), homeDir: home })).toBe(cached);
  });

  test('ignores non-executable files in the download cache, and a HOME without a cache', () => {
    const home = tempDir('lmep-home-');
    expect(findMongodBinary({ searchPath: '', homeDir: home })).toBeUndefined();
    writeFile(path.join(home, '.cache', 'mongodb-binaries', 'mongod-x64-ubuntu2204-7.0.14'), 0o644);
    expect(findMongodBinary({ searchPath: '', homeDir: home })).toBeUndefined();
  });

  test('PATH wins over the download cache, and nothing is found without either', () => {
    const home = tempDir('lmep-home-');
    writeFile(path.join(home, '.cache', 'mongodb-binaries', 'mongod-x64-ubuntu2204-7.0.14'));
    const bin = tempDir();
    const onPath = writeFile(path.join(bin, 'mongod'));
    expect(findMongodBinary({ searchPath: bin, homeDir: home })).toBe(onPath);
    expect(findMongodBinary({ searchPath: tempDir() })).toBeUndefined();
  });
});

describe('engine record', () => {
  /** The pid of a process that has already exited. */
  function deadPid(): Promise<number> {
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, ['-e', '0'], { stdio: 'ignore' });
      child.once('error', reject);
      child.once('exit', () => resolve(child.pid as number));
    });
  }

  test('a record written by a live process reads back', () => {
    const dataDir = path.join(tempDir(), 'data', 'nested');
    const record = { kind: 'ferretdb' as const, uri: 'mongodb://127.0.0.1:1234/', pid: process.pid };
    writeEngineRecord(dataDir, record);
    expect(engineRecordPath(dataDir)).toBe(path.join(dataDir, 'engine.json'));
    expect(JSON.parse(fs.readFileSync(engineRecordPath(dataDir), 'utf8'))).toEqual(record);
    expect(readEngineRecord(dataDir)).toEqual(record);
  });

  test('a record whose process is no longer alive reads as undefined', async () => {
    const dataDir = tempDir();
    writeEngineRecord(dataDir, { kind: 'mongod', uri: 'mongodb://127.0.0.1:1234/', pid: await deadPid() });
    expect(fs.existsSync(engineRecordPath(dataDir))).toBe(true);
    expect(readEngineRecord(dataDir)).toBeUndefined();
  });

  test('no record, a corrupt record, or one missing its uri reads as undefined', () => {
    const dataDir = tempDir();
    expect(readEngineRecord(dataDir)).toBeUndefined();
    fs.writeFileSync(engineRecordPath(dataDir), '{not json');
    expect(readEngineRecord(dataDir)).toBeUndefined();
    fs.writeFileSync(engineRecordPath(dataDir), JSON.stringify({ kind: 'ferretdb', pid: process.pid }));
    expect(readEngineRecord(dataDir)).toBeUndefined();
  });

  test('remove deletes only the record of the given pid', () => {
    const dataDir = tempDir();
    writeEngineRecord(dataDir, { kind: 'ferretdb', uri: 'mongodb://127.0.0.1:1234/', pid: process.pid });
    removeEngineRecord(dataDir, process.pid + 1);
    expect(readEngineRecord(dataDir)?.pid).toBe(process.pid);
    removeEngineRecord(dataDir, process.pid);
    expect(fs.existsSync(engineRecordPath(dataDir))).toBe(false);
    expect(readEngineRecord(dataDir)).toBeUndefined();
    // Removing again, with nothing there, is harmless.
    expect(() => removeEngineRecord(dataDir, process.pid)).not.toThrow();
  });
});

function portIsOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

describe('getFreePort', () => {
  test('gives a port that can be listened on', async () => {
    const port = await getFreePort();
    expect(port).toBeGreaterThan(0);
    expect(port).toBeLessThan(65536);
    const server = net.createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', resolve);
    });
    await new Promise((resolve) => server.close(resolve));
  });
});

describe('startEngine (FerretDB)', () => {
  const engines: EmbeddedEngine[] = [];
  const conns: Connection[] = [];

  afterAll(async () => {
    for (const conn of conns) await conn.close().catch(() => undefined);
    for (const engine of engines) await engine.stop();
  });

  async function start(port?: number): Promise<{ engine: EmbeddedEngine; dir: string }> {
    const dir = makeEphemeralDir('lmep-engine-test-');
    tempDirs.push(dir);
    const engine = await startEngine({ kind: 'ferretdb', dir, ephemeral: true, port });
    engines.push(engine);
    return { engine, dir };
  }

  async function open(engine: EmbeddedEngine, dbName: string): Promise<Connection> {
    const conn = await connect({ uri: engine.uri, dbName, serverSelectionTimeoutMS: 500 });
    conns.push(conn);
    return conn;
  }

  test('starts on a free port, stores data, then stops: port closed and folder removed', async () => {
    const port = await getFreePort();
    const { engine, dir } = await start(port);
    expect(engine.kind).toBe('ferretdb');
    expect(engine.port).toBe(port);
    expect(engine.uri).toBe(`mongodb://127.0.0.1:${port}/`);
    expect(await portIsOpen(port)).toBe(true);
    // The SQLite files live in the engine's folder.
    expect(fs.existsSync(path.join(dir, 'ferretdb'))).toBe(true);

    const conn = await open(engine, 'engine_test');
    expect(await ping(conn)).toBe(true);
    await conn.collection('notes').insertOne({ text: 'hello', n: 1 });
    const found = await conn.collection('notes').findOne({ text: 'hello' }, { projection: { _id: 0 } });
    expect(found).toEqual({ text: 'hello', n: 1 });
    expect(fs.readdirSync(path.join(dir, 'ferretdb')).length).toBeGreaterThan(0);

    await engine.stop();
    expect(await portIsOpen(port)).toBe(false);
    expect(fs.existsSync(dir)).toBe(false);
    // Stopping twice is harmless.
    await expect(engine.stop()).resolves.toBeUndefined();

    // The connection left open now fails fast, recognisably as "database unavailable".
    expect(await ping(conn, 1_000)).toBe(false);
    const err = await conn
      .collection('notes')
      .findOne({})
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(err).toBeInstanceOf(Error);
    expect(isDatabaseUnavailable(err)).toBe(true);
  });

  test('a data folder that is not ephemeral is kept after stop, with its data', async () => {
    const dir = makeEphemeralDir('lmep-engine-test-');
    tempDirs.push(dir);
    const engine = await startEngine({ kind: 'ferretdb', dir });
    engines.push(engine);
    const conn = await open(engine, 'kept');
    await conn.collection('notes').insertOne({ text: 'persist me' });
    await conn.close();
    await engine.stop();
    expect(await portIsOpen(engine.port)).toBe(false);
    expect(fs.existsSync(path.join(dir, 'ferretdb'))).toBe(true);

    const again = await startEngine({ kind: 'ferretdb', dir });
    engines.push(again);
    const conn2 = await open(again, 'kept');
    expect(await conn2.collection('notes').countDocuments({ text: 'persist me' })).toBe(1);
  });

  test('two engines run side by side on different ports with separate data', async () => {
    const [{ engine: a, dir: dirA }, { engine: b, dir: dirB }] = await Promise.all([start(), start()]);
    expect(a.port).not.toBe(b.port);
    expect(dirA).not.toBe(dirB);
    expect(await portIsOpen(a.port)).toBe(true);
    expect(await portIsOpen(b.port)).toBe(true);

    const connA = await open(a, 'side_by_side');
    const connB = await open(b, 'side_by_side');
    await connA.collection('things').insertOne({ from: 'a' });
    await connB.collection('things').insertMany([{ from: 'b' }, { from: 'b' }]);
    expect(
      await connA
        .collection('things')
        .find({}, { projection: { _id: 0 } })
        .toArray(),
    ).toEqual([{ from: 'a' }]);
    expect(
      await connB
        .collection('things')
        .find({}, { projection: { _id: 0 } })
        .toArray(),
    ).toEqual([{ from: 'b' }, { from: 'b' }]);

    // Stopping one leaves the other running.
    await connA.close();
    await a.stop();
    expect(await portIsOpen(a.port)).toBe(false);
    expect(fs.existsSync(dirA)).toBe(false);
    expect(await ping(connB)).toBe(true);
    expect(await connB.collection('things').countDocuments({})).toBe(2);

    await connB.close();
    await b.stop();
    expect(await portIsOpen(b.port)).toBe(false);
    expect(fs.existsSync(dirB)).toBe(false);
  });
});
