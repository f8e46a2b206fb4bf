import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Types } from 'mongoose';
import type supertest from 'supertest';
import { responseSha256 } from '../../src/questionnaires/canonical';
import type { TestApp } from '../helpers/app';
import { startTwoServers, type TwoServers } from '../helpers/servers';
import { onServer, send, type Client } from '../helpers/client';
import {
  draftExercise,
  interestedSupplier,
  publishedExercise,
  registeredSupplier,
  sampleQuestionnaire,
  type Supplier,
} from '../helpers/factories';
import { readySectionSave, signInThroughForm } from '../helpers/forms';
import { samplePdf } from '../helpers/sample-files';

/**
 * A supplier's answers on deadline day, with two app servers on one database: what was sent is kept once, judged
 * by one clock, and seen by nobody who should not see it.
 */
let one: TestApp;
let two: TestApp;
let camden: Client;
let camdenOnTwo: Client;

let servers: TwoServers;

beforeAll(async () => {
  servers = await startTwoServers();
  ({ one, two, camden, camdenOnTwo } = servers);
});
afterAll(() => servers.close());

/** One required question and one optional one. */
const questionnaire = sampleQuestionnaire({ only: ['experience', 'value'] });
const submit = (s: Client, id: string, key: string) => send(s, 'post', `/api/v1/tenders/${id}/response/submit`).set('Idempotency-Key', key);
const stored = (id: string, organisationId: string) =>
  one.questionnaires.responses.findOne({ tender: new Types.ObjectId(id), organisation: new Types.ObjectId(organisationId) }).lean();

async function readyToSubmit(id: string): Promise<Supplier> {
  const supplier = await interestedSupplier(one.app, id);
  const saved = await send(supplier, 'put', `/api/v1/tenders/${id}/response`, { answers: { experience: 'Ten years of library work' } });
  expect(saved.status).toBe(200);
  return supplier;
}

test('the same Idempotency-Key sent to both servers at once gets one receipt, stored once', async () => {
  const id = await publishedExercise(camden, { questionnaire });
  for (let trial = 0; trial < 8; trial++) {
    const supplier = await readyToSubmit(id);
    const key = `deadline-day-${trial}`;
    const [a, b] = await Promise.all([submit(supplier, id, key), submit(onServer(supplier, two.app), id, key)]);
    expect([a.status, b.status]).toEqual([201, 201]);
    expect(a.body.receipt).toEqual(b.body.receipt);
    const response = await stored(id, supplier.organisationId);
    expect(response!.revisions.filter((r) => r.idempotencyKey === key)).toHaveLength(1);
  }
});

test('two tabs saving different sections at once on the two servers keep both sections', async () => {
  const id = await publishedExercise(camden, {
    questionnaire: sampleQuestionnaire({ only: ['experience', 'likelihood', 'length', 'value'] }),
  });
  const supplier = await interestedSupplier(one.app, id);
  const tabOne = await signInThroughForm(one.app, supplier.email);
  const tabTwo = onServer({ agent: tabOne, csrfToken: '' }, two.app).agent;
  const post = (tab: supertest.Agent, n: number, fields: Record<string, string>) => readySectionSave(tab, id, n, fields);
  for (let trial = 0; trial < 5; trial++) {
    const first = await post(tabOne, 1, { 'a-experience': `Experience, take ${trial}`, 'a-likelihood': '4' });
    const second = await post(tabTwo, 2, { 'a-length': 'short', 'a-value': String(1000 * (trial + 1)) });
    const [a, b] = await Promise.all([first(), second()]);
    expect([a.status, b.status]).toEqual([303, 303]);
    const answers = (await stored(id, supplier.organisationId))!.answers as Record<string, unknown>;
    expect(answers).toEqual({ experience: `Experience, take ${trial}`, likelihood: 4, length: 'short', value: 1000 * (trial + 1) });
  }
});

