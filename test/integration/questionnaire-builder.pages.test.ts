import type supertest from 'supertest';
import type { Question, QuestionnaireDefinition } from '../../src/questionnaires';
import { signedInAs, startTestApp, testClock, type TestApp } from '../helpers/app';
import { send, type Client } from '../helpers/client';
import { createOfficer, draftExercise, interestedSupplier } from '../helpers/factories';
import { csrfFrom, signInThroughForm } from '../helpers/forms';

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

async function stored(id: string): Promise<QuestionnaireDefinition> {
  const res = await camdenApi.agent.get(`/api/v1/tenders/${id}/questionnaire`);
  expect(res.status).toBe(200);
  return { sections: res.body.sections };
}

const keysOf = (d: QuestionnaireDefinition) => d.sections.map((s) => s.questions.map((q) => q.key));
const question = (d: QuestionnaireDefinition, key: string): Question => d.sections.flatMap((s) => s.questions).find((q) => q.key === key)!;

const tokens = new WeakMap<supertest.Agent, string>();
/** The session's CSRF token, taken from a page's form as a browser would. */
async function tokenFor(agent: supertest.Agent): Promise<string> {
  if (!tokens.has(agent)) tokens.set(agent, csrfFrom((await agent.get('/dashboard').expect(200)).text));
  return tokens.get(agent)!;
}

async function postForm(agent: supertest.Agent, path: string, fields: Record<string, string | string[]> = {}) {
  return agent
    .post(path)
    .type('form')
    .send({ _csrf: await tokenFor(agent), ...fields });
}

/** Adds a question through the form and expects it saved. */
async function addQuestion(id: string, section: number, fields: Record<string, string | string[]>) {
  const form = await camden.get(`/tenders/${id}/questionnaire/sections/${section}/questions/new`);
  expect(form.status).toBe(200);
  const res = await postForm(camden, `/tenders/${id}/questionnaire/sections/${section}/questions/new`, fields);
  if (res.status !== 303) throw new Error(`adding ${JSON.stringify(fields)} answered ${res.status}: ${res.text.slice(0, 3000)}`);
  return res;
}

/** A questionnaire with a section and a yes/no question that a later question depends on. */
async function smallQuestionnaire(id: string) {
  await send(camdenApi, 'put', `/api/v1/tenders/${id}/questionnaire`, {
    sections: [
      {
        title: 'About you',
        questions: [
          { key: 'volunteers', type: 'yesno', label: 'Do you work with volunteers?', required: true },
          { key: 'how_many', type: 'number', label: 'How many volunteers?', showIf: { key: 'volunteers', equals: true } },
          { key: 'ideas', type: 'textarea', label: 'Any ideas?' },
        ],
      },
      { title: 'Next steps', questions: [{ key: 'attend', type: 'yesno', label: 'Would you come to an event?' }] },
    ],
  }).expect(200);
}

