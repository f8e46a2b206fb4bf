import supertest from 'supertest';
import { csrfFrom, signInThroughForm } from '../helpers/forms';
import { apiClient, signedInAs, startTestApp, testClock, type TestApp } from '../helpers/app';
import { send } from '../helpers/client';
import { createOfficer, draftExercise, publishedExercise, registration } from '../helpers/factories';
import { elfExecutable, samplePdf } from '../helpers/sample-files';

const clock = testClock();
let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ tenders: { now: clock.now } });
});
afterAll(async () => t.close());
beforeEach(() => clock.set('2027-01-10T09:00:00.000Z'));

const signInForm = (email: string) => signInThroughForm(t.app, email);

/** GETs a page and posts its form back with the given fields. */
async function submit(agent: supertest.Agent, page: string, action: string, fields: Record<string, string>) {
  const form = await agent.get(page).expect(200);
  return agent
    .post(action)
    .type('form')
    .send({ _csrf: csrfFrom(form.text), ...fields });
}

const validForm = {
  title: 'Mobile library for the east of the borough',
  summary: 'We want a partner to run our mobile library. It visits care homes and schools. Tell us what would help you bid.',
  specification: 'Two vehicles. Six days a week.',
  'lots-0-title': 'Mobile library',
  'lots-0-description': 'Vehicle, staff and stock',
  'lots-0-estimatedAnnualValue': '£120,000',
  estimatedValueMin: '500000',
  estimatedValueMax: '750000',
  contractTermMonths: '48',
  tupe: 'yes',
  'clarificationDeadline-day': '1',
  'clarificationDeadline-month': '2',
  'clarificationDeadline-year': '2027',
  'eoiDeadline-day': '15',
  'eoiDeadline-month': '2',
  'eoiDeadline-year': '2027',
  'eoiDeadline-time': '17:00',
  'questionnaireDeadline-day': '1',
  'questionnaireDeadline-month': '3',
  'questionnaireDeadline-year': '2027',
  thirdSectorTargetPercent: '30',
  shareFindings: 'yes',
};

