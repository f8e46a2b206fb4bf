import type { Connection } from 'mongoose';
import type { Config } from '../config';
import { EXTERNAL_SERVER_SELECTION_MS, connect } from './connection';
import {
  chooseEngine,
  ferretdbBinary,
  findMongodBinary,
  readEngineRecord,
  removeEngineRecord,
  startEngine,
  writeEngineRecord,
  type EmbeddedEngine,
} from './engine';
import fs from 'node:fs';

export { answeredWithin, connect, ping, isDatabaseUnavailable, isDuplicateKey } from './connection';
export { insertNew } from './insert-new';
export { openStreamedCursors, streamCursor } from './streamed-cursor';
export * from './engine';

export interface Database {
  conn: Connection;
  /** Where the connection came from, for the start-up log. */
  source: string;
  /** Closes the connection, then stops the embedded engine if this process started it. */
  close(): Promise<void>;
}

export interface OpenOptions {
  /**
   * `own`: start an engine for this process (refusing if another process already runs one on DATA_DIR).
   * `share`: use the engine of a running portal on DATA_DIR when there is one, else start one.
   */
  mode: 'own' | 'share';
  log?: (message: string, level?: 'info' | 'warn' | 'error') => void;
}

/** How long the supervisor waits before starting the engine again after it died, and between failed attempts. */
export const ENGINE_RESTART_DELAY_MS = 500;

/**
 * Keeps the embedded engine running: when it exits unexpectedly, the exit is logged and a new engine is started on
 * the same data folder and port, so the open connection finds it again by itself and sessions are intact.
 */
function supervise(first: EmbeddedEngine, restart: () => Promise<EmbeddedEngine>, log: NonNullable<OpenOptions['log']>) {
  let current = first;
  let closing = false;
  const watch = (engine: EmbeddedEngine) => {
    engine.onUnexpectedExit((description) => {
      if (closing) return;
      log(`The embedded database stopped unexpectedly: ${description}. Starting it again.`, 'error');
      void again(1);
    });
  };
  const again = async (attempt: number): Promise<void> => {
    await new Promise((r) => setTimeout(r, ENGINE_RESTART_DELAY_MS));
    if (closing) return;
    try {
      current = await restart();
    } catch (err) {
      log(`Starting the embedded database again failed (attempt ${attempt}): ${err instanceof Error ? err.message : String(err)}`, 'error');
      return again(attempt + 1);
    }
    if (closing) {
      await current.stop();
      return;
    }
    watch(current);
    log(`The embedded database is running again (pid ${current.pid ?? 'unknown'}).`, 'warn');
  };
  watch(first);
  return {
    get current() {
      return current;
    },
    async stop() {
      closing = true;
      await current.stop();
    },
  };
}

/** Connects to MONGODB_URI, or starts the embedded engine on DATA_DIR and connects to it. */
export async function openDatabase(config: Config, opts: OpenOptions): Promise<Database> {
  const log = opts.log ?? (() => undefined);
  if (config.mongodbUri) {
    const conn = await connect({ uri: config.mongodbUri, serverSelectionTimeoutMS: EXTERNAL_SERVER_SELECTION_MS });
    return { conn, source: 'MONGODB_URI', close: () => conn.close() };
  }
  const running = readEngineRecord(config.dataDir);
  if (running) {
    if (opts.mode === 'own') {
      throw new Error(
        `Another portal process (pid ${running.pid}) is already running the database in DATA_DIR ${config.dataDir}. ` +
          'Stop it, or set a different DATA_DIR.',
      );
    }
    const conn = await connect({ uri: running.uri, dbName: 'portal' });
    return { conn, source: `the ${running.kind} engine of process ${running.pid}`, close: () => conn.close() };
  }
  const mongodBinary = findMongodBinary({ configured: config.mongodBinary, searchPath: config.searchPath, homeDir: config.homeDir });
  const choice = chooseEngine({ requested: config.embeddedDb, mongodBinary, ferretdbBuilt: fs.existsSync(ferretdbBinary) });
  log(`Embedded database: ${choice.kind} (${choice.reason})`);
  const engine: EmbeddedEngine = await startEngine({ kind: choice.kind, dir: config.dataDir, mongodBinary });
  writeEngineRecord(config.dataDir, { kind: engine.kind, uri: engine.uri, pid: process.pid });
  const supervisor = supervise(engine, () => startEngine({ kind: choice.kind, dir: config.dataDir, mongodBinary, port: engine.port }), log);
  try {
    const conn = await connect({ uri: engine.uri, dbName: 'portal' });
    return {
      conn,
      source: `embedded ${engine.kind} on port ${engine.port}, data in ${config.dataDir}`,
      async close() {
        await conn.close();
        await supervisor.stop();
        removeEngineRecord(config.dataDir, process.pid);
      },
    };
  } catch (err) {
    await supervisor.stop();
    removeEngineRecord(config.dataDir, process.pid);
    throw err;
  }
}
