import type supertest from 'supertest';
import { signedInAs, startTestApp, testClock, type TestApp } from '../helpers/app';
import { send, type Client } from '../helpers/client';
import {
  createAdmin,
  createOfficer,
  interestedSupplier,
  publishedExercise,
  registeredSupplier,
  sampleQuestionnaire,
  type Supplier,
} from '../helpers/factories';
import { csrfFrom, signInThroughForm } from '../helpers/forms';
import { samplePdf } from '../helpers/sample-files';

const clock = testClock();
let t: TestApp;
let camdenApi: Client;
let camden: supertest.Agent;
let hackney: supertest.Agent;

beforeAll(async () => {
  t = await startTestApp({ tenders: { now: clock.now }, questionnaires: { now: clock.now } });
  const email = (await createOfficer(t.auth, 'camden')).email;
  camdenApi = await signedInAs(t.app, email);
  camden = await signInThroughForm(t.app, email);
  hackney = await signInThroughForm(t.app, (await createOfficer(t.auth, 'hackney')).email);
});
afterAll(async () => t.close());
beforeEach(() => clock.set('2027-01-10T09:00:00.000Z'));

const exercise = (tender: Record<string, unknown> = {}) => publishedExercise(camdenApi, { tender, questionnaire: sampleQuestionnaire() });

/** A supplier's complete response with an attachment, submitted through the API; its response and file ids. */
async function submitted(id: string, s: Supplier, extra: Record<string, unknown> = {}) {
  const file = await send(s, 'post', `/api/v1/tenders/${id}/response/files`).attach('file', samplePdf('capability'), 'capability.pdf');
  expect(file.status).toBe(201);
  const answers = {
    experience: 'We run two community libraries.',
    tupe: true,
    pensions: 'Admitted body status',
    likelihood: 4,
    barriers: ['contract_size', 'timescales'],
    length: 'long',
    value: 250000,
    start: '2027-09-01',
    statement: file.body.id,
    ...extra,
  };
  await send(s, 'put', `/api/v1/tenders/${id}/response`, { answers }).expect(200);
  const receipt = await send(s, 'post', `/api/v1/tenders/${id}/response/submit`).set('Idempotency-Key', `k-${s.organisationId}`);
  expect(receipt.status).toBe(201);
  const stored = await t.questionnaires.responses.findOne({ tender: id, organisation: s.organisationId }).lean();
  return { responseId: stored!._id.toString(), fileId: file.body.id as string, receipt: receipt.body.receipt as { sha256: string } };
}

const tokens = new WeakMap<supertest.Agent, string>();
async function postForm(agent: supertest.Agent, path: string, fields: Record<string, string | string[]> = {}) {
  if (!tokens.has(agent)) tokens.set(agent, csrfFrom((await agent.get('/dashboard').expect(200)).text));
  return agent
    .post(path)
    .type('form')
    .send({ _csrf: tokens.get(agent)!, ...fields });
}

test('sealed: the list, one response and its file are each refused (403) with the deadline until it passes, and audited', async () => {
  const id = await exercise({ sealed: true });
  const s = await interestedSupplier(t.app, id, { name: 'Sealed Readers' });
  const { responseId, fileId } = await submitted(id, s);
  const reads = [
    `/tenders/${id}/responses`,
    `/tenders/${id}/responses/${responseId}`,
    `/tenders/${id}/responses/${responseId}/files/${fileId}/download`,
  ];
  clock.set('2027-03-01T12:00:00.000Z'); // the deadline itself is still sealed
  for (const path of reads) {
    const res = await camden.get(path);
    expect([path, res.status]).toEqual([path, 403]);
    expect(res.text).toContain('Responses are sealed until 1 March 2027, midday (UK time). Nobody can read them before then');
    expect(res.text).not.toContain('Sealed Readers');
    expect(res.text).not.toContain('community libraries');
    expect(res.headers['content-disposition']).toBeUndefined();
  }
  const audited = await t.audit.events
    .find({ target: `tender:${id}`, outcome: 'denied', action: /^responses\./ })
    .sort({ at: 1 })
    .lean();
  expect(audited.map((e) => e.action).sort()).toEqual(['responses.file', 'responses.list', 'responses.read']);
  expect(audited.every((e) => e.actorRole === 'officer' && e.detail === 'sealed until the deadline')).toBe(true);

  // An administrator is refused too (by role, before anything is read).
  const admin = await signInThroughForm(t.app, (await createAdmin(t.auth)).email);
  expect((await admin.get(reads[0]!)).status).toBe(403);

  clock.set('2027-03-01T12:00:00.001Z');
  const list = await camden.get(reads[0]!);
  expect(list.status).toBe(200);
  expect(list.text).toContain('Sealed Readers');
  const one = await camden.get(reads[1]!);
  expect(one.status).toBe(200);
  expect(one.text).toContain('We run two community libraries.');
  const download = await camden.get(reads[2]!);
  expect(download.status).toBe(200);
  expect(download.headers['content-disposition']).toMatch(/^attachment;/);
  expect(Buffer.from(download.body as Buffer).equals(samplePdf('capability'))).toBe(true);
});

