import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { openStreamedCursors } from '../../src/db';
import { signedInAs, signInOverHttp, startTestApp, type TestApp } from '../helpers/app';
import { insertInterests, insertOrganisations, insertResponses } from '../helpers/bulk';
import { createOfficer, publishedExercise } from '../helpers/factories';
import { defaultAnswers } from '../helpers/market';

// A workbook download the client cuts off frees its database cursors: the download is started over a real socket,
// dropped after its first bytes, and the cursors the server opened for it are closed (the server counts the cursors
// it streams from, counted down as each one closes). The server then keeps serving, the same workbook included.

let t: TestApp;
let server: http.Server;
let port: number;
let cookie: string;
let exerciseId: string;
const RESPONSES = 5_000;

beforeAll(async () => {
  t = await startTestApp();
  const officerEmail = (await createOfficer(t.auth, 'camden')).email;
  const officer = await signedInAs(t.app, officerEmail);
  exerciseId = await publishedExercise(officer, { questionnaire: { template: 'library-smt-v1' } });
  const organisations = await insertOrganisations(t.conn, RESPONSES, 'Streaming');
  await insertInterests(t.conn, exerciseId, organisations, 'Streaming');
  await insertResponses(t.conn, exerciseId, organisations, { submitted: () => true, answers: () => defaultAnswers('voluntary') });
  server = t.app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  port = (server.address() as AddressInfo).port;
  cookie = await signInOverHttp(`http://127.0.0.1:${port}`, officerEmail);
}, 120_000);

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await t.close();
});

async function until(check: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return check();
}

const download = (onResponse: (res: http.IncomingMessage, req: http.ClientRequest) => void) =>
  new Promise<void>((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path: `/api/v1/tenders/${exerciseId}/report.xlsx`, headers: { cookie } }, (res) => {
      onResponse(res, req);
      res.once('close', () => resolve());
      res.once('error', () => resolve());
    });
    req.once('error', (err) => (req.destroyed ? resolve() : reject(err)));
  });

test('a download cut off after its first bytes closes its cursors, and the server keeps serving', async () => {
  const before = openStreamedCursors();
  let received = 0;
  let openWhileStreaming = 0;
  await download((res, req) => {
    expect(res.statusCode).toBe(200);
    res.once('data', (chunk: Buffer) => {
      received = chunk.length;
      // The workbook is still being read from the database when its first bytes arrive.
      openWhileStreaming = openStreamedCursors() - before;
      req.destroy();
    });
  });
  expect(received).toBeGreaterThan(0);
  expect(openWhileStreaming).toBeGreaterThan(0);
  // Every cursor the download opened is closed soon after the client has gone.
  expect(await until(() => openStreamedCursors() === before, 10_000)).toBe(true);

  // The server goes on: the health check, then the same workbook, whole.
  const health = await fetch(`http://127.0.0.1:${port}/healthz`);
  expect(health.status).toBe(200);
  let bytes = 0;
  let status = 0;
  await download((res) => {
    status = res.statusCode ?? 0;
    res.on('data', (chunk: Buffer) => (bytes += chunk.length));
  });
  expect(status).toBe(200);
  expect(bytes).toBeGreaterThan(received);
  expect(openStreamedCursors()).toBe(before);
}, 120_000);
