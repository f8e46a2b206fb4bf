import { Types } from 'mongoose';
import type supertest from 'supertest';
import { signedInAs, startTestApp, testClock, type TestApp } from '../helpers/app';
import type { Client } from '../helpers/client';
import {
  createOfficer,
  expressInterest,
  interestedSupplier,
  publishedExercise,
  registeredSupplier,
  sampleQuestionnaire,
} from '../helpers/factories';
import { csrfFrom, signInThroughForm } from '../helpers/forms';
import { samplePdf } from '../helpers/sample-files';

const clock = testClock();
let t: TestApp;
let camden: Client;

beforeAll(async () => {
  t = await startTestApp({ tenders: { now: clock.now }, questionnaires: { now: clock.now } });
  camden = await signedInAs(t.app, (await createOfficer(t.auth, 'camden')).email);
});
afterAll(async () => t.close());
beforeEach(() => clock.set('2027-01-10T09:00:00.000Z'));

const exercise = (tender: Record<string, unknown> = {}, withQuestionnaire = true) =>
  publishedExercise(camden, { tender, questionnaire: withQuestionnaire ? sampleQuestionnaire() : undefined });

/** A supplier signed in through the sign-in form; with an interest in the exercise unless told otherwise. */
async function supplier(id: string, name: string, interested = true) {
  const s = interested ? await interestedSupplier(t.app, id, { name }) : await registeredSupplier(t.app, { organisation: { name } });
  return { ...s, pages: await signInThroughForm(t.app, s.email) };
}

async function saveSection(pages: supertest.Agent, id: string, n: number, fields: Record<string, string | string[]>, action = 'continue') {
  const page = await pages.get(`/tenders/${id}/response/sections/${n}`).expect(200);
  return pages
    .post(`/tenders/${id}/response/sections/${n}`)
    .type('form')
    .send({ _csrf: csrfFrom(page.text), action, ...fields });
}

/** Saves a section and checks the page moved on (303). */
async function saveOk(pages: supertest.Agent, id: string, n: number, fields: Record<string, string | string[]>, action = 'continue') {
  const res = await saveSection(pages, id, n, fields, action);
  if (res.status !== 303) throw new Error(`saving section ${n} answered ${res.status}: ${res.text.slice(0, 2000)}`);
  return res;
}

const storedResponse = (id: string, organisationId: string) =>
  t.questionnaires.responses.findOne({ tender: new Types.ObjectId(id), organisation: new Types.ObjectId(organisationId) }).lean();

/** The text of the dashboard's row for an exercise, its tags and links as words. */
function dashboardRow(html: string, id: string): string {
  const row = new RegExp(`<tr class="govuk-table__row">\\s*<td[^>]*><a class="govuk-link" href="/tenders/${id}">[\\s\\S]*?</tr>`).exec(
    html,
  );
  if (!row) throw new Error(`no dashboard row for ${id}`);
  return row[0].replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');
}

/** Whether the question's slot on the section page carries the `hidden` attribute. */
function isHidden(html: string, key: string): boolean {
  const match = new RegExp(`<div class="app-question-slot"( hidden)?>\\s*<div class="app-question" id="question-${key}"`).exec(html);
  if (!match) throw new Error(`question ${key} is not on the page`);
  return Boolean(match[1]);
}