describe('an officer runs an exercise through the pages, without JavaScript', () => {
  test('create with errors, fix, publish after confirming, then see it listed for everyone', async () => {
    const officer = await createOfficer(t.auth, 'camden');
    const agent = await signInForm(officer.email);

    const bad = await submit(agent, '/tenders/new', '/tenders/new', {
      ...validForm,
      title: '',
      'lots-1-description': 'A lot with no title',
      'eoiDeadline-day': '31',
      'eoiDeadline-month': '2',
      contractTermMonths: 'four years',
    });
    expect(bad.status).toBe(422);
    expect(bad.text).toContain('There is a problem');
    expect(bad.text).toMatch(/href="#title"/);
    expect(bad.text).toMatch(/href="#lots-1-title"/);
    // The link goes to the deadline's day box, so following it puts the focus in a box.
    expect(bad.text).toMatch(/href="#eoiDeadline-day"/);
    expect(bad.text).toMatch(/href="#contractTermMonths"/);
    expect(bad.text).toContain('<title>Error: ');
    // What the officer typed is kept.
    expect(bad.text).toContain('We want a partner to run our mobile library.');
    expect(bad.text).toContain('value="four years"');
    // The folded parts holding a problem are open, so each link in the summary reaches its field; the others stay folded.
    const details = (summary: string) => {
      const found = new RegExp(`<details class="govuk-details"( open)?>\\s*<summary[^>]*>\\s*<span[^>]*>\\s*${summary}`).exec(bad.text);
      return found ? (found[1] ? 'open' : 'folded') : 'missing';
    };
    expect(details('Add more lots')).toBe('open');
    expect(details('Add the estimated value and contract length \\(optional\\)')).toBe('open');
    expect(details('Add events')).toBe('folded');

    const saved = await submit(agent, '/tenders/new', '/tenders/new', validForm);
    expect(saved.status).toBe(303);
    const url = saved.headers.location as string;
    expect(url).toMatch(/^\/tenders\/[0-9a-f]{24}$/);
    const page = await agent.get(url).expect(200);
    expect(page.text).toContain('Draft saved. Its reference is CAM-LIB-2027-');
    expect(page.text).toContain('Mobile library for the east of the borough');
    expect(page.text).toContain('£120,000 a year');
    expect(page.text).toContain('15 February 2027, 5pm (UK time)');
    expect(page.text).toContain('Reading ease of the summary');
    // The message is shown once.
    expect((await agent.get(url)).text).not.toContain('Draft saved');

    // Drafts are invisible to the public.
    expect((await supertest(t.app).get(url)).status).toBe(404);

    const confirm = await agent.get(`${url}/publish`).expect(200);
    // No questionnaire yet: the officer is warned, with a way to add one first.
    expect(confirm.text).toContain('This exercise has no questionnaire yet.');
    expect(confirm.text).toContain(`href="${url}/questionnaire/edit">Add a questionnaire first</a>`);
    expect(confirm.text).toContain('Publish this exercise');
    const published = await agent
      .post(`${url}/publish`)
      .type('form')
      .send({ _csrf: csrfFrom(confirm.text) });
    expect(published.status).toBe(303);
    expect((await agent.get(url)).text).toContain('The exercise is published');

    const list = await supertest(t.app).get('/tenders?borough=camden&status=published&q=mobile').expect(200);
    expect(list.text).toContain('Mobile library for the east of the borough');
    const other = await supertest(t.app).get('/tenders?borough=hackney').expect(200);
    expect(other.text).not.toContain('Mobile library for the east of the borough');
    expect((await supertest(t.app).get('/tenders?status=nonsense')).status).toBe(200);

    // The public page has the call to action and the key dates.
    const publicPage = await supertest(t.app).get(url).expect(200);
    expect(publicPage.text).toContain('Express interest');
    expect(publicPage.text).toContain(`/login?next=${url}/interest`);
    expect(publicPage.text).not.toContain('Manage this exercise');

    // A change after publishing is listed on the page.
    const edit = await submit(agent, `${url}/edit`, `${url}/edit`, { ...validForm, contractTermMonths: '60' });
    expect(edit.status).toBe(303);
    const after = await supertest(t.app).get(url).expect(200);
    expect(after.text).toContain('Changes since publishing');
    expect(after.text).toMatch(/Contract term \(months\)<\/td>\s*<td[^>]*>48<\/td>\s*<td[^>]*>60<\/td>/);

    // Closing asks first; a second close is a clear 409, not an error page.
    const closeForm = await agent.get(`${url}/close`).expect(200);
    await agent
      .post(`${url}/close`)
      .type('form')
      .send({ _csrf: csrfFrom(closeForm.text) })
      .expect(303);
    const again = await agent
      .post(`${url}/close`)
      .type('form')
      .send({ _csrf: csrfFrom(closeForm.text) });
    expect(again.status).toBe(409);
    expect(again.text).toContain('A closed exercise cannot be closed');
  });

  test('publishing with past deadlines explains each problem with a link to the field', async () => {
    const officer = await createOfficer(t.auth, 'camden');
    const agent = await signInForm(officer.email);
    const saved = await submit(agent, '/tenders/new', '/tenders/new', validForm);
    const url = saved.headers.location as string;
    clock.set('2027-02-10T09:00:00.000Z');
    const confirm = await agent.get(`${url}/publish`).expect(200);
    const res = await agent
      .post(`${url}/publish`)
      .type('form')
      .send({ _csrf: csrfFrom(confirm.text) });
    expect(res.status).toBe(422);
    expect(res.text).toContain(`href="${url}/edit#clarificationDeadline"`);
    expect(res.text).toContain('must be in the future to publish');
  });

  test('the summary’s reading ease is scored while editing, with a warning below 60', async () => {
    const officer = await createOfficer(t.auth, 'camden');
    const agent = await signInForm(officer.email);
    const hard =
      'The authority is undertaking comprehensive preliminary market engagement activities regarding the prospective externalisation of statutory library provision, incorporating considerations of organisational capability.';
    const res = await submit(agent, '/tenders/new', '/tenders/new', { ...validForm, summary: hard, title: '' });
    expect(res.status).toBe(422);
    expect(res.text).toContain('Warning: this summary may be hard to read');
    expect(res.text).toContain('TUPE');
    expect(res.text).toContain('Soft market testing');
    const plain = await submit(agent, '/tenders/new', '/tenders/new', { ...validForm, title: '' });
    expect(plain.text).toContain('This summary is in plain English.');
  });

  test('documents are uploaded through the page form and downloaded from the exercise page', async () => {
    const officer = await createOfficer(t.auth, 'camden');
    const agent = await signInForm(officer.email);
    const url = (await submit(agent, '/tenders/new', '/tenders/new', validForm)).headers.location as string;
    const page = await agent.get(`${url}/documents`).expect(200);
    const action = /<form method="post" action="([^"]+)" enctype="multipart\/form-data"/.exec(page.text)?.[1]?.replace(/&amp;/g, '&');
    expect(action).toMatch(/\?_csrf=/);

    const bad = await agent.post(action!).field('title', 'Specification').attach('file', elfExecutable(), 'spec.pdf');
    expect(bad.status).toBe(415);
    expect(bad.text).toContain('The selected file must be a PDF');
    expect(bad.text).toContain('value="Specification"');

    const good = await agent.post(action!).field('title', 'Specification').attach('file', samplePdf(), 'spec.pdf');
    expect(good.status).toBe(303);
    const shown = await agent.get(url).expect(200);
    const link = /href="(\/tenders\/[0-9a-f]{24}\/documents\/[0-9a-f]{24}\/download)"/.exec(shown.text)?.[1];
    expect(link).toBeDefined();
    const file = await agent.get(link!).expect(200);
    expect(file.headers['content-disposition']).toMatch(/^attachment;/);

    const noToken = await agent.post(`${url}/documents`).field('title', 'X').attach('file', samplePdf(), 'x.pdf');
    expect(noToken.status).toBe(403);
  });
});

