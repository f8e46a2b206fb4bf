import mongoose from 'mongoose';
import supertest from 'supertest';
import { startMailbox } from '../helpers/mailbox';
import { OutboxSender } from '../../src/platform/notifications';
import { signedInAs, startTestApp, testClock, type TestApp } from '../helpers/app';
import { send, type Client } from '../helpers/client';
import { createOfficer, draftExercise, publishedExercise, registeredSupplier, uniqueEmail } from '../helpers/factories';
import { csrfFrom } from '../helpers/forms';

const BASE_URL = 'https://libraries.example.org';
const ALERT_SUBJECT = /^New exercise from /;

// Sign-ups' links expire by this clock; exercises are published on the real one.
const clock = testClock(new Date().toISOString());
let t: TestApp;
let camden: Client;
let hackney: Client;
beforeAll(async () => {
  t = await startTestApp({ config: { BASE_URL, TRUST_PROXY: '1' }, alerts: { now: clock.now } });
  camden = await signedInAs(t.app, (await createOfficer(t.auth, 'camden')).email);
  hackney = await signedInAs(t.app, (await createOfficer(t.auth, 'hackney')).email);
});
afterAll(async () => t.close());
// Sign-ups come from few addresses: each test starts with none counted.
beforeEach(async () => {
  await t.conn.collection('loginattempts').deleteMany({ key: mongoose.trusted({ $regex: '^alert-signup:' }) });
});

/** Signs up through the open form, as someone with no account; the response to the form. */
async function signUp(email: string, boroughs: string[] = [], address = '203.0.113.9') {
  const agent = supertest.agent(t.app);
  const page = await agent.get('/alerts').expect(200);
  return agent
    .post('/alerts')
    .set('X-Forwarded-For', address)
    .type('form')
    .send({ _csrf: csrfFrom(page.text), email, boroughs });
}

/** The link in the newest confirmation email to this address, as sent. */
async function confirmationLink(email: string): Promise<string> {
  const mail = await t.notifier.outbox
    .findOne({ to: email, subject: /^Confirm your email alerts/ })
    .sort({ createdAt: -1, _id: -1 })
    .lean();
  const link = /^https:\/\/libraries\.example\.org\/alerts\/confirm\?token=[A-Za-z0-9_-]{43}$/m.exec(mail?.text ?? '')?.[0];
  if (!link) throw new Error(`no confirmation link emailed to ${email}: ${mail?.text}`);
  return link.slice(BASE_URL.length);
}

/** Opens a link's page and presses its button, as a person would. */
async function pressButtonOn(path: string, action: string) {
  const agent = supertest.agent(t.app);
  const page = await agent.get(path).expect(200);
  const token = /name="token" value="([^"]*)"/.exec(page.text)?.[1];
  return agent
    .post(action)
    .type('form')
    .send({ _csrf: csrfFrom(page.text), token });
}

/** Signs up and confirms through the emailed link. */
async function confirmedSubscriber(boroughs: string[] = [], email = uniqueEmail('reader')): Promise<string> {
  expect((await signUp(email, boroughs)).headers.location).toBe('/alerts/check-email');
  const res = await pressButtonOn(await confirmationLink(email), '/alerts/confirm');
  expect([res.status, res.headers.location]).toEqual([303, '/alerts/started']);
  return email;
}

/** Publishes through the API and waits for the alerts it starts. */
async function publish(officer: Client, title = 'Community library services in the north of the borough'): Promise<string> {
  const id = await publishedExercise(officer, { tender: { title } });
  await t.alerts.sender.settled();
  return id;
}

const alertsTo = (email: string) => t.notifier.outbox.find({ to: email, subject: ALERT_SUBJECT }).lean();

/** The unsubscribe page's path from an email's footer. */
function unsubscribePath(text: string): string {
  const link = /https:\/\/libraries\.example\.org(\/unsubscribe\?token=[A-Za-z0-9_-]{43})$/m.exec(text)?.[1];
  if (!link) throw new Error(`no unsubscribe link in: ${text}`);
  return link;
}

test('the exercise list offers alerts, and the sign-up page asks for an address and boroughs', async () => {
  const list = await supertest(t.app).get('/tenders').expect(200);
  expect(list.text).toContain('<a class="govuk-link" href="/alerts" id="alerts-link">Get an email when a new exercise is published</a>');
  const page = await supertest(t.app).get('/alerts').expect(200);
  expect(page.text).toContain('autocomplete="email"');
  expect(page.text).toContain('value="camden"');
  expect(page.text).toContain('Leave them all unticked to hear about exercises from every London borough.');
});

