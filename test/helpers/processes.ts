import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { projectRoot } from '../../src/config';
import { getFreePort } from '../../src/db';

const tsx = path.join(projectRoot, 'node_modules', '.bin', 'tsx');

/** A real app server process (`src/server.ts`), started for a test on a given database. */
export interface ServerProcess {
  url: string;
  output(): string;
  stop(): Promise<void>;
}

/** Starts `src/server.ts` in its own process on `mongodbUri`, and waits until /healthz answers 200. */
export async function startServerProcess(env: { mongodbUri: string; sessionSecret: string; uploadDir: string }): Promise<ServerProcess> {
  const port = await getFreePort();
  let output = '';
  const child: ChildProcess = spawn(tsx, ['src/server.ts'], {
    cwd: projectRoot,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      NODE_ENV: 'test',
      LOG_LEVEL: 'warn',
      PORT: String(port),
      MONGODB_URI: env.mongodbUri,
      SESSION_SECRET: env.sessionSecret,
      UPLOAD_DIR: env.uploadDir,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the server exited early:\n${output}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`the server did not become healthy:\n${output}`);
    }
    const healthy = await fetch(`${url}/healthz`).then(
      (res) => res.status === 200,
      () => false,
    );
    if (healthy) break;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return {
    url,
    output: () => output,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        child.once('exit', () => {
          clearTimeout(timer);
          resolve();
        });
        child.kill('SIGTERM');
      }),
  };
}

/** `npm run cli -- <args>` (src/cli.ts through tsx) on `mongodbUri`, to its end: its exit status and output. */
export function runCli(args: string[], env: { mongodbUri: string }): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    let stdout = '';
    let stderr = '';
    const child = spawn(tsx, ['src/cli.ts', ...args], {
      cwd: projectRoot,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, NODE_ENV: 'test', LOG_LEVEL: 'warn', MONGODB_URI: env.mongodbUri },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    child.once('error', reject);
    child.once('exit', (status) => resolve({ status, stdout, stderr }));
  });
}