test('a submission racing the close on the other server is either received before the close or refused and not kept', async () => {
  const outcomes = new Set<number>();
  for (let trial = 0; trial < 8; trial++) {
    const id = await publishedExercise(camden, { questionnaire });
    const supplier = await readyToSubmit(id);
    const [sent, closed] = await Promise.all([
      submit(supplier, id, `close-race-${trial}`),
      send(camdenOnTwo, 'post', `/api/v1/tenders/${id}/close`),
    ]);
    expect(closed.status).toBe(200);
    const closedAt = (await camden.agent.get(`/api/v1/tenders/${id}`)).body.closedAt as string;
    const response = await stored(id, supplier.organisationId);
    outcomes.add(sent.status);
    if (sent.status === 201) {
      expect(Date.parse(sent.body.receipt.receivedAt)).toBeLessThan(Date.parse(closedAt));
      expect(response!.revisions).toHaveLength(1);
    } else {
      expect(sent.status).toBe(409);
      expect(response!.status).toBe('draft');
      expect(response!.revisions).toHaveLength(0);
    }
  }
  expect([...outcomes].every((s) => s === 201 || s === 409)).toBe(true);
});

test('a change of questions racing the first submission: never both, so every submission answers the questions kept', async () => {
  const stricter = {
    sections: [
      ...questionnaire.sections,
      { title: 'More', questions: [{ key: 'partners', type: 'text', label: 'Partners', required: true }] },
    ],
  };
  for (let trial = 0; trial < 6; trial++) {
    const id = await publishedExercise(camden, { questionnaire });
    const supplier = await readyToSubmit(id);
    const [sent, changed] = await Promise.all([
      submit(supplier, id, `questions-race-${trial}`),
      send(camdenOnTwo, 'put', `/api/v1/tenders/${id}/questionnaire`, stricter),
    ]);
    if (changed.status === 200) {
      // The new required question came first: the submission was checked against it.
      expect(sent.status).toBe(422);
      expect(sent.body.error.fields).toHaveProperty(['answers.partners']);
    } else {
      expect(changed.status).toBe(409);
      expect(changed.body.error.code).toBe('locked');
      expect(sent.status).toBe(201);
    }
  }
});

describe('sealed answers stay sealed, even the fact that someone answered', () => {
  test('the officer sees the same before and after a submission', async () => {
    const id = await publishedExercise(camden, { tender: { sealed: true }, questionnaire });
    const look = async () => {
      const view = await camden.agent.get(`/api/v1/tenders/${id}/questionnaire`);
      const change = await send(camden, 'put', `/api/v1/tenders/${id}/questionnaire`, questionnaire);
      return { locked: view.body.locked, status: change.status, error: change.body.error };
    };
    const before = await look();
    const supplier = await readyToSubmit(id);
    expect((await submit(supplier, id, 'sealed-1')).status).toBe(201);
    const after = await look();
    expect(after).toEqual(before);
    expect(before.status).toBe(409);
    expect(before.error.code).toBe('sealed');
  });
});

describe('answers that would not recompute', () => {
  test('a question keyed "constructor" is refused, with a message for the field', async () => {
    const id = await draftExercise(camden);
    const bad = {
      sections: [{ title: 'About you', questions: [{ key: 'constructor', type: 'text', label: 'Who built it?', required: true }] }],
    };
    const set = await send(camden, 'put', `/api/v1/tenders/${id}/questionnaire`, bad);
    expect(set.status).toBe(422);
    expect(Object.values(set.body.error.fields as Record<string, string>).join(' ')).toContain('kept for the system');
  });

  test('an officer-recorded answer with a lone surrogate gets a receipt that recomputes from what is stored', async () => {
    const id = await publishedExercise(camden, { questionnaire });
    const supplier = await interestedSupplier(one.app, id);
    const res = await send(camden, 'post', `/api/v1/tenders/${id}/responses`, {
      organisationId: supplier.organisationId,
      answers: { experience: 'Half a pair \ud800 here' },
      method: 'phone',
    });
    expect(res.status).toBe(201);
    const response = await stored(id, supplier.organisationId);
    const revision = response!.revisions[0]!;
    expect((revision.answers as Record<string, string>).experience).toBe('Half a pair \ufffd here');
    expect(
      responseSha256({
        tenderId: id,
        organisationId: supplier.organisationId,
        answers: revision.answers as Record<string, unknown>,
        attachments: [],
      }),
    ).toBe(revision.sha256);
  });
});