/** The older upload route of a file question (kept for compatibility), with the section form's token in its address. */
const uploadAction = (html: string, key: string) => {
  const action = /action="(\/tenders\/[^"]+\/sections\/\d+)\?(_csrf=[^"]+)"/.exec(html);
  if (!action) throw new Error(`no multipart section form for ${key}`);
  return `${action[1]}/files/${key}?${action[2]!.replace(/&amp;/g, '&')}`;
};

test('the start page explains the questionnaire, its effort, deadline and sealing, and shows progress by section', async () => {
  const id = await exercise({ sealed: true });
  const { pages } = await supplier(id, 'Friends of Kentish Town Library');
  const start = await pages.get(`/tenders/${id}/response`).expect(200);
  const view = await t.questionnaires.getQuestionnaire(id, undefined);
  expect(start.text).toContain(`It takes about ${view.estimatedMinutes} minutes.`);
  // The same count as the progress below: the questions shown before any answer, then the ones answers may bring up.
  expect(start.text).toContain('There are 2 sections and 8 questions, and up to 2 more depending on your answers.');
  expect(start.text).toContain('until the deadline: <strong>1 March 2027, midday (UK time)</strong>');
  expect(start.text).toContain(
    'Responses are sealed until 1 March 2027, midday (UK time): nobody at the council can read any organisation’s answers before then',
  );
  // 8 questions are shown before any answer: the 2 conditional ones are not.
  expect(start.text).toContain('You have answered 0 of 8 questions.');
  expect(start.text.match(/Not started/g)).toHaveLength(2);
  expect(start.text).toContain(`href="/tenders/${id}/response/sections/1"`);
  expect(start.text).toMatch(new RegExp(`href="/tenders/${id}/response/sections/1"[^>]*>\\s*Continue`));

  const unsealed = await exercise({ sealed: false });
  const { pages: other } = await supplier(unsealed, 'Open Readers');
  const page = await other.get(`/tenders/${unsealed}/response`).expect(200);
  expect(page.text).toContain('The council can read your answers once you send them.');
  expect(page.text).not.toContain('Responses are sealed');
});

test('a section is saved, resumed, and a question its answer brings up is shown by the server', async () => {
  const id = await exercise();
  const { pages, organisationId } = await supplier(id, 'Peckham Community Readers');
  const section = await pages.get(`/tenders/${id}/response/sections/1`).expect(200);
  expect(section.text).toContain('Section 1 of 2');
  expect(section.text).toContain('What your organisation does now.');
  expect(section.text).toContain('You can enter up to 300 characters');
  expect(section.text).toContain('<script type="module" src="/static/conditional.js"></script>');
  // The conditional question is on the page for the script, hidden until its answer is yes.
  expect(isHidden(section.text, 'pensions')).toBe(true);
  // The question it depends on says another may follow, which also makes sense without JavaScript.
  expect(section.text).toMatch(/id="a-tupe-hint"[^>]*>\s*Another question may follow, depending on your answer\./);
  expect(section.text.match(/Another question may follow/g)).toHaveLength(1);
  // Its label, for the page script to announce when it appears.
  expect(section.text).toMatch(/id="question-pensions" data-show-if-key="tupe"[^>]*data-label="How did you handle pensions\?"/);
  expect(section.text).toMatch(/<div id="question-announcer" class="govuk-visually-hidden" aria-live="polite"><\/div>/);
  expect(isHidden(section.text, 'experience')).toBe(false);

  const later = await saveSection(pages, id, 1, { 'a-experience': 'We run two community libraries.', 'a-likelihood': '4' }, 'later');
  expect(later.status).toBe(303);
  expect(later.headers.location).toBe(`/tenders/${id}/response`);
  const start = await pages.get(`/tenders/${id}/response`).expect(200);
  expect(start.text).toContain('Your answers are saved. You can come back and change them until 1 March 2027, midday (UK time).');
  expect(start.text).toContain('In progress');
  expect(start.text).toContain('You have answered 2 of 8 questions.');
  expect((await storedResponse(id, organisationId))?.answers).toEqual({ experience: 'We run two community libraries.', likelihood: 4 });

  // Resuming shows what was saved.
  const resumed = await pages.get(`/tenders/${id}/response/sections/1`).expect(200);
  expect(resumed.text).toContain('We run two community libraries.</textarea>');
  expect(resumed.text).toMatch(/value="4" checked/);

  // Yes to TUPE brings up the pensions question: the page comes back with it shown rather than moving on.
  const yes = await saveSection(pages, id, 1, { 'a-experience': 'We run two community libraries.', 'a-tupe': 'yes', 'a-likelihood': '4' });
  expect(yes.status).toBe(303);
  expect(yes.headers.location).toBe(`/tenders/${id}/response/sections/1#a-pensions`);
  const withPensions = await pages.get(`/tenders/${id}/response/sections/1`).expect(200);
  expect(isHidden(withPensions.text, 'pensions')).toBe(false);
  expect(withPensions.text).toContain('Your answer brought up another question in this section.');

  const done = await saveSection(pages, id, 1, {
    'a-experience': 'We run two community libraries.',
    'a-tupe': 'yes',
    'a-pensions': 'We joined the LGPS as an admitted body.',
    'a-likelihood': '4',
  });
  expect(done.headers.location).toBe(`/tenders/${id}/response/sections/2`);
  const after = await pages.get(`/tenders/${id}/response`).expect(200);
  expect(after.text).toContain('You have answered 4 of 9 questions.');
  expect(after.text).toMatch(/About you[\s\S]*?Completed/);
  expect(after.text).toMatch(new RegExp(`href="/tenders/${id}/response/sections/2"[^>]*>\\s*Continue`));

  // No to TUPE hides pensions again; its answer is kept but no longer counts.
  await saveSection(pages, id, 1, { 'a-experience': 'We run two community libraries.', 'a-tupe': 'no', 'a-likelihood': '4' });
  const hidden = await pages.get(`/tenders/${id}/response/sections/1`).expect(200);
  expect(isHidden(hidden.text, 'pensions')).toBe(true);
  expect((await pages.get(`/tenders/${id}/response`)).text).toContain('You have answered 3 of 8 questions.');
});

test('"None of these" ticked with barriers (possible without JavaScript) is an error, and nothing ticked is lost', async () => {
  const id = await exercise();
  const { pages, organisationId } = await supplier(id, 'Peckham Readers');
  const both = await saveSection(pages, id, 2, { 'a-barriers': ['contract_size', '__none__'], 'a-length': 'long' });
  expect(both.status).toBe(422);
  expect(both.text).toContain('govuk-error-summary');
  expect(both.text).toContain('Select the options that apply, or select &quot;None of these&quot;, not both');
  // Both ticks are shown again, for the person to choose.
  expect(both.text).toMatch(/value="contract_size"[^>]*checked/);
  expect(both.text).toMatch(/value="__none__"[^>]*checked/);
  expect(await storedResponse(id, organisationId)).toBeNull();
});

test('bad values come back with a 422, links to their fields and what was typed; the saved draft is unchanged', async () => {
  const id = await exercise();
  const { pages, organisationId } = await supplier(id, 'Brixton Book Club');
  await saveOk(pages, id, 2, { 'a-length': 'short', 'a-value': '250000' });
  const before = await storedResponse(id, organisationId);
  expect(before?.answers).toEqual({ length: 'short', value: 250000 });

  const bad = await saveSection(pages, id, 2, {
    'a-barriers': ['timescales', 'other'],
    'a-other_barrier': 'x'.repeat(81),
    'a-length': 'long',
    'a-value': 'lots',
    'a-start-day': '31',
    'a-start-month': '2',
    'a-start-year': '2028',
  });
  expect(bad.status).toBe(422);
  expect(bad.text).toContain('There is a problem');
  for (const field of ['a-value', 'a-start-day', 'a-other_barrier']) expect(bad.text).toContain(`href="#${field}"`);
  expect(bad.text).toContain('Enter a number');
  expect(bad.text).toContain('Enter a real date, like 2027-03-31');
  expect(bad.text).toContain('Your answer must be 80 characters or fewer');
  // What was typed is kept, and the question the typed answer brings up is shown with it.
  expect(bad.text).toContain('value="lots"');
  expect(bad.text).toContain('value="31"');
  expect(bad.text).toContain(`value="${'x'.repeat(81)}"`);
  expect(bad.text).toMatch(/value="long" checked/);
  expect(bad.text).toMatch(/value="timescales" checked/);
  expect(isHidden(bad.text, 'other_barrier')).toBe(false);
  expect(bad.text).toContain('You can enter up to 80 characters.');

  expect((await storedResponse(id, organisationId))?.answers).toEqual(before?.answers);
});

test('a file is uploaded from the section page and downloaded; a file of the wrong type gets a 415 on its question', async () => {
  const id = await exercise();
  const { pages, organisationId } = await supplier(id, 'Lewisham Readers Trust');
  await saveOk(pages, id, 2, { 'a-length': 'short' });
  const section = await pages.get(`/tenders/${id}/response/sections/2`).expect(200);
  expect(section.text).toContain('No file uploaded.');
  expect(section.text).toContain('name="file-statement"');

  const bad = await pages.post(uploadAction(section.text, 'statement')).attach('file', Buffer.from('just some text\n'), 'notes.txt');
  expect(bad.status).toBe(415);
  expect(bad.text).toContain('href="#a-statement"');
  expect(bad.text).toMatch(/id="a-statement"[\s\S]*?govuk-error-message/);
  expect((await storedResponse(id, organisationId))?.answers).toEqual({ length: 'short' });

  const good = await pages.post(uploadAction(section.text, 'statement')).attach('file', samplePdf('Our work'), 'Our capability.pdf');
  expect(good.status).toBe(303);
  expect(good.headers.location).toBe(`/tenders/${id}/response/sections/2#a-statement`);
  const stored = await storedResponse(id, organisationId);
  const fileId = stored?.answers.statement as string;
  expect(fileId).toMatch(/^[0-9a-f]{24}$/);
  // The file answer joins the others already saved.
  expect(stored?.answers.length).toBe('short');

  const after = await pages.get(`/tenders/${id}/response/sections/2`).expect(200);
  expect(after.text).toContain('Our capability.pdf is uploaded and saved as your answer.');
  expect(after.text).toContain(`href="/tenders/${id}/response/files/${fileId}/download"`);
  expect(after.text).toContain(`name="a-statement" value="${fileId}"`);
  const download = await pages.get(`/tenders/${id}/response/files/${fileId}/download`).expect(200);
  expect(download.headers['content-disposition']).toMatch(/^attachment/);
  expect(download.headers['content-type']).toBe('application/pdf');

  // Saving the section again keeps the file.
  await saveOk(pages, id, 2, { 'a-length': 'long', 'a-statement': fileId });
  expect((await storedResponse(id, organisationId))?.answers).toEqual({ length: 'long', statement: fileId });
});

test('check, send, receipt and the text receipt; a second send of the same form gives the same receipt', async () => {
  const id = await exercise();
  const { pages, organisationId } = await supplier(id, 'Friends of Camden Libraries');
  await saveOk(pages, id, 1, {
    'a-experience': 'We run two community libraries.',
    'a-tupe': 'yes',
    'a-pensions': 'Admitted body',
    'a-likelihood': '4',
  });
  await saveOk(pages, id, 2, {
    'a-length': 'long',
    'a-value': '£250,000',
    'a-start-day': '3',
    'a-start-month': '9',
    'a-start-year': '2027',
  });
  const section = await pages.get(`/tenders/${id}/response/sections/2`).expect(200);
  await pages.post(uploadAction(section.text, 'statement')).attach('file', samplePdf(), 'statement.pdf').expect(303);

  const check = await pages.get(`/tenders/${id}/response/check`).expect(200);
  for (const text of [
    'We run two community libraries.',
    'Yes',
    'Admitted body',
    '4 out of 5',
    'More than 3 years',
    '250,000',
    '3 September 2027',
    'statement.pdf',
  ]) {
    expect(check.text).toContain(text);
  }
  expect(check.text).toContain('You still need to answer 1 required question');
  expect(check.text).toMatch(/What makes it hard to bid\?[\s\S]*?Required: not answered yet/);
  expect(check.text).toContain(`href="/tenders/${id}/response/sections/2?from=check#a-barriers"`);
  expect(check.text).toContain(`href="/tenders/${id}/response/sections/1?from=check#a-pensions"`);
  // The hidden "What else?" question is not listed.
  expect(check.text).not.toContain('What else?');

  const key = /name="idempotencyKey" value="([^"]+)"/.exec(check.text)?.[1];
  expect(key).toMatch(/^[0-9a-f-]{36}$/);
  const missing = await pages
    .post(`/tenders/${id}/response/submit`)
    .type('form')
    .send({ _csrf: csrfFrom(check.text), idempotencyKey: key });
  expect(missing.status).toBe(422);
  expect(missing.text).toContain('There is a problem');
  expect(missing.text).toContain(`href="/tenders/${id}/response/sections/2?from=check#a-barriers"`);
  expect(missing.text).toContain('Answer “What makes it hard to bid?”');
  expect(missing.text).not.toContain(': answer this question');
  const draft = await storedResponse(id, organisationId);
  expect(draft?.status).toBe('draft');
  expect(draft?.answers.pensions).toBe('Admitted body');

  await saveOk(pages, id, 2, {
    'a-barriers': ['contract_size', 'timescales'],
    'a-length': 'long',
    'a-value': '250000',
    'a-start-day': '3',
    'a-start-month': '9',
    'a-start-year': '2027',
    'a-statement': draft?.answers.statement as string,
  });
  const ready = await pages.get(`/tenders/${id}/response/check`).expect(200);
  expect(ready.text).not.toContain('Required: not answered yet');
  expect(ready.text).toContain('<ul class="govuk-list"><li>Contract size</li><li>Timescales</li></ul>');
  const form = { _csrf: csrfFrom(ready.text), idempotencyKey: /name="idempotencyKey" value="([^"]+)"/.exec(ready.text)![1]! };
  expect(form.idempotencyKey).not.toBe(key);

  clock.set('2027-01-12T15:30:00.000Z');
  const sent = await pages.post(`/tenders/${id}/response/submit`).type('form').send(form);
  expect(sent.status).toBe(303);
  expect(sent.headers.location).toBe(`/tenders/${id}/response/receipt`);
  // A double click, or a retry after a lost answer, sends the same form again: same receipt, one revision.
  clock.set('2027-01-12T15:30:05.000Z');
  const again = await pages.post(`/tenders/${id}/response/submit`).type('form').send(form);
  expect(again.status).toBe(303);
  const stored = await storedResponse(id, organisationId);
  expect(stored?.status).toBe('submitted');
  expect(stored?.revisions).toHaveLength(1);
  const sha256 = stored!.revisions[0]!.sha256;
  expect(sha256).toMatch(/^[0-9a-f]{64}$/);

  const receipt = await pages.get(`/tenders/${id}/response/receipt`).expect(200);
  expect(receipt.text).toContain('Answers sent');
  expect(receipt.text).toContain('govuk-panel');
  expect(receipt.text).toContain('Received 12 January 2027, 3:30pm (UK time)');
  // The receipt leads with a short reference; the full code is under "Technical details".
  const reference = `${sha256.slice(0, 4)}-${sha256.slice(4, 8)}`.toUpperCase();
  expect(/id="receipt-reference">([^<]+)</.exec(receipt.text)?.[1]).toBe(reference);
  expect(receipt.text.indexOf('receipt-reference')).toBeLessThan(receipt.text.indexOf('Technical details'));
  expect(receipt.text.indexOf('Technical details')).toBeLessThan(receipt.text.indexOf('id="receipt-sha256"'));
  expect(/id="receipt-sha256">([0-9a-f]{64})</.exec(receipt.text)?.[1]).toBe(sha256);
  expect(receipt.text).toContain('The receipt code is a fingerprint of exactly what you sent');
  expect(receipt.text).toContain(`href="/tenders/${id}/response/answers.txt"`);
  const copy = await pages.get(`/tenders/${id}/response/answers.txt`).expect(200);
  expect(copy.headers['content-disposition']).toMatch(/^attachment; filename="answers-CAM-LIB-2027-\d{3}\.txt"/);
  expect(copy.text).toContain(`Receipt reference: ${reference}`);
  expect(copy.text).toContain('Your experience');
  expect(receipt.text).toContain('1 (latest)');
  expect(receipt.text).toContain(`href="/tenders/${id}/response/receipt.txt"`);

  const txt = await pages.get(`/tenders/${id}/response/receipt.txt`).expect(200);
  expect(txt.headers['content-type']).toBe('text/plain; charset=utf-8');
  expect(txt.headers['content-disposition']).toMatch(/^attachment; filename="receipt-CAM-LIB-2027-\d{3}\.txt"/);
  expect(txt.text).toContain('Exercise: Community library services in the north of the borough');
  expect(txt.text).toMatch(/Reference: CAM-LIB-2027-\d{3}/);
  expect(txt.text).toContain('Organisation: Friends of Camden Libraries');
  expect(txt.text).toContain('Received at (UTC): 2027-01-12T15:30:00.000Z');
  expect(txt.text).toContain('Received at (UK time): 12 January 2027, 3:30pm (UK time)');
  expect(txt.text).toContain(`SHA-256: ${sha256}`);
  expect(txt.text).toContain(`Receipt reference: ${reference}`);
  expect(txt.text).toContain('How it was computed:');

  const start = await pages.get(`/tenders/${id}/response`).expect(200);
  expect(start.text).toContain(sha256);
  expect(start.text).not.toContain('You have changed your answers since you sent them');
  // A change after sending is flagged until the answers are sent again.
  await saveOk(pages, id, 1, { 'a-experience': 'We run three libraries now.', 'a-tupe': 'no', 'a-likelihood': '5' });
  expect((await pages.get(`/tenders/${id}/response`)).text).toContain('You have changed your answers since you sent them');
  const recheck = await pages.get(`/tenders/${id}/response/check`).expect(200);
  expect(recheck.text).toContain('You have changed your answers since you sent them');
  await pages
    .post(`/tenders/${id}/response/submit`)
    .type('form')
    .send({ _csrf: csrfFrom(recheck.text), idempotencyKey: /name="idempotencyKey" value="([^"]+)"/.exec(recheck.text)![1] })
    .expect(303);
  const revised = await pages.get(`/tenders/${id}/response/receipt`).expect(200);
  expect(revised.text).toContain('2 (latest)');
  expect(revised.text).toContain(sha256);
  expect((await storedResponse(id, organisationId))?.revisions).toHaveLength(2);
});

