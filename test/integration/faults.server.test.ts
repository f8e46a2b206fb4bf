import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { projectRoot } from '../../src/config';
import { enginePidPath, ferretdbBinary, getFreePort, makeEphemeralDir } from '../../src/db';

// The real server process (node with tsx's loader, so a signal reaches the server itself), each on a data folder of
// its own and its own embedded engine.
const describeFerretdb = (process.env.TEST_ENGINE ?? 'ferretdb') === 'ferretdb' ? describe : describe.skip;
const dirs: string[] = [];
const children: ChildProcess[] = [];

interface Running {
  child: ChildProcess;
  port: number;
  output: () => string;
}

async function startServer(dataDir: string, extra: Record<string, string> = {}): Promise<Running> {
  const port = await getFreePort();
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    NODE_ENV: 'test',
    DATA_DIR: dataDir,
    EMBEDDED_DB: 'ferretdb',
    LOG_LEVEL: 'info',
    PORT: String(port),
    ...extra,
  };
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], { cwd: projectRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const deadline = Date.now() + 45_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`server exited early:\n${output}`);
    try {
      if ((await fetch(`http://127.0.0.1:${port}/healthz`)).status === 200) return { child, port, output: () => output };
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`server did not become healthy:\n${output}`);
}

function dataDir(): string {
  const dir = makeEphemeralDir('lmep-faults-server-');
  dirs.push(dir);
  return dir;
}

function alive(pid: number): boolean {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').length > 0;
  } catch {
    return false;
  }
}

async function waitUntil(check: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (check()) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return check();
}

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

afterAll(() => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
});

describeFerretdb('shutting down', () => {
  test('SIGTERM: healthz is 503 at once, 40 requests arriving just before are all answered, then the server stops', async () => {
    const server = await startServer(dataDir(), { SHUTDOWN_DRAIN_MS: '2000' });
    const base = `http://127.0.0.1:${server.port}`;
    const exited = new Promise<number | null>((resolve) => server.child.once('exit', (code) => resolve(code)));

    const outcomes = Array.from({ length: 40 }, (_, i) =>
      fetch(`${base}/api/v1/auth/session?n=${i}`).then(
        async (res) => {
          await res.arrayBuffer();
          return String(res.status);
        },
        (err: unknown) => {
          const cause = (err as { cause?: { code?: string } }).cause;
          return cause?.code ?? String(err);
        },
      ),
    );
    await new Promise((r) => setTimeout(r, 150));
    server.child.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 300));
    const health = await fetch(`${base}/healthz`);
    expect(health.status).toBe(503);
    expect(await health.json()).toEqual({ status: 'stopping' });
    // A request arriving during the drain is still answered.
    const late = await fetch(`${base}/api/v1/auth/session`);
    expect([200, 503]).toContain(late.status);

    const results = await Promise.all(outcomes);
    const answered = results.filter((r) => r === '200' || r === '503').length;
    console.log(`Drain: ${answered} of 40 answered (${JSON.stringify(countBy(results))})`);
    expect(results.filter((r) => r !== '200' && r !== '503')).toEqual([]);
    expect(answered).toBe(40);
    expect(await exited).toBe(0);
    expect(server.output()).toContain('SIGTERM');
  }, 90_000);
});

function countBy(values: string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const v of values) counts[v] = (counts[v] ?? 0) + 1;
  return counts;
}

describeFerretdb('the engine outliving its portal', () => {
  test('after kill -9 of the portal its engine stops by itself, and the next start serves the same data folder', async () => {
    const dir = dataDir();
    const first = await startServer(dir);
    const enginePid = Number(fs.readFileSync(enginePidPath(dir), 'utf8'));
    expect(alive(enginePid)).toBe(true);
    first.child.kill('SIGKILL');
    expect(await waitUntil(() => !alive(enginePid), 5_000)).toBe(true);

    const second = await startServer(dir, { SHUTDOWN_DRAIN_MS: '0' });
    expect(Number(fs.readFileSync(enginePidPath(dir), 'utf8'))).not.toBe(enginePid);
    second.child.kill('SIGTERM');
  }, 120_000);

  test('an orphaned engine on the data folder (one that does not watch its parent) is stopped before a new one starts', async () => {
    const dir = dataDir();
    const sqliteDir = path.join(dir, 'ferretdb');
    fs.mkdirSync(sqliteDir, { recursive: true });
    const orphanPort = await getFreePort();
    const orphan = spawn(ferretdbBinary, [`--listen-addr=127.0.0.1:${orphanPort}`, `--sqlite-url=file:${sqliteDir}/`], {
      stdio: 'ignore',
      detached: true,
    });
    children.push(orphan);
    fs.writeFileSync(enginePidPath(dir), String(orphan.pid));
    expect(await waitUntil(() => alive(orphan.pid!), 5_000)).toBe(true);
    const deadline = Date.now() + 20_000;
    while (!(await portOpen(orphanPort)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));

    const server = await startServer(dir, { SHUTDOWN_DRAIN_MS: '0' });
    expect(alive(orphan.pid!)).toBe(false);
    expect(await portOpen(orphanPort)).toBe(false);
    const exited = new Promise<number | null>((resolve) => server.child.once('exit', (code) => resolve(code)));
    server.child.kill('SIGTERM');
    expect(await exited).toBe(0);
  }, 120_000);
});
