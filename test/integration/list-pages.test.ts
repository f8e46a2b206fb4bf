import { Types } from 'mongoose';
import { signedInAs, startTestApp, type TestApp } from '../helpers/app';
import type { Client } from '../helpers/client';
import { bulkTime, insertInterests, insertOrganisations, insertResponses } from '../helpers/bulk';
import { createOfficer, publishedExercise, registeredSupplier, type Supplier } from '../helpers/factories';

// Lists that grow without bound come a page at a time: an officer's interests (50 a page), responses (50 a page) and
// an organisation's notifications (20 a page). The records are written straight to the database (many, quickly);
// every read goes through HTTP.

let t: TestApp;
let camden: Client;
let hackney: Client;
let supplier: Supplier;
let camdenExercise: string;
let hackneyExercise: string;

const MANY = 55;
const idOf = (id: string) => new Types.ObjectId(id);

beforeAll(async () => {
  t = await startTestApp();
  camden = await signedInAs(t.app, (await createOfficer(t.auth, 'camden')).email);
  hackney = await signedInAs(t.app, (await createOfficer(t.auth, 'hackney')).email);
  camdenExercise = await publishedExercise(camden, { questionnaire: { template: 'library-smt-v1' } });
  hackneyExercise = await publishedExercise(hackney, { questionnaire: { template: 'library-smt-v1' } });
  supplier = await registeredSupplier(t.app);
});
afterAll(() => t.close());

describe('an officer’s expressions of interest', () => {
  beforeAll(async () => {
    await insertInterests(t.conn, camdenExercise, await insertOrganisations(t.conn, MANY, 'Camden'), 'Camden');
    await insertInterests(t.conn, hackneyExercise, await insertOrganisations(t.conn, 7, 'Hackney'), 'Hackney');
  });

  it('come whole through the API up to 500 (then 500 a page), oldest first, counted in all', async () => {
    const first = await camden.agent.get(`/api/v1/tenders/${camdenExercise}/interests`).expect(200);
    expect(first.body).toMatchObject({ page: 1, pageSize: 500, total: MANY, pageCount: 1 });
    const names = first.body.items.map((i: { contactName: string }) => i.contactName);
    expect(names).toEqual(Array.from({ length: MANY }, (_, i) => `Camden ${String(i).padStart(3, '0')}`));
    expect(first.body.counts.total).toBe(MANY);
    const past = await camden.agent.get(`/api/v1/tenders/${camdenExercise}/interests?page=9`).expect(200);
    expect(past.body).toMatchObject({ page: 1, total: MANY });
  });

  it('show the last page for a page past the end, and the first for a page that makes no sense', async () => {
    const past = await camden.agent.get(`/tenders/${camdenExercise}/interests?page=9`).expect(200);
    expect(past.text).toContain('page 2 of 2');
    expect(past.text).toContain('Camden 050');
    for (const page of ['0', 'abc', '-1']) {
      const res = await camden.agent.get(`/tenders/${camdenExercise}/interests?page=${page}`).expect(200);
      expect(res.text).toContain('page 1 of 2');
      expect(res.text).toContain('Camden 000');
    }
  });

  it('never count another borough’s interests, and keep filters while paging', async () => {
    const own = await hackney.agent.get(`/api/v1/tenders/${hackneyExercise}/interests`).expect(200);
    expect(own.body).toMatchObject({ total: 7, pageCount: 1 });
    expect(own.body.items.every((i: { contactName: string }) => i.contactName.startsWith('Hackney'))).toBe(true);
    await hackney.agent.get(`/api/v1/tenders/${camdenExercise}/interests`).expect(404);

    const filtered = await camden.agent.get(`/api/v1/tenders/${camdenExercise}/interests?sector=voluntary`).expect(200);
    expect(filtered.body).toMatchObject({ total: 27, pageCount: 1 });
  });

  it('show a page at a time on the officer’s page, with GOV.UK pagination', async () => {
    const first = await camden.agent.get(`/tenders/${camdenExercise}/interests`).expect(200);
    expect(first.text).toContain('Organisations (55)');
    expect(first.text).toContain('page 1 of 2');
    expect(first.text).toContain('govuk-pagination');
    expect(first.text).toContain(`href="/tenders/${camdenExercise}/interests?page=2"`);
    expect(first.text).toContain('Camden 049');
    expect(first.text).not.toContain('Camden 050');
    const second = await camden.agent.get(`/tenders/${camdenExercise}/interests?page=2`).expect(200);
    expect(second.text).toContain('Showing 51 to 55 of 55');
    expect(second.text).toContain(`href="/tenders/${camdenExercise}/interests"`);
    expect(second.text).not.toContain(`/interests?"`);
    expect(second.text).toContain('Camden 054');
    expect(second.text).not.toContain('Camden 049');
    const all = await camden.agent.get(`/tenders/${camdenExercise}/interests?sector=private`).expect(200);
    expect(all.text).not.toContain('govuk-pagination');
  });
});