test('with no questionnaire the officer chooses the template (with its sections, count and time) or an empty one', async () => {
  const id = await draftExercise(camdenApi);
  const exercise = await camden.get(`/tenders/${id}`).expect(200);
  expect(exercise.text).toContain(`href="/tenders/${id}/questionnaire/edit">Questionnaire</a>`);
  expect(exercise.text).toContain(`href="/tenders/${id}/responses">Questionnaire responses</a>`);

  const start = await camden.get(`/tenders/${id}/questionnaire/edit`).expect(200);
  expect(start.text).toContain('Use the library services template (library-smt-v1)');
  expect(start.text).toContain('Start with an empty questionnaire');
  expect(start.text).toMatch(/\d+ questions in 6 sections\. About \d+ minutes to complete\./);
  expect(start.text).toContain('What might stop you bidding');
  expect(start.text).toContain(`href="/tenders/${id}/questionnaire/sections/new"`);

  const applied = await postForm(camden, `/tenders/${id}/questionnaire/template`, { template: 'library-smt-v1' });
  expect([applied.status, applied.headers.location]).toEqual([303, `/tenders/${id}/questionnaire/edit`]);
  const page = await camden.get(`/tenders/${id}/questionnaire/edit`).expect(200);
  expect(page.text).toContain('The library services template is in place');
  expect(page.text).toContain('Section 4: What might stop you bidding');
  expect(page.text).toContain('Shown when “Could you be ready to start running the service within 12 months?” is Yes');
  expect(page.text).toContain('Shown when “Which of these might stop you bidding, or make it harder?” is Something else');
  expect(page.text).toContain('Several choices from a list');
  expect(page.text).toMatch(/>Core</);
  expect(page.text).toMatch(/>Optional</);
  expect(page.text).toMatch(/About \d+ minutes, shown to organisations/);
  expect(page.text).toMatch(/\d+ in 6 sections \(\d+ required, \d+ core\)/);
  for (const action of ['move-up', 'move-down', 'remove'])
    expect(page.text).toContain(`/questionnaire/questions/barrier_details/${action}`);
  expect((await stored(id)).sections).toHaveLength(6);

  // The template goes only on an exercise without a questionnaire.
  const again = await postForm(camden, `/tenders/${id}/questionnaire/template`, { template: 'library-smt-v1' });
  expect(again.status).toBe(409);
  expect(again.text).toContain('already has a questionnaire');
});

