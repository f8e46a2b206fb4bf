import { Types } from 'mongoose';
import type supertest from 'supertest';
import { signedInAs, STRONG_PASSWORD, startTestApp, testClock, type TestApp } from '../helpers/app';
import type { Client } from '../helpers/client';
import { createOfficer, interestedSupplier, publishedExercise, sampleQuestionnaire } from '../helpers/factories';
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

  await signInOn(a.pages, a.email, path);
  await a.pages.get(path).expect(303);
  expect(await storedAnswers(id, a.organisationId)).toEqual({ barriers: ['other', 'timescales'], other_barrier: 'Not enough notice' });
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
