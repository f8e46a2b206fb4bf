import { randomBytes } from 'node:crypto';
import type { Express } from 'express';
import type { Connection } from 'mongoose';
import supertest from 'supertest';
import { createApp } from '../../src/app';
import { parseConfig, type Config } from '../../src/config';
import { connect } from '../../src/db';
import { createLogger } from '../../src/platform/logger';
import { createServices, type Services } from '../../src/services';
import type { AuthServiceOptions } from '../../src/auth';

export function testDatabaseUri(): string {
  const uri = process.env.TEST_MONGODB_URI;
  if (!uri) throw new Error('TEST_MONGODB_URI is not set: run the tests with `npm test`');
  return uri;
}

/** A database of its own for one test file, so files can run in parallel. */
export async function connectTestDatabase(): Promise<Connection> {
  return connect({ uri: testDatabaseUri(), dbName: `test_${randomBytes(6).toString('hex')}` });
}

export function testConfig(overrides: Record<string, string> = {}): Config {
  return parseConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', PATH: process.env.PATH, ...overrides });
}

export interface TestApp extends Services {
  app: Express;
  conn: Connection;
  config: Config;
  close(): Promise<void>;
}

/** The real app on a fresh database of the real engine. */
export async function startTestApp(opts: { config?: Record<string, string>; auth?: AuthServiceOptions } = {}): Promise<TestApp> {
  const conn = await connectTestDatabase();
  const config = testConfig(opts.config);
  const services = await createServices(conn, { auth: opts.auth });
  const app = createApp({ config, logger: createLogger('silent'), conn, ...services });
  return {
    app,
    conn,
    config,
    ...services,
    async close() {
      await conn.dropDatabase().catch(() => undefined);
      await conn.close();
    },
  };
}

/** A cookie-keeping client with the CSRF token from GET /api/v1/auth/session. */
export async function apiClient(app: Express): Promise<{ agent: supertest.Agent; csrfToken: string }> {
  const agent = supertest.agent(app);
  const res = await agent.get('/api/v1/auth/session').expect(200);
  return { agent, csrfToken: (res.body as { csrfToken: string }).csrfToken };
}

export const STRONG_PASSWORD = 'correct horse battery';