test('an empty questionnaire gets its first section, then one question of each type, with options, bounds and conditions', async () => {
  const id = await draftExercise(camdenApi);
  const first = await camden.get(`/tenders/${id}/questionnaire/sections/new`).expect(200);
  expect(first.text).toContain('Section title');
  for (const label of ['Short text', 'Long text', 'One choice from a list', 'Several choices from a list', 'Yes or no']) {
    expect(first.text).toContain(label);
  }
  const created = await postForm(camden, `/tenders/${id}/questionnaire/sections/new`, {
    sectionTitle: 'About your organisation',
    sectionDescription: 'Tell us about you.',
    label: 'Does your group work with volunteers?',
    type: 'yesno',
    required: 'yes',
    core: 'yes',
  });
  expect(created.status).toBe(303);
  let d = await stored(id);
  expect(d.sections[0]).toMatchObject({ title: 'About your organisation', description: 'Tell us about you.' });
  // The key is made from the label when none is given.
  expect(question(d, 'does_your_group_work_with_volunteers')).toMatchObject({ type: 'yesno', required: true, core: true });

  await addQuestion(id, 1, { key: 'name_of_group', label: 'Name of your group', type: 'text', maxLength: '120' });
  await addQuestion(id, 1, { key: 'experience', label: 'Your experience', type: 'textarea', hint: 'Anything counts', required: 'yes' });
  await addQuestion(id, 1, {
    key: 'contract_length',
    label: 'Preferred contract length',
    type: 'single',
    options: 'Up to 3 years\r\nshort | Less than a year\r\n\r\n  Über 10 Jahre!  ',
  });
  await addQuestion(id, 1, {
    key: 'lots',
    label: 'Which lots?',
    type: 'multi',
    options: 'Branch libraries\nHome library service\nother | Something else',
  });
  await addQuestion(id, 1, { key: 'likelihood', label: 'How likely are you to bid?', type: 'scale' });
  await addQuestion(id, 1, { key: 'staff', label: 'How many staff?', type: 'number', min: '0', max: '1,000' });
  await addQuestion(id, 1, { key: 'start', label: 'Earliest start', type: 'date' });
  await addQuestion(id, 1, { key: 'statement', label: 'Capability statement', type: 'file' });
  // Conditions: yes/no by "yes", a choice by its label, a scale by a number.
  await addQuestion(id, 1, {
    key: 'volunteer_count',
    label: 'How many volunteers?',
    type: 'number',
    showIfKey: 'does_your_group_work_with_volunteers',
    showIfEquals: 'yes',
  });
  await addQuestion(id, 1, {
    key: 'other_lot',
    label: 'Which other lot?',
    type: 'text',
    showIfKey: 'lots',
    showIfEquals: 'Something else',
  });
  await addQuestion(id, 1, { key: 'why_unlikely', label: 'Why not?', type: 'textarea', showIfKey: 'likelihood', showIfEquals: '1' });

  d = await stored(id);
  expect(d.sections).toHaveLength(1);
  expect(question(d, 'name_of_group')).toMatchObject({ type: 'text', maxLength: 120, required: false, core: false });
  expect(question(d, 'experience')).toMatchObject({ type: 'textarea', hint: 'Anything counts', required: true, maxLength: 5000 });
  expect(question(d, 'contract_length').options).toEqual([
    { value: 'up_to_3_years', label: 'Up to 3 years' },
    { value: 'short', label: 'Less than a year' },
    { value: 'uber_10_jahre', label: 'Über 10 Jahre!' },
  ]);
  expect(question(d, 'lots').options.map((o) => o.value)).toEqual(['branch_libraries', 'home_library_service', 'other']);
  expect(question(d, 'likelihood')).toMatchObject({ type: 'scale', min: 1, max: 5 });
  expect(question(d, 'staff')).toMatchObject({ type: 'number', min: 0, max: 1000 });
  expect(question(d, 'start').type).toBe('date');
  expect(question(d, 'statement').type).toBe('file');
  expect(question(d, 'volunteer_count').showIf).toEqual({ key: 'does_your_group_work_with_volunteers', equals: true });
  expect(question(d, 'other_lot').showIf).toEqual({ key: 'lots', equals: 'other' });
  expect(question(d, 'why_unlikely').showIf).toEqual({ key: 'likelihood', equals: 1 });

  const page = await camden.get(`/tenders/${id}/questionnaire/edit`).expect(200);
  expect(page.text).toContain('Shown when “Which lots?” is Something else');
  expect(page.text).toContain('Shown when “Does your group work with volunteers?” is Yes');
  expect(page.text).toContain('File upload');

  // Changing a question: the form shows it as stored, and a new key carries its conditions with it.
  const edit = await camden.get(`/tenders/${id}/questionnaire/sections/1/questions/lots/edit`).expect(200);
  expect(edit.text).toContain('branch_libraries | Branch libraries');
  expect(edit.text).toContain('value="lots"');
  const changed = await postForm(camden, `/tenders/${id}/questionnaire/sections/1/questions/lots/edit`, {
    key: 'lots_of_interest',
    label: 'Which parts of the service?',
    type: 'multi',
    options: 'branch_libraries | Branch libraries\nother | Something else',
    required: 'yes',
  });
  expect(changed.status).toBe(303);
  d = await stored(id);
  expect(question(d, 'lots_of_interest')).toMatchObject({ label: 'Which parts of the service?', required: true });
  expect(question(d, 'other_lot').showIf).toEqual({ key: 'lots_of_interest', equals: 'other' });

  // Renaming the section.
  const renamed = await postForm(camden, `/tenders/${id}/questionnaire/sections/1/edit`, { title: 'You and your group', description: '' });
  expect(renamed.status).toBe(303);
  expect((await stored(id)).sections[0]!.title).toBe('You and your group');
  const badName = await postForm(camden, `/tenders/${id}/questionnaire/sections/1/edit`, { title: ' ', description: '' });
  expect(badName.status).toBe(422);
  expect(badName.text).toContain('href="#title"');
  expect(badName.text).toContain('Enter a section title');

  // A second section.
  await postForm(camden, `/tenders/${id}/questionnaire/sections/new`, {
    sectionTitle: 'Next steps',
    label: 'Can we call you?',
    type: 'yesno',
  }).then((r) => expect(r.status).toBe(303));
  expect(keysOf(await stored(id))[1]).toEqual(['can_we_call_you']);
});

