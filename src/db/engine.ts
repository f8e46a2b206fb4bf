import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { projectRoot } from '../config';

export type EngineKind = 'mongod' | 'ferretdb';
export type EngineRequest = 'auto' | EngineKind;

export interface EngineChoice {
  kind: EngineKind;
  reason: string;
}

export interface EngineAvailability {
  requested: EngineRequest;
  /** Path of a usable mongod binary, when one is on the machine. */
  mongodBinary: string | undefined;
  /** Whether the FerretDB binary has been built into the tools folder. */
  ferretdbBuilt: boolean;
}

export class EngineUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EngineUnavailableError';
  }
}

export const ferretdbBinary = path.join(projectRoot, '.tools', 'bin', 'ferretdb');

const howToFix =
  'Set MONGODB_URI to use an existing MongoDB, set MONGOMS_SYSTEM_BINARY to the path of a mongod binary, ' +
  'or install Go and run `npm install` to build FerretDB.';

/** Picks the embedded engine: mongod when a binary is on hand (no download wait), else FerretDB. */
export function chooseEngine(a: EngineAvailability): EngineChoice {
  if (a.requested === 'mongod') {
    if (!a.mongodBinary) {
      throw new EngineUnavailableError(`EMBEDDED_DB=mongod but no mongod binary was found. ${howToFix}`);
    }
    return { kind: 'mongod', reason: `EMBEDDED_DB=mongod (binary ${a.mongodBinary})` };
  }
  if (a.requested === 'ferretdb') {
    if (!a.ferretdbBuilt) {
      throw new EngineUnavailableError(`EMBEDDED_DB=ferretdb but FerretDB is not built at ${ferretdbBinary}. ${howToFix}`);
    }
    return { kind: 'ferretdb', reason: 'EMBEDDED_DB=ferretdb' };
  }
  if (a.mongodBinary) return { kind: 'mongod', reason: `auto: found a mongod binary at ${a.mongodBinary}` };
  if (a.ferretdbBuilt) return { kind: 'ferretdb', reason: 'auto: no mongod binary on this machine, using FerretDB' };
  throw new EngineUnavailableError(`No embedded database engine is available. ${howToFix}`);
}

function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

/** Finds a mongod binary without touching the network: the configured one, PATH, or a previous download. */
export function findMongodBinary(opts: { configured?: string; searchPath: string; homeDir?: string }): string | undefined {
  if (opts.configured) return isExecutable(opts.configured) ? opts.configured : undefined;
  for (const dir of opts.searchPath.split(path.delimiter).filter(Boolean)) {
    const candidate = path.join(dir, 'mongod');
    if (isExecutable(candidate)) return candidate;
  }
  if (opts.homeDir) {
    const cache = path.join(opts.homeDir, '.cache', 'mongodb-binaries');
    if (fs.existsSync(cache)) {
      const downloaded = fs
        .readdirSync(cache)
        .filter((name) => name.startsWith('mongod'))
        .map((name) => path.join(cache, name))
        .find(isExecutable);
      if (downloaded) return downloaded;
    }
  }
  return undefined;
}

/** Asks the operating system for a free TCP port on the loopback interface. */
export function getFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

export interface EmbeddedEngine {
  kind: EngineKind;
  uri: string;
  port: number;
  /** The engine's process id, when it runs as a child of this process. */
  pid: number | undefined;
  /** Calls `listener` with a description if the engine exits without being asked to stop. */
  onUnexpectedExit(listener: (description: string) => void): void;
  /** Stops the engine and waits for it to exit. */
  stop(): Promise<void>;
}

export interface StartOptions {
  kind: EngineKind;
  /** Folder for the engine's files. Kept after stop unless `ephemeral`. */
  dir: string;
  ephemeral?: boolean;
  port?: number;
  mongodBinary?: string;
  startTimeoutMs?: number;
}

function waitForExit(child: ChildProcess, timeoutMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
    }, timeoutMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/** The file in an engine's data folder naming the engine process that serves it. */
export function enginePidPath(dir: string): string {
  return path.join(dir, 'ferretdb.pid');
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** The command line of a running process, or undefined when there is none (an exited process has an empty one). */
function commandLine(pid: number): string | undefined {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim() || undefined;
  } catch {
    return undefined;
  }
}

/**
 * Stops an engine left running on this data folder by a process that died without stopping it (kill -9), so two
 * engines never share the folder. The pid is trusted only while that process is still a FerretDB on this folder.
 */
export async function stopOrphanedEngine(dir: string, sqliteDir: string): Promise<number | undefined> {
  let pid: number;
  try {
    pid = Number(fs.readFileSync(enginePidPath(dir), 'utf8').trim());
  } catch {
    return undefined;
  }
  const cmd = Number.isInteger(pid) && pid > 0 ? commandLine(pid) : undefined;
  if (!cmd || !cmd.includes('ferretdb') || !cmd.includes(`--sqlite-url=file:${sqliteDir}/`)) {
    fs.rmSync(enginePidPath(dir), { force: true });
    return undefined;
  }
  const signal = (sig: NodeJS.Signals) => {
    try {
      process.kill(pid, sig);
    } catch {
      // already gone
    }
  };
  // A stopped (SIGSTOP) engine would never act on SIGTERM.
  signal('SIGCONT');
  signal('SIGTERM');
  const deadline = Date.now() + 10_000;
  while (commandLine(pid) !== undefined && Date.now() < deadline) await sleep(50);
  if (commandLine(pid) !== undefined) {
    signal('SIGKILL');
    const killDeadline = Date.now() + 5_000;
    while (commandLine(pid) !== undefined && Date.now() < killDeadline) await sleep(50);
  }
  fs.rmSync(enginePidPath(dir), { force: true });
  return pid;
}

