import mongoose, { Types } from 'mongoose';
import supertest from 'supertest';
import type { TestApp } from '../helpers/app';
import { send, type Client } from '../helpers/client';
import { draftExercise, registeredSupplier } from '../helpers/factories';
import { csrfFrom } from '../helpers/forms';
import { startTwoServers, type TwoServers } from '../helpers/servers';

/** Subscribers written straight to the database, beyond one batch of alerts (500), so the batches meet too. */
const MANY = 1_100;

let servers: TwoServers;
let one: TestApp;
let two: TestApp;
let camden: Client;
let camdenOnTwo: Client;
const signedUp: string[] = [];

/** A supplier signed in on the server given, with alerts to their own address. */
async function supplierWithAlerts(t: TestApp, boroughs: string[]): Promise<string> {
  const supplier = await registeredSupplier(t.app);
  const page = await supplier.agent.get('/alerts').expect(200);
  await supplier.agent
    .post('/alerts')
    .type('form')
    .send({ _csrf: csrfFrom(page.text), boroughs })
    .expect(303);
  return supplier.email;
}

beforeAll(async () => {
  servers = await startTwoServers();
  ({ one, two, camden, camdenOnTwo } = servers);
  signedUp.push(
    await supplierWithAlerts(one, []),
    await supplierWithAlerts(two, ['camden']),
    await supplierWithAlerts(one, ['camden', 'lambeth']),
  );
  await supplierWithAlerts(two, ['hackney']);
  const createdAt = new Date();
  await one.alerts.subscriptions.insertMany(
    Array.from({ length: MANY }, (_, i) => ({
      email: `reader-${i}@example.org`,
      boroughs: i % 2 ? ['camden'] : [],
      confirmed: true,
      confirmedAt: createdAt,
      unsubscribeHash: `not-used-${i}`,
      createdAt,
    })),
  );
}, 120_000);
afterAll(() => servers.close());

async function settle() {
  await Promise.all([one.alerts.sender.settled(), two.alerts.sender.settled()]);
}

/** How many alerts about the exercise each address got. */
async function alertsPerAddress(title: string): Promise<Map<string, number>> {
  const mails = await one.notifier.outbox.find({ subject: `New exercise from Camden: ${title}` }, { to: 1 }).lean();
  const counts = new Map<string, number>();
  for (const mail of mails) counts.set(mail.to, (counts.get(mail.to) ?? 0) + 1);
  return counts;
}

test('two servers publishing one exercise at once: one publishes, and every subscriber of its borough gets one alert', async () => {
  const id = await draftExercise(camden, { title: 'Published twice at once' });
  const started = Date.now();
  const answers = await Promise.all([
    send(camden, 'post', `/api/v1/tenders/${id}/publish`),
    send(camdenOnTwo, 'post', `/api/v1/tenders/${id}/publish`),
  ]);
  const publishMs = Date.now() - started;
  expect(answers.map((r) => r.status).sort()).toEqual([200, 409]);
  await settle();
  const counts = await alertsPerAddress('Published twice at once');
  expect(counts.size).toBe(MANY + signedUp.length);
  expect([...counts.values()].every((n) => n === 1)).toBe(true);
  for (const email of signedUp) expect(counts.get(email)).toBe(1);
  // Publishing answered without waiting for more than a thousand alerts.
  expect(publishMs).toBeLessThan(5_000);
});

test('alerts queued again by the other server at the same moment (a retry) still reach each subscriber once', async () => {
  const id = await draftExercise(camden, { title: 'Queued twice' });
  const published = await send(camden, 'post', `/api/v1/tenders/${id}/publish`).expect(200);
  // Server one is sending in the background; server two sends the same exercise's alerts as it does.
  const tender = await two.tenders.get(id, undefined);
  expect(published.body.id).toBe(tender.id);
  const [retried] = await Promise.all([two.alerts.sender.sendFor(tender), settle()]);
  await settle();
  const counts = await alertsPerAddress('Queued twice');
  expect(counts.size).toBe(MANY + signedUp.length);
  expect([...counts.values()].every((n) => n === 1)).toBe(true);
  expect(retried).toBeLessThanOrEqual(MANY + signedUp.length);
  expect(await one.alerts.deliveries.countDocuments({ tender: new Types.ObjectId(id) })).toBe(MANY + signedUp.length);
  // Each email has the id of its delivery.
  const deliveries = await one.alerts.deliveries.find({ tender: new Types.ObjectId(id) }, { _id: 1 }).lean();
  expect(await one.notifier.outbox.countDocuments({ _id: mongoose.trusted({ $in: deliveries.map((d) => d._id) }) })).toBe(
    deliveries.length,
  );
  // A retry once all is done queues nothing.
  expect(await one.alerts.sender.sendFor(tender)).toBe(0);
});

test('an alert sent by one server is unsubscribed on the other', async () => {
  const [address] = signedUp;
  const mail = await one.notifier.outbox.findOne({ to: address, subject: /^New exercise from Camden/ }).lean();
  const path = /(\/unsubscribe\?token=[\w-]{43})$/m.exec(mail!.text)![1]!;
  const agent = supertest.agent(two.app);
  const page = await agent.get(path).expect(200);
  expect(page.text).toContain(address);
  const token = /name="token" value="([^"]+)"/.exec(page.text)![1];
  await agent
    .post('/unsubscribe')
    .type('form')
    .send({ _csrf: csrfFrom(page.text), token })
    .expect(303);
  expect(await one.alerts.subscriptions.countDocuments({ email: address })).toBe(0);
});