test('sign up, confirm, publish: exactly one alert, with the exercise, its dates in UK time, an absolute link and an unsubscribe link', async () => {
  const email = await confirmedSubscriber();
  const id = await publish(camden, 'Library services in Kentish Town');
  const mails = await alertsTo(email);
  expect(mails).toHaveLength(1);
  const [mail] = mails;
  expect(mail!.subject).toBe('New exercise from Camden: Library services in Kentish Town');
  expect(mail!.text).toContain(`${BASE_URL}/tenders/${id}\n`);
  expect(mail!.text).toContain('Expressions of interest close: 15 February 2027, midday (UK time)');
  expect(mail!.text).toContain('Questionnaires close: 1 March 2027, midday (UK time)');
  expect(mail!.text).toContain('You are getting this email because you asked for alerts about new exercises in every London borough.');
  expect(mail!.text).toMatch(/To stop these alerts, unsubscribe: https:\/\/libraries\.example\.org\/unsubscribe\?token=[\w-]{43}$/);
  expect(mail!.unsubscribeUrl).toBe(`${BASE_URL}${unsubscribePath(mail!.text)}`);
  // Publishing again is refused, and sends nothing more.
  expect((await send(camden, 'post', `/api/v1/tenders/${id}/publish`)).status).toBe(409);
  await t.alerts.sender.settled();
  expect(await alertsTo(email)).toHaveLength(1);
});

test('nothing is sent before the link is confirmed; opening the link alone confirms nothing', async () => {
  const email = uniqueEmail('unconfirmed');
  await signUp(email, ['camden']);
  const link = await confirmationLink(email);
  const page = await supertest(t.app).get(link).expect(200);
  expect(page.text).toContain('Confirm your email alerts');
  expect(page.text).toContain('Camden');
  await publish(camden);
  expect(await alertsTo(email)).toHaveLength(0);
  // A link works once.
  expect((await pressButtonOn(link, '/alerts/confirm')).status).toBe(303);
  const again = await supertest(t.app).get(link);
  expect(again.status).toBe(404);
  expect(again.text).toContain('This link to confirm email alerts is not valid');
  const bad = await supertest(t.app).get('/alerts/confirm?token=nonsense');
  expect(bad.status).toBe(404);
});

test('alerts follow the boroughs chosen; none chosen means every London borough', async () => {
  const hackneyOnly = await confirmedSubscriber(['hackney']);
  const two = await confirmedSubscriber(['hackney', 'camden']);
  const everywhere = await confirmedSubscriber();
  await publish(camden, 'A Camden exercise');
  await publish(hackney, 'A Hackney exercise');
  const subjects = async (email: string) => (await alertsTo(email)).map((m) => m.subject).sort();
  expect(await subjects(hackneyOnly)).toEqual(['New exercise from Hackney: A Hackney exercise']);
  expect(await subjects(two)).toEqual(['New exercise from Camden: A Camden exercise', 'New exercise from Hackney: A Hackney exercise']);
  expect(await subjects(everywhere)).toEqual([
    'New exercise from Camden: A Camden exercise',
    'New exercise from Hackney: A Hackney exercise',
  ]);
  const [mail] = await alertsTo(two);
  expect(mail!.text).toContain('alerts about new exercises in Camden and Hackney.');
});

test('the answer is the same for an address that already has alerts, and its boroughs change only through the new link', async () => {
  const email = await confirmedSubscriber(['camden']);
  const fresh = await signUp(uniqueEmail('fresh'), ['lambeth']);
  const existing = await signUp(email, ['lambeth']);
  expect([existing.status, existing.headers.location]).toEqual([fresh.status, fresh.headers.location]);
  expect(existing.headers.location).toBe('/alerts/check-email');
  const page = await supertest(t.app).get('/alerts/check-email').expect(200);
  expect(page.text).toContain('We have sent a link to that address.');
  // Until the new link is followed, the address keeps its Camden alerts.
  await publish(camden, 'Still Camden');
  expect((await alertsTo(email)).map((m) => m.subject)).toEqual(['New exercise from Camden: Still Camden']);
  await pressButtonOn(await confirmationLink(email), '/alerts/confirm');
  await publish(camden, 'Camden again');
  expect(await alertsTo(email)).toHaveLength(1);
});

test('a link works for 7 days; a sign-up never confirmed is then forgotten, and confirmed alerts stay', async () => {
  const kept = await confirmedSubscriber(['camden']);
  const forgotten = uniqueEmail('forgotten');
  await signUp(forgotten);
  const link = await confirmationLink(forgotten);
  clock.advance(7 * 24 * 60 * 60_000 + 1);
  try {
    expect((await supertest(t.app).get(link)).status).toBe(404);
    await t.alerts.sweep();
    expect(await t.alerts.subscriptions.countDocuments({ email: forgotten })).toBe(0);
    expect(await t.alerts.subscriptions.countDocuments({ email: kept, confirmed: true })).toBe(1);
  } finally {
    clock.set(new Date().toISOString());
  }
});

