import { Types } from 'mongoose';
import type { TestApp } from '../helpers/app';
import { startTwoServers, type TwoServers } from '../helpers/servers';
import { onServer, send, type Client } from '../helpers/client';
import { draftExercise, interestedSupplier, publishedExercise, registration } from '../helpers/factories';

/**
 * Two app servers on one database, each with its own connection and nothing shared in memory: what one
 * server checks before writing must still hold when the other writes at the same moment.
 */
let one: TestApp;
let two: TestApp;
let camden: Client;
let camdenOnTwo: Client;

let servers: TwoServers;

beforeAll(async () => {
  servers = await startTwoServers();
  ({ one, two, camden, camdenOnTwo } = servers);
});
afterAll(() => servers.close());

test('the same session works on both servers', async () => {
  const id = await draftExercise(camden);
  const res = await camdenOnTwo.agent.get(`/api/v1/tenders/${id}`);
  expect(res.status).toBe(200);
  expect(res.body.id).toBe(id);
});

test('an edit unsealing a draft, racing its publication on the other server, never leaves a published exercise unsealed unseen', async () => {
  for (let trial = 0; trial < 10; trial++) {
    const id = await draftExercise(camden, { sealed: true });
    const [edit, publish] = await Promise.all([
      send(camden, 'patch', `/api/v1/tenders/${id}`, { sealed: false }),
      send(camdenOnTwo, 'post', `/api/v1/tenders/${id}/publish`),
    ]);
    expect(publish.status).toBe(200);
    const final = (await camden.agent.get(`/api/v1/tenders/${id}`)).body;
    expect(final.status).toBe('published');
    if (edit.status === 200 && edit.body.status === 'draft') {
      // The edit landed first, on the draft: the exercise was published unsealed, as its publication says.
      expect(publish.body.sealed).toBe(false);
      expect(final.sealed).toBe(false);
    } else {
      // The edit came second and was judged by the published rules: a sealed exercise stays sealed.
      expect(edit.status).toBe(409);
      expect(edit.body.error.code).toBe('sealed');
      expect(final.sealed).toBe(true);
    }
  }
});

test('ten edits of one exercise from both servers at once all land, none lost', async () => {
  const id = await draftExercise(camden);
  const titles = Array.from({ length: 10 }, (_, i) => `Edit ${i}`);
  const results = await Promise.all(
    titles.map((title, i) =>
      send(i % 2 ? camdenOnTwo : camden, 'patch', `/api/v1/tenders/${id}`, { [i < 5 ? 'summary' : 'serviceScope']: title }),
    ),
  );
  expect(results.map((r) => r.status)).toEqual(titles.map(() => 200));
  const stored = await one.tenders.tenders.findById(id).lean();
  expect(stored!.revision).toBe(10);
  expect(titles.slice(0, 5)).toContain(stored!.summary);
  expect(titles.slice(5)).toContain(stored!.serviceScope);
});

test("profile changes made at once on both servers leave every interest with the organisation's final sector and name", async () => {
  const id = await publishedExercise(camden);
  const supplier = await interestedSupplier(one.app, id);
  const supplierOnTwo = onServer(supplier, two.app);
  const profile = registration().organisation;
  const versions = [
    { ...profile, name: 'Reading Together CIC', sector: 'social_enterprise', legalForm: 'cic' },
    { ...profile, name: 'Reading Together Ltd', sector: 'private', legalForm: 'company' },
  ];
  for (let trial = 0; trial < 5; trial++) {
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) => send(i % 2 ? supplierOnTwo : supplier, 'put', '/api/v1/organisations/mine', versions[i % 2]!)),
    );
    expect(results.map((r) => r.status)).toEqual(results.map(() => 200));
    const org = (await supplier.agent.get('/api/v1/organisations/mine')).body;
    const interest = await one.interests.interests.findOne({ organisation: supplier.organisationId }).lean();
    expect({ sector: interest!.sector, name: interest!.organisationName }).toEqual({ sector: org.sector, name: org.name });
  }
});

test('two officers publishing one answer at once on the two servers: published once, everyone told once, never unpublished', async () => {
  const id = await publishedExercise(camden);
  const supplier = await interestedSupplier(one.app, id);
  for (let trial = 0; trial < 12; trial++) {
    const asked = await send(supplier, 'post', `/api/v1/tenders/${id}/clarifications`, {
      question: `Is there parking, question ${trial}?`,
    });
    expect(asked.status).toBe(201);
    const cid = asked.body.id as string;
    const before = await one.notifier.notifications.countDocuments({ organisation: new Types.ObjectId(supplier.organisationId) });
    const results = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        send(i % 2 ? camdenOnTwo : camden, 'post', `/api/v1/tenders/${id}/clarifications/${cid}/answer`, {
          answer: 'Yes, ten spaces.',
          publish: i % 3 !== 2,
        }),
      ),
    );
    expect(results.map((r) => r.status)).toEqual(results.map(() => 200));
    const listed = (await supplier.agent.get(`/api/v1/tenders/${id}/clarifications`)).body.items as { id: string; status: string }[];
    expect(listed.find((c) => c.id === cid)?.status).toBe('published');
    expect((await one.notifier.notifications.countDocuments({ organisation: new Types.ObjectId(supplier.organisationId) })) - before).toBe(
      1,
    );
  }
});

test('one colleague invited five times at once from both servers gets one invitation and one email', async () => {
  const supplier = await interestedSupplier(one.app, await publishedExercise(camden));
  const onTwo = onServer(supplier, two.app);
  const email = `colleague-${Date.now()}@example.org`;
  const results = await Promise.all(
    Array.from({ length: 5 }, (_, i) =>
      send(i % 2 ? onTwo : supplier, 'post', '/api/v1/organisations/mine/invitations', { email, name: 'Cal' }),
    ),
  );
  expect(results.map((r) => r.status).sort()).toEqual([201, 409, 409, 409, 409]);
  expect(results.filter((r) => r.status === 409).every((r) => r.body.error.code === 'invitation_pending')).toBe(true);
  expect(await one.invitations.invitations.countDocuments({ email })).toBe(1);
  expect(await one.notifier.outbox.countDocuments({ to: email })).toBe(1);
});
