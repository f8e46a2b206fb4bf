import type supertest from 'supertest';
import { listRoutes, type RouteInfo } from '../../src/platform/routes';
import { startTestApp, type TestApp } from '../helpers/app';
import type { Client } from '../helpers/client';
import { databaseSnapshot } from '../helpers/snapshot';
import { buildWorld, fillPath, ownValues, pathParams, type PathValues, type World } from '../helpers/world';

// SECURITY.md 13 and SPEC: every query on tenant data is scoped to the caller; another tenant's id answers 404. Here the
// ids are MIXED: the caller's own exercise with a child id (document, question, response, file) of another borough or
// another organisation, so a lookup that trusts the child id alone, or lost its borough or exercise filter, is caught.

/** Every path parameter the app uses, and what it names. A route with a parameter missing here fails the sweep. */
const PARAMS: Record<string, 'exercise' | 'child' | 'shape'> = {
  id: 'exercise',
  docId: 'child',
  cid: 'child',
  fileId: 'child',
  responseId: 'child',
  rid: 'child',
  // Positions and codes within the caller's own exercise, not ids of stored things.
  n: 'shape',
  s: 'shape',
  key: 'shape',
  barrier: 'shape',
  token: 'shape',
};

let t: TestApp;
let world: World;
/** The audit log, which records each refusal (SECURITY.md 4), is left out of the before-and-after comparison. */
const AUDIT = ['auditevents'];

beforeAll(async () => {
  t = await startTestApp();
  world = await buildWorld(t);
}, 60_000);
afterAll(async () => t.close());

const key = (r: { method: string; path: string }) => `${r.method} ${r.path}`;
const nested = () => listRoutes(t.app).filter((r) => pathParams(r.path).some((p) => PARAMS[p] === 'child'));
const allowed = (r: RouteInfo, role: string) => r.roles?.includes(role) || r.roles?.includes('anyone');

/** A request to the route with a body that would be accepted, so that only the lookup can refuse it. */
function call(client: Client, r: RouteInfo, url: string): supertest.Test {
  const method = r.method.toLowerCase() as 'get' | 'post' | 'put' | 'patch' | 'delete';
  const req = client.agent[method](url).set('X-CSRF-Token', client.csrfToken);
  if (r.method === 'GET') return req;
  if (url.startsWith('/api/')) return req.send({ answer: 'Leaked answer', publish: true });
  return req.type('form').send({ _csrf: client.csrfToken, answer: 'Leaked answer', publish: 'yes', confirmed: 'yes' });
}

/** The other side's data must not show in what came back (its texts and its files both name its borough). */
function leaks(res: supertest.Response, other: string): boolean {
  const body = res.text ?? (Buffer.isBuffer(res.body) ? (res.body as Buffer).toString('latin1') : JSON.stringify(res.body));
  return body.toLowerCase().includes(other);
}

interface Mix {
  who: 'officer' | 'supplier' | 'anonymous';
  what: string;
  values: () => PathValues;
  /** A word found in everything of the other side. */
  other: string;
  /** The answers that refuse: 404 unless the contract allows 403 too. */
  refusals?: number[];
}

const MIXES: Mix[] = [
  {
    who: 'officer',
    what: 'camden’s exercise with hackney’s child ids',
    values: () => ({
      ...ownValues(world),
      docId: world.hackney.docId,
      cid: world.hackney.clarificationId,
      responseId: world.hackney.responseId,
      rid: world.hackney.responseId,
      fileId: world.hackney.fileId,
    }),
    other: 'hackney',
  },
  {
    who: 'supplier',
    what: 'its own exercise with hackney’s child ids',
    values: () => ({ ...ownValues(world), docId: world.hackney.docId, cid: world.hackney.clarificationId, fileId: world.hackney.fileId }),
    other: 'hackney',
  },
  {
    who: 'anonymous',
    what: 'camden’s exercise with hackney’s child ids',
    values: () => ({ ...ownValues(world), docId: world.hackney.docId, cid: world.hackney.clarificationId, fileId: world.hackney.fileId }),
    other: 'hackney',
  },
  {
    who: 'officer',
    what: 'hackney’s exercise with camden’s own child ids',
    values: () => ({ ...ownValues(world), id: world.hackney.exerciseId }),
    other: 'hackney',
  },
  {
    who: 'supplier',
    what: 'hackney’s exercise with its own file and camden’s document',
    values: () => ({ ...ownValues(world), id: world.hackney.exerciseId }),
    other: 'hackney',
    // Hackney's exercise is public, but the organisation has no interest in it: 403 (not allowed) is the contract's answer too.
    refusals: [403, 404],
  },
  {
    who: 'supplier',
    what: 'its own exercise with another organisation’s response file on it',
    values: () => ({ ...ownValues(world), fileId: world.camden.otherFileId, responseId: world.camden.otherResponseId }),
    other: 'camden file 2',
  },
  {
    who: 'officer',
    what: 'its own response with the file of another response on the same exercise',
    values: () => ({ ...ownValues(world), fileId: world.camden.otherFileId }),
    other: 'camden file 2',
  },
];

