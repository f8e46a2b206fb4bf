import http from 'node:http';
import supertest from 'supertest';
import { apiClient, signedInAs, startTestApp, STRONG_PASSWORD, testClock, type TestApp } from '../helpers/app';
import { listen } from '../helpers/browser';
import { send, type Client } from '../helpers/client';
import { createAdmin, createOfficer, draftExercise, publishedExercise, sampleQuestionnaire, uniqueEmail } from '../helpers/factories';
import { csrfFrom, signInThroughForm } from '../helpers/forms';

const clock = testClock();
const auditClock = testClock('2027-01-10T09:00:00.000Z');
let t: TestApp;
let admin: Client;
let adminId: string;
let camden: Client;
let camdenOfficer: { id: string; email: string };

interface Item {
  at: string;
  event: string;
  actor: { id: string; role: string; email?: string; name?: string } | null;
  tender: string | null;
  details: { outcome: string; text: string; target: string };
}

beforeAll(async () => {
  t = await startTestApp({ tenders: { now: clock.now }, questionnaires: { now: clock.now }, audit: { now: auditClock.now } });
  const a = await createAdmin(t.auth);
  adminId = a.id;
  admin = await signedInAs(t.app, a.email);
  camdenOfficer = await createOfficer(t.auth, 'camden');
  camden = await signedInAs(t.app, camdenOfficer.email);
});
afterAll(async () => t.close());

const audit = async (query: Record<string, string> = {}) => {
  const res = await admin.agent.get('/api/v1/admin/audit').query(query);
  expect(res.status).toBe(200);
  return res.body as { items: Item[]; page: number; pageSize: number };
};
const events = async (query: Record<string, string>) => (await audit(query)).items;

