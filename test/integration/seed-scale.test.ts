import { startTestApp, testDatabaseUri, type TestApp } from '../helpers/app';
import { apiClient } from '../helpers/app';
import { runCli } from '../helpers/processes';
import { seedScale } from '../../src/demo';

// `npm run cli -- seed-demo --scale N`: the demo, then N exercises across London with organisations, interests and
// responses, written in batches with a progress bar on stderr; run again, it adds nothing.

let t: TestApp;
let uri: string;
const N = 30;
// As the seeder plans them: 8 to 30 interests per exercise, half of them submitted and a fifth drafts.
const interestsIn = (i: number) => 8 + ((i * 7) % 23);
const planOf = (i: number, j: number) => ((i * 3 + j * 7) % 10 < 5 ? 'submit' : (i * 3 + j * 7) % 10 < 7 ? 'draft' : 'none');
const range = (n: number) => Array.from({ length: n }, (_, i) => i);
const expectedInterests = range(N).reduce((sum, i) => sum + interestsIn(i), 0);
const expectedResponses = range(N).reduce((sum, i) => sum + range(interestsIn(i)).filter((j) => planOf(i, j) !== 'none').length, 0);
const expectedSubmitted = range(N).reduce((sum, i) => sum + range(interestsIn(i)).filter((j) => planOf(i, j) === 'submit').length, 0);

const scaleTenders = () =>
  t.conn
    .collection('tenders')
    .find({ reference: { $regex: '^DEMO-' } }, { projection: { _id: 1, borough: 1 } })
    .toArray();
async function scaleCounts() {
  const ids = (await scaleTenders()).map((d) => d._id);
  return {
    exercises: ids.length,
    interests: await t.conn.collection('interests').countDocuments({ tender: { $in: ids } }),
    responses: await t.conn.collection('questionnaireresponses').countDocuments({ tender: { $in: ids } }),
    submitted: await t.conn.collection('questionnaireresponses').countDocuments({ tender: { $in: ids }, status: 'submitted' }),
    questionnaires: await t.conn.collection('questionnaires').countDocuments({ tender: { $in: ids } }),
    organisations: await t.conn.collection('organisations').countDocuments({ name: { $regex: ' [0-9]+$' } }),
  };
}

beforeAll(async () => {
  t = await startTestApp();
  const url = new URL(testDatabaseUri());
  url.pathname = `/${t.conn.name}`;
  uri = url.toString();
});
afterAll(() => t.close());

it('fills a large demo in batches, with a progress bar, and adds nothing when run again', async () => {
  const first = await runCli(['seed-demo', '--scale', String(N)], { mongodbUri: uri });
  expect(first).toMatchObject({ status: 0 });
  expect(first.stdout).toContain(`added ${N} exercises, 60 organisations, ${expectedInterests} expressions of interest`);
  expect(first.stderr).toMatch(new RegExp(`Expressions of interest +\\[#{30}\\] ${expectedInterests}/${expectedInterests}`));
  expect(first.stderr).toMatch(new RegExp(`Expressions of interest +\\[#+-+\\] 500/${expectedInterests}`));

  const counts = await scaleCounts();
  expect(counts).toEqual({
    exercises: N,
    interests: expectedInterests,
    responses: expectedResponses,
    submitted: expectedSubmitted,
    questionnaires: N,
    organisations: 60,
  });
  // Spread over London: thirty exercises, thirty boroughs.
  expect(new Set((await scaleTenders()).map((d) => String(d.borough))).size).toBe(N);

  // Run again (the function the command runs, on the test app's services): nothing is added.
  const quiet = () => ({ add: () => undefined, done: () => undefined });
  expect(await seedScale(t.conn, t, { exercises: N, progress: quiet, batchSize: 7 })).toEqual({
    exercisesAdded: 0,
    organisationsAdded: 0,
    interestsAdded: 0,
    responsesAdded: 0,
  });
  expect(await scaleCounts()).toEqual(counts);
  // A larger number adds only the rest.
  expect(await seedScale(t.conn, t, { exercises: N + 2, progress: quiet })).toMatchObject({ exercisesAdded: 2, organisationsAdded: 4 });
  await t.conn.collection('tenders').deleteMany({ reference: { $in: ['DEMO-00031', 'DEMO-00032'] } });

  const bad = await runCli(['seed-demo', '--scale', 'lots'], { mongodbUri: uri });
  expect(bad.status).toBe(1);
  expect(bad.stderr).toContain('--scale takes a whole number of exercises');
}, 180_000);

it('makes the public list come in pages, and each exercise read like any other', async () => {
  const visitor = await apiClient(t.app);
  const total = (await visitor.agent.get('/api/v1/tenders').expect(200)).body.items.length as number;
  const pageCount = Math.ceil(total / 20);
  // The large demo's exercises and the demo's own: more than one page of 20.
  expect(total).toBeGreaterThan(N);
  const references: string[] = [];
  for (let page = 1; page <= pageCount; page += 1) {
    const res = await visitor.agent.get(`/tenders?page=${page}`).expect(200);
    expect(res.text).toContain(`${total} exercises found: page ${page} of ${pageCount}`);
    const shown = [...res.text.matchAll(/ · (DEMO-\d{5}) · /g)].map((m) => m[1]!);
    expect(shown.length).toBeLessThanOrEqual(20);
    references.push(...shown);
  }
  // Every one once, over the pages.
  expect(references.sort()).toEqual(range(N).map((i) => `DEMO-${String(i + 1).padStart(5, '0')}`));

  // A large-demo exercise of Camden, through its demo officer: the analysis counts what was written.
  const camden = await t.conn.collection('boroughs').findOne({ slug: 'camden' });
  const exercise = await t.conn.collection('tenders').findOne({ reference: { $regex: '^DEMO-' }, borough: camden!._id });
  const i = Number(exercise!.reference.slice(5)) - 1;
  const officer = await apiClient(t.app);
  await officer.agent
    .post('/api/v1/auth/login')
    .set('X-CSRF-Token', officer.csrfToken)
    .send({ email: 'officer@camden.example.org', password: 'library demo 2026' })
    .expect(200);
  const analysis = await officer.agent.get(`/api/v1/tenders/${exercise!._id}/analysis`).expect(200);
  const sectors = analysis.body.sectors as { interests: number; submitted: number }[];
  expect(sectors.reduce((sum, s) => sum + s.interests, 0)).toBe(interestsIn(i));
  expect(sectors.reduce((sum, s) => sum + s.submitted, 0)).toBe(range(interestsIn(i)).filter((j) => planOf(i, j) === 'submit').length);
  const responses = await officer.agent.get(`/api/v1/tenders/${exercise!._id}/responses`).expect(200);
  expect(responses.body.total).toBe(range(interestsIn(i)).filter((j) => planOf(i, j) !== 'none').length);
});
