import type supertest from 'supertest';
import { listRoutes } from '../../src/platform/routes';
import { signedInAs, STRONG_PASSWORD, startTestApp, testClock, type TestApp } from '../helpers/app';
import { send, type Client } from '../helpers/client';
import { createAdmin, createOfficer, interestedSupplier, publishedExercise, sampleQuestionnaire, uniqueEmail } from '../helpers/factories';
import { download } from '../helpers/findings';
import { samplePdf } from '../helpers/sample-files';
import { readWorkbook } from '../helpers/workbook';
import { fillPath, pathParams } from '../helpers/world';

// SECURITY.md 2: in a sealed exercise no officer, admin or report can read responses, attachments or per-question
// figures before the questionnaire deadline. Every GET route an officer, admin or the programme team may use is walked
// (from the router, so a new route is walked too) with the sealed exercise's ids, and nothing it answers may carry any
// part of the submitted answers. After the deadline the same walk finds them, which shows the walk can see a leak.

const clock = testClock('2027-01-10T09:00:00.000Z');
const MARK = {
  answer: 'Sealed answer quince-harrier',
  filename: 'sealed-file-wombat-lantern.pdf',
  fileText: 'Sealed file text heron-damson',
  number: '7654321',
  numberInWords: '7,654,321',
};
const MARKS = Object.values(MARK);

let t: TestApp;
const clients: Record<'officer' | 'admin' | 'programme', Client> = {} as never;
let values: Record<string, string>;

beforeAll(async () => {
  t = await startTestApp({ tenders: { now: clock.now }, questionnaires: { now: clock.now } });
  clients.officer = await signedInAs(t.app, (await createOfficer(t.auth, 'camden')).email);
  clients.admin = await signedInAs(t.app, (await createAdmin(t.auth)).email);
  const programme = await t.auth.createUser({ role: 'programme', email: uniqueEmail('programme'), password: STRONG_PASSWORD, name: 'Pat' });
  clients.programme = await signedInAs(t.app, programme.email);

  const id = await publishedExercise(clients.officer, { tender: { sealed: true }, questionnaire: sampleQuestionnaire() });
  const supplier = await interestedSupplier(t.app, id);
  const file = await send(supplier, 'post', `/api/v1/tenders/${id}/response/files`).attach('file', samplePdf(MARK.fileText), MARK.filename);
  expect(file.status).toBe(201);
  const answers = {
    experience: MARK.answer,
    tupe: false,
    likelihood: 4,
    barriers: ['contract_size'],
    value: Number(MARK.number),
    statement: file.body.id as string,
  };
  expect((await send(supplier, 'put', `/api/v1/tenders/${id}/response`, { answers })).status).toBe(200);
  expect((await send(supplier, 'post', `/api/v1/tenders/${id}/response/submit`).set('Idempotency-Key', 'sealed-sweep')).status).toBe(201);
  const responseId = (await t.questionnaires.responses.findOne({}).lean())!._id.toString();
  const nothing = '0123456789abcdef01234567';
  values = {
    id,
    responseId,
    rid: responseId,
    fileId: file.body.id as string,
    docId: nothing,
    cid: nothing,
    n: '1',
    s: '1',
    key: 'experience',
    barrier: 'contract_size',
    token: 'no-such-token',
  };
}, 60_000);
afterAll(async () => t.close());

/** What a route answered, as text: a workbook's cells, or the body as it came. */
async function answerText(res: supertest.Response): Promise<string> {
  const type = String(res.headers['content-type'] ?? '');
  const bytes = Buffer.isBuffer(res.body) ? res.body : Buffer.from(res.text ?? JSON.stringify(res.body ?? ''));
  if (type.includes('spreadsheetml') && res.status === 200) {
    const cells: string[] = [];
    (await readWorkbook(bytes)).eachSheet((sheet) => sheet.eachRow((row) => row.eachCell((cell) => void cells.push(String(cell.text)))));
    return cells.join('\n');
  }
  return bytes.toString('latin1');
}

/** Every GET route a role may use, called with the sealed exercise's ids: the routes whose answer carries a mark. */
async function walk(role: keyof typeof clients): Promise<{ walked: number; showing: string[] }> {
  const routes = listRoutes(t.app).filter((r) => r.method === 'GET' && r.roles?.includes(role));
  const showing: string[] = [];
  for (const r of routes) {
    const url = fillPath(r.path, values);
    const { res } = await download(clients[role].agent, url);
    expect([url, res.status < 500]).toEqual([url, true]);
    const text = await answerText(res);
    const found = MARKS.filter((m) => text.includes(m));
    if (found.length) showing.push(`${r.path} → ${found.join(', ')}`);
  }
  return { walked: routes.length, showing };
}

test('every path parameter of the walked routes is given a value', () => {
  const params = new Set(listRoutes(t.app).flatMap((r) => pathParams(r.path)));
  expect([...params].filter((p) => !(p in values))).toEqual([]);
});

test.each(['officer', 'admin', 'programme'] as const)(
  'before the deadline, no route shows the %s any part of a sealed answer',
  async (role) => {
    clock.set('2027-03-01T12:00:00.000Z'); // the deadline instant itself: still sealed
    const { walked, showing } = await walk(role);
    expect(walked).toBeGreaterThan(role === 'officer' ? 30 : 3);
    expect(showing).toEqual([]);
  },
);

test('once the deadline has passed, the same walk finds the answers in the officer’s routes', async () => {
  clock.set('2027-03-01T12:00:00.001Z');
  const { showing } = await walk('officer');
  expect(showing.length).toBeGreaterThanOrEqual(3);
  expect(showing.join('\n')).toContain(MARK.answer);
  expect(showing.join('\n')).toContain(MARK.filename);
});