describe('what is recorded', () => {
  test('sign-ins through the API and the page, and failed ones with the email tried but never the password', async () => {
    const me = await events({ event: 'auth.sign_in', actor: adminId });
    expect(me[0]).toMatchObject({
      event: 'auth.sign_in',
      actor: { id: adminId, role: 'admin' },
      tender: null,
      details: { outcome: 'allowed', text: 'password' },
    });

    const officer = await createOfficer(t.auth, 'hackney');
    await signInThroughForm(t.app, officer.email);
    expect(await events({ event: 'auth.sign_in', actor: officer.email })).toHaveLength(1);

    const anon = await apiClient(t.app);
    const wrong = await send(anon, 'post', '/api/v1/auth/login', { email: officer.email, password: 'not the password at all' });
    expect(wrong.status).toBe(401);
    const stranger = uniqueEmail('nobody');
    const form = supertest.agent(t.app);
    const login = await form.get('/login').expect(200);
    const refused = await form
      .post('/login')
      .type('form')
      .send({ _csrf: csrfFrom(login.text), email: stranger, password: 'guessing at random here' });
    expect(refused.status).toBeGreaterThanOrEqual(400);

    const failed = await events({ event: 'auth.sign_in.failed' });
    const texts = failed.map((e) => e.details.text);
    expect(texts).toEqual(expect.arrayContaining([`email tried: ${officer.email}`, `email tried: ${stranger}`]));
    expect(JSON.stringify(failed)).not.toMatch(/not the password|guessing at random/);
    expect(failed.find((e) => e.details.text.includes(officer.email))).toMatchObject({
      actor: { id: officer.id },
      details: { outcome: 'denied' },
    });
    expect(failed.find((e) => e.details.text.includes(stranger))?.actor).toBeNull();
    expect(await events({ event: 'auth.' })).toEqual(expect.arrayContaining([expect.objectContaining({ event: 'auth.sign_in.failed' })]));

    // Past the limit the password is not even checked; the attempt is still recorded.
    const limited = uniqueEmail('limited');
    for (let n = 0; n < 6; n++) await send(anon, 'post', '/api/v1/auth/login', { email: limited, password: 'one more guess here' });
    const attempts = await events({ event: 'auth.sign_in.failed' });
    const mine = attempts.filter((e) => e.details.text.startsWith(`email tried: ${limited}`)).map((e) => e.details.text);
    expect(mine.length).toBe(6);
    expect(mine[0]).toBe(`email tried: ${limited} (too many attempts, password not checked)`);
  });

  test('publishing, changes after publishing with old and new values, sharing, closing and cancelling', async () => {
    const id = await publishedExercise(camden);
    expect(await send(camden, 'patch', `/api/v1/tenders/${id}`, { questionnaireDeadline: '2027-03-15T12:00:00.000Z' })).toHaveProperty(
      'status',
      200,
    );
    expect(
      await send(camden, 'patch', `/api/v1/tenders/${id}`, { title: 'Libraries in the north, run with the community' }),
    ).toHaveProperty('status', 200);
    expect(await send(camden, 'put', `/api/v1/tenders/${id}/sharing`, { shareFindings: false })).toHaveProperty('status', 200);
    expect(await send(camden, 'post', `/api/v1/tenders/${id}/close`)).toHaveProperty('status', 200);
    const other = await publishedExercise(camden);
    expect(await send(camden, 'post', `/api/v1/tenders/${other}/cancel`)).toHaveProperty('status', 200);

    const onFirst = await events({ tender: id });
    const byEvent = Object.fromEntries(onFirst.map((e) => [e.event, e]));
    expect(Object.keys(byEvent)).toEqual(
      expect.arrayContaining([
        'tender.publish',
        'tender.integrity.change',
        'tender.specification.change',
        'tender.sharing.change',
        'tender.close',
      ]),
    );
    expect(byEvent['tender.integrity.change']).toMatchObject({
      actor: { id: camdenOfficer.id, role: 'officer', email: camdenOfficer.email },
      tender: id,
    });
    expect(byEvent['tender.integrity.change']!.details.text).toBe(
      'questionnaireDeadline: "2027-03-01T12:00:00.000Z" → "2027-03-15T12:00:00.000Z"',
    );
    expect(byEvent['tender.specification.change']!.details.text).toBe(
      'title: "Community library services in the north of the borough" → "Libraries in the north, run with the community"',
    );
    expect(byEvent['tender.sharing.change']!.details.text).toBe('off');
    expect((await events({ tender: other })).map((e) => e.event)).toEqual(['tender.cancel', 'tender.publish']);
  });

  test('a denied read of another borough’s draft and a sealed read are recorded', async () => {
    const draft = await draftExercise(camden);
    const hackney = await signedInAs(t.app, (await createOfficer(t.auth, 'hackney')).email);
    expect((await hackney.agent.get(`/api/v1/tenders/${draft}`)).status).toBe(404);
    const denied = await events({ tender: draft, event: 'tender.read' });
    expect(denied).toHaveLength(1);
    expect(denied[0]).toMatchObject({ details: { outcome: 'denied', text: 'draft of another borough' }, actor: { role: 'officer' } });

    const sealed = await publishedExercise(camden, {
      tender: { sealed: true },
      questionnaire: sampleQuestionnaire({ only: ['experience'] }),
    });
    expect((await camden.agent.get(`/api/v1/tenders/${sealed}/responses`)).status).toBe(403);
    expect(await events({ tender: sealed, event: 'responses.' })).toEqual([
      expect.objectContaining({
        event: 'responses.list',
        details: expect.objectContaining({ outcome: 'denied', text: 'sealed until the deadline' }),
      }),
    ]);
  });

  test('exports: the sector workbook and the findings', async () => {
    const id = await publishedExercise(camden, { questionnaire: sampleQuestionnaire({ only: ['experience'] }) });
    expect((await camden.agent.get(`/api/v1/tenders/${id}/report.xlsx`)).status).toBe(200);
    expect((await admin.agent.get('/api/v1/findings.xlsx')).status).toBe(200);
    expect((await events({ tender: id, event: 'reports.workbook' }))[0]).toMatchObject({ details: { outcome: 'allowed' } });
    expect((await events({ event: 'findings.export', actor: adminId }))[0]).toMatchObject({
      tender: null,
      details: { target: 'findings' },
    });
  });
});

