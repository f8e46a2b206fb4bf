import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Connection } from 'mongoose';
import { Types } from 'mongoose';
import supertest from 'supertest';
import { connect } from '../../src/db';
import { createServices, type Services } from '../../src/services';
import { STRONG_PASSWORD, testDatabaseUri } from '../helpers/app';
import { onServer, send, type Client } from '../helpers/client';
import { registration, sampleQuestionnaire, tenderBody, uniqueEmail } from '../helpers/factories';
import { readySectionSave } from '../helpers/forms';
import { startServerProcess, type ServerProcess } from '../helpers/processes';

/**
 * Two app server processes on one database, as in production behind a load balancer: nothing one process holds in
 * memory protects the other, so every guarantee here comes from conditions in the database.
 */
jest.setTimeout(120_000);

let conn: Connection;
let services: Services;
let uploadDir: string;
let one: ServerProcess;
let two: ServerProcess;
let camden: Client;

async function signIn(url: string, email: string): Promise<Client> {
  const agent = supertest.agent(url);
  const { csrfToken } = (await agent.get('/api/v1/auth/session').expect(200)).body as { csrfToken: string };
  const res = await agent.post('/api/v1/auth/login').set('X-CSRF-Token', csrfToken).send({ email, password: STRONG_PASSWORD });
  if (res.status !== 200) throw new Error(`sign-in failed: ${res.status}`);
  return { agent, csrfToken: res.body.csrfToken as string };
}

async function supplier(url: string): Promise<Client & { organisationId: string }> {
  const agent = supertest.agent(url);
  const { csrfToken } = (await agent.get('/api/v1/auth/session').expect(200)).body as { csrfToken: string };
  const res = await agent.post('/api/v1/auth/register').set('X-CSRF-Token', csrfToken).send(registration());
  if (res.status !== 201) throw new Error(`registration failed: ${res.status} ${JSON.stringify(res.body)}`);
  return { agent, csrfToken: res.body.csrfToken as string, organisationId: res.body.user.organisationId as string };
}

async function published(questionnaire?: object): Promise<string> {
  const id = (await send(camden, 'post', '/api/v1/tenders', tenderBody()).expect(201)).body.id as string;
  if (questionnaire) await send(camden, 'put', `/api/v1/tenders/${id}/questionnaire`, questionnaire).expect(200);
  await send(camden, 'post', `/api/v1/tenders/${id}/publish`).expect(200);
  return id;
}

beforeAll(async () => {
  const dbName = `test_${randomBytes(6).toString('hex')}`;
  conn = await connect({ uri: testDatabaseUri(), dbName });
  services = await createServices(conn);
  uploadDir = await fs.mkdtemp(path.join(os.tmpdir(), 'portal-uploads-'));
  const env = {
    mongodbUri: `${testDatabaseUri().replace(/\/?$/, '/')}${dbName}`,
    sessionSecret: randomBytes(24).toString('hex'),
    uploadDir,
  };
  [one, two] = await Promise.all([startServerProcess(env), startServerProcess(env)]);
  const officer = await services.auth.createUser({
    role: 'officer',
    email: uniqueEmail('officer'),
    password: STRONG_PASSWORD,
    name: 'Olive',
    borough: 'camden',
  });
  camden = await signIn(one.url, officer.email);
});

afterAll(async () => {
  await Promise.all([one?.stop(), two?.stop()]);
  await conn.dropDatabase().catch(() => undefined);
  await conn.close();
  await fs.rm(uploadDir, { recursive: true, force: true });
});