describe('an officer’s questionnaire responses', () => {
  let ids: string[];
  beforeAll(async () => {
    // Every seventh submitted, the rest drafts.
    const submitted = (i: number) => i % 7 === 0;
    ids = await insertResponses(t.conn, camdenExercise, await insertOrganisations(t.conn, MANY, 'Answering'), { submitted });
    await insertResponses(t.conn, hackneyExercise, await insertOrganisations(t.conn, 4, 'Answering'), { submitted });
  });

  it('come whole through the API up to 500 (then 500 a page), oldest first', async () => {
    const first = await camden.agent.get(`/api/v1/tenders/${camdenExercise}/responses`).expect(200);
    expect(first.body).toMatchObject({ page: 1, pageSize: 500, total: MANY, pageCount: 1 });
    expect(first.body.items.map((r: { id: string }) => r.id)).toEqual(ids);
    const past = await camden.agent.get(`/api/v1/tenders/${camdenExercise}/responses?page=3`).expect(200);
    expect(past.body.page).toBe(1);
    const other = await hackney.agent.get(`/api/v1/tenders/${hackneyExercise}/responses`).expect(200);
    expect(other.body).toMatchObject({ total: 4, pageCount: 1 });
  });

  it('show a page at a time, with the counts of every response', async () => {
    const first = await camden.agent.get(`/tenders/${camdenExercise}/responses`).expect(200);
    // 0, 7, … 49: eight submitted of 55.
    expect(first.text).toContain('8 submitted. 47 started but not submitted');
    expect(first.text).toContain('page 1 of 2');
    expect(first.text).toContain(`href="/tenders/${camdenExercise}/responses?page=2"`);
    expect(first.text).toContain(`response-${ids[49]}`);
    expect(first.text).not.toContain(`response-${ids[50]}`);
    const second = await camden.agent.get(`/tenders/${camdenExercise}/responses?page=2`).expect(200);
    expect(second.text).toContain('Showing 51 to 55 of 55');
    expect(second.text).toContain(`href="/tenders/${camdenExercise}/responses"`);
    expect(second.text).not.toContain(`/responses?"`);
    expect(second.text).toContain(`response-${ids[54]}`);
    expect(second.text).not.toContain(`response-${ids[0]}"`);
  });
});

describe('an organisation’s notifications', () => {
  beforeAll(async () => {
    const own = idOf(supplier.organisationId);
    const other = new Types.ObjectId();
    await t.conn.collection('notifications').insertMany(
      Array.from({ length: 25 }, (_, i) => ({
        organisation: own,
        kind: 'clarification',
        title: `Notice ${String(i).padStart(3, '0')}`,
        body: 'An answer was published',
        link: '/tenders',
        createdAt: bulkTime(i),
        readAt: null,
      })).concat([
        { organisation: other, kind: 'clarification', title: 'Not yours', body: '', link: '/', createdAt: bulkTime(99), readAt: null },
      ]),
    );
  });

  it('show the newest 10 on the dashboard with a link to all of them', async () => {
    const res = await supplier.agent.get('/dashboard').expect(200);
    expect(res.text).toContain('Notice 024');
    expect(res.text).toContain('Notice 015');
    expect(res.text).not.toContain('Notice 014');
    expect(res.text).toContain('See all 25 notifications');
  });

  it('come 20 a page, newest first, with nobody else’s', async () => {
    const first = await supplier.agent.get('/notifications').expect(200);
    expect(first.text).toContain('25 notifications, newest first: page 1 of 2');
    expect(first.text).toContain('Notice 024');
    expect(first.text).toContain('Notice 005');
    expect(first.text).not.toContain('Notice 004');
    expect(first.text).not.toContain('Not yours');
    expect(first.text).toContain('href="/notifications?page=2"');
    const titles = (html: string) => [...html.matchAll(/Notice (\d{3})/g)].map((m) => Number(m[1]));
    const second = await supplier.agent.get('/notifications?page=2').expect(200);
    // The way back to page 1 is the list's own address, with no empty query on the end.
    expect(second.text).toContain('href="/notifications"');
    expect(second.text).not.toContain('href="/notifications?"');
    expect([...titles(first.text), ...titles(second.text)]).toEqual(Array.from({ length: 25 }, (_, i) => 24 - i));
    const past = await supplier.agent.get('/notifications?page=7').expect(200);
    expect(titles(past.text)).toEqual([4, 3, 2, 1, 0]);
    await camden.agent.get('/notifications').expect(403);
  });
});

describe('the API’s list of exercises', () => {
  it('comes a page at a time, with the page, its size and the total; a page past the end is the last', async () => {
    const first = await camden.agent.get('/api/v1/tenders').expect(200);
    expect(first.body).toMatchObject({ page: 1, pageSize: 500, total: 2, pageCount: 1 });
    expect(first.body.items.map((i: { id: string }) => i.id).sort()).toEqual([camdenExercise, hackneyExercise].sort());
    const past = await camden.agent.get('/api/v1/tenders?page=9').expect(200);
    expect(past.body).toMatchObject({ page: 1, total: 2 });
    expect(past.body.items).toHaveLength(2);
  });

  it('shows an officer their own council’s exercises on the dashboard, not another’s', async () => {
    const res = await camden.agent.get('/dashboard').expect(200);
    expect(res.text).toContain(`href="/tenders/${camdenExercise}"`);
    expect(res.text).not.toContain(`href="/tenders/${hackneyExercise}"`);
    expect(res.text).not.toContain('See all');
  });
});