test('a submitted response shows every shown question’s answer as text, its receipt, and its attachment to download', async () => {
  const id = await exercise();
  const s = await interestedSupplier(t.app, id, { name: 'Kentish Town Friends' });
  const { responseId, fileId, receipt } = await submitted(id, s);

  const list = await camden.get(`/tenders/${id}/responses`).expect(200);
  expect(list.text).toContain('1 submitted. 0 started but not submitted');
  expect(list.text).toContain(`href="/tenders/${id}/responses/${responseId}">Kentish Town Friends</a>`);
  expect(list.text).toContain('Voluntary and community sector');
  expect(list.text).toMatch(/Submitted<\/strong>\s*<span class="govuk-body-s">10 January 2027, 9am \(UK time\)/);
  expect(list.text).not.toContain('Recorded by an officer');

  const page = await camden.get(`/tenders/${id}/responses/${responseId}`).expect(200);
  expect(page.text).toContain('Response from Kentish Town Friends');
  expect(page.text).toContain(receipt.sha256);
  expect(page.text).toContain('10 January 2027, 9am (UK time)');
  expect(page.text).not.toContain('Recorded by an officer');
  const answer = (key: string) => new RegExp(`id="answer-${key}">[\\s\\S]*?<dd[^>]*>([\\s\\S]*?)</dd>`).exec(page.text)?.[1]?.trim();
  expect(answer('experience')).toBe('We run two community libraries.');
  expect(answer('tupe')).toBe('Yes');
  expect(answer('pensions')).toBe('Admitted body status');
  expect(answer('likelihood')).toBe('4 out of 5');
  expect(answer('barriers')).toBe('Contract size\nTimescales');
  expect(answer('length')).toBe('More than 3 years');
  expect(answer('value')).toBe('250,000');
  expect(answer('start')).toBe('1 September 2027');
  expect(answer('statement')).toContain(`href="/tenders/${id}/responses/${responseId}/files/${fileId}/download"`);
  expect(answer('statement')).toContain('capability.pdf');

  const download = await camden.get(`/tenders/${id}/responses/${responseId}/files/${fileId}/download`).expect(200);
  expect(download.headers['content-disposition']).toMatch(/^attachment;/);
  expect(download.headers['content-type']).toBe('application/pdf');
  // A file that is not part of this response is not found.
  expect((await camden.get(`/tenders/${id}/responses/${responseId}/files/0123456789abcdef01234567/download`)).status).toBe(404);
  expect((await camden.get(`/tenders/${id}/responses/not-an-id`)).status).toBe(404);
});

test('a question hidden by the organisation’s answers is not listed', async () => {
  const id = await exercise();
  const s = await interestedSupplier(t.app, id, { name: 'No TUPE Group' });
  const { responseId } = await submitted(id, s, { tupe: false, pensions: undefined });
  const page = await camden.get(`/tenders/${id}/responses/${responseId}`).expect(200);
  expect(page.text).toContain('id="answer-tupe"');
  expect(page.text).not.toContain('id="answer-pensions"');
  expect(page.text).not.toContain('How did you handle pensions?');
});

