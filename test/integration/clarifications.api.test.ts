import mongoose from 'mongoose';
import { SMTPServer } from 'smtp-server';
import type { AddressInfo } from 'node:net';
import supertest from 'supertest';
import { OutboxSender } from '../../src/platform/notifications';
import { signedInAs, startTestApp, testClock, type TestApp } from '../helpers/app';
import { send, type Client } from '../helpers/client';
import { createOfficer, draftExercise, publishedExercise, registeredSupplier, type Supplier } from '../helpers/factories';

const clock = testClock();
let t: TestApp;
let camden: Client;
let hackney: Client;
let supplierA: Supplier;
let supplierB: Supplier;
let tenderId: string;

async function registerSupplier(name: string): Promise<Supplier> {
  return registeredSupplier(t.app, { organisation: { name } });
}

beforeAll(async () => {
  t = await startTestApp({ tenders: { now: clock.now } });
  camden = await signedInAs(t.app, (await createOfficer(t.auth, 'camden')).email);
  hackney = await signedInAs(t.app, (await createOfficer(t.auth, 'hackney')).email);
  supplierA = await registerSupplier('Alpha Community Trust');
  supplierB = await registerSupplier('Beta Libraries Ltd');
  tenderId = await publishedExercise(camden);
});
afterAll(async () => t.close());
beforeEach(() => clock.set('2027-01-10T09:00:00.000Z'));

test('questions are private until the answer is published, then everyone sees it at once without the asker', async () => {
  const asked = await send(supplierA, 'post', `/api/v1/tenders/${tenderId}/clarifications`, {
    question: 'Will staff transfer under TUPE?',
  });
  expect(asked.status).toBe(201);
  expect(asked.body).toEqual({ id: expect.any(String), question: 'Will staff transfer under TUPE?', status: 'open' });
  const cid = asked.body.id as string;

  // Before publishing: the asker sees its own open question; another supplier and the public see nothing.
  expect((await supplierA.agent.get(`/api/v1/tenders/${tenderId}/clarifications`)).body.items).toEqual([
    expect.objectContaining({ id: cid, status: 'open', mine: true }),
  ]);
  expect((await supplierB.agent.get(`/api/v1/tenders/${tenderId}/clarifications`)).body.items).toEqual([]);
  expect((await supertest(t.app).get(`/api/v1/tenders/${tenderId}/clarifications`)).body.items).toEqual([]);
  // The borough's officers see every question and who asked.
  const inbox = await camden.agent.get(`/api/v1/tenders/${tenderId}/clarifications`);
  expect(inbox.body.items).toEqual([
    expect.objectContaining({ id: cid, askedBy: { organisationId: expect.any(String), organisationName: 'Alpha Community Trust' } }),
  ]);

  // Saved but not published: still private.
  const saved = await send(camden, 'post', `/api/v1/tenders/${tenderId}/clarifications/${cid}/answer`, {
    answer: 'Draft answer',
    publish: false,
  });
  expect(saved.status).toBe(200);
  expect(saved.body.status).toBe('answered');
  expect((await supertest(t.app).get(`/api/v1/tenders/${tenderId}/clarifications`)).body.items).toEqual([]);

  const published = await send(camden, 'post', `/api/v1/tenders/${tenderId}/clarifications/${cid}/answer`, {
    answer: 'Yes, TUPE is likely to apply.',
    publish: true,
  });
  expect(published.status).toBe(200);
  for (const client of [supertest(t.app), supplierB.agent, supplierA.agent]) {
    const items = (await client.get(`/api/v1/tenders/${tenderId}/clarifications`)).body.items;
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({
      question: 'Will staff transfer under TUPE?',
      answer: 'Yes, TUPE is likely to apply.',
      status: 'published',
      publishedAt: '2027-01-10T09:00:00.000Z',
    });
    expect(items[0].askedBy).toBeUndefined();
    expect(JSON.stringify(items[0])).not.toContain('Alpha');
  }
});

test('publishing an answer notifies every organisation with an interest, in the app and by an outbox email', async () => {
  const asked = await send(supplierB, 'post', `/api/v1/tenders/${tenderId}/clarifications`, { question: 'Can we bid for one lot only?' });
  await send(camden, 'post', `/api/v1/tenders/${tenderId}/clarifications/${asked.body.id}/answer`, { answer: 'Yes.' }).expect(200);
  const orgs = await t.suppliers.organisations
    .find({ name: mongoose.trusted({ $in: ['Alpha Community Trust', 'Beta Libraries Ltd'] }) })
    .lean();
  for (const org of orgs) {
    const notes = await t.notifier.listFor(org._id.toString());
    expect(notes[0]).toMatchObject({ kind: 'clarification_published', link: `/tenders/${tenderId}#questions`, read: false });
  }
  const outbox = await t.notifier.outbox.find({ subject: mongoose.trusted({ $regex: 'New answer' }) }).lean();
  expect(outbox.map((m) => m.to).sort()).toEqual(expect.arrayContaining([supplierA.email, supplierB.email]));
  expect(outbox.every((m) => m.status === 'pending')).toBe(true);
  // The in-app link stays on the portal; the email's is absolute, from BASE_URL.
  expect(outbox.every((m) => m.text.includes(`\n${t.config.baseUrl}/tenders/${tenderId}#questions\n\n---\n`))).toBe(true);
});