test('the preview shows every question as a supplier would see it, conditional ones noted, with nothing to submit', async () => {
  const id = await draftExercise(camdenApi);
  await send(camdenApi, 'put', `/api/v1/tenders/${id}/questionnaire`, {
    sections: [
      {
        title: 'Every type',
        questions: [
          { key: 'q_text', type: 'text', label: 'A text question' },
          { key: 'q_textarea', type: 'textarea', label: 'A long text question' },
          {
            key: 'q_single',
            type: 'single',
            label: 'A single choice',
            options: [
              { value: 'a', label: 'Option A' },
              { value: 'b', label: 'Option B' },
            ],
          },
          {
            key: 'q_multi',
            type: 'multi',
            label: 'A multi choice',
            options: [
              { value: 'x', label: 'Option X' },
              { value: 'y', label: 'Option Y' },
            ],
          },
          { key: 'q_yesno', type: 'yesno', label: 'A yes or no' },
          { key: 'q_scale', type: 'scale', label: 'A scale' },
          { key: 'q_number', type: 'number', label: 'A number' },
          { key: 'q_date', type: 'date', label: 'A date' },
          { key: 'q_file', type: 'file', label: 'A file' },
          { key: 'q_if', type: 'text', label: 'Only if yes', showIf: { key: 'q_yesno', equals: true } },
        ],
      },
    ],
  }).expect(200);
  const preview = await camden.get(`/tenders/${id}/questionnaire/preview`).expect(200);
  expect(preview.text).toContain('nothing here can be sent');
  for (const key of ['q_text', 'q_textarea', 'q_single', 'q_multi', 'q_yesno', 'q_scale', 'q_number', 'q_if']) {
    expect(preview.text).toContain(`name="a-${key}"`);
  }
  expect(preview.text).toContain('name="a-q_date-day"');
  expect(preview.text).toContain('Option B');
  expect(preview.text).toContain('None of these');
  expect(preview.text).toContain('Organisations upload a file here.');
  expect(preview.text).toContain('Conditional</strong> Shown when “A yes or no” is Yes');
  // The only form on the page is the sign-out button's.
  expect(preview.text.match(/<form/g)).toHaveLength(1);
  expect(preview.text).toContain('action="/logout"');
});

