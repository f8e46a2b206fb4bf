import supertest from 'supertest';
import { csrfFrom, signInThroughForm } from '../helpers/forms';
import { signedInAs, startTestApp, testClock, type TestApp } from '../helpers/app';
import { createOfficer, publishedExercise, registeredSupplier, sampleQuestionnaire } from '../helpers/factories';
import { send } from '../helpers/client';

const clock = testClock();
let t: TestApp;
let officerEmail: string;
let exerciseId: string;

beforeAll(async () => {
  t = await startTestApp({ tenders: { now: clock.now } });
  officerEmail = (await createOfficer(t.auth, 'camden')).email;
  const officer = await signedInAs(t.app, officerEmail);
  exerciseId = await publishedExercise(officer);
});
afterAll(async () => t.close());
beforeEach(() => clock.set('2027-01-10T09:00:00.000Z'));

const signInForm = (email: string) => signInThroughForm(t.app, email);

async function supplierPages(name: string, sector = 'voluntary', legalForm = 'registered_charity', size = 'micro') {
  const s = await registeredSupplier(t.app, { name: 'Sam Supplier', organisation: { name, sector, legalForm, size, identifiers: [] } });
  return { ...s, pages: await signInForm(s.email) };
}

async function expressThroughForm(agent: supertest.Agent, fields: Record<string, string | string[]>) {
  const form = await agent.get(`/tenders/${exerciseId}/interest`).expect(200);
  return agent
    .post(`/tenders/${exerciseId}/interest`)
    .type('form')
    .send({ _csrf: csrfFrom(form.text), ...fields });
}

test('a supplier expresses interest through the form, sees it, and withdraws it', async () => {
  const { pages } = await supplierPages('Friends of Kentish Town Library');
  const exercise = await pages.get(`/tenders/${exerciseId}`).expect(200);
  expect(exercise.text).toContain(`href="/tenders/${exerciseId}/interest"`);

  const form = await pages.get(`/tenders/${exerciseId}/interest`).expect(200);
  expect(form.text).toContain('value="Sam Supplier"');
  expect(form.text).toContain('It is not a bid and does not commit you to anything.');

  const bad = await expressThroughForm(pages, { contactName: '', contactEmail: 'nope', heardVia: 'other' });
  expect(bad.status).toBe(422);
  for (const field of ['lotIds', 'contactName', 'contactEmail', 'consortium', 'willingToPartner', 'heardViaOther']) {
    expect(bad.text).toContain(`href="#${field}"`);
  }
  expect(bad.text).toContain('value="nope"');

  const good = await expressThroughForm(pages, {
    lotIds: ['lot-1', 'lot-2'],
    contactName: 'Margaret Ellis',
    contactEmail: 'margaret@example.org',
    consortium: 'no',
    willingToPartner: 'yes',
    heardVia: 'cvs_network',
  });
  expect(good.status).toBe(303);
  const mine = await pages.get(`/tenders/${exerciseId}/interest`).expect(200);
  expect(mine.text).toContain('The council can now see that your organisation is interested.');
  expect(mine.text).toContain('Your organisation is interested');
  expect(mine.text).toContain('Branch libraries, Home library service');

  // A second submission of the form (a double click) lands on the same page, with nothing added.
  const again = await pages
    .post(`/tenders/${exerciseId}/interest`)
    .type('form')
    .send({
      _csrf: csrfFrom(mine.text),
      lotIds: 'lot-1',
      contactName: 'M',
      contactEmail: 'm@example.org',
      consortium: 'no',
      willingToPartner: 'no',
      heardVia: 'event',
    });
  expect(again.status).toBe(303);

  const dashboard = await pages.get('/dashboard').expect(200);
  expect(dashboard.text).toContain('Exercises you are interested in');
  expect(dashboard.text).toContain('Community library services in the north of the borough');

  const confirm = await pages.get(`/tenders/${exerciseId}/interest/withdraw`).expect(200);
  await pages
    .post(`/tenders/${exerciseId}/interest/withdraw`)
    .type('form')
    .send({ _csrf: csrfFrom(confirm.text) })
    .expect(303);
  const after = await pages.get(`/tenders/${exerciseId}`).expect(200);
  expect(after.text).toContain('Your organisation’s interest is withdrawn.');
  expect(after.text).toContain('Your organisation withdrew its interest.');
});

test('after the deadline the form is replaced by a clear closed page (409)', async () => {
  const { pages } = await supplierPages('Late Comers CIC', 'social_enterprise', 'cic', 'small');
  clock.set('2027-03-01T00:00:00.000Z');
  const res = await pages.get(`/tenders/${exerciseId}/interest`);
  expect(res.status).toBe(409);
  expect(res.text).toContain('Expressions of interest are closed');
});

