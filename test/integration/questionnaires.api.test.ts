import { createHash } from 'node:crypto';
import supertest from 'supertest';
import { responseSha256 } from '../../src/questionnaires/canonical';
import { signedInAs, startTestApp, testClock, type TestApp } from '../helpers/app';
import { send, type Client } from '../helpers/client';
import {
  createAdmin,
  createOfficer,
  draftExercise,
  interestedSupplier,
  publishedExercise,
  registeredSupplier,
  sampleQuestionnaire,
} from '../helpers/factories';
import { samplePdf } from '../helpers/sample-files';

const clock = testClock();
let t: TestApp;
let camden: Client;
let hackney: Client;
let admin: Client;

beforeAll(async () => {
  t = await startTestApp({ tenders: { now: clock.now }, questionnaires: { now: clock.now } });
  camden = await signedInAs(t.app, (await createOfficer(t.auth, 'camden')).email);
  hackney = await signedInAs(t.app, (await createOfficer(t.auth, 'hackney')).email);
  admin = await signedInAs(t.app, (await createAdmin(t.auth)).email);
});
afterAll(async () => t.close());
beforeEach(() => clock.set('2027-01-10T09:00:00.000Z'));

const submit = (c: Client, id: string, key: string) => send(c, 'post', `/api/v1/tenders/${id}/response/submit`).set('Idempotency-Key', key);

const questionnaire = sampleQuestionnaire();

const complete = { experience: 'We run two community libraries.', tupe: false, likelihood: 4, barriers: ['contract_size'] };

const exercise = (tender: Record<string, unknown> = {}) => publishedExercise(camden, { tender, questionnaire });

describe('the builder', () => {
  test("the template's question about parts of the service offers the exercise's own lots", async () => {
    const lots = [
      { title: 'Three branch libraries', description: '', estimatedAnnualValue: 450_000 },
      { title: 'Home library service', description: '', estimatedAnnualValue: 60_000 },
    ];
    const draftId = await draftExercise(camden, { lots });
    const res = await send(camden, 'put', `/api/v1/tenders/${draftId}/questionnaire`, { template: 'library-smt-v1' });
    expect(res.status).toBe(200);
    const question = res.body.sections
      .flatMap((s: { questions: { key: string }[] }) => s.questions)
      .find((q: { key: string }) => q.key === 'lots_of_interest');
    expect(question.options).toEqual([
      { value: 'lot_1', label: 'Three branch libraries' },
      { value: 'lot_2', label: 'Home library service' },
      { value: 'whole_service', label: 'The whole service' },
    ]);
  });

  test('the library-smt-v1 template gives about 20 questions with barrier codes, core questions and an estimate', async () => {
    const draftId = await draftExercise(camden);
    const res = await send(camden, 'put', `/api/v1/tenders/${draftId}/questionnaire`, { template: 'library-smt-v1' });
    expect(res.status).toBe(200);
    const questions = res.body.sections.flatMap((s: { questions: unknown[] }) => s.questions);
    expect(questions.length).toBeGreaterThanOrEqual(18);
    expect(questions.length).toBeLessThanOrEqual(24);
    const barriers = questions.find((q: { key: string }) => q.key === 'barriers');
    expect(barriers.type).toBe('multi');
    expect(barriers.options.map((o: { value: string }) => o.value)).toEqual([
      'contract_size',
      'tupe_pensions',
      'payment_terms',
      'insurance_levels',
      'financial_thresholds',
      'bid_writing_capacity',
      'timescales',
      'track_record',
      'consortium_complexity',
      'premises_assets',
      'it_systems',
      'other',
    ]);
    expect(res.body.coreCount).toBeGreaterThan(3);
    expect(res.body.estimatedMinutes).toBeGreaterThan(5);
    expect(res.body.template).toBe('library-smt-v1');
    // Drafts' questionnaires are for their own borough only.
    expect((await supertest(t.app).get(`/api/v1/tenders/${draftId}/questionnaire`)).status).toBe(404);
    expect((await camden.agent.get(`/api/v1/tenders/${draftId}/questionnaire`)).status).toBe(200);
  });

  test('the questionnaire itself is checked, with each problem on its field', async () => {
    const draftId = await draftExercise(camden);
    const res = await send(camden, 'put', `/api/v1/tenders/${draftId}/questionnaire`, {
      sections: [
        {
          title: 'One',
          questions: [
            { key: 'a', type: 'single', label: 'A' },
            { key: 'a', type: 'text', label: 'Again' },
            { key: 'c', type: 'yesno', label: 'C', showIf: { key: 'd', equals: true } },
            { key: 'd', type: 'yesno', label: 'D' },
          ],
        },
      ],
    });
    expect(res.status).toBe(422);
    expect(Object.keys(res.body.error.fields).sort()).toEqual(
      ['sections.0.questions.0.options', 'sections.0.questions.1.key', 'sections.0.questions.2.showIf.key'].sort(),
    );
    const unknownTemplate = await send(camden, 'put', `/api/v1/tenders/${draftId}/questionnaire`, { template: 'nope' });
    expect(unknownTemplate.status).toBe(422);
    expect((await send(hackney, 'put', `/api/v1/tenders/${draftId}/questionnaire`, questionnaire)).status).toBe(404);
  });

  test('once a response is submitted the questionnaire is locked (409)', async () => {
    const id = await exercise();
    const s = await interestedSupplier(t.app, id);
    await send(s, 'put', `/api/v1/tenders/${id}/response`, { answers: complete }).expect(200);
    expect((await send(camden, 'put', `/api/v1/tenders/${id}/questionnaire`, questionnaire)).status).toBe(200);
    await submit(s, id, 'lock-1').expect(201);
    const locked = await send(camden, 'put', `/api/v1/tenders/${id}/questionnaire`, questionnaire);
    expect(locked.status).toBe(409);
    expect(locked.body.error.code).toBe('locked');
    expect((await camden.agent.get(`/api/v1/tenders/${id}/questionnaire`)).body.locked).toBe(true);
    // Whether anyone has answered is not shown to the public or to suppliers.
    expect((await supertest(t.app).get(`/api/v1/tenders/${id}/questionnaire`)).body.locked).toBeNull();
    expect((await s.agent.get(`/api/v1/tenders/${id}/questionnaire`)).body.locked).toBeNull();
  });
});