describe('filters', () => {
  test('by the exact London day, inclusive, in winter (GMT) and in summer (BST)', async () => {
    const at = async (iso: string, detail: string) => {
      auditClock.set(iso);
      await t.audit.record({ action: 'test.day', outcome: 'allowed', actor: undefined, target: 'test', detail });
    };
    await at('2027-01-14T23:59:59.999Z', 'winter before');
    await at('2027-01-15T00:00:00.000Z', 'winter first');
    await at('2027-01-15T23:59:59.999Z', 'winter last');
    await at('2027-01-16T00:00:00.000Z', 'winter after');
    await at('2027-07-14T22:59:59.999Z', 'summer before');
    await at('2027-07-14T23:00:00.000Z', 'summer first');
    await at('2027-07-15T22:59:59.999Z', 'summer last');
    await at('2027-07-15T23:00:00.000Z', 'summer after');
    const texts = async (from: string, to: string) => (await events({ event: 'test.day', from, to })).map((e) => e.details.text);
    expect(await texts('2027-01-15', '2027-01-15')).toEqual(['winter last', 'winter first']);
    expect(await texts('2027-07-15', '2027-07-15')).toEqual(['summer last', 'summer first']);
    expect(await texts('2027-07-14T23:00:00Z', '2027-07-15T22:59:59.999Z')).toEqual(['summer last', 'summer first']);
    expect(await texts('2027-01-15', '2027-07-14')).toEqual(['summer before', 'winter after', 'winter last', 'winter first']);
  });

  test('page 2 is the next 50, newest first, with ties in the order they were written', async () => {
    auditClock.set('2027-05-01T09:00:00.000Z');
    for (let n = 1; n <= 60; n++) {
      // Every third event shares its time with the one before, so the order of equal times is tested too.
      if (n % 3 !== 0) auditClock.advance(1000);
      await t.audit.record({ action: 'test.page', outcome: 'allowed', actor: undefined, target: 'test', detail: String(n) });
    }
    const first = await audit({ event: 'test.page' });
    expect(first).toMatchObject({ page: 1, pageSize: 50 });
    expect(first.items.map((e) => e.details.text)).toEqual(Array.from({ length: 50 }, (_, i) => String(60 - i)));
    const second = await audit({ event: 'test.page', page: '2' });
    expect(second.page).toBe(2);
    expect(second.items.map((e) => e.details.text)).toEqual(Array.from({ length: 10 }, (_, i) => String(10 - i)));
  });

  test('by actor id or email (any case), by exercise id, and an unknown email matches nothing', async () => {
    expect((await events({ actor: camdenOfficer.email.toUpperCase() })).every((e) => e.actor?.id === camdenOfficer.id)).toBe(true);
    expect((await events({ actor: camdenOfficer.id })).length).toBeGreaterThan(0);
    expect(await events({ actor: 'nobody-here@example.org' })).toEqual([]);
    expect(await events({ tender: '0123456789abcdef01234567' })).toEqual([]);
  });

  test('bad filters are 422 with a message for each field', async () => {
    const res = await admin.agent
      .get('/api/v1/admin/audit')
      .query({ event: 'Not An Event!', from: '2027-02-30', to: 'yesterday', page: '0' });
    expect(res.status).toBe(422);
    expect(Object.keys(res.body.error.fields).sort()).toEqual(['event', 'from', 'page', 'to']);
    const backwards = await admin.agent.get('/api/v1/admin/audit').query({ from: '2027-02-02', to: '2027-02-01' });
    expect(backwards.status).toBe(422);
    expect(backwards.body.error.fields.to).toBe('The to date must be the same as or after the from date');
    const deep = await admin.agent.get('/api/v1/admin/audit').query({ page: '201' });
    expect(deep.status).toBe(422);
    expect(deep.body.error.fields.page).toMatch(/first 200 pages/);
    expect((await admin.agent.get('/api/v1/admin/audit?event=a&event=b')).status).toBe(422);
  });
});

describe('who may read it', () => {
  test('401 for anonymous API callers, 403 for signed-in non-admins, the sign-in page for anonymous page visits', async () => {
    expect((await (await apiClient(t.app)).agent.get('/api/v1/admin/audit')).status).toBe(401);
    expect((await camden.agent.get('/api/v1/admin/audit')).status).toBe(403);
    expect((await camden.agent.get('/admin/audit')).status).toBe(403);
    expect((await camden.agent.get('/admin/audit.csv')).status).toBe(403);
    const anon = await (await apiClient(t.app)).agent.get('/admin/audit');
    expect(anon.status).toBe(303);
    expect(anon.headers.location).toMatch(/^\/login\?next=/);
  });
});