test('the questionnaire’s own rules are shown on the right fields, keeping what was typed, and nothing is saved', async () => {
  const id = await draftExercise(camdenApi);
  await smallQuestionnaire(id);
  const before = await stored(id);
  const url = `/tenders/${id}/questionnaire/sections/1/questions/new`;

  const duplicate = await postForm(camden, url, { key: 'ideas', label: 'More ideas, typed here', type: 'text' });
  expect(duplicate.status).toBe(422);
  expect(duplicate.text).toContain('href="#key"');
  expect(duplicate.text).toContain('The key &quot;ideas&quot; is already used by an earlier question');
  expect(duplicate.text).toContain('More ideas, typed here');

  // Editing an earlier question to take a later question's key still points at the edited question's key field.
  const takenLater = await postForm(camden, `/tenders/${id}/questionnaire/sections/1/questions/volunteers/edit`, {
    key: 'ideas',
    label: 'Do you work with volunteers?',
    type: 'yesno',
  });
  expect(takenLater.status).toBe(422);
  expect(takenLater.text).toContain('href="#key"');
  expect(takenLater.text).toContain('The key &quot;ideas&quot; is already used by another question');

  const noOptions = await postForm(camden, url, { label: 'Pick one', type: 'single', options: 'Only one' });
  expect(noOptions.status).toBe(422);
  expect(noOptions.text).toContain('href="#options"');
  expect(noOptions.text).toContain('Give at least 2 options');
  expect(noOptions.text).toContain('Only one</textarea>');

  const badOption = await postForm(camden, url, { label: 'Pick one', type: 'single', options: 'Bad Value | A\nfine | B\nfine | C' });
  expect(badOption.status).toBe(422);
  expect(badOption.text).toContain('Option 1: The option value must be up to 60 lower case letters, digits and underscores');

  const duplicateOption = await postForm(camden, url, { label: 'Pick one', type: 'single', options: 'fine | B\nfine | C' });
  expect(duplicateOption.text).toContain('Option 2: The value &quot;fine&quot; is already used by an earlier option');

  const nothing = await postForm(camden, url, { label: '', type: '' });
  expect(nothing.status).toBe(422);
  expect(nothing.text).toContain('href="#label"');
  expect(nothing.text).toContain('href="#type"');
  expect(nothing.text).toContain('Choose the type of question');
  expect(nothing.text).not.toContain('href="#key"');

  const bounds = await postForm(camden, url, { label: 'How many?', type: 'number', min: '10', max: '5' });
  expect(bounds.status).toBe(422);
  expect(bounds.text).toContain('href="#max"');
  expect(bounds.text).toContain('The maximum must be at least the minimum');

  const badKey = await postForm(camden, url, { key: 'Bad Key', label: 'X', type: 'text' });
  expect(badKey.text).toContain('href="#key"');

  const noValue = await postForm(camden, url, { label: 'Why?', type: 'text', showIfKey: 'volunteers', showIfEquals: '' });
  expect(noValue.status).toBe(422);
  expect(noValue.text).toContain('href="#showIfEquals"');
  const wrongValue = await postForm(camden, url, { label: 'Why?', type: 'text', showIfKey: 'volunteers', showIfEquals: 'perhaps' });
  expect(wrongValue.text).toContain('The value must be true or false');
  const notAllowed = await postForm(camden, url, { label: 'Why?', type: 'text', showIfKey: 'ideas', showIfEquals: 'x' });
  expect(notAllowed.text).toContain('href="#showIfKey"');
  expect(notAllowed.text).toContain('A question can only depend on a choice, yes/no, scale or number question');

  // Changing the type of a question another depends on: the problem is the other question's, linked on the builder.
  const breaksOther = await postForm(camden, `/tenders/${id}/questionnaire/sections/1/questions/volunteers/edit`, {
    key: 'volunteers',
    label: 'Do you work with volunteers?',
    type: 'text',
  });
  expect(breaksOther.status).toBe(422);
  expect(breaksOther.text).toContain(`href="/tenders/${id}/questionnaire/edit#q-how_many"`);
  expect(breaksOther.text).toContain('Question 2, “How many volunteers?”: A question can only depend on');

  // A condition on a later question, by moving the dependent question above its target: shown on the builder page.
  const movedAbove = await postForm(camden, `/tenders/${id}/questionnaire/questions/how_many/move-up`);
  expect(movedAbove.status).toBe(422);
  expect(movedAbove.text).toContain('Nothing was saved');
  expect(movedAbove.text).toContain('href="#q-how_many"');
  expect(movedAbove.text).toContain(
    'Question 1, “How many volunteers?”: A question can only depend on an earlier question, and &quot;volunteers&quot; comes later',
  );

  // Removing the question another depends on.
  const removeTarget = await postForm(camden, `/tenders/${id}/questionnaire/questions/volunteers/remove`);
  expect(removeTarget.status).toBe(422);
  expect(removeTarget.text).toContain('“Do you work with volunteers?” cannot be removed while other questions depend on it');
  expect(removeTarget.text).toContain('There is no question with the key &quot;volunteers&quot;');

  expect(await stored(id)).toEqual(before);
});

test('Remove leads to a page asking to confirm, and only its button removes the question', async () => {
  const id = await draftExercise(camdenApi);
  await smallQuestionnaire(id);
  const builder = await camden.get(`/tenders/${id}/questionnaire/edit`).expect(200);
  // The builder offers a link to the confirmation, never a form that removes at once.
  expect(builder.text).toContain(`href="/tenders/${id}/questionnaire/questions/ideas/remove"`);
  expect(builder.text).not.toContain(`action="/tenders/${id}/questionnaire/questions/ideas/remove"`);

  const confirm = await camden.get(`/tenders/${id}/questionnaire/questions/ideas/remove`).expect(200);
  expect(confirm.text).toContain('Are you sure you want to remove ‘Any ideas?’?');
  expect(confirm.text).toMatch(
    new RegExp(
      `<form method="post" action="/tenders/${id}/questionnaire/questions/ideas/remove"[\\s\\S]*?govuk-button--warning[\\s\\S]*?Remove the question`,
    ),
  );
  expect(confirm.text).toContain(`href="/tenders/${id}/questionnaire/edit#q-ideas"`);
  // Looking at the confirmation changes nothing.
  expect(keysOf(await stored(id))).toEqual([['volunteers', 'how_many', 'ideas'], ['attend']]);

  const removed = await postForm(camden, `/tenders/${id}/questionnaire/questions/ideas/remove`);
  expect([removed.status, removed.headers.location]).toEqual([303, `/tenders/${id}/questionnaire/edit`]);
  expect(keysOf(await stored(id))).toEqual([['volunteers', 'how_many'], ['attend']]);

  expect((await camden.get(`/tenders/${id}/questionnaire/questions/nope/remove`)).status).toBe(404);
  expect((await hackney.get(`/tenders/${id}/questionnaire/questions/attend/remove`)).status).toBe(404);
});

