import fs from 'node:fs';
import { Types } from 'mongoose';
import { getFreePort, makeEphemeralDir, startEngine, type EmbeddedEngine } from '../../src/db';
import { startTestAppOn, type TestApp } from '../helpers/app';
import { buildMarket, defaultAnswers, type Market } from '../helpers/market';

// Deadline day, and the database engine is killed in the middle of it. Thirty organisations save and send their
// answers at once over HTTP; the engine is killed (SIGKILL) while they do, stays away for a few seconds and is
// started again on the same data folder and port. Meanwhile every request is answered quickly, and never with a 500;
// each organisation tries again with the same Idempotency-Key until its answers are in. Then exactly one response
// per organisation is stored, with every answer, submitted once.

const describeFerretdb = (process.env.TEST_ENGINE ?? 'ferretdb') === 'ferretdb' ? describe : describe.skip;

const ORGANISATIONS = 30;
const REQUEST_TIMEOUT_MS = 2_000;
const DOWN_FOR_MS = 4_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Answered {
  status: number;
  ms: number;
  during: boolean;
}

describeFerretdb('a rush of submissions while the engine is killed and started again', () => {
  const dir = makeEphemeralDir('lmep-rush-');
  let engine: EmbeddedEngine;
  let port: number;
  let t: TestApp;
  let market: Market;

  beforeAll(async () => {
    port = await getFreePort();
    engine = await startEngine({ kind: 'ferretdb', dir, port });
    t = await startTestAppOn(engine.uri, { config: { REQUEST_TIMEOUT_MS: String(REQUEST_TIMEOUT_MS) } });
    market = await buildMarket(t, { borough: 'camden', interests: { voluntary: 12, social_enterprise: 6, private: 8, public: 4 } });
  }, 180_000);

  afterAll(async () => {
    await t?.close().catch(() => undefined);
    await engine?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('answers fast with 503 (never 500) while it is away, and stores each response once when it is back', async () => {
    const answered: Answered[] = [];
    const receipts = new Map<string, Set<string>>();
    let down = false;

    /** One request through the organisation's session, timed; a 503 is tried again, as a browser or bench would. */
    const call = async (member: Market['members'][number], method: 'put' | 'post', path: string, body?: object, key?: string) => {
      for (;;) {
        const started = Date.now();
        const during = down;
        let request = member.agent[method](path).set('X-CSRF-Token', member.csrfToken);
        if (key) request = request.set('Idempotency-Key', key);
        const res = await request.send(body).catch(() => null);
        const status = res?.status ?? 0;
        answered.push({ status, ms: Date.now() - started, during: during || down });
        if (res && status !== 503) return res;
        await sleep(200 + Math.random() * 300);
      }
    };

    const rush = market.members.map(async (member, i) => {
      // Staggered a little, so that some are mid-save and some mid-submit when the engine dies.
      await sleep(i * 15);
      const answers = defaultAnswers(member.sector);
      const saved = await call(member, 'put', `/api/v1/tenders/${market.tenderId}/response`, { answers });
      expect(saved.status).toBe(200);
      const key = `rush-${member.organisationId}`;
      const sent = await call(member, 'post', `/api/v1/tenders/${market.tenderId}/response/submit`, undefined, key);
      expect(sent.status).toBe(201);
      const receipt = sent.body as { receipt: { sha256: string } };
      receipts.set(member.organisationId, new Set([receipt.receipt.sha256]));
      // The same key once more, after the fault: the same receipt.
      const again = await call(member, 'post', `/api/v1/tenders/${market.tenderId}/response/submit`, undefined, key);
      expect(again.status).toBe(201);
      receipts.get(member.organisationId)!.add((again.body as { receipt: { sha256: string } }).receipt.sha256);
    });

    // The fault: mid-rush, killed outright; started again on the same data folder and port a few seconds later.
    await sleep(250);
    down = true;
    const killedAt = Date.now();
    process.kill(engine.pid!, 'SIGKILL');
    await sleep(DOWN_FOR_MS);
    engine = await startEngine({ kind: 'ferretdb', dir, port });
    down = false;
    const restartedAfterMs = Date.now() - killedAt;

    await Promise.all(rush);

    // Never a 500, never a dropped connection; and a request made while the engine was away was answered within
    // the request time limit (and a little), not left hanging.
    expect(answered.filter((a) => a.status >= 500 && a.status !== 503)).toEqual([]);
    expect(answered.filter((a) => a.status === 0)).toEqual([]);
    const whileDown = answered.filter((a) => a.during);
    expect(whileDown.length).toBeGreaterThan(0);
    expect(whileDown.filter((a) => a.status === 503).length).toBeGreaterThan(0);
    expect(Math.max(...whileDown.map((a) => a.ms))).toBeLessThan(REQUEST_TIMEOUT_MS + 2_000);

    // What is stored: one response per organisation, submitted once, with every answer, under one receipt.
    const stored = await t.conn
      .collection('questionnaireresponses')
      .find({ tender: new Types.ObjectId(market.tenderId) })
      .toArray();
    expect(stored).toHaveLength(ORGANISATIONS);
    expect(new Set(stored.map((r) => String(r.organisation))).size).toBe(ORGANISATIONS);
    for (const member of market.members) {
      const r = stored.find((s) => String(s.organisation) === member.organisationId)!;
      expect(r.status).toBe('submitted');
      expect(r.revisions).toHaveLength(1);
      expect(r.revisions[0].idempotencyKey).toBe(`rush-${member.organisationId}`);
      expect(r.revisions[0].answers).toEqual(defaultAnswers(member.sector));
      expect([...receipts.get(member.organisationId)!]).toEqual([r.revisions[0].sha256]);
    }
    // The app logs each 503 and the database error behind it; anything else it logged is a fault of its own.
    const unavailable =
      /"statusCode":503|"type":"(ServiceUnavailableError|MongoNetworkError|MongoNetworkTimeoutError|MongoServerSelectionError|MongoPoolClearedError)"/;
    expect(t.serverErrors.filter((line) => !unavailable.test(line))).toEqual([]);
    t.serverErrors.length = 0;
    console.log(
      `Rush figures: ${JSON.stringify({
        requests: answered.length,
        answered503: answered.filter((a) => a.status === 503).length,
        slowestWhileDownMs: Math.max(...whileDown.map((a) => a.ms)),
        restartedAfterMs,
      })}`,
    );
  }, 180_000);
});
