import { loadConfig } from '../src/config';
import { chooseEngine, ferretdbBinary, findMongodBinary, makeEphemeralDir, startEngine, type EmbeddedEngine } from '../src/db';
import fs from 'node:fs';

declare global {
  var __testEngine: EmbeddedEngine | undefined;
}

/** Starts one database engine for the whole run (unless MONGODB_URI is given); each test file uses its own database. */
export default async function globalSetup(): Promise<void> {
  const config = loadConfig();
  if (config.mongodbUri) {
    process.env.TEST_MONGODB_URI = config.mongodbUri;
    return;
  }
  const mongodBinary = findMongodBinary({ configured: config.mongodBinary, searchPath: config.searchPath, homeDir: config.homeDir });
  const choice = chooseEngine({ requested: config.embeddedDb, mongodBinary, ferretdbBuilt: fs.existsSync(ferretdbBinary) });
  const engine = await startEngine({ kind: choice.kind, dir: makeEphemeralDir('lmep-test-'), ephemeral: true, mongodBinary });
  globalThis.__testEngine = engine;
  process.env.TEST_MONGODB_URI = engine.uri;
  process.env.TEST_ENGINE = engine.kind;
  console.log(`\nTest database: ${choice.kind} (${choice.reason}) at ${engine.uri}`);
}
