import { Types } from 'mongoose';
import supertest from 'supertest';
import { signedInAs, STRONG_PASSWORD, startTestApp, testClock, type TestApp } from '../helpers/app';
import type { Client } from '../helpers/client';
import { createOfficer, interestedSupplier, publishedExercise, registeredSupplier, sampleQuestionnaire } from '../helpers/factories';
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

const exercise = () => publishedExercise(camden, { questionnaire: sampleQuestionnaire() });

async function supplier(id: string, name: string) {
  const s = await interestedSupplier(t.app, id, { name });
  return { ...s, pages: await signInThroughForm(t.app, s.email) };
}

const storedAnswers = async (id: string, organisationId: string) =>
  (await t.questionnaires.responses.findOne({ tender: new Types.ObjectId(id), organisation: new Types.ObjectId(organisationId) }).lean())
    ?.answers ?? {};

/** Ends every session of the user, as the idle timeout does: the store no longer has them. */
async function expireSessions(email: string) {
  const user = await t.conn.collection('users').findOne({ email });
  if (!user) throw new Error(`no user ${email}`);
  const { deletedCount } = await t.conn.collection('sessions').deleteMany({ 'session.passport.user': String(user._id) });
  expect(deletedCount).toBeGreaterThan(0);
}

const hidden = (html: string, name: string) => new RegExp(`name="${name}" value="([^"]*)"`).exec(html)?.[1] ?? '';

async function signInOn(agent: supertest.Agent, email: string, next: string) {
  const login = await agent.get(`/login?next=${encodeURIComponent(next)}`).expect(200);
  const res = await agent
    .post('/login')
    .type('form')
    .send({ _csrf: csrfFrom(login.text), email, password: STRONG_PASSWORD, next });
  expect(res.status).toBe(303);
  expect(res.headers.location).toBe(next);
}

test('a section sent after the session ended is kept, and saved once the same person signs in again', async () => {
  const id = await exercise();
  const a = await supplier(id, 'Friends of Gospel Oak Library');
  const path = `/tenders/${id}/response/sections/1`;
  const page = await a.pages.get(path).expect(200);
  expect(page.text).toContain('You will be signed out if you do nothing for 30 minutes. Your answers are saved each time you press Save.');

  await expireSessions(a.email);
  const late = await a.pages
    .post(path)
    .type('form')
    .send({
      _csrf: csrfFrom(page.text),
      _owner: hidden(page.text, '_owner'),
      action: 'continue',
      'a-experience': 'Typed before lunch',
      'a-tupe': 'no',
    });
  expect(late.status).toBe(401);
  expect(late.text).toContain(
    'You were signed out because you did nothing for 30 minutes. Sign in again and we will save the answers you just sent.',
  );
  expect(late.text).toContain(`href="/login?next=${encodeURIComponent(path)}"`);
  expect(await storedAnswers(id, a.organisationId)).toEqual({});

  await signInOn(a.pages, a.email, path);
  const saved = await a.pages.get(path).expect(303);
  expect(saved.headers.location).toBe(path);
  expect(await storedAnswers(id, a.organisationId)).toEqual({ experience: 'Typed before lunch', tupe: false });
  const shown = await a.pages.get(path).expect(200);
  expect(shown.text).toContain('You are signed in again and the answers you sent are saved.');
  expect(shown.text).toContain('Typed before lunch');
  // Used once: the next visit shows the section as it is.
  expect((await a.pages.get(path)).text).not.toContain('the answers you sent are saved');
});

test('someone else signing in on the same browser does not get the kept answers; a cross-site post is not kept', async () => {
  const id = await exercise();
  const a = await supplier(id, 'Kentish Town Readers');
  const b = await supplier(id, 'Another Organisation');
  const path = `/tenders/${id}/response/sections/1`;
  const page = await a.pages.get(path).expect(200);
  const form = { _csrf: csrfFrom(page.text), _owner: hidden(page.text, '_owner'), action: 'continue', 'a-experience': 'A’s plans' };

  await expireSessions(a.email);
  const crossSite = await a.pages.post(path).set('Sec-Fetch-Site', 'cross-site').type('form').send(form);
  expect(crossSite.status).toBe(403);
  expect(crossSite.text).toContain('This happens when you were signed out because you did nothing for a while.');
  expect(crossSite.text).toContain('href="/login?next=');

  await a.pages.post(path).type('form').send(form).expect(401);
  await signInOn(a.pages, b.email, path);
  const asB = await a.pages.get(path).expect(200);
  expect(asB.text).not.toContain('A’s plans');
  expect(await storedAnswers(id, b.organisationId)).toEqual({});
  expect(await storedAnswers(id, a.organisationId)).toEqual({});
});

