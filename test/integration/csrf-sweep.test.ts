import { listRoutes, type RouteInfo } from '../../src/platform/routes';
import { apiClient, startTestApp, type TestApp } from '../helpers/app';
import type { Client } from '../helpers/client';
import { databaseSnapshot } from '../helpers/snapshot';
import { buildWorld, fillPath, ownValues, type World, type WorldRole } from '../helpers/world';

// SECURITY.md 19 and API.md: every state-changing request, sign-in and uploads included, carries the session's CSRF
// token (X-CSRF-Token, or _csrf in a form); without it the answer is 403 and nothing changes.

const STATE_CHANGING = ['POST', 'PUT', 'PATCH', 'DELETE'];

let t: TestApp;
let world: World;

beforeAll(async () => {
  t = await startTestApp();
  world = await buildWorld(t);
}, 60_000);
afterAll(async () => t.close());

const routes = () => listRoutes(t.app).filter((r) => STATE_CHANGING.includes(r.method));
const key = (r: RouteInfo) => `${r.method} ${r.path}`;

/** The route's concrete URL on camden's real data, so that a request that got past the check would do something. */
function urlOf(r: RouteInfo): string {
  if (r.path.startsWith('/api/v1/admin/users/')) return fillPath(r.path, { id: world.adminUserId });
  return fillPath(r.path, ownValues(world));
}

/** Who may use the route: a signed-in user of its first role (a supplier for open routes), and anyone for open ones. */
async function callers(r: RouteInfo): Promise<[string, Client][]> {
  const roles = (r.roles ?? []).filter((role) => role !== 'anyone') as WorldRole[];
  const signedIn = roles[0] ?? 'supplier';
  const list: [string, Client][] = [[signedIn, await world.client(signedIn)]];
  if (r.roles?.includes('anyone')) list.push(['anonymous', await apiClient(t.app)]);
  return list;
}

const withToken = (url: string, token: string) => `${url}${url.includes('?') ? '&' : '?'}_csrf=${encodeURIComponent(token)}`;

/** The same request as a page form, a JSON call and a multipart upload would make it, each without a good token. */
function attempts(client: Client, r: RouteInfo, url: string, foreignToken: string) {
  const method = r.method.toLowerCase() as 'post' | 'put' | 'patch' | 'delete';
  return {
    'form without a token': () => client.agent[method](url).type('form').send({ answer: 'x', question: 'x' }),
    'JSON without a token': () => client.agent[method](url).send({ answer: 'x', question: 'x' }),
    'JSON with another session’s token': () => client.agent[method](url).set('X-CSRF-Token', foreignToken).send({ answer: 'x' }),
    'upload with no token': () => client.agent[method](url).field('title', 'x').attach('file', Buffer.from('%PDF-1.4\n'), 'x.pdf'),
    'upload with another session’s token in the address': () =>
      client.agent[method](withToken(url, foreignToken)).attach('file', Buffer.from('%PDF-1.4\n'), 'x.pdf'),
    // Only an upload form may carry its token in the address (its body is read after the check); any other body may not.
    'form with its own token in the address': () =>
      client.agent[method](withToken(url, client.csrfToken)).type('form').send({ answer: 'x' }),
  };
}

test('every state-changing route refuses a request without the session’s CSRF token (403), and nothing changes', async () => {
  const before = await databaseSnapshot(t.conn);
  const foreign = (await apiClient(t.app)).csrfToken;
  const wrong: string[] = [];
  let checked = 0;
  for (const r of routes()) {
    const url = urlOf(r);
    for (const [who, client] of await callers(r)) {
      for (const [how, attempt] of Object.entries(attempts(client, r, url, foreign))) {
        const res = await attempt();
        const refusedForToken = r.path.startsWith('/api/')
          ? res.body?.error?.code === 'invalid_csrf_token'
          : /The form was out of date/.test(res.text);
        if (res.status !== 403 || !refusedForToken) wrong.push(`${key(r)} as ${who}, ${how}: ${res.status}`);
        checked += 1;
      }
    }
  }
  expect(wrong).toEqual([]);
  expect(checked).toBeGreaterThan(6 * 80);
  expect(await databaseSnapshot(t.conn)).toEqual(before);
}, 60_000);

test('the sweep covers the state-changing routes of every part of the portal', () => {
  const paths = routes().map(key);
  for (const expected of [
    'POST /api/v1/auth/login',
    'POST /login',
    'PUT /api/v1/tenders/:id/response',
    'POST /api/v1/tenders/:id/response/files',
    'POST /tenders/:id/documents',
    'POST /api/v1/tenders/:id/interests',
    'PUT /api/v1/tenders/:id/decisions/:barrier',
    'POST /api/v1/admin/users/:id/disable',
  ])
    expect(paths).toContain(expected);
});