test('questions move up and down and are removed; a section goes with its last question', async () => {
  const id = await draftExercise(camdenApi);
  await smallQuestionnaire(id);
  const down = await postForm(camden, `/tenders/${id}/questionnaire/questions/how_many/move-down`);
  expect([down.status, down.headers.location]).toEqual([303, `/tenders/${id}/questionnaire/edit#q-how_many`]);
  expect(keysOf(await stored(id))).toEqual([['volunteers', 'ideas', 'how_many'], ['attend']]);
  const page = await camden.get(`/tenders/${id}/questionnaire/edit`).expect(200);
  expect(page.text).toContain('“How many volunteers?” moved down.');
  // The first question cannot move up and the last cannot move down.
  expect(page.text).not.toContain('/questions/volunteers/move-up');
  expect(page.text).not.toContain('/questions/how_many/move-down');

  await postForm(camden, `/tenders/${id}/questionnaire/questions/ideas/move-up`).then((r) => expect(r.status).toBe(303));
  expect(keysOf(await stored(id))).toEqual([['ideas', 'volunteers', 'how_many'], ['attend']]);

  await postForm(camden, `/tenders/${id}/questionnaire/questions/how_many/remove`).then((r) => expect(r.status).toBe(303));
  expect(keysOf(await stored(id))).toEqual([['ideas', 'volunteers'], ['attend']]);

  const lastInSection = await postForm(camden, `/tenders/${id}/questionnaire/questions/attend/remove`);
  expect(lastInSection.status).toBe(303);
  expect(keysOf(await stored(id))).toEqual([['ideas', 'volunteers']]);
  expect((await camden.get(`/tenders/${id}/questionnaire/edit`)).text).toContain('with its section');

  await postForm(camden, `/tenders/${id}/questionnaire/questions/ideas/remove`).then((r) => expect(r.status).toBe(303));
  const onlyOne = await postForm(camden, `/tenders/${id}/questionnaire/questions/volunteers/remove`);
  expect(onlyOne.status).toBe(422);
  expect(onlyOne.text).toContain('A questionnaire needs at least one question');
  expect(keysOf(await stored(id))).toEqual([['volunteers']]);

  expect((await postForm(camden, `/tenders/${id}/questionnaire/questions/nope/remove`)).status).toBe(404);
  expect((await camden.get(`/tenders/${id}/questionnaire/sections/9/questions/new`)).status).toBe(404);
  expect((await camden.get(`/tenders/${id}/questionnaire/sections/1/questions/nope/edit`)).status).toBe(404);
});

