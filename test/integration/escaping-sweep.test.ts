import { listRoutes } from '../../src/platform/routes';
import { startTestApp, type TestApp } from '../helpers/app';
import { answerOrganisationSteps } from '../helpers/forms';
import supertest from 'supertest';
import { buildWorld, fillPath, ownValues, PAYLOAD, UNESCAPED, type World, type WorldRole } from '../helpers/world';

// SECURITY.md 17: templates auto-escape; markup typed by users renders as text on every page, for every role.

const ROLES: WorldRole[] = ['anonymous', 'supplier', 'officer', 'programme', 'admin'];

let t: TestApp;
let world: World;

beforeAll(async () => {
  t = await startTestApp();
  world = await buildWorld(t, (what) => `${what} ${PAYLOAD}`);
}, 60_000);
afterAll(async () => t.close());

test('the world really holds the payload', async () => {
  const res = await world.camden.officer.agent.get(`/api/v1/tenders/${world.camden.exerciseId}`);
  expect(res.body.title).toContain(PAYLOAD);
});

/** Every GET route with its parameters filled from camden's side (sections and questions more than once). */
function pagesToCrawl(): string[] {
  const own = ownValues(world);
  const urls = new Set<string>();
  for (const r of listRoutes(t.app).filter((route) => route.method === 'GET')) {
    if (r.path.startsWith('/api/v1/admin/users/')) continue;
    for (const n of ['1', '2']) urls.add(fillPath(r.path, { ...own, n, s: n }));
  }
  // Text reflected from the address.
  const q = encodeURIComponent(PAYLOAD);
  for (const extra of [
    `/tenders?q=${q}`,
    `/login?next=${q}`,
    `/tenders/${q}`,
    `/findings?borough=${q}`,
    `/admin/audit?actor=${q}&event=${q}`,
  ])
    urls.add(extra);
  return [...urls];
}

test('no page shows user-typed markup unescaped, for any role', async () => {
  const unescaped: string[] = [];
  const showing: Record<string, string[]> = {};
  // The roles crawl side by side (each in its own session), to keep the sweep quick.
  await Promise.all(
    ROLES.map(async (role) => {
      const client = await world.client(role);
      showing[role] = [];
      for (const url of pagesToCrawl()) {
        const res = await client.agent.get(url);
        const type = String(res.headers['content-type'] ?? '');
        if (!type.startsWith('text/html')) {
          // Data (JSON, plain text, downloads) is never sniffed into HTML by a browser.
          if (!type || res.headers['x-content-type-options'] !== 'nosniff') unescaped.push(`${role} ${url} (${type || 'no type'})`);
          continue;
        }
        if (UNESCAPED.some((m) => res.text.includes(m))) unescaped.push(`${role} ${url}`);
        if (res.status === 200 && res.text.includes('&lt;script&gt;x()&lt;/script&gt;')) showing[role]!.push(url);
      }
    }),
  );
  expect(unescaped).toEqual([]);
  // The crawl reached the pages where the typed text is shown, for each role.
  const { exerciseId: id } = world.camden;
  expect(showing.anonymous).toEqual(expect.arrayContaining(['/tenders', `/tenders/${id}`]));
  expect(showing.supplier).toEqual(
    expect.arrayContaining([
      `/tenders/${id}/partners`,
      `/tenders/${id}/response/check`,
      `/tenders/${id}/response/sections/2`,
      '/organisation',
    ]),
  );
  expect(showing.officer).toEqual(
    expect.arrayContaining([
      `/tenders/${id}/interests`,
      `/tenders/${id}/responses`,
      `/tenders/${id}/responses/${world.camden.responseId}`,
      `/tenders/${id}/questions`,
      `/tenders/${id}/analysis`,
      `/tenders/${id}/questionnaire/edit`,
    ]),
  );
  expect(showing.admin).toEqual(expect.arrayContaining(['/admin/audit']));
}, 60_000);

test('the registration pages show what was typed, escaped', async () => {
  const agent = supertest.agent(t.app);
  const check = await answerOrganisationSteps(agent, { 'organisation-name': { organisationName: `Readers ${PAYLOAD}` } });
  expect(check.status).toBe(200);
  expect(check.text).toContain('Readers &lt;script&gt;x()');
  for (const url of ['/register/check-answers', '/register/organisation-name', '/register/your-details']) {
    const page = await agent.get(url);
    expect([url, UNESCAPED.some((m) => page.text.includes(m))]).toEqual([url, false]);
  }
});
