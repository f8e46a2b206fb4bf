import supertest from 'supertest';
import { signedInAs, startTestApp, STRONG_PASSWORD, testClock, type TestApp } from '../helpers/app';
import { send, type Client } from '../helpers/client';
import {
  createOfficer,
  interestedSupplier,
  publishedExercise,
  registeredSupplier,
  sampleQuestionnaire,
  uniqueEmail,
} from '../helpers/factories';
import { answerOrganisationSteps, fillIn } from '../helpers/forms';

const BASE_URL = 'https://libraries.example.org';
const clock = testClock();
let t: TestApp;
let officer: Client;
let exerciseId: string;

beforeAll(async () => {
  t = await startTestApp({ config: { BASE_URL }, tenders: { now: clock.now }, questionnaires: { now: clock.now } });
  officer = await signedInAs(t.app, (await createOfficer(t.auth, 'camden')).email);
  exerciseId = await publishedExercise(officer, { questionnaire: sampleQuestionnaire() });
});
afterAll(async () => t.close());
beforeEach(() => clock.set('2027-01-10T09:00:00.000Z'));

const mailsTo = (to: string, subject: RegExp) => t.notifier.outbox.find({ to, subject }).lean();

/** Registers through the pages, starting from the given link to the start page; the answer to the last page. */
async function registerFrom(start: string) {
  const agent = supertest.agent(t.app);
  await agent.get(start).expect(200);
  const check = await answerOrganisationSteps(agent);
  expect(check.status).toBe(200);
  const email = uniqueEmail('wall');
  const created = await fillIn(agent, '/register/your-details', { name: 'Rae Reader', email, password: STRONG_PASSWORD });
  expect(created.status).toBe(303);
  return { agent, email, location: created.headers.location as string };
}

describe('the sign-in page says why it is shown', () => {
  test.each([
    ['/tenders/123/interest', 'Sign in to express interest in this exercise'],
    ['/tenders/123/response', 'Sign in to answer the questionnaire'],
    ['/tenders/123/response/sections/2?x=1', 'Sign in to answer the questionnaire'],
    ['/tenders/123', 'Sign in to continue'],
  ])('for %s: “%s”, and registering keeps where they were going', async (next, reason) => {
    const res = await supertest(t.app)
      .get(`/login?next=${encodeURIComponent(next)}`)
      .expect(200);
    expect(res.text).toContain(`${reason}.`);
    expect(res.text).toContain(`href="/register?next=${encodeURIComponent(next).replaceAll('&', '&amp;')}"`);
    expect(res.text).toContain(`name="next" value="${next}"`);
  });

  test('a page that needs sign-in sends the person to it with the reason', async () => {
    // The exercise page's own register link comes back to the interest form after registering.
    const exercise = await supertest(t.app).get(`/tenders/${exerciseId}`).expect(200);
    expect(exercise.text).toContain(`href="/register?next=${encodeURIComponent(`/tenders/${exerciseId}/interest`)}"`);
    const wall = await supertest(t.app).get(`/tenders/${exerciseId}/interest`).expect(303);
    expect(wall.headers.location).toBe(`/login?next=${encodeURIComponent(`/tenders/${exerciseId}/interest`)}`);
    const page = await supertest(t.app)
      .get(wall.headers.location as string)
      .expect(200);
    expect(page.text).toContain('Sign in to express interest in this exercise.');
  });

  test('without a next page, or with one on another site, no reason is given and nothing is carried', async () => {
    for (const next of ['', '//evil.example', 'https://evil.example', '/\\evil']) {
      const res = await supertest(t.app)
        .get(`/login?next=${encodeURIComponent(next)}`)
        .expect(200);
      expect(res.text).not.toContain('Sign in to continue');
      expect(res.text).toContain('href="/register"');
      expect(res.text).toContain('name="next" value=""');
    }
  });
});

describe('registering from an exercise brings the organisation back to it', () => {
  test('from /register?next=/tenders/<id> the new organisation lands on the exercise, signed in and told so', async () => {
    const { agent, location } = await registerFrom(`/register?next=${encodeURIComponent(`/tenders/${exerciseId}`)}`);
    expect(location).toBe(`/tenders/${exerciseId}`);
    const page = await agent.get(location).expect(200);
    expect(page.text).toContain('Peckham Community Readers is registered and you are signed in.');
  });

  test('from the sign-in page of the interest form, it lands on the interest form', async () => {
    const next = `/tenders/${exerciseId}/interest`;
    const login = await supertest(t.app)
      .get(`/login?next=${encodeURIComponent(next)}`)
      .expect(200);
    const link = /href="(\/register\?next=[^"]+)"/.exec(login.text)![1]!;
    const { agent, location } = await registerFrom(link);
    expect(location).toBe(next);
    await agent.get(location).expect(200);
  });

  test('the start page’s sign-in link keeps the page too', async () => {
    const res = await supertest(t.app)
      .get(`/register?next=${encodeURIComponent(`/tenders/${exerciseId}`)}`)
      .expect(200);
    expect(res.text).toContain(`href="/login?next=${encodeURIComponent(`/tenders/${exerciseId}`)}"`);
  });

  test.each(['//evil.example', 'https://evil.example', '/\\evil', '/\t/evil.example'])(
    'an unsafe next (%j) is ignored: the dashboard',
    async (next) => {
      const { location } = await registerFrom(`/register?next=${encodeURIComponent(next)}`);
      expect(location).toBe('/dashboard');
    },
  );
});