test('once an organisation submits, the builder is read-only with the reason and every change is refused (409)', async () => {
  const id = await draftExercise(camdenApi);
  await smallQuestionnaire(id);
  await send(camdenApi, 'post', `/api/v1/tenders/${id}/publish`).expect(200);
  const s = await interestedSupplier(t.app, id);
  await send(s, 'put', `/api/v1/tenders/${id}/response`, { answers: { volunteers: false } }).expect(200);

  // A draft does not lock the questionnaire.
  expect((await camden.get(`/tenders/${id}/questionnaire/edit`)).text).toContain('/questions/ideas/move-up');
  await send(s, 'post', `/api/v1/tenders/${id}/response/submit`).set('Idempotency-Key', 'lock').expect(201);

  const page = await camden.get(`/tenders/${id}/questionnaire/edit`).expect(200);
  expect(page.text).toContain('The questionnaire cannot be changed. An organisation has submitted answers');
  expect(page.text).toContain('Do you work with volunteers?');
  expect(page.text).not.toContain('/move-up');
  expect(page.text).not.toContain('/remove');
  expect(page.text).not.toContain('/questions/new');
  expect(page.text).not.toContain('Add a section');
  const before = await stored(id);

  const posts: [string, Record<string, string>][] = [
    [`/tenders/${id}/questionnaire/questions/ideas/move-up`, {}],
    [`/tenders/${id}/questionnaire/questions/ideas/remove`, {}],
    [`/tenders/${id}/questionnaire/sections/1/questions/new`, { label: 'Late', type: 'text' }],
    [`/tenders/${id}/questionnaire/sections/1/questions/ideas/edit`, { label: 'Changed', type: 'text', key: 'ideas' }],
    [`/tenders/${id}/questionnaire/sections/new`, { sectionTitle: 'Late', label: 'Late', type: 'text' }],
    [`/tenders/${id}/questionnaire/sections/1/edit`, { title: 'Renamed' }],
    [`/tenders/${id}/questionnaire/template`, { template: 'library-smt-v1' }],
  ];
  for (const [path, fields] of posts) {
    const res = await postForm(camden, path, fields);
    expect([path, res.status]).toEqual([path, 409]);
    expect(res.text).toContain('The questionnaire cannot be changed');
  }
  expect((await camden.get(`/tenders/${id}/questionnaire/sections/1/questions/new`)).status).toBe(409);
  expect((await camden.get(`/tenders/${id}/questionnaire/questions/ideas/remove`)).status).toBe(409);
  expect(await stored(id)).toEqual(before);
});

test('a closed exercise’s questionnaire is read-only with the reason', async () => {
  const id = await draftExercise(camdenApi);
  await smallQuestionnaire(id);
  await send(camdenApi, 'post', `/api/v1/tenders/${id}/publish`).expect(200);
  await send(camdenApi, 'post', `/api/v1/tenders/${id}/close`).expect(200);
  const page = await camden.get(`/tenders/${id}/questionnaire/edit`).expect(200);
  expect(page.text).toContain('This exercise is closed, so its questionnaire can no longer change.');
  expect(page.text).not.toContain('/move-down');
  const res = await postForm(camden, `/tenders/${id}/questionnaire/questions/ideas/move-down`);
  expect(res.status).toBe(409);
});

test('an officer of another borough gets 404 on every builder route, and nothing changes', async () => {
  const id = await draftExercise(camdenApi);
  await smallQuestionnaire(id);
  await send(camdenApi, 'post', `/api/v1/tenders/${id}/publish`).expect(200);
  const before = await stored(id);
  const base = `/tenders/${id}/questionnaire`;
  const gets = [
    `${base}/edit`,
    `${base}/preview`,
    `${base}/sections/new`,
    `${base}/sections/1/edit`,
    `${base}/sections/1/questions/new`,
    `${base}/sections/1/questions/ideas/edit`,
    `${base}/questions/ideas/remove`,
  ];
  for (const path of gets) expect([path, (await hackney.get(path)).status]).toEqual([path, 404]);
  const posts = [
    `${base}/template`,
    `${base}/questions/ideas/move-up`,
    `${base}/questions/ideas/move-down`,
    `${base}/questions/ideas/remove`,
    `${base}/sections/new`,
    `${base}/sections/1/edit`,
    `${base}/sections/1/questions/new`,
    `${base}/sections/1/questions/ideas/edit`,
  ];
  for (const path of posts) {
    const res = await postForm(hackney, path, { label: 'X', type: 'text', title: 'X', sectionTitle: 'X', template: 'library-smt-v1' });
    expect([path, res.status]).toEqual([path, 404]);
  }
  expect(await stored(id)).toEqual(before);
  // The exercise page shows the links only to its own borough.
  expect((await hackney.get(`/tenders/${id}`).expect(200)).text).not.toContain('/questionnaire/edit');
});