test('drafts are listed as started, without their answers', async () => {
  const id = await exercise();
  const s = await interestedSupplier(t.app, id, { name: 'Drafting Society' });
  await send(s, 'put', `/api/v1/tenders/${id}/response`, { answers: { experience: 'private draft words' } }).expect(200);
  const list = await camden.get(`/tenders/${id}/responses`).expect(200);
  expect(list.text).toContain('0 submitted. 1 started but not submitted');
  expect(list.text).toMatch(/Drafting Society[\s\S]*?>Started</);
  expect(list.text).not.toContain('private draft words');
  const responseId = (await t.questionnaires.responses.findOne({ tender: id }).lean())!._id.toString();
  const page = await camden.get(`/tenders/${id}/responses/${responseId}`).expect(200);
  expect(page.text).toContain('has not submitted it');
  expect(page.text).not.toContain('private draft words');
  expect(page.text).not.toContain('id="answer-experience"');
});

test('an officer records a phone response: errors per field, then saved and marked as recorded by the officer', async () => {
  const id = await exercise();
  const phone = await interestedSupplier(t.app, id, { name: 'Phone Answers Group' });
  const already = await interestedSupplier(t.app, id, { name: 'Already Answered Trust' });
  await submitted(id, already);
  const stranger = await registeredSupplier(t.app, {
    organisation: { name: 'Never Interested Ltd', sector: 'private', legalForm: 'company' },
  });

  const form = await camden.get(`/tenders/${id}/responses/record`).expect(200);
  expect(form.text).toContain(`value="${phone.organisationId}"`);
  expect(form.text).not.toContain(already.organisationId);
  expect(form.text).not.toContain('Never Interested Ltd');
  expect(form.text).toContain('name="a-experience"');
  expect(form.text).toContain('name="a-start-day"');
  expect(form.text).not.toContain('name="a-statement"');
  expect(form.text).toContain('Officers cannot attach files to a recorded response');
  expect(form.text).toContain('Shown when “Have you taken on staff under TUPE?” is Yes');

  const empty = await postForm(camden, `/tenders/${id}/responses/record`, { 'a-value': 'lots', 'a-experience': 'Kept while fixing' });
  expect(empty.status).toBe(422);
  for (const field of ['organisationId', 'method', 'a-value']) expect(empty.text).toContain(`href="#${field}"`);
  expect(empty.text).toContain('Kept while fixing');

  const notInterested = await postForm(camden, `/tenders/${id}/responses/record`, {
    organisationId: stranger.organisationId,
    method: 'phone',
  });
  expect(notInterested.status).toBe(422);
  expect(notInterested.text).toContain('Choose an organisation that has expressed interest');

  // The service's own checks of the answers, on their fields.
  const badAnswers = await postForm(camden, `/tenders/${id}/responses/record`, {
    organisationId: phone.organisationId,
    method: 'phone',
    'a-value': '-5',
    'a-start-day': '30',
    'a-start-month': '2',
    'a-start-year': '2027',
  });
  expect(badAnswers.status).toBe(422);
  expect(badAnswers.text).toContain('href="#a-value"');
  expect(badAnswers.text).toContain('Enter a number that is 0 or more');
  expect(badAnswers.text).toContain('href="#a-start-day"');
  expect(badAnswers.text).toContain('Enter a real date');
  expect(await t.questionnaires.responses.countDocuments({ tender: id, organisation: phone.organisationId })).toBe(0);

  const saved = await postForm(camden, `/tenders/${id}/responses/record`, {
    organisationId: phone.organisationId,
    method: 'phone',
    note: 'Call with the chair, 12 January',
    'a-experience': 'Told us by phone',
    'a-tupe': 'no',
    'a-likelihood': '3',
    'a-barriers': ['contract_size'],
  });
  expect(saved.status).toBe(303);
  const responseId = (await t.questionnaires.responses.findOne({ tender: id, organisation: phone.organisationId }).lean())!._id.toString();
  expect(saved.headers.location).toBe(`/tenders/${id}/responses/${responseId}`);

  const page = await camden.get(saved.headers.location as string).expect(200);
  expect(page.text).toContain('The response from Phone Answers Group is recorded.');
  expect(page.text).toContain('Recorded by an officer');
  expect(page.text).toContain('Olive Officer recorded them on 10 January 2027, 9am (UK time). How they were given: by phone.');
  expect(page.text).toContain('Note: Call with the chair, 12 January');
  expect(page.text).toMatch(/id="answer-experience">[\s\S]*?Told us by phone/);
  expect(page.text).toMatch(/id="answer-barriers">[\s\S]*?Contract size/);

  const list = await camden.get(`/tenders/${id}/responses`).expect(200);
  expect(list.text).toMatch(/Phone Answers Group[\s\S]*?Recorded by an officer \(phone\)/);
  // Only the recorded one is marked.
  expect(list.text.match(/Recorded by an officer \(/g)).toHaveLength(1);

  // The organisation is no longer offered, and a second recording for it is refused (409).
  expect((await camden.get(`/tenders/${id}/responses/record`)).text).not.toContain(`value="${phone.organisationId}"`);
  const again = await postForm(camden, `/tenders/${id}/responses/record`, { organisationId: phone.organisationId, method: 'event' });
  expect(again.status).toBe(409);
  expect(again.text).toContain('This organisation already has a response');
});

test('responses cannot be recorded once the exercise is closed', async () => {
  const id = await exercise();
  const s = await interestedSupplier(t.app, id, { name: 'Too Late Group' });
  await send(camdenApi, 'post', `/api/v1/tenders/${id}/close`).expect(200);
  const form = await camden.get(`/tenders/${id}/responses/record`);
  expect(form.status).toBe(409);
  expect(form.text).toContain('Responses can only be recorded while the exercise is open');
  const post = await postForm(camden, `/tenders/${id}/responses/record`, { organisationId: s.organisationId, method: 'phone' });
  expect(post.status).toBe(409);
  expect(await t.questionnaires.responses.countDocuments({ tender: id })).toBe(0);
});

test('an officer of another borough gets 404 on every responses page', async () => {
  const id = await exercise();
  const s = await interestedSupplier(t.app, id, { name: 'Camden Only' });
  const { responseId, fileId } = await submitted(id, s);
  for (const path of [
    `/tenders/${id}/responses`,
    `/tenders/${id}/responses/record`,
    `/tenders/${id}/responses/${responseId}`,
    `/tenders/${id}/responses/${responseId}/files/${fileId}/download`,
  ]) {
    const res = await hackney.get(path);
    expect([path, res.status]).toEqual([path, 404]);
    expect(res.text).not.toContain('Camden Only');
  }
  const other = await interestedSupplier(t.app, id, { name: 'Second Camden Org' });
  const post = await postForm(hackney, `/tenders/${id}/responses/record`, { organisationId: other.organisationId, method: 'phone' });
  expect(post.status).toBe(404);
  expect(await t.questionnaires.responses.countDocuments({ tender: id, organisation: other.organisationId })).toBe(0);
});

test('answers and names are shown as text, never as markup', async () => {
  const id = await exercise();
  const s = await interestedSupplier(t.app, id, { name: '"><script>alert(1)</script> Readers' });
  const { responseId } = await submitted(id, s, { experience: '<img src=x onerror=alert(2)> and <b>bold</b>' });
  const list = await camden.get(`/tenders/${id}/responses`).expect(200);
  expect(list.text).toContain('&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt; Readers');
  expect(list.text).not.toContain('<script>alert(1)');
  const page = await camden.get(`/tenders/${id}/responses/${responseId}`).expect(200);
  expect(page.text).toContain('&lt;img src=x onerror=alert(2)&gt; and &lt;b&gt;bold&lt;/b&gt;');
  expect(page.text).not.toContain('<img src=x');
  expect(page.text).not.toContain('<script>alert(1)');
});