test('after the deadline the pages say the questionnaire is closed (409), and nothing is saved', async () => {
  const id = await exercise();
  const { pages, organisationId } = await supplier(id, 'Too Late CIC');
  await saveOk(pages, id, 1, { 'a-experience': 'Libraries', 'a-tupe': 'no', 'a-likelihood': '3' });
  const s2 = await pages.get(`/tenders/${id}/response/sections/2`).expect(200);
  const check = await pages.get(`/tenders/${id}/response/check`).expect(200);

  clock.set('2027-03-01T12:00:00.001Z');
  const submit = await pages
    .post(`/tenders/${id}/response/submit`)
    .type('form')
    .send({ _csrf: csrfFrom(check.text), idempotencyKey: /name="idempotencyKey" value="([^"]+)"/.exec(check.text)![1] });
  expect(submit.status).toBe(409);
  expect(submit.text).toContain('The questionnaire is closed');
  expect(submit.text).toContain('The deadline for questionnaires has passed');
  expect(submit.text).toContain('Your organisation did not send any answers.');

  const save = await pages
    .post(`/tenders/${id}/response/sections/2`)
    .type('form')
    .send({ _csrf: csrfFrom(s2.text), 'a-barriers': 'timescales' });
  expect(save.status).toBe(409);
  expect(save.text).toContain('The questionnaire is closed');
  expect((await pages.get(`/tenders/${id}/response/sections/1`)).status).toBe(409);
  expect((await storedResponse(id, organisationId))?.answers).toEqual({ experience: 'Libraries', tupe: false, likelihood: 3 });

  const start = await pages.get(`/tenders/${id}/response`).expect(200);
  expect(start.text).toContain('This questionnaire is closed.');
  expect(start.text).not.toMatch(/>\s*Continue\s*</);
});