async function startFerretdb(opts: StartOptions): Promise<EmbeddedEngine> {
  if (!isExecutable(ferretdbBinary)) {
    throw new EngineUnavailableError(`FerretDB is not built at ${ferretdbBinary}. ${howToFix}`);
  }
  const sqliteDir = path.join(opts.dir, 'ferretdb');
  fs.mkdirSync(sqliteDir, { recursive: true });
  await stopOrphanedEngine(opts.dir, sqliteDir);
  const port = opts.port ?? (await getFreePort());
  const child = spawn(
    ferretdbBinary,
    [`--listen-addr=127.0.0.1:${port}`, `--sqlite-url=file:${sqliteDir}/`, '--log-level=error', '--exit-with-stdin'],
    {
      // The engine stops when this process's end of its stdin closes, even if this process is killed with SIGKILL.
      stdio: ['pipe', 'ignore', 'pipe'],
      // Its own process group: Ctrl+C in a terminal reaches the portal, which drains its requests and then stops it.
      detached: true,
    },
  );
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  if (child.pid !== undefined) fs.writeFileSync(enginePidPath(opts.dir), String(child.pid));
  let stopped: Promise<void> | undefined;
  const exitListeners: ((description: string) => void)[] = [];
  child.once('exit', (code, signal) => {
    if (stopped) return;
    const how = signal ? `was ended by ${signal}` : `exited with code ${code}`;
    const description = `FerretDB (pid ${child.pid}) ${how}${stderr.trim() ? `: ${stderr.trim().slice(-500)}` : ''}`;
    for (const listener of exitListeners) listener(description);
  });
  const deadline = Date.now() + (opts.startTimeoutMs ?? 20_000);
  while (!(await canConnect(port))) {
    if (child.exitCode !== null || child.signalCode !== null) {
      removeEnginePid(opts.dir, child.pid);
      throw new EngineUnavailableError(`FerretDB exited while starting: ${stderr.trim() || `code ${child.exitCode}`}`);
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      removeEnginePid(opts.dir, child.pid);
      throw new EngineUnavailableError(`FerretDB did not start listening on port ${port}: ${stderr.trim()}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    kind: 'ferretdb',
    port,
    pid: child.pid,
    uri: `mongodb://127.0.0.1:${port}/`,
    onUnexpectedExit(listener) {
      exitListeners.push(listener);
    },
    stop() {
      stopped ??= (async () => {
        // A stopped (SIGSTOP) engine would never act on SIGTERM.
        child.kill('SIGCONT');
        child.kill('SIGTERM');
        await waitForExit(child, 10_000);
        removeEnginePid(opts.dir, child.pid);
        if (opts.ephemeral) fs.rmSync(opts.dir, { recursive: true, force: true });
      })();
      return stopped;
    },
  };
}

function removeEnginePid(dir: string, pid: number | undefined): void {
  try {
    if (fs.readFileSync(enginePidPath(dir), 'utf8').trim() === String(pid)) fs.rmSync(enginePidPath(dir), { force: true });
  } catch {
    // no pid file
  }
}

async function startMongod(opts: StartOptions): Promise<EmbeddedEngine> {
  const { MongoMemoryServer } = await import('mongodb-memory-server-core');
  const dbPath = path.join(opts.dir, 'mongod');
  fs.mkdirSync(dbPath, { recursive: true });
  const server = await MongoMemoryServer.create({
    instance: {
      dbPath,
      port: opts.port,
      ip: '127.0.0.1',
      storageEngine: opts.ephemeral ? 'ephemeralForTest' : 'wiredTiger',
    },
    binary: opts.mongodBinary ? { systemBinary: opts.mongodBinary } : undefined,
  });
  const uri = server.getUri();
  let stopped: Promise<void> | undefined;
  return {
    kind: 'mongod',
    port: Number(new URL(uri).port),
    uri,
    pid: server.instanceInfo?.instance.mongodProcess?.pid,
    // mongodb-memory-server watches its own mongod; the portal supervises only FerretDB.
    onUnexpectedExit() {},
    stop() {
      stopped ??= (async () => {
        await server.stop({ doCleanup: false, force: false });
        if (opts.ephemeral) fs.rmSync(opts.dir, { recursive: true, force: true });
      })();
      return stopped;
    },
  };
}

export function startEngine(opts: StartOptions): Promise<EmbeddedEngine> {
  return opts.kind === 'ferretdb' ? startFerretdb(opts) : startMongod(opts);
}

/** A temporary folder for an engine whose files are removed when it stops. */
export function makeEphemeralDir(prefix = 'lmep-db-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** What a running `npm start` records so operator commands can share its engine. */
export interface EngineRecord {
  kind: EngineKind;
  uri: string;
  pid: number;
}

export function engineRecordPath(dataDir: string): string {
  return path.join(dataDir, 'engine.json');
}

export function writeEngineRecord(dataDir: string, record: EngineRecord): void {
  fs.mkdirSync(dataDir, { recursive: true });
  fs.writeFileSync(engineRecordPath(dataDir), JSON.stringify(record));
}

export function removeEngineRecord(dataDir: string, pid: number): void {
  const record = readEngineRecord(dataDir);
  if (record && record.pid === pid) fs.rmSync(engineRecordPath(dataDir), { force: true });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** The engine recorded by a still-running process on this data folder, if any. */
export function readEngineRecord(dataDir: string): EngineRecord | undefined {
  try {
    const record = JSON.parse(fs.readFileSync(engineRecordPath(dataDir), 'utf8')) as EngineRecord;
    return typeof record.uri === 'string' && Number.isInteger(record.pid) && isAlive(record.pid) ? record : undefined;
  } catch {
    return undefined;
  }
}
