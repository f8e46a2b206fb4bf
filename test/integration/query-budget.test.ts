import mongoose from 'mongoose';
import supertest from 'supertest';
import { signedInAs, startTestApp, type TestApp } from '../helpers/app';
import { send } from '../helpers/client';
import { createOfficer, interestedSupplier, publishedExercise, sampleQuestionnaire, tenderBodyNextYear } from '../helpers/factories';
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
  for (const id of ids.slice(1)) {
    const res = await send(supplier, 'post', `/api/v1/tenders/${id}/interests`, {
      lotIds: ['lot-1'],
      contactName: 'S',
      contactEmail: 's@example.org',
      heardVia: 'event',
    });
    expect(res.status).toBe(201);
  }
  const six = await operationsDuring(() => pages.get('/dashboard').expect(200));
  expect((await pages.get('/dashboard')).text.match(/govuk-tag--grey">Not started/g)).toHaveLength(6);
  expect(six.sort()).toEqual(one.sort());
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
