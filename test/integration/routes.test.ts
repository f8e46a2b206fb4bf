import { listRoutes } from '../../src/platform/routes';
import { apiClient, signedInAs, startTestApp, STRONG_PASSWORD, type TestApp } from '../helpers/app';
import { send, type Client, type Method } from '../helpers/client';
import { createAdmin, createOfficer, registeredSupplier, uniqueEmail } from '../helpers/factories';
import matrix from '../fixtures/role-matrix.json';

const ROLES = ['supplier', 'officer', 'programme', 'admin'] as const;

let t: TestApp;
const clients: Partial<Record<(typeof ROLES)[number], Client>> = {};

beforeAll(async () => {
  t = await startTestApp();
  clients.officer = await signedInAs(t.app, (await createOfficer(t.auth, 'camden')).email);
  clients.admin = await signedInAs(t.app, (await createAdmin(t.auth)).email);
  const programme = await t.auth.createUser({
    role: 'programme',
    email: uniqueEmail('programme'),
    password: STRONG_PASSWORD,
    name: 'Pat Programme',
  });
  clients.programme = await signedInAs(t.app, programme.email);
  clients.supplier = await registeredSupplier(t.app);
});
afterAll(async () => t.close());

const routes = () => listRoutes(t.app);
const key = (r: { method: string; path: string }) => `${r.method} ${r.path}`;
/** A concrete URL for a route pattern: ids that name nothing, which the guard must refuse before any lookup. */
const concrete = (path: string) => path.replace(/:[A-Za-z]+/g, '0123456789abcdef01234567');
/** A request to the route, with the client's CSRF token so that only the guard can refuse it. */
const call = (client: Client, r: { method: string; path: string }) => send(client, r.method.toLowerCase() as Method, concrete(r.path));

test('every route declares who may use it (deny by default)', () => {
  const undeclared = routes().filter((r) => r.roles === null);
  expect(undeclared.map(key)).toEqual([]);
});

test('the routes and their roles are exactly the committed role matrix', () => {
  const actual = Object.fromEntries(routes().map((r) => [key(r), r.roles]));
  expect(actual).toEqual(matrix);
});

test('anonymous callers are turned away from every guarded route: 401 for the API, the sign-in page otherwise', async () => {
  for (const r of routes().filter((route) => !route.roles?.includes('anyone'))) {
    const anon = await apiClient(t.app);
    const res = await call(anon, r);
    if (r.path.startsWith('/api/')) expect([key(r), res.status]).toEqual([key(r), 401]);
    else {
      expect([key(r), res.status]).toEqual([key(r), 303]);
      expect(res.headers.location).toMatch(/^\/login\?next=/);
    }
  }
});

test('every signed-in role outside a route’s list gets 403', async () => {
  let checked = 0;
  for (const r of routes().filter((route) => !route.roles?.includes('anyone'))) {
    for (const role of ROLES.filter((name) => !r.roles?.includes(name))) {
      const client = clients[role]!;
      const res = await call(client, r);
      expect([key(r), role, res.status]).toEqual([key(r), role, 403]);
      checked += 1;
    }
  }
  expect(checked).toBeGreaterThan(40);
});