test('a section with a file question, sent after the session ended, keeps its typed answers (not its file)', async () => {
  const id = await exercise();
  const a = await supplier(id, 'Camden Town Readers');
  const path = `/tenders/${id}/response/sections/2`;
  const page = await a.pages.get(path).expect(200);
  const action = /<form method="post" action="([^"]+)" enctype="multipart\/form-data"/.exec(page.text)![1]!.replace(/&amp;/g, '&');

  await expireSessions(a.email);
  const late = await a.pages
    .post(action)
    .field('_owner', hidden(page.text, '_owner'))
    .field('a-barriers', 'other')
    .field('a-barriers', 'timescales')
    .field('a-other_barrier', 'Not enough notice')
    .field('action', 'upload:statement')
    .attach('file-statement', samplePdf(), 'capability.pdf');
  expect(late.status).toBe(401);
  expect(late.text).toContain('Sign in again and we will save the answers you just sent.');

  expect(late.text).toContain('The file you chose is not kept. You will need to choose it again.');

  await signInOn(a.pages, a.email, path);
  await a.pages.get(path).expect(303);
  expect(await storedAnswers(id, a.organisationId)).toEqual({ barriers: ['other', 'timescales'], other_barrier: 'Not enough notice' });
  expect((await a.pages.get(path).expect(200)).text).toContain('The file you chose was not kept: choose it again.');
});

test('an expression of interest sent after the session ended comes back filled in, to send, for the same person only', async () => {
  const id = await exercise();
  const s = await registeredSupplier(t.app, { organisation: { name: 'Late Readers' } });
  const pages = await signInThroughForm(t.app, s.email);
  const path = `/tenders/${id}/interest`;
  const page = await pages.get(path).expect(200);
  await expireSessions(s.email);
  const late = await pages
    .post(path)
    .type('form')
    .send({
      _csrf: csrfFrom(page.text),
      _owner: hidden(page.text, '_owner'),
      lotIds: 'lot-1',
      contactName: 'Lena Late',
      contactEmail: 'lena@late.example.org',
      consortium: 'no',
      heardVia: 'newsletter',
    });
  expect(late.status).toBe(401);
  expect(late.text).toContain(
    'What you sent is not sent yet. Sign in again and it will be back on the page, filled in, for you to check and send.',
  );
  expect(late.text).toContain(`href="/login?next=${encodeURIComponent(path)}"`);

  await signInOn(pages, s.email, path);
  const back = await pages.get(path).expect(200);
  expect(back.text).toContain('You are signed in again. What you typed is below. It is not sent yet: check it, then send it.');
  expect(back.text).toContain('value="Lena Late"');
  expect(back.text).toContain('value="lena@late.example.org"');
  expect(back.text).toMatch(/value="newsletter" checked/);
  // Nothing was sent for them: the interest is recorded only when they send the form.
  expect(await t.interests.interests.countDocuments({ tender: new Types.ObjectId(id) })).toBe(0);
  expect((await pages.get(path).expect(200)).text).not.toContain('Lena Late');
});

test('a question sent after the session ended is back in the box on the exercise page; "Send answers" leads back to the check page', async () => {
  const id = await exercise();
  const a = await supplier(id, 'Questioning Readers');
  const exercisePage = await a.pages.get(`/tenders/${id}`).expect(200);
  const check = await a.pages.get(`/tenders/${id}/response/check`).expect(200);
  await expireSessions(a.email);

  const asked = await a.pages
    .post(`/tenders/${id}/questions`)
    .type('form')
    .send({
      _csrf: csrfFrom(exercisePage.text),
      _owner: hidden(exercisePage.text, '_owner'),
      question: 'Will the council keep the mobile library?',
    });
  expect(asked.status).toBe(401);
  expect(asked.text).toContain(`href="/login?next=${encodeURIComponent(`/tenders/${id}`)}"`);
  await signInOn(a.pages, a.email, `/tenders/${id}`);
  const back = await a.pages.get(`/tenders/${id}`).expect(200);
  expect(back.text).toContain('You are signed in again. What you typed is below.');
  expect(back.text).toMatch(/<textarea[^>]*name="question"[^>]*>Will the council keep the mobile library\?<\/textarea>/);
  expect(await t.clarifications.clarifications.countDocuments({ tender: new Types.ObjectId(id) })).toBe(0);

  await expireSessions(a.email);
  const sent = await a.pages
    .post(`/tenders/${id}/response/submit`)
    .type('form')
    .send({
      _csrf: csrfFrom(check.text),
      _owner: hidden(check.text, '_owner'),
      idempotencyKey: hidden(check.text, 'idempotencyKey'),
    });
  expect(sent.status).toBe(401);
  expect(sent.text).toContain(`href="/login?next=${encodeURIComponent(`/tenders/${id}/response/check`)}"`);
  await signInOn(a.pages, a.email, `/tenders/${id}/response/check`);
  const again = await a.pages.get(`/tenders/${id}/response/check`).expect(200);
  expect(again.text).toContain('Your answers are saved, but they are not sent yet: check them, then send them.');
});