test('a supplier without an interest gets a 403 page pointing to the interest form; no questionnaire is a 404 page', async () => {
  const id = await exercise();
  const { pages } = await supplier(id, 'Not Yet Interested Ltd', false);
  for (const path of ['', '/sections/1', '/check', '/receipt']) {
    const res = await pages.get(`/tenders/${id}/response${path}`);
    expect([path, res.status]).toEqual([path, 403]);
    expect(res.text).toContain('Express interest before answering the questionnaire');
    expect(res.text).toContain(`href="/tenders/${id}/interest"`);
  }

  const bare = await exercise({}, false);
  const { pages: interested } = await supplier(bare, 'Early Birds CIC');
  const none = await interested.get(`/tenders/${bare}/response`);
  expect(none.status).toBe(404);
  expect(none.text).toContain('There is no questionnaire yet');
});

test('another organisation never sees this organisation’s answers, files or receipt', async () => {
  const id = await exercise();
  const a = await supplier(id, 'Organisation A');
  const b = await supplier(id, 'Organisation B');
  await saveOk(a.pages, id, 1, { 'a-experience': 'A secret plan for the libraries', 'a-tupe': 'no', 'a-likelihood': '2' });
  const section = await a.pages.get(`/tenders/${id}/response/sections/2`).expect(200);
  await a.pages.post(uploadAction(section.text, 'statement')).attach('file', samplePdf(), 'a-statement.pdf').expect(303);
  const fileId = (await storedResponse(id, a.organisationId))?.answers.statement as string;

  const start = await b.pages.get(`/tenders/${id}/response`).expect(200);
  expect(start.text).toContain('You have answered 0 of 8 questions.');
  for (const path of ['/sections/1', '/sections/2', '/check']) {
    const res = await b.pages.get(`/tenders/${id}/response${path}`).expect(200);
    expect(res.text).not.toContain('A secret plan');
    expect(res.text).not.toContain('a-statement.pdf');
    expect(res.text).not.toContain(fileId);
  }
  expect((await b.pages.get(`/tenders/${id}/response/files/${fileId}/download`)).status).toBe(404);
  expect((await b.pages.get(`/tenders/${id}/response/receipt`)).headers.location).toBe(`/tenders/${id}/response`);
  expect((await b.pages.get(`/tenders/${id}/response/receipt.txt`)).status).toBe(404);
  // B's own save does not touch A's draft.
  await saveOk(b.pages, id, 1, { 'a-experience': 'B plan', 'a-tupe': 'no', 'a-likelihood': '5' });
  expect((await storedResponse(id, a.organisationId))?.answers.experience).toBe('A secret plan for the libraries');
});