test('the same Idempotency-Key sent to both processes at once gets one receipt, stored once', async () => {
  const id = await published(sampleQuestionnaire({ only: ['experience'] }));
  for (let trial = 0; trial < 5; trial++) {
    const s = await supplier(one.url);
    await send(s, 'post', `/api/v1/tenders/${id}/interests`, {
      lotIds: ['lot-1'],
      contactName: 'S',
      contactEmail: 's@example.org',
      heardVia: 'event',
    }).expect(201);
    await send(s, 'put', `/api/v1/tenders/${id}/response`, { answers: { experience: 'Years of it' } }).expect(200);
    const key = `two-processes-${trial}`;
    const submit = (c: Client) => send(c, 'post', `/api/v1/tenders/${id}/response/submit`).set('Idempotency-Key', key);
    const [a, b] = await Promise.all([submit(s), submit(onServer(s, two.url))]);
    expect([a.status, b.status]).toEqual([201, 201]);
    expect(a.body.receipt).toEqual(b.body.receipt);
    const stored = await services.questionnaires.responses
      .findOne({ tender: new Types.ObjectId(id), organisation: new Types.ObjectId(s.organisationId) })
      .lean();
    expect(stored!.revisions.filter((r) => r.idempotencyKey === key)).toHaveLength(1);
  }
});

test('an edit unsealing a draft racing its publication in the other process never leaves it published and unsealed unseen', async () => {
  const camdenOnTwo = onServer(camden, two.url);
  for (let trial = 0; trial < 6; trial++) {
    const id = (await send(camden, 'post', '/api/v1/tenders', tenderBody({ sealed: true })).expect(201)).body.id as string;
    const [edit, publish] = await Promise.all([
      send(camden, 'patch', `/api/v1/tenders/${id}`, { sealed: false }),
      send(camdenOnTwo, 'post', `/api/v1/tenders/${id}/publish`),
    ]);
    expect(publish.status).toBe(200);
    const final = (await camden.agent.get(`/api/v1/tenders/${id}`)).body;
    if (edit.status === 200 && edit.body.status === 'draft') expect([publish.body.sealed, final.sealed]).toEqual([false, false]);
    else expect([edit.status, final.sealed]).toEqual([409, true]);
  }
});

test('two tabs in the two processes saving different sections at once keep both', async () => {
  const id = await published(sampleQuestionnaire({ only: ['experience', 'likelihood', 'length', 'value'] }));
  const s = await supplier(one.url);
  await send(s, 'post', `/api/v1/tenders/${id}/interests`, {
    lotIds: ['lot-1'],
    contactName: 'S',
    contactEmail: 's@example.org',
    heardVia: 'event',
  }).expect(201);
  const tabOne = s.agent;
  const tabTwo = onServer(s, two.url).agent;
  const section = (tab: supertest.Agent, n: number, fields: Record<string, string>) => readySectionSave(tab, id, n, fields);
  for (let trial = 0; trial < 5; trial++) {
    const first = await section(tabOne, 1, { 'a-experience': `Take ${trial}`, 'a-likelihood': '3' });
    const second = await section(tabTwo, 2, { 'a-length': 'long', 'a-value': String(trial + 1) });
    const [a, b] = await Promise.all([first(), second()]);
    expect([a.status, b.status]).toEqual([303, 303]);
    const stored = await services.questionnaires.responses
      .findOne({ tender: new Types.ObjectId(id), organisation: new Types.ObjectId(s.organisationId) })
      .lean();
    expect(stored!.answers).toEqual({ experience: `Take ${trial}`, likelihood: 3, length: 'long', value: trial + 1 });
  }
});

test("a profile edit racing an expression of interest leaves the interest with the organisation's final sector", async () => {
  const id = await published();
  for (let trial = 0; trial < 5; trial++) {
    const s = await supplier(one.url);
    const profile = {
      ...registration().organisation,
      name: `Reading Together ${trial} Ltd`,
      sector: 'private',
      legalForm: 'company',
      identifiers: [],
    };
    const [edit, interest] = await Promise.all([
      send(onServer(s, two.url), 'put', '/api/v1/organisations/mine', profile),
      send(s, 'post', `/api/v1/tenders/${id}/interests`, {
        lotIds: ['lot-1'],
        contactName: 'S',
        contactEmail: 's@example.org',
        heardVia: 'event',
      }),
    ]);
    expect([edit.status, interest.status]).toEqual([200, 201]);
    const stored = await services.interests.interests.findOne({ organisation: new Types.ObjectId(s.organisationId) }).lean();
    expect({ sector: stored!.sector, name: stored!.organisationName }).toEqual({ sector: 'private', name: profile.name });
  }
});
