import { listRoutes, type RouteInfo } from '../../src/platform/routes';
import { apiClient, STRONG_PASSWORD, startTestApp, type TestApp } from '../helpers/app';
import type { Client } from '../helpers/client';
import { uniqueEmail } from '../helpers/factories';
import { databaseSnapshot } from '../helpers/snapshot';
import { buildWorld, fillPath, ownValues, type World, type WorldRole } from '../helpers/world';

// SECURITY.md 15: NoSQL operators in bodies and query strings never match extra data and never cause a 500. Every
// route of the router is called by a role allowed to use it, on real data, with operator objects in its query string
// and (for changes) in its body, as JSON and as a form; no answer may be a 500, and no operator may be stored as data.

let t: TestApp;
let world: World;
let bystanderId: string;

beforeAll(async () => {
  t = await startTestApp();
  world = await buildWorld(t);
  bystanderId = (
    await t.auth.createUser({ role: 'officer', borough: 'camden', email: uniqueEmail('bystander'), password: STRONG_PASSWORD, name: 'B' })
  ).id;
}, 60_000);
afterAll(async () => t.close());

const key = (r: RouteInfo) => `${r.method} ${r.path}`;
const QUERY = 'q[$ne]=x&page[$gt]=0&status[$regex]=.*&sort[$where]=1&borough[$ne]=camden&event[$in][]=x';
const JSON_BODY = {
  $where: 'sleep(100)',
  email: { $ne: null },
  password: { $gt: '' },
  name: { $regex: '.*' },
  answers: { $gt: '', experience: { $ne: null } },
  lotIds: [{ $ne: null }],
  organisationId: { $ne: null },
  shareFindings: { $ne: false },
  decision: { $in: ['change'] },
  code: { $gt: '' },
};
const FORM_BODY = 'email[$ne]=&password[$gt]=&name[$regex]=.*&answer[$ne]=x&q[$where]=1';
const OPERATORS = ['"$ne"', '"$gt"', '"$regex"', '"$where"', '"$in"'];

const urlOf = (r: RouteInfo) =>
  r.path.startsWith('/api/v1/admin/users/') ? fillPath(r.path, { id: bystanderId }) : fillPath(r.path, ownValues(world));

async function callerOf(r: RouteInfo): Promise<Client> {
  const role = (r.roles ?? []).find((name) => name !== 'anyone') as WorldRole | undefined;
  return role ? world.client(role) : apiClient(t.app);
}

test('operator objects in query strings and bodies never cause a 500 on any route, and no operator is stored', async () => {
  // Reads first, then changes; signing out last, so that every route is called by a signed-in user.
  const order = (r: RouteInfo) => (r.path.includes('logout') ? 2 : r.method === 'GET' ? 0 : 1);
  const routes = listRoutes(t.app).sort((a, b) => order(a) - order(b));
  const failures: string[] = [];
  for (const r of routes) {
    const client = await callerOf(r);
    const url = `${urlOf(r)}?${QUERY}`;
    const method = r.method.toLowerCase() as 'get' | 'post' | 'put' | 'patch' | 'delete';
    const attempts =
      r.method === 'GET'
        ? [client.agent.get(url)]
        : [
            client.agent[method](url).set('X-CSRF-Token', client.csrfToken).send(JSON_BODY),
            client.agent[method](url)
              .set('X-CSRF-Token', client.csrfToken)
              .type('form')
              .send(`_csrf=${encodeURIComponent(client.csrfToken)}&${FORM_BODY}`),
          ];
    for (const attempt of attempts) {
      const res = await attempt;
      if (res.status >= 500) failures.push(`${key(r)}: ${res.status}`);
    }
  }
  expect(routes.length).toBeGreaterThan(150);
  expect(failures).toEqual([]);
  const stored = JSON.stringify(await databaseSnapshot(t.conn));
  expect(OPERATORS.filter((op) => stored.includes(op))).toEqual([]);
  expect(t.serverErrors).toEqual([]);
}, 240_000);