test('moving on from a section with required questions left blank saves it and names what is still to answer', async () => {
  const id = await exercise();
  const { pages } = await supplier(id, 'Half Done Readers');
  const moved = await saveOk(pages, id, 1, { 'a-experience': 'Some of it' });
  expect(moved.headers.location).toBe(`/tenders/${id}/response/sections/2`);
  // What the browser and the page's script ask for meanwhile (Stay signed in, a missing icon) do not use it up.
  await pages.get('/api/v1/auth/session').expect(200);
  const missing = await pages.get('/favicon.ico').expect(404);
  expect(missing.text).not.toContain('still need an answer');
  const next = await pages.get(`/tenders/${id}/response/sections/2`).expect(200);
  // Not a success banner: something is still to do, with the way back to it.
  expect(next.text).toMatch(/<div class="govuk-notification-banner" role="region"/);
  expect(next.text).toContain('<h3 class="govuk-notification-banner__heading">Your answers are saved</h3>');
  expect(next.text).toContain(
    '2 questions in “About you” still need an answer: “Have you taken on staff under TUPE?” and “How likely are you to bid?”',
  );
  expect(next.text).toContain(
    `<a class="govuk-notification-banner__link" href="/tenders/${id}/response/sections/1">Go back to “About you”</a>`,
  );
  // Said once: the next page shown does not repeat it.
  expect((await pages.get(`/tenders/${id}/response/sections/2`).expect(200)).text).not.toContain('still need an answer');
  // A complete section moves on without it; a question its answer brings up (pensions) counts once it is shown.
  await saveOk(pages, id, 1, { 'a-experience': 'All of it', 'a-tupe': 'no', 'a-likelihood': '4' });
  expect((await pages.get(`/tenders/${id}/response/sections/2`).expect(200)).text).not.toContain('still need an answer');
});