describe('questions through the pages, and the dashboard', () => {
  test('a supplier asks, the officer answers and publishes, the supplier’s dashboard lists the notification', async () => {
    const officerUser = await createOfficer(t.auth, 'camden');
    const officer = await signedInAs(t.app, officerUser.email);
    const id = await publishedExercise(officer);
    const { reference } = (await officer.agent.get(`/api/v1/tenders/${id}`).expect(200)).body as { reference: string };

    const reg = registration();
    await send(await apiClient(t.app), 'post', '/api/v1/auth/register', reg).expect(201);
    const supplier = await signInForm(reg.email as string);

    // A problem is an error, never a success banner: an error summary and a field error, on the same page.
    const empty = await submit(supplier, `/tenders/${id}`, `/tenders/${id}/questions`, { question: '   ' });
    expect(empty.status).toBe(422);
    expect(empty.text).toContain('govuk-error-summary');
    expect(empty.text).toMatch(/<a href="#question">Enter your question<\/a>/);
    expect(empty.text).toContain('govuk-error-message');
    expect(empty.text).not.toContain('govuk-notification-banner--success');
    const tooLong = await submit(supplier, `/tenders/${id}`, `/tenders/${id}/questions`, { question: 'Is there parking? '.repeat(200) });
    expect(tooLong.status).toBe(422);
    expect(tooLong.text).toContain('Is there parking? Is there parking?');

    const xss = '<script>alert("q")</script> Will staff <b>transfer</b>?';
    const asked = await submit(supplier, `/tenders/${id}`, `/tenders/${id}/questions`, { question: xss });
    expect(asked.status).toBe(303);
    const mine = await supplier.get(`/tenders/${id}`);
    expect(mine.text).toContain('Your question has been sent');
    expect(mine.text).toContain('&lt;script&gt;alert(&quot;q&quot;)&lt;/script&gt; Will staff &lt;b&gt;transfer&lt;/b&gt;?');
    expect(mine.text).not.toContain('<script>alert(');

    const officerPages = await signInForm(officerUser.email);
    const inbox = await officerPages.get(`/tenders/${id}/questions`).expect(200);
    expect(inbox.text).toContain(reg.organisation.name);
    const cid = /action="\/tenders\/[0-9a-f]{24}\/questions\/([0-9a-f]{24})\/answer"/.exec(inbox.text)?.[1];
    expect(cid).toBeDefined();
    const noAnswer = await officerPages
      .post(`/tenders/${id}/questions/${cid}/answer`)
      .type('form')
      .send({ _csrf: csrfFrom(inbox.text), answer: '', publish: 'yes' });
    expect(noAnswer.status).toBe(422);
    expect(noAnswer.text).toContain(`href="#answer-${cid}"`);

    const answer = 'Yes. <img src=x onerror=alert(1)> Staff will transfer under TUPE.';
    await officerPages
      .post(`/tenders/${id}/questions/${cid}/answer`)
      .type('form')
      .send({ _csrf: csrfFrom(inbox.text), answer, publish: 'yes', confirmed: 'yes' })
      .expect(303);

    const publicPage = await supertest(t.app).get(`/tenders/${id}`).expect(200);
    expect(publicPage.text).toContain('&lt;img src=x onerror=alert(1)&gt; Staff will transfer under TUPE.');
    expect(publicPage.text).not.toContain('<img src=x');
    expect(publicPage.text).not.toContain(reg.organisation.name);

    const dashboard = await supplier.get('/dashboard').expect(200);
    expect(dashboard.text).toContain('Notifications');
    expect(dashboard.text).toContain(`href="/tenders/${id}#questions"`);

    const officerDashboard = await officerPages.get('/dashboard').expect(200);
    expect(officerDashboard.text).toContain('Your council’s exercises');
    expect(officerDashboard.text).toContain(reference);
  });

  test('another borough’s officer gets 404 on every officer page of the exercise', async () => {
    const camden = await signedInAs(t.app, (await createOfficer(t.auth, 'camden')).email);
    const id = await draftExercise(camden);
    const hackney = await signInForm((await createOfficer(t.auth, 'hackney')).email);
    for (const path of ['', '/edit', '/publish', '/close', '/cancel', '/documents', '/questions']) {
      expect([path, (await hackney.get(`/tenders/${id}${path}`)).status]).toEqual([path, 404]);
    }
    const token = csrfFrom((await hackney.get('/tenders/new')).text);
    for (const path of ['/edit', '/publish', '/close', '/cancel', '/questions/000000000000000000000000/answer']) {
      expect([path, (await hackney.post(`/tenders/${id}${path}`).type('form').send({ _csrf: token })).status]).toEqual([path, 404]);
    }
    expect((await camden.agent.get(`/api/v1/tenders/${id}`)).body.status).toBe('draft');
  });

  test('a title with markup is shown as text in the list, the page and the title bar', async () => {
    const camden = await signedInAs(t.app, (await createOfficer(t.auth, 'camden')).email);
    const title = '<script>alert(1)</script> Libraries & "friends"';
    const id = await publishedExercise(camden, { tender: { title } });
    for (const path of ['/tenders', `/tenders/${id}`]) {
      const page = await supertest(t.app).get(path).expect(200);
      expect(page.text).toContain('&lt;script&gt;alert(1)&lt;/script&gt; Libraries &amp; &quot;friends&quot;');
      expect(page.text).not.toContain('<script>alert(1)');
    }
  });
});

