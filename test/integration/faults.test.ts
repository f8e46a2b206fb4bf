import fs from 'node:fs';
import MongoStore from 'connect-mongo';
import type { Express } from 'express';
import type { Connection } from 'mongoose';
import supertest from 'supertest';
import { createApp } from '../../src/app';
import { parseConfig } from '../../src/config';
import { connect, getFreePort, makeEphemeralDir, openDatabase, startEngine, type Database, type EmbeddedEngine } from '../../src/db';
import { createLogger } from '../../src/platform/logger';
import { dependableStore, SESSION_COLLECTION } from '../../src/platform/session';
import { createServices } from '../../src/services';
import { STRONG_PASSWORD, testConfig } from '../helpers/app';
import { csrfFrom, fillIn } from '../helpers/forms';

// Faults need an engine of their own to stop, continue and kill, without disturbing the one other test files share.
const describeFerretdb = (process.env.TEST_ENGINE ?? 'ferretdb') === 'ferretdb' ? describe : describe.skip;

async function waitFor(check: () => Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
}

/** Figures measured here, printed at the end for the record. */
const figures: Record<string, string> = {};
afterAll(() => {
  if (Object.keys(figures).length) console.log(`Fault figures: ${JSON.stringify(figures)}`);
});

describeFerretdb('a hung database (engine stopped with SIGSTOP)', () => {
  const dir = makeEphemeralDir('lmep-faults-');
  let engine: EmbeddedEngine;
  let conn: Connection;
  let app: Express;
  const errors: string[] = [];

  beforeAll(async () => {
    engine = await startEngine({ kind: 'ferretdb', dir, port: await getFreePort() });
    conn = await connect({ uri: engine.uri, dbName: 'faults' });
    const services = await createServices(conn);
    await services.auth.createUser({ role: 'officer', borough: 'camden', email: 'hung@example.org', password: STRONG_PASSWORD, name: 'H' });
    const logger = createLogger('error', { write: (line: string) => void errors.push(line) });
    app = createApp({ config: testConfig(), logger, conn, ...services });
  });

  afterAll(async () => {
    process.kill(engine.pid!, 'SIGCONT');
    await conn.close();
    await engine.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const hang = () => process.kill(engine.pid!, 'SIGSTOP');
  const resume = async () => {
    process.kill(engine.pid!, 'SIGCONT');
    expect(await waitFor(async () => (await supertest(app).get('/healthz')).status === 200, 30_000)).toBe(true);
  };

  test('API and page requests get 503 with Retry-After within 5 s, never a 500, and the user is still signed in after', async () => {
    const agent = supertest.agent(app);
    const { csrfToken } = (await agent.get('/api/v1/auth/session').expect(200)).body as { csrfToken: string };
    await agent
      .post('/api/v1/auth/login')
      .set('X-CSRF-Token', csrfToken)
      .send({ email: 'hung@example.org', password: STRONG_PASSWORD })
      .expect(200);

    hang();
    try {
      const started = Date.now();
      const [api, page, anonymous] = await Promise.all([
        agent.get('/api/v1/auth/session'),
        agent.get('/dashboard'),
        supertest(app).get('/api/v1/tenders'),
      ]);
      const waited = Date.now() - started;
      figures.hungTo503Ms = String(waited);
      expect(waited).toBeLessThanOrEqual(5_000);
      for (const res of [api, anonymous]) {
        expect(res.status).toBe(503);
        expect(res.headers['retry-after']).toBe('5');
        expect(res.body).toEqual({ error: { code: 'unavailable', message: expect.any(String) } });
      }
      expect(page.status).toBe(503);
      expect(page.headers['retry-after']).toBe('5');
      expect(page.text).toContain('Sorry, the service is unavailable');
      const health = await supertest(app).get('/healthz');
      expect(health.status).toBe(503);
    } finally {
      await resume();
    }
    const after = await agent.get('/api/v1/auth/session').expect(200);
    expect((after.body as { user: { email: string } | null }).user?.email).toBe('hung@example.org');
    expect(errors.filter((line) => line.includes('"statusCode":500'))).toEqual([]);
  }, 90_000);

  test('a form post during the blip is 503 (not 403), its session is kept, and the same post saves afterwards', async () => {
    const agent = supertest.agent(app);
    expect((await fillIn(agent, '/register/organisation-name', { organisationName: 'Blip Readers' })).status).toBe(303);
    const page = await agent.get('/register/sector').expect(200);
    const token = csrfFrom(page.text);
    const sessionsBefore = await conn.collection(SESSION_COLLECTION).countDocuments();

    hang();
    let during: supertest.Response;
    try {
      during = await agent.post('/register/sector').type('form').send({ _csrf: token, sector: 'voluntary' });
    } finally {
      await resume();
    }
    expect(during.status).toBe(503);
    expect(during.headers['retry-after']).toBe('5');
    expect(await conn.collection(SESSION_COLLECTION).countDocuments()).toBe(sessionsBefore);

    const saved = await agent.post('/register/sector').type('form').send({ _csrf: token, sector: 'voluntary' });
    expect(saved.status).toBe(303);
    expect(saved.headers.location).toBe('/register/legal-form');
    // The name typed before the blip and the sector posted after it are both in the session: the next step shows.
    await agent.get('/register/legal-form').expect(200);
  }, 90_000);

  test('touching a session that is gone never fails the request', async () => {
    const store = dependableStore(MongoStore.create({ client: conn.getClient(), dbName: conn.name, collectionName: 'touch_test' }));
    const err = await new Promise<unknown>((resolve) =>
      store.touch!('no-such-session', { cookie: { originalMaxAge: 60_000, expires: new Date(Date.now() + 60_000) } } as never, () =>
        resolve(undefined),
      ),
    );
    expect(err).toBeUndefined();
  });
});

describeFerretdb('an engine that dies', () => {
  const dataDir = makeEphemeralDir('lmep-supervised-');
  let database: Database;
  const log: string[] = [];

  beforeAll(async () => {
    const config = parseConfig({ NODE_ENV: 'test', EMBEDDED_DB: 'ferretdb', DATA_DIR: dataDir, PATH: process.env.PATH });
    database = await openDatabase(config, { mode: 'own', log: (message, level = 'info') => log.push(`${level}: ${message}`) });
  });

  afterAll(async () => {
    await database.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  test('is logged and started again on the same data; the portal recovers by itself with sessions intact', async () => {
    const services = await createServices(database.conn);
    await services.auth.createUser({ role: 'officer', borough: 'camden', email: 'dies@example.org', password: STRONG_PASSWORD, name: 'D' });
    const app = createApp({ config: testConfig(), logger: createLogger('silent'), conn: database.conn, ...services });
    const agent = supertest.agent(app);
    const { csrfToken } = (await agent.get('/api/v1/auth/session').expect(200)).body as { csrfToken: string };
    await agent
      .post('/api/v1/auth/login')
      .set('X-CSRF-Token', csrfToken)
      .send({ email: 'dies@example.org', password: STRONG_PASSWORD })
      .expect(200);

    const pid = Number(fs.readFileSync(`${dataDir}/ferretdb.pid`, 'utf8'));
    process.kill(pid, 'SIGKILL');
    const killed = Date.now();
    const during = await agent.get('/api/v1/auth/session');
    expect([200, 503]).toContain(during.status);

    expect(await waitFor(async () => (await agent.get('/api/v1/auth/session')).status === 200, 30_000)).toBe(true);
    figures.recoveryAfterKillMs = String(Date.now() - killed);
    const after = await agent.get('/api/v1/auth/session').expect(200);
    expect((after.body as { user: { email: string } | null }).user?.email).toBe('dies@example.org');
    expect(log.join('\n')).toMatch(/error: The embedded database stopped unexpectedly: FerretDB \(pid \d+\) was ended by SIGKILL/);
    expect(log.join('\n')).toMatch(/warn: The embedded database is running again/);
    expect(Number(fs.readFileSync(`${dataDir}/ferretdb.pid`, 'utf8'))).not.toBe(pid);
  }, 60_000);
});
