import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import express from 'express';
import request from 'supertest';
import { createLogger, loggedPath, requestLogger } from './logger';

/** An app whose request log is kept as parsed lines. */
function loggedApp(level: string) {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, cb) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      cb();
    },
  });
  const app = express();
  app.use(requestLogger(createLogger(level, sink)));
  app.get('/ok', (_req, res) => res.send('fine'));
  app.get('/missing', (_req, res) => res.status(404).send('no'));
  app.get('/broken', (_req, res) => res.status(500).send('oops'));
  app.get('/password-reset/:token', (_req, res) => res.send('form'));
  app.get('/slow', () => undefined);
  return { app, lines };
}

const settle = () => new Promise((r) => setTimeout(r, 20));

test('each answer carries a request id, and the log line names it with the status and the path', async () => {
  const { app, lines } = loggedApp('info');
  const res = await request(app).get('/ok?q=secret');
  await settle();
  expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatchObject({
    level: 30,
    msg: 'request completed',
    req: { id: res.headers['x-request-id'], method: 'GET', url: '/ok' },
    res: { statusCode: 200 },
  });
  expect(typeof lines[0]!.responseTime).toBe('number');
});

test('at level warn, answers that went well are not logged; 4xx are warnings and 5xx errors', async () => {
  const { app, lines } = loggedApp('warn');
  await request(app).get('/ok');
  await request(app).get('/missing');
  await request(app).get('/broken');
  await settle();
  expect(lines.map((l) => [l.level, (l.res as { statusCode: number }).statusCode])).toEqual([
    [40, 404],
    [50, 500],
  ]);
});

test('a secret in the path is hidden in the log', async () => {
  const { app, lines } = loggedApp('info');
  await request(app).get('/password-reset/abcDEF123');
  await settle();
  expect((lines[0]!.req as { url: string }).url).toBe('/password-reset/[hidden]');
});

test('a request the client gave up on is logged once, as a warning (not a fault of the server)', async () => {
  const { app, lines } = loggedApp('info');
  const server = http.createServer(app).listen(0);
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => {
    const req = http.get({ port, path: '/slow' });
    req.on('error', () => resolve());
    setTimeout(() => req.destroy(), 100);
  });
  await settle();
  server.closeAllConnections();
  server.close();
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatchObject({ level: 40, msg: 'request aborted', req: { url: '/slow' } });
});

test('a link’s token is hidden whatever the case of the path and however many slashes lead it', () => {
  expect(loggedPath('/Password-Reset/abcDEF123')).toBe('/password-reset/[hidden]');
  expect(loggedPath('//password-reset//abcDEF123?x=1')).toBe('/password-reset/[hidden]');
  expect(loggedPath('/INVITATIONS/tok3n/accept')).toBe('/invitations/[hidden]/accept');
  expect(loggedPath('//invitations/tok3n')).toBe('/invitations/[hidden]');
  expect(loggedPath('/password-reset/sent')).toBe('/password-reset/sent');
  expect(loggedPath('/tenders/abc')).toBe('/tenders/abc');
});