test('a form post with no body, or a body no parser reads, gets a clear answer, never a server error', async () => {
  const officer = await createOfficer(t.auth, 'camden');
  const api = await signedInAs(t.app, officer.email);
  const id = await draftExercise(api);
  const agent = await signInForm(officer.email);
  const token = csrfFrom((await agent.get('/tenders/new')).text);
  const before = t.serverErrors.length;
  for (const path of [
    '/login',
    '/tenders/new',
    `/tenders/${id}/edit`,
    `/tenders/${id}/publish`,
    `/tenders/${id}/documents`,
    '/register/organisation-name',
  ]) {
    const empty = await agent.post(path).set('X-CSRF-Token', token);
    const text = await agent
      .post(`${path}?_csrf=${encodeURIComponent(token)}`)
      .set('Content-Type', 'text/plain')
      .send('hello');
    expect([path, empty.status < 500, text.status < 500]).toEqual([path, true, true]);
  }
  expect(t.serverErrors.slice(before)).toEqual([]);
});

test('editing an exercise with many lots through the form keeps every lot', async () => {
  const officer = await createOfficer(t.auth, 'camden');
  const api = await signedInAs(t.app, officer.email);
  const lots = Array.from({ length: 8 }, (_, i) => ({ title: `Branch ${i + 1}`, description: `Library ${i + 1}` }));
  const id = await draftExercise(api, { lots });
  const agent = await signInForm(officer.email);
  const form = await agent.get(`/tenders/${id}/edit`).expect(200);
  const fields: Record<string, string> = { _csrf: csrfFrom(form.text) };
  for (const m of form.text.matchAll(/<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"/g)) fields[m[1]!] ??= m[2]!.replace(/&amp;/g, '&');
  for (const m of form.text.matchAll(/<input[^>]*value="([^"]*)"[^>]*name="([^"]+)"/g)) fields[m[2]!] ??= m[1]!;
  for (const m of form.text.matchAll(/<textarea[^>]*name="([^"]+)"[^>]*>([^<]*)<\/textarea>/g)) fields[m[1]!] ??= m[2]!.trim();
  for (const m of form.text.matchAll(/<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"[^>]*checked/g)) fields[m[1]!] = m[2]!;
  const saved = await agent.post(`/tenders/${id}/edit`).type('form').send(fields);
  expect(saved.status).toBe(303);
  const after = await api.agent.get(`/api/v1/tenders/${id}`);
  expect(after.body.lots.map((l: { title: string }) => l.title)).toEqual(lots.map((l) => l.title));
});

describe('finding an opportunity', () => {
  test('search reads titles, summaries, references and lots; the list sorts by closing date and says how soon each closes', async () => {
    const officer = await signedInAs(t.app, (await createOfficer(t.auth, 'hackney')).email);
    const later = await publishedExercise(officer, {
      tender: { title: 'Mobile library', summary: 'A van that visits estates and care homes.', eoiDeadline: '2027-02-20T12:00:00Z' },
    });
    const sooner = await publishedExercise(officer, {
      tender: {
        title: 'Branch libraries',
        summary: 'Three branches.',
        lots: [{ title: 'Stoke Newington branch', description: '', estimatedAnnualValue: 100_000 }],
        clarificationDeadline: '2027-01-11T12:00:00Z',
        eoiDeadline: '2027-01-15T12:00:00Z',
      },
    });
    const reference = (await officer.agent.get(`/api/v1/tenders/${later}`)).body.reference as string;
    const anyone = supertest.agent(t.app);
    const found = async (q: string) => (await anyone.get(`/tenders?q=${encodeURIComponent(q)}&borough=hackney`).expect(200)).text;
    expect(await found('care homes')).toContain(`href="/tenders/${later}"`);
    expect(await found(reference)).toContain(`href="/tenders/${later}"`);
    expect(await found('Stoke Newington')).toContain(`href="/tenders/${sooner}"`);
    expect(await found('Stoke Newington')).not.toContain(`href="/tenders/${later}"`);

    const newest = (await anyone.get('/tenders?borough=hackney').expect(200)).text;
    expect(newest.indexOf(`/tenders/${sooner}"`)).toBeLessThan(newest.indexOf(`/tenders/${later}"`));
    const closing = (await anyone.get('/tenders?borough=hackney&sort=closing').expect(200)).text;
    expect(closing.indexOf(`/tenders/${sooner}"`)).toBeLessThan(closing.indexOf(`/tenders/${later}"`));
    expect(closing).toContain('Closing soon: 5 days left');
    expect(closing).toContain('Closes in 41 days');
    expect((await anyone.get(`/tenders/${sooner}`).expect(200)).text).toContain('Closing soon: 5 days left');
    expect((await anyone.get('/tenders?sort=random').expect(200)).text).toContain('Sort by newest or closing');
  });
});

test('the officer can publish a question in other words, each answer box names its question, and a changed answer shows as updated', async () => {
  const officerUser = await createOfficer(t.auth, 'camden');
  const officer = await signedInAs(t.app, officerUser.email);
  const id = await publishedExercise(officer);
  const reg = registration();
  await send(await apiClient(t.app), 'post', '/api/v1/auth/register', reg).expect(201);
  const asker = await signedInAs(t.app, reg.email as string);
  const asked = await send(asker, 'post', `/api/v1/tenders/${id}/clarifications`, {
    question: 'We are Friends of Kentish Town: can we bid?',
  }).expect(201);
  const cid = asked.body.id as string;

  const pages = await signInForm(officerUser.email);
  const list = await pages.get(`/tenders/${id}/questions`).expect(200);
  expect(list.text).toContain('Question 1 as it will be published');
  expect(list.text).toContain('Your answer to question 1');
  const blank = await submit(pages, `/tenders/${id}/questions`, `/tenders/${id}/questions/${cid}/answer`, {
    question: ' ',
    answer: 'Yes.',
    publish: 'yes',
  });
  expect(blank.status).toBe(422);
  expect(blank.text).toContain('href="#wording-');
  const ok = await submit(pages, `/tenders/${id}/questions`, `/tenders/${id}/questions/${cid}/answer`, {
    question: 'Can a local charity bid?',
    answer: 'Yes.',
    publish: 'yes',
    confirmed: 'yes',
  });
  expect(ok.status).toBe(303);
  const everyone = (await supertest(t.app).get(`/tenders/${id}`).expect(200)).text;
  expect(everyone).toContain('Can a local charity bid?');
  expect(everyone).not.toContain('Kentish Town');
  expect(everyone).not.toContain('>Updated<');
  const officerView = (await officer.agent.get(`/api/v1/tenders/${id}/clarifications`)).body.items[0];
  expect(officerView.askedQuestion).toBe('We are Friends of Kentish Town: can we bid?');

  clock.set('2027-01-11T09:00:00.000Z');
  await submit(pages, `/tenders/${id}/questions`, `/tenders/${id}/questions/${cid}/answer`, {
    question: 'Can a local charity bid?',
    answer: 'Yes, on its own or with partners.',
    publish: 'yes',
  });
  expect((await supertest(t.app).get(`/tenders/${id}`).expect(200)).text).toMatch(
    /Updated\s*<\/strong>\s*11 January 2027, 9am \(UK time\)/,
  );
});

test('publishing an answer is confirmed first: ticking Publish and saving asks, and only the confirmation publishes', async () => {
  const officerUser = await createOfficer(t.auth, 'camden');
  const officer = await signedInAs(t.app, officerUser.email);
  const id = await publishedExercise(officer);
  const reg = registration();
  await send(await apiClient(t.app), 'post', '/api/v1/auth/register', reg).expect(201);
  const asker = await signedInAs(t.app, reg.email as string);
  const asked = await send(asker, 'post', `/api/v1/tenders/${id}/clarifications`, { question: 'Is there parking at the branches?' }).expect(
    201,
  );
  const cid = asked.body.id as string;
  const status = async () => ((await officer.agent.get(`/api/v1/tenders/${id}/clarifications`)).body.items[0] as { status: string }).status;

  const pages = await signInForm(officerUser.email);
  expect((await pages.get(`/tenders/${id}/questions`).expect(200)).text).toContain('You will be asked to confirm first.');
  const fields = { question: 'Is there parking at the branches?', answer: 'Yes, at two of the three.', publish: 'yes' };
  const asking = await submit(pages, `/tenders/${id}/questions`, `/tenders/${id}/questions/${cid}/answer`, fields);
  expect(asking.status).toBe(200);
  expect(asking.text).toMatch(
    /<h1[^>]*>\s*Publish this answer\?\s*<\/h1>\s*<p class="govuk-body">Every organisation taking part will be told/,
  );
  // What was typed goes with the confirmation, nothing is saved or published yet.
  expect(asking.text).toContain('value="Yes, at two of the three."');
  expect(asking.text).toMatch(/value="yes" name="publish"[^>]*>\s*Publish the answer/);
  expect(asking.text).toMatch(/value="no" name="publish"[^>]*>\s*Save without publishing/);
  expect(await status()).toBe('open');
  expect((await supertest(t.app).get(`/tenders/${id}`).expect(200)).text).not.toContain('at two of the three');

  // Saving without publishing from the confirmation keeps the answer back.
  const kept = await pages
    .post(`/tenders/${id}/questions/${cid}/answer`)
    .type('form')
    .send({ _csrf: csrfFrom(asking.text), ...fields, publish: 'no', confirmed: 'yes' });
  expect(kept.status).toBe(303);
  expect(await status()).toBe('answered');

  const confirmed = await pages
    .post(`/tenders/${id}/questions/${cid}/answer`)
    .type('form')
    .send({ _csrf: csrfFrom(asking.text), ...fields, confirmed: 'yes' });
  expect(confirmed.status).toBe(303);
  expect(await status()).toBe('published');
  expect((await supertest(t.app).get(`/tenders/${id}`).expect(200)).text).toContain('Yes, at two of the three.');
});
