import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { projectRoot } from '../../src/config';
import { getFreePort } from '../../src/db';

/** The portal as an operator runs it: `npm start` on its own fresh DATA_DIR, with its own embedded database. */
export interface Portal {
  url: string;
  dataDir: string;
  /** `npm run cli -- …` on the same DATA_DIR (it shares the running engine). */
  cli(args: string[]): { status: number | null; stdout: string; stderr: string };
  output(): string;
  stop(): Promise<void>;
}

export async function startPortal(extraEnv: Record<string, string> = {}): Promise<Portal> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'portal-journey-'));
  const port = await getFreePort();
  const url = `http://127.0.0.1:${port}`;
  const env = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    PORT: String(port),
    DATA_DIR: dataDir,
    UPLOAD_DIR: path.join(dataDir, 'uploads'),
    SESSION_SECRET: 'a journey secret that is long enough to sign sessions',
    BASE_URL: url,
    LOG_LEVEL: 'warn',
    ...extraEnv,
  };
  let output = '';
  // Its own process group, so stopping it stops npm, the server and the engine together.
  const child: ChildProcess = spawn('npm', ['start'], { cwd: projectRoot, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const stop = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || !child.pid) return resolve();
      const timer = setTimeout(() => process.kill(-child.pid!, 'SIGKILL'), 20_000);
      child.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
      process.kill(-child.pid, 'SIGTERM');
    }).then(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  const deadline = Date.now() + 180_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`npm start exited early:\n${output}`);
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`npm start did not become healthy:\n${output}`);
    }
    const healthy = await fetch(`${url}/healthz`).then(
      (res) => res.status === 200,
      () => false,
    );
    if (healthy) break;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  return {
    url,
    dataDir,
    output: () => output,
    stop,
    cli: (args) => {
      const res = spawnSync('npm', ['run', '-s', 'cli', '--', ...args], { cwd: projectRoot, env, encoding: 'utf8', timeout: 120_000 });
      return { status: res.status, stdout: res.stdout, stderr: res.stderr };
    },
  };
}