describe('the CSV', () => {
  test('a header row, every field quoted, formulas made plain, UTF-8 with a BOM, and the filters applied', async () => {
    auditClock.set('2027-06-01T10:00:00.000Z');
    await t.audit.record({
      action: 'test.csv',
      outcome: 'denied',
      actor: { id: adminId, role: 'admin' },
      target: 'test',
      detail: '=HYPERLINK("http://x")',
    });
    auditClock.advance(1000);
    await t.audit.record({ action: 'test.csv', outcome: 'allowed', actor: undefined, target: 'test', detail: '-1+2, said "Zoë"' });
    const res = await admin.agent
      .get('/admin/audit.csv')
      .query({ event: 'test.csv' })
      .buffer(true)
      .parse((r, done) => {
        const chunks: Buffer[] = [];
        r.on('data', (c: Buffer) => chunks.push(c));
        r.on('end', () => done(null, Buffer.concat(chunks)));
      });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toMatch(/attachment; filename="audit-log.csv"/);
    const body = res.body as Buffer;
    expect([...body.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = body.toString('utf8').slice(1).trimEnd().split('\r\n');
    expect(lines[0]).toBe('"Time (UTC)","Time (UK)","Event","Outcome","User id","Role","Email","Exercise","Target","Details"');
    expect(lines).toHaveLength(3);
    expect(lines[1]).toBe(
      '"2027-06-01T10:00:01.000Z","1 June 2027, 11am (UK time)","test.csv","allowed","","","","","test","\'-1+2, said ""Zoë"""',
    );
    expect(lines[2]).toContain(`"${adminId}","admin","`);
    expect(lines[2]!.endsWith('"\'=HYPERLINK(""http://x"")"')).toBe(true);
    expect(lines.every((line) => /^"(?:[^"]|"")*"(?:,"(?:[^"]|"")*")*$/.test(line))).toBe(true);

    const bad = await admin.agent.get('/admin/audit.csv').query({ from: 'soon' });
    expect(bad.status).toBe(422);
  });

  test('a client that goes away mid-download stops the read, and the server carries on', async () => {
    auditClock.set('2027-08-01T10:00:00.000Z');
    for (let n = 0; n < 1500; n++) {
      await t.audit.record({ action: 'test.bulk', outcome: 'allowed', actor: undefined, target: 'test', detail: 'x'.repeat(200) });
    }
    const server = await listen(t.app);
    try {
      const session = await fetch(`${server.baseUrl}/api/v1/auth/session`);
      const cookie = session.headers
        .getSetCookie()
        .map((c) => c.split(';')[0])
        .join('; ');
      const { csrfToken } = (await session.json()) as { csrfToken: string };
      const email = (await t.auth.usersByIds([adminId]))[0]!.email;
      const login = await fetch(`${server.baseUrl}/api/v1/auth/login`, {
        method: 'POST',
        headers: { cookie, 'content-type': 'application/json', 'x-csrf-token': csrfToken },
        body: JSON.stringify({ email, password: STRONG_PASSWORD }),
      });
      // Read whole: the session is stored before the answer's last byte is sent (see signInOverHttp).
      await login.arrayBuffer();
      const signedIn = login.headers
        .getSetCookie()
        .map((c) => c.split(';')[0])
        .join('; ');
      const firstChunk = await new Promise<number>((resolve, reject) => {
        const req = http.get(`${server.baseUrl}/admin/audit.csv?event=test.bulk`, { headers: { cookie: signedIn } }, (res) => {
          res.once('data', (chunk: Buffer) => {
            resolve(res.statusCode ?? 0);
            void chunk;
            req.destroy();
          });
        });
        req.on('error', reject);
      });
      expect(firstChunk).toBe(200);
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect((await admin.agent.get('/api/v1/admin/audit').query({ event: 'test.bulk' })).body.items).toHaveLength(50);
      expect(t.serverErrors).toEqual([]);
    } finally {
      await server.close();
    }
  }, 60_000);
});

describe('append-only', () => {
  test('updates and deletes through the model are refused, and the filters have their indexes', async () => {
    const model = t.audit.events as unknown as {
      updateMany(f: object, u: object): Promise<unknown>;
      deleteMany(f: object): Promise<unknown>;
    };
    await expect(model.updateMany({}, { $set: { detail: 'changed' } })).rejects.toThrow('append-only');
    await expect(model.deleteMany({})).rejects.toThrow('append-only');
    expect(await t.audit.events.countDocuments({ detail: 'changed' })).toBe(0);
    const indexes = (await t.conn.collection('auditevents').indexes()).map((i) => JSON.stringify(i.key));
    expect(indexes).toEqual(
      expect.arrayContaining([
        '{"at":-1,"_id":-1}',
        '{"action":1,"at":-1,"_id":-1}',
        '{"actorId":1,"at":-1,"_id":-1}',
        '{"target":1,"at":-1,"_id":-1}',
      ]),
    );
  });
});