test('alerts a stopped server left unfinished are finished by the sweep, still once for each subscriber', async () => {
  const [queued, claimed, unclaimed] = [
    await confirmedSubscriber(['camden']),
    await confirmedSubscriber(['camden']),
    await confirmedSubscriber(['camden']),
  ];
  const id = await publish(camden, 'Left unfinished');
  const tender = new mongoose.Types.ObjectId(id);
  const subscriptionOf = async (email: string) => (await t.alerts.subscriptions.findOne({ email }).lean())!._id;
  // As if the server stopped after claiming one subscriber's alert, before queuing it, and before claiming another's.
  await t.notifier.outbox.deleteOne({ to: claimed, subject: ALERT_SUBJECT });
  await t.notifier.outbox.deleteOne({ to: unclaimed, subject: ALERT_SUBJECT });
  await t.alerts.deliveries.deleteOne({ tender, subscription: await subscriptionOf(unclaimed) });
  const runs = t.conn.collection('alertruns');
  const startedAt = new Date(clock.now().getTime() - 4 * 60_000);
  await runs.updateOne({ tender }, { $set: { finishedAt: null, startedAt } });
  // Not yet taken for stopped: it may still be running.
  await t.alerts.sweep();
  expect(await alertsTo(claimed)).toHaveLength(0);
  clock.advance(2 * 60_000);
  try {
    await t.alerts.sweep();
    await t.alerts.sweep();
  } finally {
    clock.set(new Date().toISOString());
  }
  for (const email of [queued, claimed, unclaimed]) {
    const mails = await alertsTo(email);
    expect([email, mails.map((m) => m.subject)]).toEqual([email, ['New exercise from Camden: Left unfinished']]);
    const delivery = await t.alerts.deliveries.findOne({ tender, subscription: await subscriptionOf(email) }).lean();
    expect(mails[0]!._id.equals(delivery!._id)).toBe(true);
  }
  expect((await runs.findOne({ tender }))?.finishedAt).toBeInstanceOf(Date);
});

test('the unsubscribe link shows what stops; only its button stops it', async () => {
  const email = await confirmedSubscriber(['camden']);
  await publish(camden, 'First');
  const [mail] = await alertsTo(email);
  const path = unsubscribePath(mail!.text);
  const page = await supertest(t.app).get(path).expect(200);
  expect(page.text).toContain('This will stop the emails we send about new exercises');
  expect(page.text).toContain(email);
  expect(page.text).toContain('Stop email alerts');
  // A mail scanner following the link changes nothing.
  await publish(camden, 'Second');
  expect(await alertsTo(email)).toHaveLength(2);
  const stopped = await pressButtonOn(path, '/unsubscribe');
  expect([stopped.status, stopped.headers.location]).toEqual([303, '/unsubscribe/done']);
  expect((await supertest(t.app).get('/unsubscribe/done').expect(200)).text).toContain('Email alerts stopped');
  await publish(camden, 'Third');
  expect(await alertsTo(email)).toHaveLength(2);
  expect((await supertest(t.app).get(path).expect(200)).text).toContain('This email address gets no alerts about new exercises');
  // Without CSRF the button is refused.
  const forged = await supertest(t.app).post('/unsubscribe').type('form').send({ token: 'x' });
  expect(forged.status).toBe(403);
});

test('bad input gets a message per field; too many sign-ups for one address get 429', async () => {
  const bad = await signUp('not an address', ['camden', 'atlantis']);
  expect(bad.status).toBe(422);
  expect(bad.text).toContain('There is a problem');
  expect(bad.text).toContain('Enter an email address in the correct format, like name@example.org');
  expect(bad.text).toContain('Choose boroughs from the list');
  expect(bad.text).toContain('href="#email"');
  const empty = await supertest(t.app).post('/alerts').type('form').send({});
  expect(empty.status).toBe(403);
  const email = uniqueEmail('flooded');
  for (let i = 0; i < 3; i++) expect((await signUp(email)).status).toBe(303);
  const refused = await signUp(email);
  expect(refused.status).toBe(429);
  expect(refused.headers['retry-after']).toMatch(/^\d+$/);
  expect(await t.notifier.outbox.countDocuments({ to: email })).toBe(3);
  const noToken = await supertest.agent(t.app);
  expect((await noToken.get('/unsubscribe').expect(200)).text).toContain('This email address gets no alerts about new exercises');
  const formPage = await noToken.get('/alerts').expect(200);
  const noTokenPost = await noToken
    .post('/unsubscribe')
    .type('form')
    .send({ _csrf: csrfFrom(formPage.text) });
  expect(noTokenPost.status).toBe(422);
});