describe('answering and submitting', () => {
  test('save and resume, then submit: the receipt’s hash is recomputed from the stored data', async () => {
    const id = await exercise();
    const s = await interestedSupplier(t.app, id);
    const partial = await send(s, 'put', `/api/v1/tenders/${id}/response`, { answers: { experience: 'We run a library.' } });
    expect(partial.status).toBe(200);
    expect(partial.body).toMatchObject({ status: 'draft', answers: { experience: 'We run a library.' }, receipt: null });
    expect(partial.body.progress).toEqual({ answered: 1, shown: 8, requiredUnanswered: 3 });

    const file = await send(s, 'post', `/api/v1/tenders/${id}/response/files`).attach('file', samplePdf('capability'), 'capability.pdf');
    expect(file.status).toBe(201);
    expect(file.body).toMatchObject({ filename: 'capability.pdf', size: samplePdf('capability').length });

    const answers = { ...complete, statement: file.body.id, length: 'long', value: 250000, start: '2027-09-01' };
    await send(s, 'put', `/api/v1/tenders/${id}/response`, { answers }).expect(200);
    const resumed = await s.agent.get(`/api/v1/tenders/${id}/response`);
    expect(resumed.body.answers).toEqual(answers);

    clock.set('2027-02-20T10:00:00.000Z');
    const receipt = await submit(s, id, 'first-try');
    expect(receipt.status).toBe(201);
    expect(receipt.body.receipt.receivedAt).toBe('2027-02-20T10:00:00.000Z');

    const stored = await t.questionnaires.responses.findOne({ tender: id }).lean();
    const last = stored!.revisions.at(-1)!;
    const fileRecord = await t.questionnaires.responseFiles.findById(file.body.id).lean();
    expect(fileRecord!.sha256).toBe(createHash('sha256').update(samplePdf('capability')).digest('hex'));
    const recomputed = responseSha256({
      tenderId: id,
      organisationId: s.organisationId,
      answers: last.answers as Record<string, unknown>,
      attachments: [{ key: 'statement', fileId: file.body.id, sha256: fileRecord!.sha256 }],
    });
    expect(recomputed).toBe(receipt.body.receipt.sha256);
    expect(last.receivedAt.toISOString()).toBe('2027-02-20T10:00:00.000Z');
  });

  test('a failed submit lists every missing or bad answer and loses nothing from the draft', async () => {
    const id = await exercise();
    const s = await interestedSupplier(t.app, id);
    const draft = { experience: 'Some', tupe: true, barriers: ['other'], value: 10 };
    await send(s, 'put', `/api/v1/tenders/${id}/response`, { answers: draft }).expect(200);
    const res = await submit(s, id, 'k1');
    expect(res.status).toBe(422);
    expect(res.body.error.fields).toEqual({
      'answers.pensions': 'Answer this question',
      'answers.likelihood': 'Answer this question',
      'answers.other_barrier': 'Answer this question',
    });
    expect((await s.agent.get(`/api/v1/tenders/${id}/response`)).body.answers).toEqual(draft);
    expect((await s.agent.get(`/api/v1/tenders/${id}/response`)).body.status).toBe('draft');
  });

  test('bad values are refused per field and the saved draft stays as it was', async () => {
    const id = await exercise();
    const s = await interestedSupplier(t.app, id);
    await send(s, 'put', `/api/v1/tenders/${id}/response`, { answers: { experience: 'Kept' } }).expect(200);
    const res = await send(s, 'put', `/api/v1/tenders/${id}/response`, {
      answers: {
        experience: 'x'.repeat(301),
        tupe: 'yes',
        likelihood: 6,
        barriers: ['contract_size', 'nope'],
        length: 'medium',
        value: -5,
        start: '2027-02-30',
        statement: '000000000000000000000000',
        unknown_question: 'x',
        $where: 'sleep(1000)',
      },
    });
    expect(res.status).toBe(422);
    expect(Object.keys(res.body.error.fields).sort()).toEqual(
      [
        'answers.experience',
        'answers.tupe',
        'answers.likelihood',
        'answers.barriers',
        'answers.length',
        'answers.value',
        'answers.start',
        'answers.statement',
        'answers.unknown_question',
        'answers.$where',
      ].sort(),
    );
    expect((await s.agent.get(`/api/v1/tenders/${id}/response`)).body.answers).toEqual({ experience: 'Kept' });
    expect((await send(s, 'put', `/api/v1/tenders/${id}/response`, { answers: 'all of them' })).status).toBe(422);
  });

  test('a question hidden by its condition is never required, and its answer is not part of the submission', async () => {
    const id = await exercise();
    const s = await interestedSupplier(t.app, id);
    await send(s, 'put', `/api/v1/tenders/${id}/response`, { answers: { ...complete, tupe: false, pensions: 'left over' } }).expect(200);
    await submit(s, id, 'hidden-1').expect(201);
    const stored = await t.questionnaires.responses.findOne({ tender: id }).lean();
    expect(stored!.revisions.at(-1)!.answers).toEqual(complete);
  });

  test('the same Idempotency-Key gives the same receipt; concurrent submits give one response record', async () => {
    const id = await exercise();
    const s = await interestedSupplier(t.app, id);
    await send(s, 'put', `/api/v1/tenders/${id}/response`, { answers: complete }).expect(200);
    const first = await submit(s, id, 'same-key');
    clock.advance(60_000);
    const again = await submit(s, id, 'same-key');
    expect(again.status).toBe(201);
    expect(again.body).toEqual(first.body);
    expect((await submit(s, id, '')).status).toBe(400);

    const racing = await Promise.all([submit(s, id, 'race-a'), submit(s, id, 'race-a'), submit(s, id, 'race-a')]);
    expect(racing.map((r) => r.status)).toEqual([201, 201, 201]);
    expect(new Set(racing.map((r) => r.body.receipt.sha256 + r.body.receipt.receivedAt)).size).toBe(1);
    expect(await t.questionnaires.responses.countDocuments({ tender: id })).toBe(1);
    const stored = await t.questionnaires.responses.findOne({ tender: id }).lean();
    expect(stored!.revisions.map((r) => r.idempotencyKey)).toEqual(['same-key', 'race-a']);
  });

  test('deadline edges by the server clock: 1 ms before is accepted, 1 ms after is 409; closing stops submissions', async () => {
    const id = await exercise();
    const s = await interestedSupplier(t.app, id);
    await send(s, 'put', `/api/v1/tenders/${id}/response`, { answers: complete }).expect(200);
    clock.set('2027-03-01T11:59:59.999Z');
    const before = await submit(s, id, 'edge-before');
    expect(before.status).toBe(201);
    expect(before.body.receipt.receivedAt).toBe('2027-03-01T11:59:59.999Z');
    clock.set('2027-03-01T12:00:00.001Z');
    const after = await submit(s, id, 'edge-after');
    expect(after.status).toBe(409);
    expect(after.body.error.code).toBe('deadline_passed');
    expect((await send(s, 'put', `/api/v1/tenders/${id}/response`, { answers: complete })).status).toBe(409);

    clock.set('2027-01-10T09:00:00.000Z');
    const id2 = await exercise();
    const s2 = await interestedSupplier(t.app, id2);
    await send(s2, 'put', `/api/v1/tenders/${id2}/response`, { answers: complete }).expect(200);
    await send(camden, 'post', `/api/v1/tenders/${id2}/close`).expect(200);
    const closed = await submit(s2, id2, 'closed');
    expect(closed.status).toBe(409);
    expect(closed.body.error.code).toBe('not_open');
  });

  test('amending until the deadline keeps every revision', async () => {
    const id = await exercise();
    const s = await interestedSupplier(t.app, id);
    await send(s, 'put', `/api/v1/tenders/${id}/response`, { answers: complete }).expect(200);
    const one = await submit(s, id, 'rev-1');
    clock.advance(3_600_000);
    await send(s, 'put', `/api/v1/tenders/${id}/response`, { answers: { ...complete, likelihood: 5 } }).expect(200);
    const mine = await s.agent.get(`/api/v1/tenders/${id}/response`);
    expect(mine.body.changedSinceSubmitted).toBe(true);
    const two = await submit(s, id, 'rev-2');
    expect(two.body.receipt.sha256).not.toBe(one.body.receipt.sha256);
    const view = await s.agent.get(`/api/v1/tenders/${id}/response`);
    expect(view.body.revisions).toEqual([one.body.receipt, two.body.receipt]);
    expect(view.body.receipt).toEqual(two.body.receipt);
    const officer = await camden.agent.get(`/api/v1/tenders/${id}/responses`);
    expect(officer.body.items[0].answers.likelihood).toBe(5);
  });

  test('only organisations with an interest may answer; others’ responses are never visible', async () => {
    const id = await exercise();
    const s = await interestedSupplier(t.app, id);
    const stranger = await registeredSupplier(t.app);
    expect((await send(stranger, 'put', `/api/v1/tenders/${id}/response`, { answers: complete })).status).toBe(403);
    await send(s, 'put', `/api/v1/tenders/${id}/response`, { answers: complete }).expect(200);
    expect((await stranger.agent.get(`/api/v1/tenders/${id}/response`)).status).toBe(403);
    const other = await interestedSupplier(t.app, id, { name: 'Other Org' });
    expect((await other.agent.get(`/api/v1/tenders/${id}/response`)).status).toBe(404);
    expect((await other.agent.get(`/api/v1/tenders/${id}/responses`)).status).toBe(403);
    expect((await hackney.agent.get(`/api/v1/tenders/${id}/responses`)).status).toBe(404);
  });
});

