/**
 * Benchmarks, each reported as a ratio against a baseline measured in the same run:
 *  - page rendering with the production template cache vs. re-reading templates (development mode);
 *  - sign-in throughput, whose cost is the deliberate argon2id work, vs. an anonymous session request.
 * Run with `npm run bench`; it starts its own embedded database unless MONGODB_URI is set.
 * `npm run bench -- report` runs the sector workbook benchmark (bench/report.ts) instead.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApp } from '../src/app';
import { parseConfig } from '../src/config';
import { benchDatabase } from './database';
import { createLogger } from '../src/platform/logger';
import { createServices } from '../src/services';
import { runDeadlineBench } from './deadline';
import { runHttpBench } from './http';
import { runReportBench } from './report';

async function throughput(url: string, requests: number, concurrency: number, init?: () => RequestInit): Promise<number> {
  let next = 0;
  const started = process.hrtime.bigint();
  const worker = async () => {
    while (next < requests) {
      next += 1;
      const res = await fetch(url, init?.());
      await res.arrayBuffer();
      if (res.status >= 500) throw new Error(`${url} answered ${res.status}`);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return requests / seconds;
}

async function main() {
  const { conn, close } = await benchDatabase('bench');
  const services = await createServices(conn);
  const listen = async (env: 'development' | 'production') => {
    const app = createApp({
      config: parseConfig({ NODE_ENV: env, SESSION_SECRET: 'b'.repeat(40), LOG_LEVEL: 'silent' }),
      logger: createLogger('silent'),
      conn,
      ...services,
    });
    const server = http.createServer(app);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    return { server, base: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
  };
  const dev = await listen('development');
  const prod = await listen('production');
  try {
    await throughput(`${prod.base}/`, 50, 4);
    await throughput(`${dev.base}/`, 50, 4);
    const uncached = await throughput(`${dev.base}/`, 400, 8);
    const cached = await throughput(`${prod.base}/`, 400, 8);
    console.log(`home page, template cache off (baseline): ${uncached.toFixed(0)} req/s`);
    console.log(`home page, template cache on:             ${cached.toFixed(0)} req/s  ratio ${(cached / uncached).toFixed(1)}x`);

    // Over plain HTTP the production (Secure) cookie is never set, so sign-in runs on the development app.
    const session = await throughput(`${dev.base}/api/v1/auth/session`, 200, 8);
    await services.auth.createUser({ role: 'admin', email: 'bench@example.org', password: 'bench password 123', name: 'Bench' });
    const base = dev.base;
    const loginOnce = async () => {
      const first = await fetch(`${base}/api/v1/auth/session`);
      const cookie = first.headers.get('set-cookie')?.split(';')[0] ?? '';
      const { csrfToken } = (await first.json()) as { csrfToken: string };
      const res = await fetch(`${base}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', cookie, 'x-csrf-token': csrfToken },
        body: JSON.stringify({ email: 'bench@example.org', password: 'bench password 123' }),
      });
      if (res.status !== 200) throw new Error(`login answered ${res.status}`);
    };
    const loginStarted = process.hrtime.bigint();
    const logins = 40;
    let done = 0;
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        while (done < logins) {
          done += 1;
          await loginOnce();
        }
      }),
    );
    const loginRate = logins / (Number(process.hrtime.bigint() - loginStarted) / 1e9);
    console.log(`anonymous session request (baseline):     ${session.toFixed(0)} req/s`);
    console.log(`sign-in with argon2id:                    ${loginRate.toFixed(0)} req/s  ratio ${(loginRate / session).toFixed(3)}x`);
  } finally {
    for (const { server } of [dev, prod]) {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
    // Let session writes started by the last responses finish before closing the connection.
    await new Promise((r) => setTimeout(r, 500));
    await conn.dropDatabase();
    await close();
  }
}

// `npm run bench -- report` runs the sector workbook benchmark instead (bench/report.ts).
const benches: Record<string, () => Promise<void>> = { report: runReportBench, http: runHttpBench, deadline: runDeadlineBench };
const run = (benches[process.argv[2] ?? ''] ?? main)();
run.catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