test('a signed-in supplier gets alerts to their own address at once, sees them on the dashboard and can stop them', async () => {
  const supplier = await registeredSupplier(t.app);
  const page = await supplier.agent.get('/alerts').expect(200);
  expect(page.text).toContain('the email address you sign in with');
  expect(page.text).not.toContain('name="email"');
  const saved = await supplier.agent
    .post('/alerts')
    .type('form')
    .send({ _csrf: csrfFrom(page.text), boroughs: 'hackney' });
  expect([saved.status, saved.headers.location]).toEqual([303, '/alerts/started']);
  const dashboard = await supplier.agent.get('/dashboard').expect(200);
  expect(dashboard.text).toContain('We email you when a new exercise is published in Hackney.');
  await publish(hackney, 'For the supplier');
  expect((await alertsTo(supplier.email)).map((m) => m.subject)).toEqual(['New exercise from Hackney: For the supplier']);
  const mine = await supplier.agent.get('/alerts').expect(200);
  expect(mine.text).toContain('id="current-alerts"');
  const token = /name="token" value="([^"]+)"/.exec(mine.text)?.[1];
  const stop = await supplier.agent
    .post('/unsubscribe')
    .type('form')
    .send({ _csrf: csrfFrom(mine.text), token });
  expect(stop.headers.location).toBe('/unsubscribe/done');
  expect((await supplier.agent.get('/dashboard').expect(200)).text).toContain('Set up email alerts');
});

test('every email the portal sends ends with why it was sent and the address’s unsubscribe link', async () => {
  // Emails of other kinds: a registration, a password reset, an expression of interest.
  const supplier = await registeredSupplier(t.app);
  const reset = await supertest.agent(t.app);
  const resetPage = await reset.get('/password-reset').expect(200);
  await reset
    .post('/password-reset')
    .type('form')
    .send({ _csrf: csrfFrom(resetPage.text), email: supplier.email })
    .expect(303);
  const exercise = await draftExercise(camden);
  await send(camden, 'post', `/api/v1/tenders/${exercise}/publish`).expect(200);
  await t.alerts.sender.settled();
  const interest = await send(supplier, 'post', `/api/v1/tenders/${exercise}/interests`, {
    lotIds: ['lot-1'],
    contactName: 'Sam Supplier',
    contactEmail: supplier.email,
    heardVia: 'newsletter',
  });
  expect(interest.status).toBe(201);
  const mails = await t.notifier.outbox.find().lean();
  const kinds = new Set(mails.map((m) => m.subject.split(' ').slice(0, 3).join(' ')));
  expect(kinds.size).toBeGreaterThanOrEqual(4);
  for (const mail of mails) {
    expect({
      subject: mail.subject,
      footer: /\n\n---\nYou are getting this email because .+\n.+https:\/\/libraries\.example\.org\/unsubscribe\?token=[\w-]{43}$/.test(
        mail.text,
      ),
    }).toEqual({
      subject: mail.subject,
      footer: true,
    });
    expect(mail.text).toContain(`/unsubscribe?token=${t.notifier.unsubscribeToken(mail.to)}`);
  }
  // An email about the account says it cannot be stopped; the link leads to a page saying there is nothing to stop.
  const resetMail = mails.find((m) => m.subject.startsWith('Reset your password'))!;
  expect(resetMail.text).toContain('Emails like this one, about your account or your organisation');
  const page = await supertest(t.app).get(unsubscribePath(resetMail.text)).expect(200);
  expect(page.text).toContain('This email address gets no alerts about new exercises');
});

test('sent over SMTP, an alert has a List-Unsubscribe header and an email about an account has none', async () => {
  const mailbox = await startMailbox();
  const email = await confirmedSubscriber(['lambeth']);
  await publish(await signedInAs(t.app, (await createOfficer(t.auth, 'lambeth')).email), 'Sent by SMTP');
  // Only this address's emails are left to send, to keep the test short.
  await t.notifier.outbox.updateMany({ to: mongoose.trusted({ $ne: email }), status: 'pending' }, { $set: { status: 'sent' } });
  const sender = new OutboxSender(t.notifier.outbox, mailbox.url, 'portal@example.org');
  try {
    while ((await sender.sendPending(100)) > 0);
  } finally {
    sender.close();
    await mailbox.close();
  }
  const [alert, confirmation] = ['New exercise from Lambeth', 'Confirm your email alerts'].map(
    (subject) => mailbox.received.find((r) => r.to === email && r.subject.startsWith(subject))!.raw,
  );
  const header = `List-Unsubscribe: <${BASE_URL}/unsubscribe?token=${t.notifier.unsubscribeToken(email)}>`;
  expect(alert!.replace(/\r\n\s+/g, ' ')).toContain(header);
  expect(confirmation).not.toContain('List-Unsubscribe');
});