describe('sealed exercises and officers', () => {
  test('while sealed, no officer or admin can read responses or attachments, and every attempt is audited', async () => {
    const id = await exercise({ sealed: true });
    const s = await interestedSupplier(t.app, id);
    const file = await send(s, 'post', `/api/v1/tenders/${id}/response/files`).attach('file', samplePdf(), 'c.pdf');
    expect([file.status, file.body]).toEqual([201, expect.objectContaining({ filename: 'c.pdf' })]);
    const saved = await send(s, 'put', `/api/v1/tenders/${id}/response`, { answers: { ...complete, statement: file.body.id } });
    expect([saved.status, saved.body.error]).toEqual([200, undefined]);
    await submit(s, id, 'sealed-1').expect(201);
    const responseId = (await t.questionnaires.responses.findOne({ tender: id }).lean())!._id.toString();

    const reads = [
      `/api/v1/tenders/${id}/responses`,
      `/api/v1/tenders/${id}/responses/${responseId}`,
      `/api/v1/tenders/${id}/responses/${responseId}/files/${file.body.id}`,
    ];
    for (const path of reads) {
      const res = await camden.agent.get(path);
      expect([path, res.status, res.body.error?.code]).toEqual([path, 403, 'sealed']);
      expect((await admin.agent.get(path)).status).toBe(403);
    }
    const audited = await t.audit.events.countDocuments({ target: `tender:${id}`, outcome: 'denied', action: /^responses\./ });
    expect(audited).toBe(3);

    // At the deadline they open.
    clock.set('2027-03-01T12:00:00.001Z');
    for (const path of reads) expect([path, (await camden.agent.get(path)).status]).toEqual([path, 200]);
    const download = await camden.agent.get(reads[2]!);
    expect(download.headers['content-disposition']).toMatch(/^attachment;/);
  });

  test('an officer records a phone response; it is marked as recorded wherever it appears', async () => {
    const id = await exercise();
    const s = await interestedSupplier(t.app, id, { name: 'Phone Answers Group' });
    const bad = await send(camden, 'post', `/api/v1/tenders/${id}/responses`, { organisationId: 'nope', answers: {}, method: 'fax' });
    expect(bad.status).toBe(422);
    expect(Object.keys(bad.body.error.fields).sort()).toEqual(['method']);
    const notInterested = await registeredSupplier(t.app);
    const refused = await send(camden, 'post', `/api/v1/tenders/${id}/responses`, {
      organisationId: notInterested.organisationId,
      answers: complete,
      method: 'phone',
    });
    expect(refused.status).toBe(422);
    expect(refused.body.error.fields).toEqual({ organisationId: 'Choose an organisation that has expressed interest' });

    const res = await send(camden, 'post', `/api/v1/tenders/${id}/responses`, {
      organisationId: s.organisationId,
      answers: { experience: 'Told us by phone', likelihood: 3 },
      method: 'phone',
      note: 'Call with the chair, 12 January',
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      status: 'submitted',
      organisation: { id: s.organisationId, name: 'Phone Answers Group' },
      recordedBy: { name: 'Olive Officer', method: 'phone', note: 'Call with the chair, 12 January' },
      answers: { experience: 'Told us by phone', likelihood: 3 },
    });
    const list = await camden.agent.get(`/api/v1/tenders/${id}/responses`);
    expect(list.body.items[0].recordedBy).toMatchObject({ method: 'phone' });
    expect((await s.agent.get(`/api/v1/tenders/${id}/response`)).body.recordedBy).toMatchObject({ method: 'phone' });
    expect(
      (await send(camden, 'post', `/api/v1/tenders/${id}/responses`, { organisationId: s.organisationId, answers: {}, method: 'event' }))
        .status,
    ).toBe(409);
  });

  test('officers see drafts as started, without their answers', async () => {
    const id = await exercise();
    const s = await interestedSupplier(t.app, id);
    await send(s, 'put', `/api/v1/tenders/${id}/response`, { answers: { experience: 'private draft' } }).expect(200);
    const list = await camden.agent.get(`/api/v1/tenders/${id}/responses`);
    expect(list.body.items).toEqual([expect.objectContaining({ status: 'draft', answers: {}, receipt: null })]);
    expect(JSON.stringify(list.body)).not.toContain('private draft');
  });
});
