import mongoose, { Types } from 'mongoose';
import supertest from 'supertest';
import { signedInAs, startTestApp, type TestApp } from '../helpers/app';
import { send } from '../helpers/client';
import {
  createOfficer,
  expressInterest,
  interestedSupplier,
  publishedExercise,
  sampleQuestionnaire,
  tenderBodyNextYear,
} from '../helpers/factories';
import { signInThroughForm } from '../helpers/forms';

/*
 * How many reads a page makes: on the embedded engine every read but one by `_id` looks at every document of its
 * collection, so a page that reads the same thing twice, or once per row, slows down as the data grows.
 */

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => t.close());

/** The collections and operations `fetch` makes the app read or write, in order. */
async function operationsDuring(fetch: () => Promise<unknown>): Promise<string[]> {
  const seen: string[] = [];
  mongoose.set('debug', (collection: string, method: string) => {
    seen.push(`${collection}.${method}`);
  });
  try {
    await fetch();
  } finally {
    mongoose.set('debug', false);
  }
  return seen;
}

test('the exercise page reads the exercise once, for a visitor and for a supplier', async () => {
  const officer = await signedInAs(t.app, (await createOfficer(t.auth, 'camden')).email);
  const id = await publishedExercise(officer, { tender: tenderBodyNextYear(), questionnaire: sampleQuestionnaire() });
  const supplier = await interestedSupplier(t.app, id, { name: 'Budget Readers' });
  const pages = await signInThroughForm(t.app, supplier.email);

  const visitor = await operationsDuring(() => supertest(t.app).get(`/tenders/${id}`).expect(200));
  expect(visitor.filter((op) => op.startsWith('tenders.'))).toEqual(['tenders.findOne']);
  expect(visitor.length).toBeLessThanOrEqual(3);

  const signedIn = await operationsDuring(() => pages.get(`/tenders/${id}`).expect(200));
  expect(signedIn.filter((op) => op.startsWith('tenders.'))).toEqual(['tenders.findOne']);
  expect(signedIn.length).toBeLessThanOrEqual(8);
});

test('a supplier’s dashboard makes as many reads for six exercises as for one', async () => {
  const officer = await signedInAs(t.app, (await createOfficer(t.auth, 'hackney')).email);
  const ids = [];
  for (let i = 0; i < 6; i += 1)
    ids.push(await publishedExercise(officer, { tender: tenderBodyNextYear(), questionnaire: sampleQuestionnaire() }));
  const supplier = await interestedSupplier(t.app, ids[0]!, { name: 'Busy Readers' });
  const pages = await signInThroughForm(t.app, supplier.email);
  const one = await operationsDuring(() => pages.get('/dashboard').expect(200));
  for (const id of ids.slice(1)) await expressInterest(supplier, id);
  const six = await operationsDuring(() => pages.get('/dashboard').expect(200));
  const dashboard = (await pages.get('/dashboard')).text;
  expect(dashboard.match(/govuk-tag--grey">Not started/g)).toHaveLength(6);
  expect(six.sort()).toEqual(one.sort());
  // Two panels show the interests (progress, and what councils changed): the page reads them once.
  expect(six.filter((op) => op === 'interests.find')).toHaveLength(1);
  expect(dashboard).not.toContain('most recently said it is interested in');
});

test('a dashboard lists the newest 100 exercises an organisation follows, and says so', async () => {
  const officer = await signedInAs(t.app, (await createOfficer(t.auth, 'barnet')).email);
  const first = await publishedExercise(officer, { tender: tenderBodyNextYear({ title: 'Exercise 000' }) });
  const supplier = await interestedSupplier(t.app, first, { name: 'Everywhere Libraries Ltd' });
  // 104 more published exercises and interests, copied in the database: 105 in all.
  const tenders = t.conn.collection('tenders');
  const interests = t.conn.collection('interests');
  const tender = (await tenders.findOne({ _id: new Types.ObjectId(first) }))!;
  const interest = (await interests.findOne({ tender: tender._id }))!;
  for (let i = 1; i <= 104; i += 1) {
    const copy = { ...tender, _id: new Types.ObjectId(), title: `Exercise ${String(i).padStart(3, '0')}`, reference: `BAR-COPY-${i}` };
    await tenders.insertOne(copy);
    await interests.insertOne({
      ...interest,
      _id: new Types.ObjectId(),
      tender: copy._id,
      createdAt: new Date(interest.createdAt.getTime() + i * 1000),
    });
  }
  const pages = await signInThroughForm(t.app, supplier.email);
  const dashboard = (await pages.get('/dashboard').expect(200)).text;
  expect(dashboard).toContain('These are the 100 exercises your organisation most recently said it is interested in.');
  const listed = [...dashboard.matchAll(/>Exercise (\d{3})<\/a>/g)].map((m) => Number(m[1]));
  expect(listed).toEqual(Array.from({ length: 100 }, (_, i) => 104 - i));
});

test('saving and sending answers read the exercise once each', async () => {
  const officer = await signedInAs(t.app, (await createOfficer(t.auth, 'islington')).email);
  const id = await publishedExercise(officer, {
    tender: tenderBodyNextYear(),
    questionnaire: sampleQuestionnaire({ only: ['experience'] }),
  });
  const supplier = await interestedSupplier(t.app, id, { name: 'Deadline Readers' });
  const save = await operationsDuring(async () =>
    expect((await send(supplier, 'put', `/api/v1/tenders/${id}/response`, { answers: { experience: 'Ten years' } })).status).toBe(200),
  );
  expect(save.filter((op) => op === 'tenders.findOne')).toHaveLength(1);
  const submit = await operationsDuring(async () =>
    expect((await send(supplier, 'post', `/api/v1/tenders/${id}/response/submit`).set('Idempotency-Key', 'budget-1')).status).toBe(201),
  );
  expect(submit.filter((op) => op === 'tenders.findOne')).toHaveLength(1);
});

test('questionnaire progress answers for ids in any form an id may take, and for ids of nothing', async () => {
  const officer = await signedInAs(t.app, (await createOfficer(t.auth, 'lambeth')).email);
  const id = await publishedExercise(officer, { tender: tenderBodyNextYear(), questionnaire: sampleQuestionnaire() });
  const supplier = await interestedSupplier(t.app, id, { name: 'Any Form Readers' });
  const organisationId = (await t.auth.findByEmail(supplier.email))!.organisationId!;
  const upper = id.toUpperCase();
  const progress = await t.questionnaires.progressForMany([id, upper, 'not-an-id', new Types.ObjectId().toString()], organisationId);
  expect(progress.get(id)).toEqual({ status: 'not_started', hasQuestionnaire: true });
  expect(progress.get(upper)).toEqual({ status: 'not_started', hasQuestionnaire: true });
  expect(progress.get('not-an-id')).toEqual({ status: 'not_started', hasQuestionnaire: false });
});
