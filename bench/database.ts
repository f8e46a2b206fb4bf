import fs from 'node:fs';
import type { Connection } from 'mongoose';
import { loadConfig } from '../src/config';
import { chooseEngine, connect, ferretdbBinary, findMongodBinary, makeEphemeralDir, startEngine } from '../src/db';

/** A fresh database for one benchmark: MONGODB_URI when set, else an embedded engine of its own, removed on close. */
export async function benchDatabase(name: string): Promise<{ conn: Connection; uri: string; close(): Promise<void> }> {
  const config = loadConfig();
  const engine = config.mongodbUri
    ? undefined
    : await startEngine({
        kind: chooseEngine({
          requested: config.embeddedDb,
          mongodBinary: findMongodBinary({ configured: config.mongodBinary, searchPath: config.searchPath, homeDir: config.homeDir }),
          ferretdbBuilt: fs.existsSync(ferretdbBinary),
        }).kind,
        dir: makeEphemeralDir('lmep-bench-'),
        ephemeral: true,
      });
  const uri = config.mongodbUri ?? engine!.uri;
  const conn = await connect({ uri, dbName: `${name}_${Date.now()}` });
  return {
    conn,
    uri,
    async close() {
      await conn.close();
      await engine?.stop();
    },
  };
}