test('a registration page sent after its answers were cleared says so and offers to start again', async () => {
  const res = await supertest.agent(t.app).post('/register/your-details').type('form').send({ _csrf: 'stale' });
  expect(res.status).toBe(403);
  expect(res.text).toContain('Your answers were cleared');
  expect(res.text).toContain('href="/register">Start again</a>');
  expect(res.text).not.toContain('Sign in again');
});

test('any out-of-date form says what happened and how to go on', async () => {
  const id = await exercise();
  const a = await supplier(id, 'Highgate Literary Circle');
  const page = await a.pages.get('/organisation').expect(200);
  const stale = await a.pages.post('/logout').type('form').send({ _csrf: 'not-the-token' });
  expect(stale.status).toBe(403);
  expect(stale.text).toContain('What you sent was not saved');
  expect(stale.text).toContain('the page was open from before you last signed in');
  expect(stale.text).toContain('Go back to the page');
  expect(page.status).toBe(200);
});

test('uploading a file from the section form saves the typed answers too, and a refused file keeps them', async () => {
  const id = await exercise();
  const a = await supplier(id, 'Lewisham Readers Trust');
  const path = `/tenders/${id}/response/sections/2`;
  const page = await a.pages.get(path).expect(200);
  const action = /<form method="post" action="([^"]+)" enctype="multipart\/form-data"/.exec(page.text)?.[1]?.replace(/&amp;/g, '&');
  expect(action).toBeDefined();
  expect(page.text).toContain('name="action" value="upload:statement"');

  const refused = await a.pages
    .post(action!)
    .field('_owner', hidden(page.text, '_owner'))
    .field('a-barriers', 'other')
    .field('a-other_barrier', 'Not enough notice')
    .field('action', 'upload:statement')
    .attach('file-statement', Buffer.from('just some text\n'), 'notes.txt');
  expect(refused.status).toBe(415);
  expect(refused.text).toMatch(/id="a-statement"[\s\S]*?govuk-error-message/);
  expect(refused.text).toContain('value="Not enough notice"');
  expect(await storedAnswers(id, a.organisationId)).toEqual({ barriers: ['other'], other_barrier: 'Not enough notice' });

  const res = await a.pages
    .post(action!)
    .field('a-length', 'short')
    .field('a-barriers', 'other')
    .field('a-other_barrier', 'Too little notice')
    .field('a-value', '250000')
    .field('action', 'upload:statement')
    .attach('file-statement', samplePdf('Our work'), 'capability.pdf');
  expect(res.status).toBe(303);
  expect(res.headers.location).toBe(`${path}#a-statement`);
  const stored = await storedAnswers(id, a.organisationId);
  expect(stored).toEqual({
    barriers: ['other'],
    other_barrier: 'Too little notice',
    length: 'short',
    value: 250000,
    statement: expect.stringMatching(/^[0-9a-f]{24}$/),
  });
  const after = await a.pages.get(path).expect(200);
  expect(after.text).toContain('capability.pdf is uploaded and saved as your answer. Your other answers in this section are saved too.');
  expect(after.text).toContain('value="Too little notice"');
  expect(after.text).toContain('value="250000"');

  // Upload pressed with no file chosen: the answers are still saved, and the question asks for a file.
  const noFile = await a.pages
    .post(action!)
    .field('a-value', '1')
    .field('a-statement', String(stored.statement))
    .field('action', 'upload:statement');
  expect(noFile.status).toBe(422);
  expect(noFile.text).toContain('Select a file to upload');
  expect((await storedAnswers(id, a.organisationId)).value).toBe(1);
});