test('"Change" on the check page leads to the question and, once saved, back to the check page', async () => {
  const id = await exercise();
  const { pages } = await supplier(id, 'Changing Readers');
  await saveOk(pages, id, 1, { 'a-experience': 'First try', 'a-tupe': 'no', 'a-likelihood': '3' });
  const check = await pages.get(`/tenders/${id}/response/check`).expect(200);
  const change = `/tenders/${id}/response/sections/1?from=check`;
  expect(check.text).toContain(`href="${change}#a-experience"`);
  const section = await pages.get(change).expect(200);
  expect(section.text).toContain('<input type="hidden" name="from" value="check">');
  expect(section.text).toContain('Save and go back to check your answers');
  const saved = await pages
    .post(`/tenders/${id}/response/sections/1`)
    .type('form')
    .send({
      _csrf: csrfFrom(section.text),
      from: 'check',
      action: 'continue',
      'a-experience': 'Second try',
      'a-tupe': 'no',
      'a-likelihood': '3',
    });
  expect(saved.status).toBe(303);
  expect(saved.headers.location).toBe(`/tenders/${id}/response/check`);
  expect((await pages.get(`/tenders/${id}/response/check`).expect(200)).text).toContain('Second try');
  // Without it, the section moves on as usual.
  const onward = await saveSection(pages, id, 1, { 'a-experience': 'Third try', 'a-tupe': 'no', 'a-likelihood': '3' });
  expect(onward.headers.location).toBe(`/tenders/${id}/response/sections/2`);
});