describe('uploads', () => {
  test('40 uploads at once from both servers store at most 20 files, and each refusal says why', async () => {
    const id = await publishedExercise(camden, { questionnaire });
    const supplier = await interestedSupplier(one.app, id);
    const onTwo = onServer(supplier, two.app);
    const results = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        send(i % 2 ? onTwo : supplier, 'post', `/api/v1/tenders/${id}/response/files`).attach('file', samplePdf(`File ${i}`), `f${i}.pdf`),
      ),
    );
    const codes = results.map((r) => r.status);
    expect(codes.every((c) => c === 201 || c === 409 || c === 429)).toBe(true);
    const stored = await one.questionnaires.responseFiles.countDocuments({
      tender: new Types.ObjectId(id),
      organisation: new Types.ObjectId(supplier.organisationId),
    });
    expect(stored).toBe(codes.filter((c) => c === 201).length);
    expect(stored).toBeLessThanOrEqual(20);
    // The places refused in the rush are free again: uploads one at a time fill the cap exactly.
    for (let i = stored; i < 20; i++) {
      expect((await send(supplier, 'post', `/api/v1/tenders/${id}/response/files`).attach('file', samplePdf(), 'more.pdf')).status).toBe(
        201,
      );
    }
    const over = await send(supplier, 'post', `/api/v1/tenders/${id}/response/files`).attach('file', samplePdf(), 'over.pdf');
    expect(over.status).toBe(409);
    expect(over.body.error.code).toBe('too_many_files');
  });

  test('an organisation without an interest is refused before its body is read', async () => {
    const id = await publishedExercise(camden, { questionnaire });
    const stranger = await registeredSupplier(one.app);
    const server = one.app.listen(0);
    try {
      const port = (server.address() as AddressInfo).port;
      const cookie = cookieOf(stranger);
      // A 20 MB body of which only the first kilobyte is ever sent: an answer proves nothing waited for the rest.
      const answer = await new Promise<{ status: number; ms: number }>((resolve, reject) => {
        const started = Date.now();
        const req = http.request(
          {
            port,
            method: 'POST',
            path: `/api/v1/tenders/${id}/response/files`,
            headers: {
              cookie,
              'x-csrf-token': stranger.csrfToken,
              'content-type': 'multipart/form-data; boundary=x',
              'content-length': String(20 * 1024 * 1024),
            },
          },
          (res) => {
            res.resume();
            resolve({ status: res.statusCode ?? 0, ms: Date.now() - started });
            req.destroy();
          },
        );
        req.on('error', (err) => (err.message.includes('socket hang up') ? undefined : reject(err)));
        req.write('--x\r\nContent-Disposition: form-data; name="file"; filename="big.pdf"\r\n\r\n%PDF-1.4\n' + 'x'.repeat(1024));
      });
      expect(answer.status).toBe(403);
      expect(answer.ms).toBeLessThan(5_000);
    } finally {
      server.close();
    }
  });
});

/** The cookie header a supertest client sends. */
function cookieOf(client: Client): string {
  const jar = (client.agent as unknown as { jar: { getCookies(a: object): { toValueString(): string }[] } }).jar;
  return jar
    .getCookies({ domain: '127.0.0.1', path: '/', secure: false, script: false })
    .map((c) => c.toValueString())
    .join('; ');
}

test('every receipt stored in this file recomputes from exactly what is stored', async () => {
  let checked = 0;
  for await (const r of one.questionnaires.responses.find({}).lean().cursor()) {
    for (const revision of r.revisions ?? []) {
      const files = await one.questionnaires.responseFiles.find({ tender: r.tender, organisation: r.organisation }).lean();
      const answers = revision.answers as Record<string, unknown>;
      const byId = new Map(files.map((f) => [f._id.toString(), f.sha256]));
      const attachments = Object.entries(answers)
        .filter(([, value]) => byId.has(String(value)))
        .map(([key, value]) => ({ key, fileId: String(value), sha256: byId.get(String(value))! }));
      expect(responseSha256({ tenderId: r.tender.toString(), organisationId: r.organisation.toString(), answers, attachments })).toBe(
        revision.sha256,
      );
      checked++;
    }
  }
  expect(checked).toBeGreaterThanOrEqual(8);
});