describe('confirmation emails', () => {
  /** The first line of the footer every email ends with. */
  const whyLine = (text: string) => text.split('\n---\n').at(-1)!.split('\n')[0]!;

  test('registering sends “Your organisation is registered” with absolute links and no password', async () => {
    const { email } = await registerFrom('/register');
    const [mail, ...more] = await mailsTo(email, /^Your organisation is registered$/);
    expect(more).toHaveLength(0);
    expect(mail!.text).toContain('Peckham Community Readers is registered');
    expect(mail!.text).toContain(`\n${BASE_URL}/tenders\n`);
    expect(mail!.text).toContain(`\n${BASE_URL}/organisation\n`);
    expect(mail!.text).not.toContain(STRONG_PASSWORD);
    expect(whyLine(mail!.text)).toMatch(/^You are getting this email because /);
    // Not an alert: the footer says it is always sent, and its link stops only alerts to the address.
    expect(mail!.text).not.toContain('To stop these alerts');
    expect(mail!.text).toMatch(
      /alerts about new exercises sent to this address: https:\/\/libraries\.example\.org\/unsubscribe\?token=[\w-]{43}$/,
    );
  });

  test('registering through the API sends it too', async () => {
    const supplier = await registeredSupplier(t.app);
    expect(await mailsTo(supplier.email, /^Your organisation is registered$/)).toHaveLength(1);
  });

  test('expressing interest emails the organisation’s users links to the exercise and the questionnaire', async () => {
    const supplier = await interestedSupplier(t.app, exerciseId, { name: 'Kentish Town Readers' });
    const [mail, ...more] = await mailsTo(supplier.email, /^Your interest is recorded: /);
    expect(more).toHaveLength(0);
    expect(mail!.subject).toBe('Your interest is recorded: Community library services in the north of the borough');
    expect(mail!.text).toContain('Kentish Town Readers is interested in');
    expect(mail!.text).toContain(`\n${BASE_URL}/tenders/${exerciseId}\n`);
    expect(mail!.text).toContain(`\n${BASE_URL}/tenders/${exerciseId}/response\n`);
    expect(mail!.text).toContain('1 March 2027, midday (UK time)');
    expect(whyLine(mail!.text)).toMatch(/^You are getting this email because you are a user of Kentish Town Readers/);
  });

  test('submitting emails the receipt once; a repeated Idempotency-Key sends nothing more', async () => {
    const supplier = await interestedSupplier(t.app, exerciseId, { name: 'Brixton Book Club' });
    const answers = { experience: 'We run two community libraries.', tupe: false, likelihood: 4, barriers: ['contract_size'] };
    await send(supplier, 'put', `/api/v1/tenders/${exerciseId}/response`, { answers }).expect(200);
    clock.set('2027-02-05T08:00:00.000Z');
    const submit = () => send(supplier, 'post', `/api/v1/tenders/${exerciseId}/response/submit`).set('Idempotency-Key', 'once');
    const first = await submit().expect(201);
    clock.advance(60_000);
    const again = await submit().expect(201);
    expect(again.body).toEqual(first.body);

    const mails = await mailsTo(supplier.email, /^Your answers are received: /);
    expect(mails).toHaveLength(1);
    const text = mails[0]!.text;
    const { sha256 } = first.body.receipt as { sha256: string };
    expect(text).toContain('Received: 5 February 2027, 8am (UK time)');
    expect(text).toContain(`Receipt reference: ${sha256.slice(0, 4).toUpperCase()}-${sha256.slice(4, 8).toUpperCase()}`);
    expect(text).toContain(`Technical details\nSHA-256: ${sha256}\n`);
    expect(text).toContain(`\n${BASE_URL}/tenders/${exerciseId}/response/receipt\n`);
    expect(whyLine(text)).toMatch(/^You are getting this email because you are a user of Brixton Book Club/);

    // A new submission with a new key is a new receipt, and a new email.
    await submit().set('Idempotency-Key', 'twice').expect(201);
    expect(await mailsTo(supplier.email, /^Your answers are received: /)).toHaveLength(2);
  });
});