test('the SMTP sender delivers pending outbox emails once each', async () => {
  const received: { to: string; data: string }[] = [];
  const smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    onData(stream, session, callback) {
      let data = '';
      stream.on('data', (chunk: Buffer) => (data += chunk.toString()));
      stream.on('end', () => {
        received.push({ to: session.envelope.rcptTo.map((r) => r.address).join(','), data });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
  const port = (smtp.server.address() as AddressInfo).port;
  const pending = await t.notifier.outbox.countDocuments({ status: 'pending' });
  expect(pending).toBeGreaterThan(0);
  const sender = new OutboxSender(t.notifier.outbox, `smtp://127.0.0.1:${port}`, 'portal@example.org');
  try {
    expect(await sender.sendPending(100)).toBe(pending);
    expect(await sender.sendPending(100)).toBe(0);
  } finally {
    sender.close();
    await new Promise<void>((resolve) => smtp.close(resolve));
  }
  expect(received).toHaveLength(pending);
  expect(received.map((r) => r.to)).toEqual(expect.arrayContaining([supplierA.email]));
  expect(received[0]?.data).toContain('Subject: ');
  expect(await t.notifier.outbox.countDocuments({ status: 'sent' })).toBe(pending);
});

test('questions close at the clarification deadline and only while the exercise is open', async () => {
  clock.set('2027-02-01T12:00:00.001Z');
  const late = await send(supplierA, 'post', `/api/v1/tenders/${tenderId}/clarifications`, { question: 'Too late?' });
  expect(late.status).toBe(409);
  expect(late.body.error.code).toBe('deadline_passed');
  clock.set('2027-02-01T12:00:00.000Z');
  expect((await send(supplierA, 'post', `/api/v1/tenders/${tenderId}/clarifications`, { question: 'Just in time?' })).status).toBe(201);
  const draftId = await draftExercise(camden);
  expect((await send(supplierA, 'post', `/api/v1/tenders/${draftId}/clarifications`, { question: 'Hidden?' })).status).toBe(404);
});

test('bad input and the wrong people get clear errors', async () => {
  const empty = await send(supplierA, 'post', `/api/v1/tenders/${tenderId}/clarifications`, { question: '   ' });
  expect(empty.status).toBe(422);
  expect(empty.body.error.fields.question).toBe('Enter your question');
  expect((await send(camden, 'post', `/api/v1/tenders/${tenderId}/clarifications`, { question: 'Officer question' })).status).toBe(403);
  const asked = await send(supplierA, 'post', `/api/v1/tenders/${tenderId}/clarifications`, { question: 'Who answers?' });
  expect(
    (await send(hackney, 'post', `/api/v1/tenders/${tenderId}/clarifications/${asked.body.id}/answer`, { answer: 'Not mine' })).status,
  ).toBe(404);
  expect(
    (await send(supplierB, 'post', `/api/v1/tenders/${tenderId}/clarifications/${asked.body.id}/answer`, { answer: 'Not mine' })).status,
  ).toBe(403);
  expect(
    (await send(camden, 'post', `/api/v1/tenders/${tenderId}/clarifications/000000000000000000000000/answer`, { answer: 'x' })).status,
  ).toBe(404);
  const noAnswer = await send(camden, 'post', `/api/v1/tenders/${tenderId}/clarifications/${asked.body.id}/answer`, {
    answer: '',
    publish: 'yes',
  });
  expect(noAnswer.status).toBe(422);
  expect(Object.keys(noAnswer.body.error.fields).sort()).toEqual(['answer', 'publish']);
  // Another borough's officer sees only what the public sees.
  const items = (await hackney.agent.get(`/api/v1/tenders/${tenderId}/clarifications`)).body.items as {
    status: string;
    askedBy?: unknown;
  }[];
  expect(items.every((i) => i.status === 'published' && i.askedBy === undefined)).toBe(true);
});

test('an answer containing markup is returned as plain text data', async () => {
  const asked = await send(supplierA, 'post', `/api/v1/tenders/${tenderId}/clarifications`, { question: '<img src=x onerror=alert(1)>' });
  const res = await send(camden, 'post', `/api/v1/tenders/${tenderId}/clarifications/${asked.body.id}/answer`, {
    answer: '<script>alert(1)</script>',
  });
  expect(res.body.answer).toBe('<script>alert(1)</script>');
  expect(res.headers['content-type']).toMatch(/application\/json/);
});

test('the OCDS release of a published exercise carries its published answers; drafts are not exported to the public', async () => {
  const res = await supertest(t.app).get(`/api/v1/tenders/${tenderId}/ocds`);
  expect(res.status).toBe(200);
  expect(res.body.tag).toEqual(['planning']);
  expect(res.body.ocid).toBe(`ocds-lmep-${tenderId}`);
  expect(res.body.tender.enquiries.map((e: { answer: string }) => e.answer)).toEqual(
    expect.arrayContaining(['Yes, TUPE is likely to apply.', 'Yes.']),
  );
  expect(JSON.stringify(res.body)).not.toContain('Alpha Community Trust');
  const draftId = await draftExercise(camden);
  expect((await supertest(t.app).get(`/api/v1/tenders/${draftId}/ocds`)).status).toBe(404);
});
