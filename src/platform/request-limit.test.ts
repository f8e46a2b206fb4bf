import express from 'express';
import supertest from 'supertest';
import { createLogger } from './logger';
import { requestTimeLimit } from './request-limit';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const answeredLate: boolean[] = [];

function appWith(databaseUp: boolean) {
  const app = express();
  app.use(requestTimeLimit({ limitMs: 1_000, isDatabaseUp: async () => databaseUp, logger: createLogger('silent') }));
  app.get('/api/slow', async (_req, res) => {
    await sleep(2_500);
    if (!res.headersSent) res.json({ done: true });
  });
  // A late answer from a callback, as a template render's: after a 503 it must be dropped, not thrown.
  app.get('/api/late', (_req, res) => {
    setTimeout(() => {
      answeredLate.push(res.headersSent);
      res.json({ late: true });
    }, 1_500);
  });
  app.get('/api/stream', async (_req, res) => {
    res.status(200).setHeader('Content-Type', 'text/plain');
    res.flushHeaders();
    for (let i = 0; i < 5; i++) {
      res.write(`part ${i}\n`);
      await sleep(500);
    }
    res.end();
  });
  return app;
}

test('a request waiting on a database that does not answer gets 503 with Retry-After within the limit', async () => {
  const started = Date.now();
  const res = await supertest(appWith(false)).get('/api/slow');
  const waited = Date.now() - started;
  expect(waited).toBeGreaterThanOrEqual(400);
  expect(waited).toBeLessThanOrEqual(1_000);
  expect(res.status).toBe(503);
  expect(res.headers['retry-after']).toBe('5');
  expect(res.body).toEqual({ error: { code: 'unavailable', message: expect.any(String) } });
});

test('a handler that answers after the 503 does not stop the process (its answer is dropped)', async () => {
  const thrown: unknown[] = [];
  const onUncaught = (err: unknown) => thrown.push(err);
  process.on('uncaughtException', onUncaught);
  try {
    const res = await supertest(appWith(false)).get('/api/late');
    expect(res.status).toBe(503);
    await sleep(1_200);
    expect(answeredLate).toEqual([true]);
    expect(thrown).toEqual([]);
  } finally {
    process.off('uncaughtException', onUncaught);
  }
});

test('a slow request on a healthy database is not cut off', async () => {
  const res = await supertest(appWith(true)).get('/api/slow');
  expect(res.status).toBe(200);
  expect(res.body).toEqual({ done: true });
});

test('a response that has started streaming runs to its end, even with the database away', async () => {
  const res = await supertest(appWith(false)).get('/api/stream');
  expect(res.status).toBe(200);
  expect(res.text.split('\n').filter(Boolean)).toHaveLength(5);
});
