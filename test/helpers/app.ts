import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Express } from 'express';
import type { Connection } from 'mongoose';
import supertest from 'supertest';
import { createApp } from '../../src/app';
import { parseConfig, type Config } from '../../src/config';
import { connect } from '../../src/db';
import { createLogger } from '../../src/platform/logger';
import { createServices, type ServiceOptions, type Services } from '../../src/services';
import type { Client } from './client';

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
  /** Error-level log lines (500s and the like) written while the app ran. */
  serverErrors: string[];
  conn: Connection;
  config: Config;
  close(): Promise<void>;
}

/** The real app on a fresh database of the real engine. */
export async function startTestApp(opts: { config?: Record<string, string> } & ServiceOptions = {}): Promise<TestApp> {
  const conn = await connectTestDatabase();
  const uploadDir = await fs.mkdtemp(path.join(os.tmpdir(), 'portal-uploads-'));
  return appOn(conn, testConfig({ UPLOAD_DIR: uploadDir, ...opts.config }), opts, true);
}

/** The real app on a fresh database of another engine (one a test starts, stops or kills itself). */
export async function startTestAppOn(uri: string, opts: { config?: Record<string, string> } & ServiceOptions = {}): Promise<TestApp> {
  const conn = await connect({ uri, dbName: `test_${randomBytes(6).toString('hex')}` });
  const uploadDir = await fs.mkdtemp(path.join(os.tmpdir(), 'portal-uploads-'));
  return appOn(conn, testConfig({ UPLOAD_DIR: uploadDir, ...opts.config }), opts, true);
}

/**
 * A second app server on the first one's database, file store and configuration, with its own connection and
 * services (so nothing held in one server's memory protects the other): for races between servers. The first
 * needs a SESSION_SECRET in its configuration, so that both servers read the same sessions.
 */
export async function startSecondServer(first: TestApp, opts: ServiceOptions = {}): Promise<TestApp> {
  if (!first.config.sessionSecret) throw new Error('start the first server with a SESSION_SECRET to share its sessions');
  const conn = await connect({ uri: testDatabaseUri(), dbName: first.conn.name });
  return appOn(conn, first.config, opts, false);
}

async function appOn(conn: Connection, config: Config, opts: ServiceOptions, owner: boolean): Promise<TestApp> {
  const uploadDir = config.uploadDir;
  const services = await createServices(conn, {
    storage: config,
    findings: { threshold: config.sdcThreshold },
    baseUrl: config.baseUrl,
    emailSecret: config.sessionSecret,
    ...opts,
    // Two-factor sign-in follows the configuration, as at start-up; a test may still give its own clock or limits.
    auth: { ...opts.auth, twoFactor: { required: config.require2fa, secret: config.sessionSecret, ...opts.auth?.twoFactor } },
  });
  // Server errors are collected and shown when the app closes, so an unexpected 500 never passes unseen.
  const serverErrors: string[] = [];
  const logger = createLogger('error', { write: (line: string) => void serverErrors.push(line) });
  const app = createApp({ config, logger, conn, ...services });
  return {
    app,
    conn,
    config,
    ...services,
    serverErrors,
    async close() {
      if (serverErrors.length) console.error(`Server errors logged during this test file:\n${serverErrors.join('')}`);
      if (owner) await conn.dropDatabase().catch(() => undefined);
      await conn.close();
      if (owner) await fs.rm(uploadDir, { recursive: true, force: true });
    },
  };
}

/** A cookie-keeping client with the CSRF token from GET /api/v1/auth/session. */
export async function apiClient(app: Express): Promise<Client> {
  const agent = supertest.agent(app);
  const res = await agent.get('/api/v1/auth/session').expect(200);
  return { agent, csrfToken: (res.body as { csrfToken: string }).csrfToken };
}

export const STRONG_PASSWORD = 'correct horse battery';

/** A client signed in as the given user (created with STRONG_PASSWORD), with its CSRF token. */
export async function signedInAs(app: Express, email: string): Promise<Client> {
  const { agent, csrfToken } = await apiClient(app);
  const res = await agent.post('/api/v1/auth/login').set('X-CSRF-Token', csrfToken).send({ email, password: STRONG_PASSWORD });
  if (res.status !== 200) throw new Error(`sign-in as ${email} failed: ${res.status} ${JSON.stringify(res.body)}`);
  return { agent, csrfToken: (res.body as { csrfToken: string }).csrfToken };
}

/** Signs in at a listening server with fetch (as signedInAs does through supertest); the session cookie to send. */
export async function signInOverHttp(base: string, email: string): Promise<string> {
  const cookieOf = (res: Response) =>
    res.headers
      .getSetCookie()
      .map((c) => c.split(';')[0])
      .join('; ');
  const first = await fetch(`${base}/api/v1/auth/session`);
  const { csrfToken } = (await first.json()) as { csrfToken: string };
  const res = await fetch(`${base}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-csrf-token': csrfToken, cookie: cookieOf(first) },
    body: JSON.stringify({ email, password: STRONG_PASSWORD }),
  });
  if (res.status !== 200) throw new Error(`sign-in as ${email} failed: ${res.status}`);
  // The session is stored before the answer's last byte is sent, while its headers (the cookie) come first: a request
  // sent on the cookie before the whole answer has arrived can find no session yet.
  await res.arrayBuffer();
  return cookieOf(res);
}

/** A clock tests can move. */
export function testClock(start = '2027-01-10T09:00:00.000Z') {
  let current = new Date(start);
  return {
    now: () => new Date(current),
    set(iso: string) {
      current = new Date(iso);
    },
    advance(ms: number) {
      current = new Date(current.getTime() + ms);
    },
  };
}