test('the officer sees counts by sector, badges and filters; names are shown as text', async () => {
  const risky = await supplierPages('<img src=x onerror=alert(1)> Readers', 'private', 'company', 'large');
  expect(
    (
      await expressThroughForm(risky.pages, {
        lotIds: 'lot-1',
        contactName: 'R',
        contactEmail: 'r@example.org',
        consortium: 'yes',
        willingToPartner: 'no',
        heardVia: 'find_a_tender',
      })
    ).status,
  ).toBe(303);
  const officer = await signInForm(officerEmail);
  const page = await officer.get(`/tenders/${exerciseId}/interests`).expect(200);
  expect(page.text).toContain('&lt;img src=x onerror=alert(1)&gt; Readers');
  expect(page.text).not.toContain('<img src=x');
  // Where each organisation heard of the exercise, in the words it chose from (a proper name keeps its capitals).
  expect(page.text).toContain('Heard about it from: Find a Tender</p>');
  // When it said so is on a line of its own, not read as when it heard.
  expect(page.text).toMatch(/<p class="govuk-body-s">Expressed interest: \d{1,2} \w+ \d{4}/);
  expect(page.text).toContain('Third sector (voluntary, community and social enterprise)');
  expect(page.text).toMatch(/Private sector<\/th>\s*<td[^>]*>1<\/td>/);
  const filtered = await officer.get(`/tenders/${exerciseId}/interests?sector=voluntary`).expect(200);
  expect(filtered.text).not.toContain('onerror=alert(1)&gt; Readers');
  const bad = await officer.get(`/tenders/${exerciseId}/interests?sector=nonsense`).expect(200);
  expect(bad.text).toContain('Sector must be one of');
  // The form as a browser sends it: the filters left on "all" come empty and mean no filter.
  const asSent = await officer.get(`/tenders/${exerciseId}/interests?sector=private&size=&lot=&status=&sectorCheck=`).expect(200);
  expect(asSent.text).toContain('onerror=alert(1)&gt; Readers');
  expect(asSent.text).toMatch(/Organisations \(1\)/);
  expect(asSent.text).not.toContain('govuk-error-message');
  // One bad value is named on its own field and the others still apply.
  const oneBad = await officer.get(`/tenders/${exerciseId}/interests?sector=private&size=enormous&status=`).expect(200);
  expect(oneBad.text).toContain('Size must be one of');
  expect(oneBad.text).toMatch(/Organisations \(1\)/);
  expect(oneBad.text).toMatch(/<option value="private" selected>/);

  const exercise = await officer.get(`/tenders/${exerciseId}`).expect(200);
  expect(exercise.text).toMatch(/Expressions of interest \(\d+, of which \d+ from the third sector\)/);

  const other = await signInForm((await createOfficer(t.auth, 'hackney')).email);
  expect((await other.get(`/tenders/${exerciseId}/interests`)).status).toBe(404);
});

test('the partner finder page lists opted-in organisations only to opted-in organisations', async () => {
  const a = await supplierPages('Partner One');
  const b = await supplierPages('Partner Two', 'private', 'company', 'small');
  const c = await supplierPages('Keeps To Itself');
  const fields = { lotIds: 'lot-1', contactName: 'X', contactEmail: 'x@example.org', consortium: 'no', heardVia: 'event' };
  expect((await expressThroughForm(a.pages, { ...fields, willingToPartner: 'yes' })).status).toBe(303);
  expect((await expressThroughForm(b.pages, { ...fields, willingToPartner: 'yes' })).status).toBe(303);
  expect((await expressThroughForm(c.pages, { ...fields, willingToPartner: 'no' })).status).toBe(303);
  const seen = await a.pages.get(`/tenders/${exerciseId}/partners`).expect(200);
  expect(seen.text).toContain('Partner Two');
  expect(seen.text).not.toContain('Keeps To Itself');
  const refused = await c.pages.get(`/tenders/${exerciseId}/partners`);
  expect(refused.status).toBe(403);
  expect(refused.text).not.toContain('Partner One');
  expect(refused.text).toContain('Only organisations that have expressed interest and said others may contact them can see this list.');
});

test('after expressing interest the next step is a button: start, then continue, the questionnaire; then the receipt', async () => {
  const officer = await signedInAs(t.app, officerEmail);
  const id = await publishedExercise(officer, { questionnaire: sampleQuestionnaire({ only: ['experience'] }) });
  const { pages, agent, csrfToken } = await supplierPages('Highgate Reading Circle');
  const before = await pages.get(`/tenders/${id}`).expect(200);
  expect(before.text).not.toContain('id="start-questionnaire"');
  await send({ agent, csrfToken }, 'post', `/api/v1/tenders/${id}/interests`, {
    lotIds: ['lot-1'],
    contactName: 'H',
    contactEmail: 'h@example.org',
    heardVia: 'event',
  }).expect(201);
  const mine = await pages.get(`/tenders/${id}/interest`).expect(200);
  expect(mine.text).toMatch(new RegExp(`href="/tenders/${id}/response"[^>]*id="start-questionnaire">Start the questionnaire`));
  expect((await pages.get(`/tenders/${id}`).expect(200)).text).toMatch(/id="start-questionnaire">Start the questionnaire</);
  await send({ agent, csrfToken }, 'put', `/api/v1/tenders/${id}/response`, { answers: { experience: 'Some' } }).expect(200);
  expect((await pages.get(`/tenders/${id}`).expect(200)).text).toMatch(/id="start-questionnaire">Continue the questionnaire</);
  await send({ agent, csrfToken }, 'post', `/api/v1/tenders/${id}/response/submit`).set('Idempotency-Key', 'next-step-1').expect(201);
  const sent = (await pages.get(`/tenders/${id}`).expect(200)).text;
  expect(sent).toContain(`href="/tenders/${id}/response/receipt">See your receipt</a>`);
  expect(sent).not.toContain('id="start-questionnaire"');
});
