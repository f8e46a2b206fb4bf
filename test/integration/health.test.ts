import supertest from 'supertest';
import { createApp } from '../../src/app';
import { connect, getFreePort, makeEphemeralDir, startEngine, type EmbeddedEngine } from '../../src/db';
import { createLogger } from '../../src/platform/logger';
import { createServices } from '../../src/services';
import { testConfig } from '../helpers/app';
import type { Connection } from 'mongoose';
import fs from 'node:fs';

// This file runs its own engine so it can stop and restart it without disturbing other test files.
const engineKind = (process.env.TEST_ENGINE ?? 'ferretdb') as 'ferretdb' | 'mongod';
const dir = makeEphemeralDir('lmep-health-');
let port: number;
let engine: EmbeddedEngine;
let conn: Connection;

beforeAll(async () => {
  port = await getFreePort();
  engine = await startEngine({ kind: engineKind, dir, port });
  conn = await connect({ uri: engine.uri, dbName: 'health' });
});

afterAll(async () => {
  await conn.close();
  await engine.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

async function waitFor(check: () => Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, 250));
  }
  return false;
}

test('healthz reports the database down with 503, requests fail fast, and both recover by themselves', async () => {
  const services = await createServices(conn);
  const app = createApp({ config: testConfig(), logger: createLogger('silent'), conn, ...services });
  expect((await supertest(app).get('/healthz')).body).toEqual({ status: 'ok', db: 'up' });
  const signedIn = supertest.agent(app);
  await signedIn.get('/api/v1/auth/session').expect(200);

  await engine.stop();

  const started = Date.now();
  const down = await supertest(app).get('/healthz');
  expect(down.status).toBe(503);
  expect(down.body).toEqual({ status: 'unavailable', db: 'down' });
  expect(Date.now() - started).toBeLessThan(3_000);

  // A request that needs the database fails fast with 503: no hang and no anonymous fallback.
  const apiStarted = Date.now();
  const api = await supertest(app).get('/api/v1/auth/session');
  expect(api.status).toBe(503);
  expect(api.body.error.code).toBe('unavailable');
  const withSession = await signedIn.get('/api/v1/auth/session');
  expect(withSession.status).toBe(503);
  expect(Date.now() - apiStarted).toBeLessThan(8_000);
  const page = await supertest(app).get('/login');
  expect(page.status).toBe(503);
  expect(page.text).not.toMatch(/Mongo|ECONNREFUSED|at \w+ \(/);

  engine = await startEngine({ kind: engineKind, dir, port });

  expect(await waitFor(async () => (await supertest(app).get('/healthz')).status === 200, 20_000)).toBe(true);
  expect((await supertest(app).get('/api/v1/auth/session')).status).toBe(200);
}, 60_000);

test('a database blip does not sign anyone out: the session is there again when the database returns', async () => {
  const services = await createServices(conn);
  const app = createApp({ config: testConfig(), logger: createLogger('silent'), conn, ...services });
  const officer = await services.auth.createUser({
    role: 'officer',
    borough: 'camden',
    email: 'blip-officer@example.org',
    password: 'correct horse battery',
    name: 'Blip Officer',
  });
  const agent = supertest.agent(app);
  const { csrfToken } = (await agent.get('/api/v1/auth/session').expect(200)).body as { csrfToken: string };
  await agent
    .post('/api/v1/auth/login')
    .set('X-CSRF-Token', csrfToken)
    .send({ email: officer.email, password: 'correct horse battery' })
    .expect(200);

  await engine.stop();
  expect((await agent.get('/api/v1/auth/session')).status).toBe(503);
  expect((await agent.get('/dashboard')).status).toBe(503);
  engine = await startEngine({ kind: engineKind, dir, port });
  expect(await waitFor(async () => (await supertest(app).get('/healthz')).status === 200, 20_000)).toBe(true);

  const after = await agent.get('/api/v1/auth/session').expect(200);
  expect((after.body as { user: { email: string } | null }).user?.email).toBe(officer.email);
}, 60_000);
