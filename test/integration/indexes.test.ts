import { Types, type Model } from 'mongoose';
import { startTestApp, type TestApp } from '../helpers/app';

/**
 * Each query the portal makes on a collection that grows, with the index it needs on MongoDB: the filter's fields
 * first (any order), then the sort's fields in order (all one way round, or all the other). The indexes are read
 * back from the engine the tests run on, so an index a schema forgot, or one the engine refused, fails here. On
 * mongod the query plans are checked too: none of these may scan the whole collection. (The embedded FerretDB
 * keeps the indexes but, on SQLite, plans no use of them; see DATABASE.md.)
 */
interface Need {
  model: string;
  /** Where the query is made. */
  by: string;
  filter: Record<string, unknown>;
  sort?: Record<string, 1 | -1>;
}

const id = () => new Types.ObjectId();
const NEEDS: Need[] = [
  { model: 'Tender', by: 'the public list', filter: { status: 'published' }, sort: { publishedAt: -1 } },
  { model: 'Tender', by: 'an officer’s own exercises', filter: { borough: id() } },
  { model: 'Tender', by: 'the audit log’s exercise filter', filter: { reference: 'CAM-LIB-2027-001' } },
  { model: 'Interest', by: 'the officer’s list of interests', filter: { tender: id() }, sort: { createdAt: 1, _id: 1 } },
  { model: 'Interest', by: 'one organisation’s interest', filter: { tender: id(), organisation: id() } },
  { model: 'Interest', by: 'an organisation’s interests', filter: { organisation: id() }, sort: { createdAt: -1 } },
  { model: 'QuestionnaireResponse', by: 'the officer’s list of responses', filter: { tender: id() }, sort: { createdAt: 1, _id: 1 } },
  { model: 'QuestionnaireResponse', by: 'one organisation’s response', filter: { tender: id(), organisation: id() } },
  { model: 'ResponseFile', by: 'an organisation’s files', filter: { tender: id(), organisation: id() } },
  { model: 'Questionnaire', by: 'an exercise’s questionnaire', filter: { tender: id() } },
  { model: 'Notification', by: 'an organisation’s notifications', filter: { organisation: id() }, sort: { createdAt: -1, _id: -1 } },
  { model: 'Clarification', by: 'an exercise’s questions', filter: { tender: id() }, sort: { askedAt: 1 } },
  { model: 'AuditEvent', by: 'the audit log', filter: {}, sort: { at: -1, _id: -1 } },
  { model: 'AuditEvent', by: 'the audit log by event', filter: { action: 'auth.sign_in' }, sort: { at: -1, _id: -1 } },
  { model: 'AuditEvent', by: 'the audit log by person', filter: { actorId: 'x' }, sort: { at: -1, _id: -1 } },
  { model: 'AuditEvent', by: 'the audit log by exercise', filter: { target: 'tender:x' }, sort: { at: -1, _id: -1 } },
  { model: 'User', by: 'sign-in', filter: { email: 'a@example.org' } },
  { model: 'User', by: 'an organisation’s colleagues', filter: { organisation: id() } },
  { model: 'Invitation', by: 'an organisation’s invitations', filter: { organisation: id() } },
  { model: 'Invitation', by: 'an invitation link', filter: { tokenHash: 'x' } },
  { model: 'PasswordReset', by: 'a reset link', filter: { tokenHash: 'x' } },
  { model: 'OutboxMessage', by: 'the email sender', filter: { status: 'pending' } },
  { model: 'AlertSubscription', by: 'sending alerts', filter: { confirmed: true } },
  { model: 'AlertSubscription', by: 'an unsubscribe link', filter: { unsubscribeHash: 'x' } },
  { model: 'AlertSubscription', by: 'a confirmation link', filter: { pendingTokenHash: 'x' } },
  { model: 'AlertDelivery', by: 'an exercise’s alerts', filter: { tender: id() } },
  { model: 'AlertDelivery', by: 'claiming an alert', filter: { subscription: id(), tender: id() } },
  { model: 'AlertRun', by: 'the sweep for stalled alerts', filter: { finishedAt: null }, sort: { startedAt: 1 } },
];

type IndexKeys = [string, number][];

/** Whether an index with these keys serves the need without a scan of the collection or a sort in memory. */
function serves(index: IndexKeys, need: Need): boolean {
  const equality = Object.keys(need.filter);
  const sort = Object.entries(need.sort ?? {});
  if (index.length < equality.length + sort.length) return false;
  const head = index.slice(0, equality.length).map(([field]) => field);
  if (!equality.every((field) => head.includes(field))) return false;
  const tail = index.slice(equality.length, equality.length + sort.length);
  const same = tail.every(([field, dir], i) => field === sort[i]![0] && dir === sort[i]![1]);
  const reversed = tail.every(([field, dir], i) => field === sort[i]![0] && dir === -sort[i]![1]);
  return (equality.length > 0 || sort.length > 0) && (same || reversed);
}

let t: TestApp;
const indexes = new Map<string, IndexKeys[]>();

beforeAll(async () => {
  t = await startTestApp();
  for (const model of Object.values(t.conn.models) as Model<unknown>[]) {
    await model.init();
    const listed = await model.collection.indexes();
    indexes.set(
      model.modelName,
      listed.map((ix) => Object.entries(ix.key).map(([field, dir]) => [field, Number(dir)] as [string, number])),
    );
  }
});
afterAll(() => t.close());

it('knows the rule it checks by', () => {
  const need: Need = { model: 'X', by: 'test', filter: { tender: 1 }, sort: { createdAt: 1, _id: 1 } };
  expect(
    serves(
      [
        ['tender', 1],
        ['createdAt', 1],
        ['_id', 1],
      ],
      need,
    ),
  ).toBe(true);
  expect(
    serves(
      [
        ['tender', 1],
        ['createdAt', -1],
        ['_id', -1],
      ],
      need,
    ),
  ).toBe(true);
  expect(
    serves(
      [
        ['tender', 1],
        ['organisation', 1],
      ],
      need,
    ),
  ).toBe(false);
  expect(
    serves(
      [
        ['tender', 1],
        ['createdAt', 1],
        ['_id', -1],
      ],
      need,
    ),
  ).toBe(false);
  expect(
    serves(
      [
        ['createdAt', 1],
        ['tender', 1],
      ],
      { model: 'X', by: 'test', filter: { tender: 1 } },
    ),
  ).toBe(false);
});

it.each(NEEDS.map((need) => [`${need.model}: ${need.by}`, need] as const))('has an index on the engine for %s', (_name, need) => {
  const own = indexes.get(need.model);
  expect(own).toBeDefined();
  expect(own!.some((index) => serves(index, need))).toBe(true);
});

const onMongod = process.env.TEST_ENGINE === 'mongod' || Boolean(process.env.MONGODB_URI);
(onMongod ? it : it.skip)('plans every one of these queries on an index (mongod)', async () => {
  for (const need of NEEDS) {
    const model = t.conn.model(need.model);
    const plan = JSON.stringify(
      await model
        .find(need.filter)
        .sort(need.sort ?? {})
        .limit(50)
        .explain('queryPlanner'),
    );
    expect({ need: need.by, collectionScan: plan.includes('COLLSCAN') }).toEqual({ need: need.by, collectionScan: false });
  }
});