test('the dashboard and the interest page link to the questionnaire', async () => {
  const id = await exercise();
  const { pages } = await supplier(id, 'Linked Readers');
  const dashboard = await pages.get('/dashboard').expect(200);
  expect(dashboard.text).toContain('<th scope="col" class="govuk-table__header">Questionnaire</th>');
  expect(dashboard.text).toContain(`href="/tenders/${id}/response"`);
  expect(dashboard.text).toContain('Not started');
  await saveOk(pages, id, 1, { 'a-experience': 'Started', 'a-tupe': 'no', 'a-likelihood': '3' });
  expect((await pages.get('/dashboard')).text).toContain('In progress');
  const interest = await pages.get(`/tenders/${id}/interest`).expect(200);
  expect(interest.text).toMatch(new RegExp(`href="/tenders/${id}/response"[^>]*id="start-questionnaire">Start the questionnaire`));
});

test('the dashboard shows each exercise’s own questionnaire progress, however many the organisation follows', async () => {
  const short = await publishedExercise(camden, { questionnaire: sampleQuestionnaire({ only: ['experience'] }) });
  const [started, sent, untouched, noQuestionnaire] = [await exercise(), short, await exercise(), await exercise({}, false)];
  const s = await supplier(started, 'Many Exercises Trust');
  for (const id of [sent, untouched, noQuestionnaire]) await expressInterest(s, id);
  await saveOk(s.pages, started, 1, { 'a-experience': 'Started', 'a-tupe': 'no', 'a-likelihood': '3' });
  await saveOk(s.pages, sent, 1, { 'a-experience': 'Done' });
  const check = (await s.pages.get(`/tenders/${sent}/response/check`).expect(200)).text;
  const form = { _csrf: csrfFrom(check), idempotencyKey: /name="idempotencyKey" value="([^"]+)"/.exec(check)![1]! };
  expect((await s.pages.post(`/tenders/${sent}/response/submit`).type('form').send(form)).status).toBe(303);

  const dashboard = (await s.pages.get('/dashboard').expect(200)).text;
  const rowOf = (id: string) => dashboardRow(dashboard, id);
  expect(rowOf(started)).toContain('In progress Answer');
  expect(rowOf(sent)).toContain('Sent View or change');
  expect(rowOf(untouched)).toContain('Not started Answer');
  expect(rowOf(noQuestionnaire)).toContain('Not ready yet');
  expect(rowOf(started)).toContain('Interested in ');

  // After the deadline nothing invites answering: what was sent can be seen, the rest is closed.
  clock.set('2027-03-02T09:00:00.000Z');
  const closed = (await s.pages.get('/dashboard').expect(200)).text;
  const closedRow = (id: string) => dashboardRow(closed, id);
  expect(closedRow(started)).toContain('Closed Not sent');
  expect(closedRow(started)).not.toContain('Answer');
  expect(closedRow(sent)).toContain('Sent View your answers');
  expect(closedRow(sent)).not.toContain('change');
  expect(closedRow(untouched)).toContain('Closed Not sent');
  expect(closedRow(noQuestionnaire)).toMatch(/Questionnaire\s*Closed|Closed\s*$/);
  expect(closedRow(noQuestionnaire)).not.toContain('Not ready yet');
});
