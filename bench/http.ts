/**
 * `npm run bench -- http`: the public pages under load, against a trivial route of the same server.
 * 200 published exercises across the London boroughs; the server runs in its own process in production
 * mode (as `npm start` runs it) on the bench database; autocannon, 50 connections for 10 s per route,
 * measures the public list, one exercise page and `/healthz`. The last line is one JSON object.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import autocannon from 'autocannon';
import { Types } from 'mongoose';
import { projectRoot } from '../src/config';
import { getFreePort } from '../src/db';
import { createServices } from '../src/services';
import { createTenderSchema } from '../src/tenders/tenders.schemas';
import { benchDatabase } from './database';

const EXERCISES = 200;
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const BOROUGHS = ['barnet', 'camden', 'hackney', 'lambeth', 'southwark', 'islington', 'croydon', 'ealing', 'brent', 'lewisham'];

interface Measured {
  rps: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
}

async function load(url: string): Promise<Measured> {
  const result = await autocannon({ url, connections: CONNECTIONS, duration: SECONDS });
  const errors = result.errors + result.timeouts + result.non2xx;
  return { rps: result.requests.average, p50Ms: result.latency.p50, p99Ms: result.latency.p99, errors };
}

/** The same server address, naming the bench's database. */
function withDatabase(uri: string, dbName: string): string {
  const url = new URL(uri);
  url.pathname = `/${dbName}`;
  return url.toString();
}

export async function startServer(
  uri: string,
  dbName: string,
  extraEnv: Record<string, string> = {},
): Promise<{ url: string; child: ChildProcess; output(): string; stop(): Promise<void> }> {
  const port = await getFreePort();
  const child = spawn(
    process.execPath,
    [...(process.env.BENCH_NODE_FLAGS ?? '').split(' ').filter(Boolean), '--import', 'tsx', 'src/server.ts'],
    {
      cwd: projectRoot,
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        NODE_ENV: 'production',
        PORT: String(port),
        MONGODB_URI: withDatabase(uri, dbName),
        SESSION_SECRET: 'a benchmark secret that is long enough to sign sessions',
        LOG_LEVEL: 'warn',
        ...extraEnv,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output = (output + d.toString()).slice(-20_000)));
  child.stderr?.on('data', (d: Buffer) => (output = (output + d.toString()).slice(-20_000)));
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 300; i += 1) {
    const up = await fetch(`${url}/healthz`).then(
      (r) => r.ok,
      () => false,
    );
    if (up) break;
    if (child.exitCode !== null) throw new Error('the server exited early');
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    url,
    child,
    output: () => output,
    stop: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

export async function runHttpBench(): Promise<void> {
  const { conn, close, uri } = await benchDatabase('bench_http');
  const services = await createServices(conn);
  const year = new Date().getFullYear() + 1;
  const officers = await Promise.all(
    BOROUGHS.map((borough) =>
      services.auth.createUser({
        role: 'officer',
        email: `officer@${borough}.bench.example.org`,
        password: 'bench password 123',
        name: `${borough} officer`,
        borough,
      }),
    ),
  );
  let firstId = '';
  for (let i = 0; i < EXERCISES; i += 1) {
    const officer = officers[i % officers.length]!;
    const tender = await services.tenders.create(
      createTenderSchema.parse({
        title: `Library services, part ${i + 1}`,
        summary: 'We want to hear from every sector about running our libraries, especially community groups.',
        specification: 'Branch libraries, a home library service and homework clubs. '.repeat(40),
        lots: [
          { title: 'Branch libraries', description: 'Branches', estimatedAnnualValue: 450_000 },
          { title: 'Home library service', description: 'Deliveries', estimatedAnnualValue: 60_000 },
        ],
        tupe: 'unknown',
        clarificationDeadline: `${year}-02-01T12:00:00Z`,
        eoiDeadline: new Date(Date.UTC(year, 1, 15 + (i % 28), 12)).toISOString(),
        questionnaireDeadline: `${year}-04-01T12:00:00Z`,
      }),
      officer,
    );
    await services.tenders.publish(tender.id, officer);
    firstId ||= tender.id;
  }
  if (!Types.ObjectId.isValid(firstId)) throw new Error('no exercise was made');

  const server = await startServer(uri, conn.db!.databaseName);
  try {
    // Warm up each route (template cache, connection pool, JIT) before measuring.
    for (const route of ['/healthz', '/tenders', `/tenders/${firstId}`]) {
      await autocannon({ url: `${server.url}${route}`, connections: 10, duration: 2 });
    }
    const trivial = await load(`${server.url}/healthz`);
    const list = await load(`${server.url}/tenders`);
    const page = await load(`${server.url}/tenders/${firstId}`);
    const line = (name: string, m: Measured) =>
      console.log(
        `${name.padEnd(34)} ${m.rps.toFixed(0).padStart(6)} req/s  p50 ${m.p50Ms} ms  p99 ${m.p99Ms} ms${m.errors ? `  errors ${m.errors}` : ''}`,
      );
    if (trivial.errors + list.errors + page.errors) console.log(`The server said:\n${server.output()}`);
    line('GET /healthz (baseline)', trivial);
    line(`GET /tenders (${EXERCISES} exercises)`, list);
    line('GET /tenders/:id', page);
    console.log(
      JSON.stringify({
        bench: 'http',
        ratio: Number((list.rps / trivial.rps).toFixed(3)),
        listRps: Math.round(list.rps),
        trivialRps: Math.round(trivial.rps),
        p99Ms: list.p99Ms,
        pageRps: Math.round(page.rps),
        pageP99Ms: page.p99Ms,
        errors: trivial.errors + list.errors + page.errors,
      }),
    );
  } finally {
    await server.stop();
    await conn.dropDatabase();
    await close();
  }
}
