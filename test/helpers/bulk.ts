import { Types, type Connection } from 'mongoose';
import type { Answers } from '../../src/questionnaires';

// Many records written straight to the collections, quickly, in the shapes the portal stores: for tests of lists and
// downloads that need more than a few records. Every read in those tests still goes through HTTP.

const BASE = Date.parse('2027-01-05T10:00:00.000Z');
/** The time of the i-th record: every five share a time, so only their ids keep their order. */
export const bulkTime = (i: number) => new Date(BASE + Math.floor(i / 5) * 60_000);

const idOf = (id: string) => new Types.ObjectId(id);

async function boroughOf(conn: Connection, exerciseId: string): Promise<Types.ObjectId> {
  const doc = await conn.collection('tenders').findOne({ _id: idOf(exerciseId) });
  if (!doc) throw new Error(`no exercise ${exerciseId}`);
  return doc.borough as Types.ObjectId;
}

/** `n` charities named `${prefix} organisation ${i}`; their ids. */
export async function insertOrganisations(conn: Connection, n: number, prefix: string): Promise<Types.ObjectId[]> {
  const at = new Date(BASE);
  const docs = Array.from({ length: n }, (_, i) => ({
    _id: new Types.ObjectId(),
    name: `${prefix} organisation ${i}`,
    sector: 'voluntary',
    legalForm: 'registered_charity',
    size: 'small',
    identifiers: [],
    postcode: 'N1 9GU',
    areas: [],
    sectorWarnings: [],
    revision: 0,
    createdAt: at,
    updatedAt: at,
  }));
  await conn.collection('organisations').insertMany(docs);
  return docs.map((d) => d._id);
}

/** An active interest in the exercise from each organisation, contact names `${prefix} 000`, `${prefix} 001`… in order. */
export async function insertInterests(conn: Connection, exerciseId: string, organisations: Types.ObjectId[], prefix: string) {
  const borough = await boroughOf(conn, exerciseId);
  await conn.collection('interests').insertMany(
    organisations.map((organisation, i) => ({
      _id: new Types.ObjectId(),
      tender: idOf(exerciseId),
      borough,
      organisation,
      sector: i % 2 ? 'voluntary' : 'private',
      size: 'small',
      organisationName: `${prefix} organisation ${i}`,
      sectorWarnings: 0,
      organisationRevision: 0,
      lotIds: [],
      contactName: `${prefix} ${String(i).padStart(3, '0')}`,
      contactEmail: 'contact@example.org',
      consortium: false,
      willingToPartner: false,
      heardVia: 'council_website',
      heardViaOther: '',
      status: 'active',
      createdBy: 'test',
      createdAt: bulkTime(i),
      withdrawnAt: null,
      withdrawnBy: null,
    })),
  );
}

/** A response from each organisation: submitted with `answers(i)` when `submitted(i)`, else an empty draft; their ids. */
export async function insertResponses(
  conn: Connection,
  exerciseId: string,
  organisations: Types.ObjectId[],
  opts: { submitted: (i: number) => boolean; answers?: (i: number) => Answers },
): Promise<string[]> {
  const borough = await boroughOf(conn, exerciseId);
  const docs = organisations.map((organisation, i) => {
    const submitted = opts.submitted(i);
    const answers = submitted ? (opts.answers?.(i) ?? {}) : {};
    return {
      _id: new Types.ObjectId(),
      tender: idOf(exerciseId),
      borough,
      organisation,
      answers,
      status: submitted ? 'submitted' : 'draft',
      revisions: submitted
        ? [{ answers, receivedAt: bulkTime(i), sha256: 'a'.repeat(64), idempotencyKey: `k${i}`, submittedBy: 'test' }]
        : [],
      recordedBy: null,
      createdAt: bulkTime(i),
      updatedAt: bulkTime(i),
      version: submitted ? 1 : 0,
    };
  });
  // In batches, so a large set never makes one huge command.
  for (let i = 0; i < docs.length; i += 1_000) await conn.collection('questionnaireresponses').insertMany(docs.slice(i, i + 1_000));
  return docs.map((d) => d._id.toString());
}