test('every parameter of every route is in the sweep’s table', () => {
  const unknown = listRoutes(t.app).flatMap((r) =>
    pathParams(r.path)
      .filter((p) => !(p in PARAMS))
      .map((p) => `${key(r)} :${p}`),
  );
  expect(unknown).toEqual([]);
  // The routes that take a child id, found from the router, so a new nested route is swept without being listed.
  expect(nested().length).toBeGreaterThanOrEqual(10);
  expect(Object.keys(t.conn.models).map((name) => t.conn.models[name]!.collection.name)).toEqual(expect.arrayContaining(AUDIT));
});

test.each(MIXES)(
  '$who: $what is refused on every nested route, shows nothing and changes nothing',
  async ({ who, values, other, refusals = [404] }) => {
    const client = await world.client(who);
    const before = await databaseSnapshot(t.conn, AUDIT);
    const wrong: string[] = [];
    let checked = 0;
    for (const r of nested().filter((route) => allowed(route, who))) {
      // The own side, to prove the route works for the caller at all: a mix must then fail only because of the child id.
      const mixed = fillPath(r.path, values());
      if (mixed === fillPath(r.path, ownValues(world))) continue;
      const res = await call(client, r, mixed);
      if (!refusals.includes(res.status) || leaks(res, other))
        wrong.push(`${key(r)}: ${res.status}${leaks(res, other) ? ' and shows the other side' : ''}`);
      checked += 1;
    }
    expect(wrong).toEqual([]);
    expect(checked).toBeGreaterThan(0);
    // Answering another borough's question or reading its file leaves every record as it was (refusals are audited).
    expect(await databaseSnapshot(t.conn, AUDIT)).toEqual(before);
  },
);

test('the same routes with the caller’s own ids do answer, so each refusal above is the mix', async () => {
  const own = ownValues(world);
  const failing: string[] = [];
  for (const who of ['officer', 'supplier'] as const) {
    const client = await world.client(who);
    for (const r of nested().filter((route) => route.method === 'GET' && allowed(route, who))) {
      const res = await client.agent.get(fillPath(r.path, own));
      if (res.status !== 200) failing.push(`${who} ${key(r)}: ${res.status}`);
    }
  }
  expect(failing).toEqual([]);
});

test('an officer reaching for another borough’s exercise on any officer route is refused, and each attempt is audited', async () => {
  const officer = await world.client('officer');
  const hackneyId = world.hackney.exerciseId;
  const denials = () => t.conn.collection('auditevents').countDocuments({ target: `tender:${hackneyId}`, outcome: 'denied' });
  const routes = listRoutes(t.app).filter(
    (r) => pathParams(r.path)[0] === 'id' && r.roles?.includes('officer') && !r.roles.includes('anyone'),
  );
  const unaudited: string[] = [];
  let reached = 0;
  for (const r of routes) {
    const before = await denials();
    const res = await call(officer, r, fillPath(r.path, { ...ownValues(world), id: hackneyId }));
    // A body this sweep does not fill in is refused (422) before any exercise is looked up: nothing was reached.
    if (res.status === 422) continue;
    reached += 1;
    if (![403, 404].includes(res.status)) unaudited.push(`${key(r)}: answered ${res.status}`);
    else if ((await denials()) === before) unaudited.push(`${key(r)}: refused with ${res.status}, not audited`);
  }
  expect(reached).toBeGreaterThan(30);
  expect(unaudited).toEqual([]);
});
