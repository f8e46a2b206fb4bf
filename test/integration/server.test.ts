import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import supertest from 'supertest';
import { projectRoot } from '../../src/config';
import { getFreePort, makeEphemeralDir, readEngineRecord } from '../../src/db';
import { STRONG_PASSWORD } from '../helpers/app';

// The real processes: `npm start`'s server and `npm run cli`, each through tsx, on one DATA_DIR.
const tsx = path.join(projectRoot, 'node_modules', '.bin', 'tsx');
const dataDir = makeEphemeralDir('lmep-server-');
let port: number;
let server: ChildProcess;
let output = '';

function env(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const base: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    NODE_ENV: 'test',
    DATA_DIR: dataDir,
    LOG_LEVEL: 'info',
  };
  if (process.env.TEST_ENGINE) base.EMBEDDED_DB = process.env.TEST_ENGINE;
  return { ...base, ...extra };
}

function cli(...args: string[]) {
  return spawnSync(tsx, ['src/cli.ts', ...args], { cwd: projectRoot, env: env(), encoding: 'utf8', timeout: 240_000 });
}

async function waitForHealth(): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (server.exitCode !== null) throw new Error(`server exited early:\n${output}`);
    try {
      const res = await fetch(`http://127.0.0.1:${port}/healthz`);
      if (res.status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`server did not become healthy:\n${output}`);
}

function portOpen(p: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port: p });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

beforeAll(async () => {
  port = await getFreePort();
  server = spawn(tsx, ['src/server.ts'], { cwd: projectRoot, env: env({ PORT: String(port) }), stdio: ['ignore', 'pipe', 'pipe'] });
  server.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  server.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  await waitForHealth();
}, 60_000);

afterAll(() => {
  if (server.exitCode === null) server.kill('SIGKILL');
  fs.rmSync(dataDir, { recursive: true, force: true });
});

test('a bad configuration value stops start-up with a message naming the variable', () => {
  const res = spawnSync(tsx, ['src/server.ts'], {
    cwd: projectRoot,
    env: env({ PORT: 'abc', DATA_DIR: makeEphemeralDir() }),
    encoding: 'utf8',
  });
  expect(res.status).toBe(1);
  expect(res.stderr).toContain('PORT');
});

test('a second server on the same DATA_DIR refuses to start and says why', () => {
  const res = spawnSync(tsx, ['src/server.ts'], { cwd: projectRoot, env: env({ PORT: '0' }), encoding: 'utf8', timeout: 30_000 });
  expect(res.status).toBe(1);
  expect(res.stderr).toMatch(/already running the database in DATA_DIR/);
});

test('create-user shares the running engine; the officer then signs in over HTTP and out again', async () => {
  const created = cli(
    'create-user',
    '--role',
    'officer',
    '--borough',
    'camden',
    '--email',
    'o@example.org',
    '--password',
    STRONG_PASSWORD,
    '--name',
    'O',
  );
  expect(created.stderr).toBe('');
  expect(created.status).toBe(0);
  const id = created.stdout.trim();
  expect(id).toMatch(/^[0-9a-f]{24}$/);

  const duplicate = cli(
    'create-user',
    '--role',
    'officer',
    '--borough',
    'camden',
    '--email',
    'o@example.org',
    '--password',
    STRONG_PASSWORD,
    '--name',
    'O',
  );
  expect(duplicate.status).toBe(1);
  expect(duplicate.stderr).toMatch(/already exists/);

  const badBorough = cli(
    'create-user',
    '--role',
    'officer',
    '--borough',
    'atlantis',
    '--email',
    'x@example.org',
    '--password',
    STRONG_PASSWORD,
    '--name',
    'X',
  );
  expect(badBorough.status).toBe(1);
  expect(badBorough.stderr).toMatch(/borough/);

  const agent = supertest.agent(`http://127.0.0.1:${port}`);
  const { csrfToken } = (await agent.get('/api/v1/auth/session')).body as { csrfToken: string };
  await agent.post('/api/v1/auth/login').send({ email: 'o@example.org', password: STRONG_PASSWORD }).expect(403);
  const login = await agent
    .post('/api/v1/auth/login')
    .set('X-CSRF-Token', csrfToken)
    .send({ email: 'o@example.org', password: STRONG_PASSWORD });
  expect(login.status).toBe(200);
  expect(login.body.user).toMatchObject({ id, role: 'officer', borough: { slug: 'camden' } });
  await agent.post('/api/v1/auth/logout').set('X-CSRF-Token', login.body.csrfToken).expect(204);
  expect((await agent.get('/api/v1/auth/session')).body.user).toBeNull();
}, 90_000);

test('seed-demo adds demo logins and is safe to run twice', async () => {
  const first = cli('seed-demo');
  expect(first.status).toBe(0);
  expect(first.stdout).toContain('officer@camden.example.org');
  expect(first.stdout).toContain('(social_enterprise)');
  expect(first.stdout).toContain('Exercises added this time: 5.');
  const added = /Organisations added: (\d+)\. Expressions of interest added: (\d+)\./.exec(first.stdout);
  expect(Number(added?.[1])).toBeGreaterThanOrEqual(26);
  expect(Number(added?.[2])).toBeGreaterThanOrEqual(30);
  const second = cli('seed-demo');
  expect(second.status).toBe(0);
  expect(second.stdout).toContain('Exercises added this time: 0.');
  expect(second.stdout).toContain('Organisations added: 0. Expressions of interest added: 0.');
  expect(second.stdout).toContain('Questionnaire responses submitted: 0. Drafts started: 0.');
  const responses = /Questionnaire responses submitted: (\d+)\. Drafts started: (\d+)\./.exec(first.stdout);
  expect(Number(responses?.[1])).toBeGreaterThanOrEqual(12);
  expect(Number(responses?.[2])).toBeGreaterThanOrEqual(3);
  const agent = supertest.agent(`http://127.0.0.1:${port}`);
  const list = (await agent.get('/api/v1/tenders?status=published')).body.items as { borough: { slug: string }; id: string }[];
  expect(list).toHaveLength(4);
  expect(new Set(list.map((t) => t.borough.slug))).toEqual(new Set(['camden', 'hackney', 'lambeth', 'barnet']));
  const camden = list.find((t) => t.borough.slug === 'camden')!;
  const qa = (await agent.get(`/api/v1/tenders/${camden.id}/clarifications`)).body;
  expect(JSON.stringify(qa)).toContain('Could a group of volunteers bid for the home library service on its own?');
  const officer = supertest.agent(`http://127.0.0.1:${port}`);
  const officerToken = (await officer.get('/api/v1/auth/session')).body.csrfToken as string;
  await officer
    .post('/api/v1/auth/login')
    .set('X-CSRF-Token', officerToken)
    .send({ email: 'officer@camden.example.org', password: 'library demo 2026' })
    .expect(200);
  const counts = (await officer.get(`/api/v1/tenders/${camden.id}/interests`)).body.counts as {
    bySector: { interests: number }[];
    total: number;
  };
  expect(counts.total).toBeGreaterThanOrEqual(10);
  expect(counts.bySector.every((row) => row.interests > 0)).toBe(true);
  const camdenResponses = (await officer.get(`/api/v1/tenders/${camden.id}/responses`)).body.items as { status: string }[];
  expect(camdenResponses.some((r) => r.status === 'submitted')).toBe(true);
  const { csrfToken } = (await agent.get('/api/v1/auth/session')).body as { csrfToken: string };
  const login = await agent
    .post('/api/v1/auth/login')
    .set('X-CSRF-Token', csrfToken)
    .send({ email: 'friends@example.org', password: 'library demo 2026' });
  expect(login.status).toBe(200);
  expect(login.body.user.role).toBe('supplier');
}, 360_000);

test('seed-demo --scale refuses anything but a whole number from 1, before touching the database', () => {
  for (const value of ['0', '-1', ' 5', '1e2', '0x10', '5.0', 'abc', '100001']) {
    const res = cli('seed-demo', `--scale=${value}`);
    expect([value, res.status, res.stderr]).toEqual([
      value,
      1,
      expect.stringContaining('--scale takes a whole number of exercises from 1 to 100,000'),
    ]);
  }
}, 120_000);

test('SIGTERM finishes the request in flight, then stops the server and its engine', async () => {
  const record = readEngineRecord(dataDir);
  expect(record).toBeDefined();
  const enginePort = Number(new URL(record!.uri).port);
  expect(await portOpen(enginePort)).toBe(true);

  // Start a request, send SIGTERM half-way through its body, then finish it.
  const socket = net.connect({ host: '127.0.0.1', port });
  await new Promise((r) => socket.once('connect', r));
  let response = '';
  socket.on('data', (d: Buffer) => (response += d.toString()));
  const body = JSON.stringify({ email: 'o@example.org', password: 'x' });
  socket.write(
    `POST /api/v1/auth/login HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n`,
  );
  socket.write(body.slice(0, 5));
  await new Promise((r) => setTimeout(r, 200));
  const exited = new Promise<number | null>((resolve) => server.once('exit', (code) => resolve(code)));
  server.kill('SIGTERM');
  await new Promise((r) => setTimeout(r, 300));
  socket.write(body.slice(5));
  await new Promise((r) => socket.once('close', r));
  expect(response).toMatch(/^HTTP\/1\.1 403/); // a complete answer (no CSRF token), not a dropped connection

  expect(await exited).toBe(0);
  expect(output).toContain('SIGTERM');
  expect(await portOpen(enginePort)).toBe(false);
  expect(readEngineRecord(dataDir)).toBeUndefined();
}, 60_000);
