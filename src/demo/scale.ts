import { createHash } from 'node:crypto';
import { Types, type Connection } from 'mongoose';
import { fitTemplateToLots, LIBRARY_SMT_V1, responseSha256, type Answers } from '../questionnaires';
import type { Services } from '../services';
import type { Sector } from '../suppliers';
import { demoAnswers, lotChoices } from './answers';
import { progressBar, type Progress } from './progress';

/**
 * A large demo, for trying the portal with the data of a busy year: `exercises` published exercises spread over
 * every London borough, a pool of organisations of every sector (two per exercise, at least 60), 8 to 30
 * expressions of interest per exercise, and about half of those submitted responses and a fifth drafts. Written
 * straight to the collections in batches. Every record has an id worked out from its place in the demo, so running
 * it again adds only what is missing (a larger number adds the rest); two runs at once store each record once.
 */
export interface ScaleOptions {
  exercises: number;
  /** A progress bar per kind of record; a text bar on stderr unless given. */
  progress?: (label: string, total: number) => Progress;
  batchSize?: number;
}

export interface ScaleSummary {
  exercisesAdded: number;
  organisationsAdded: number;
  interestsAdded: number;
  responsesAdded: number;
}

/** Who the scale demo's records say made them: nobody signs in as its organisations. */
const MADE_BY = 'demo-scale';
const DAY = 24 * 60 * 60 * 1000;
const HOUR = 60 * 60 * 1000;

const stableId = (kind: string, n: number) =>
  new Types.ObjectId(createHash('sha256').update(`demo-scale:${kind}:${n}`).digest('hex').slice(0, 24));

/** The pool of organisations: two per exercise, at least 60, and never a multiple of 11 (see `organisationOf`). */
function poolSize(exercises: number): number {
  const size = Math.max(60, exercises * 2);
  return size % 11 === 0 ? size + 1 : size;
}

const interestsIn = (exercise: number) => 8 + ((exercise * 7) % 23);
/** Distinct organisations within one exercise: 11 and the pool size share no factor. */
const organisationOf = (exercise: number, j: number, pool: number) => (exercise * 37 + j * 11) % pool;
const planOf = (exercise: number, j: number): 'submit' | 'draft' | 'none' => {
  const roll = (exercise * 3 + j * 7) % 10;
  return roll < 5 ? 'submit' : roll < 7 ? 'draft' : 'none';
};

// Four in ten private, two public, three voluntary, one social enterprise.
const SECTOR_BY_TENTH: Sector[] = [
  'private',
  'voluntary',
  'public',
  'private',
  'voluntary',
  'social_enterprise',
  'private',
  'public',
  'voluntary',
  'private',
];
const LEGAL_FORM: Record<Sector, string> = {
  private: 'company',
  public: 'other_public_body',
  voluntary: 'registered_charity',
  social_enterprise: 'cic',
};
const SIZES = ['micro', 'small', 'medium', 'large'] as const;
const PLACES = ['Northside', 'Riverside', 'Hillcrest', 'Parkway', 'Eastgate', 'Westbrook', 'Southfield', 'Oakwood', 'Millbank', 'Greenway'];
const KINDS: Record<Sector, string> = {
  private: 'Library Services Ltd',
  public: 'Shared Services Partnership',
  voluntary: 'Reading Trust',
  social_enterprise: 'Community Books CIC',
};
const HEARD_VIA = ['council_website', 'contracts_finder', 'find_a_tender', 'cvs_network', 'newsletter', 'event', 'word_of_mouth'];
const TITLES = [
  'Branch library services',
  'Home library service',
  'Children’s reading programmes',
  'Mobile and pop-up libraries',
  'Digital skills in libraries',
  'Community-run libraries',
  'Library café and events',
  'Local studies and archives',
];

function organisation(o: number, now: Date) {
  const sector = SECTOR_BY_TENTH[(o * 7) % 10]!;
  const size = sector === 'public' ? 'large' : SIZES[o % 4]!;
  const name = `${PLACES[o % PLACES.length]} ${KINDS[sector]} ${Math.floor(o / PLACES.length) + 1}`;
  return {
    _id: stableId('organisation', o),
    name,
    sector,
    legalForm: LEGAL_FORM[sector],
    size,
    identifiers: [],
    postcode: 'N1 9GU',
    areas: [],
    address: '',
    staffCount: null,
    turnoverBand: null,
    largestContractValue: null,
    contact: null,
    sectorWarnings: [],
    revision: 0,
    createdAt: now,
    updatedAt: now,
  };
}

function exercise(i: number, boroughId: string, boroughName: string, now: Date) {
  const publishedAt = new Date(now.getTime() - (1 + (i % 30)) * DAY);
  const eoiDeadline = new Date(now.getTime() + (7 + (i % 45)) * DAY);
  const lots = [
    {
      lotId: 'lot-1',
      title: 'Branch libraries',
      description: 'The borough’s branch libraries.',
      estimatedAnnualValue: 150_000 + (i % 10) * 25_000,
    },
    { lotId: 'lot-2', title: 'Home library service', description: 'Books delivered to housebound readers.', estimatedAnnualValue: 60_000 },
  ];
  return {
    _id: stableId('exercise', i),
    borough: new Types.ObjectId(boroughId),
    reference: `DEMO-${String(i + 1).padStart(5, '0')}`,
    status: 'published',
    title: `${TITLES[i % TITLES.length]} in ${boroughName} (${i + 1})`,
    summary: 'A demo exercise of the large demo. Tell us what would help you take part; small and community groups are welcome.',
    specification: 'Library services for the borough, as described in the lots.',
    serviceScope: '',
    lots,
    estimatedValue: null,
    contractTermMonths: 60,
    tupe: 'unknown',
    clarificationDeadline: new Date(eoiDeadline.getTime() - 7 * DAY),
    eoiDeadline,
    questionnaireDeadline: new Date(eoiDeadline.getTime() + 21 * DAY),
    engagementEvents: [],
    sealed: false,
    shareFindings: true,
    thirdSectorTarget: 0.3,
    documents: [],
    revision: 0,
    history: [],
    createdBy: MADE_BY,
    publishedAt,
    closedAt: null,
    cancelledAt: null,
    createdAt: publishedAt,
    updatedAt: publishedAt,
  };
}

type Doc = { _id: Types.ObjectId } & Record<string, unknown>;

/**
 * Inserts the documents not stored yet, a batch at a time: each batch is sent whole, unordered, and a record already
 * there (an earlier run, or another run at the same moment) is refused by its id and left as it is. Asking first which
 * ids exist would cost more: the embedded engine answers an `$in` on ids by reading the whole collection.
 */
async function insertMissing(conn: Connection, model: string, docs: Iterable<Doc>, bar: Progress, batchSize: number): Promise<number> {
  const collection = conn.model(model).collection;
  let added = 0;
  const flush = async (batch: Doc[]) => {
    try {
      added += (await collection.insertMany(batch, { ordered: false })).insertedCount;
    } catch (err) {
      const result = err as { code?: number; insertedCount?: number; writeErrors?: { code?: number }[] };
      const errors = result.writeErrors ?? [result];
      if (!errors.every((e) => e.code === 11000)) throw err;
      added += result.insertedCount ?? 0;
    }
    bar.add(batch.length);
  };
  let batch: Doc[] = [];
  for (const doc of docs) {
    batch.push(doc);
    if (batch.length >= batchSize) {
      await flush(batch);
      batch = [];
    }
  }
  if (batch.length) await flush(batch);
  bar.done();
  return added;
}

export async function seedScale(conn: Connection, { boroughs, tenders }: Services, opts: ScaleOptions): Promise<ScaleSummary> {
  const n = opts.exercises;
  const batchSize = opts.batchSize ?? 500;
  const bar = opts.progress ?? ((label: string, total: number) => progressBar(label, total));
  const now = tenders.now();
  const pool = poolSize(n);
  const london = boroughs.list();
  const orgs = Array.from({ length: pool }, (_, o) => organisation(o, now));
  const exercises = Array.from({ length: n }, (_, i) => {
    const borough = london[i % london.length]!;
    return exercise(i, borough.id, borough.name, now);
  });
  const definitions = exercises.map((e) => fitTemplateToLots(structuredClone(LIBRARY_SMT_V1), e.lots));

  let interestTotal = 0;
  let responseTotal = 0;
  for (let i = 0; i < n; i += 1) {
    for (let j = 0; j < interestsIn(i); j += 1) {
      interestTotal += 1;
      if (planOf(i, j) !== 'none') responseTotal += 1;
    }
  }

  function* interests(): Generator<Doc> {
    for (const [i, e] of exercises.entries()) {
      for (let j = 0; j < interestsIn(i); j += 1) {
        const o = organisationOf(i, j, pool);
        const org = orgs[o]!;
        const small = org.size === 'micro' || org.size === 'small';
        yield {
          _id: stableId(`interest:${i}`, j),
          tender: e._id,
          borough: e.borough,
          organisation: org._id,
          sector: org.sector,
          size: org.size,
          organisationName: org.name,
          sectorWarnings: 0,
          organisationRevision: 0,
          lotIds: small ? ['lot-2'] : ['lot-1', 'lot-2'],
          contactName: `Contact at ${org.name}`,
          contactEmail: `contact${o}@scale.example.org`,
          consortium: false,
          willingToPartner: o % 3 === 0,
          heardVia: HEARD_VIA[(o + i) % HEARD_VIA.length],
          heardViaOther: '',
          status: 'active',
          createdBy: MADE_BY,
          createdAt: new Date(e.publishedAt.getTime() + (j + 1) * HOUR),
          withdrawnAt: null,
          withdrawnBy: null,
        };
      }
    }
  }

  function* responses(): Generator<Doc> {
    for (const [i, e] of exercises.entries()) {
      const lots = lotChoices(definitions[i]!);
      for (let j = 0; j < interestsIn(i); j += 1) {
        const plan = planOf(i, j);
        if (plan === 'none') continue;
        const o = organisationOf(i, j, pool);
        const org = orgs[o]!;
        const at = new Date(e.publishedAt.getTime() + (j + 2) * HOUR);
        const answers = demoAnswers(org.sector, org.size, o, lots);
        if (plan === 'draft') {
          const { relevant_experience, lots_of_interest, likelihood_to_bid } = answers;
          const draft = { relevant_experience, lots_of_interest, likelihood_to_bid } as Answers;
          yield {
            _id: stableId(`response:${i}`, j),
            ...responseBase(e, org._id, at),
            answers: draft,
            status: 'draft',
            revisions: [],
            version: 1,
          };
          continue;
        }
        const sha256 = responseSha256({ tenderId: e._id.toString(), organisationId: org._id.toString(), answers, attachments: [] });
        const revision = { answers, receivedAt: at, sha256, idempotencyKey: `demo-scale-${i}-${j}`, submittedBy: MADE_BY };
        yield {
          _id: stableId(`response:${i}`, j),
          ...responseBase(e, org._id, at),
          answers,
          status: 'submitted',
          revisions: [revision],
          version: 2,
        };
      }
    }
  }

  function* questionnaires(): Generator<Doc> {
    for (const [i, e] of exercises.entries()) {
      const answered = Array.from({ length: interestsIn(i) }, (_, j) => planOf(i, j)).includes('submit');
      yield {
        _id: stableId('questionnaire', i),
        tender: e._id,
        borough: e.borough,
        template: 'library-smt-v1',
        definition: definitions[i],
        updatedBy: MADE_BY,
        updatedAt: e.publishedAt,
        version: 1,
        locked: answered,
      };
    }
  }

  const organisationsAdded = await insertMissing(conn, 'Organisation', orgs, bar('Organisations', pool), batchSize);
  // The questions before the exercise, so a published exercise is never seen without them.
  await insertMissing(conn, 'Questionnaire', questionnaires(), bar('Questionnaires', n), batchSize);
  const exercisesAdded = await insertMissing(conn, 'Tender', exercises, bar('Exercises', n), batchSize);
  if (exercisesAdded) await tenders.listChanged();
  const interestsAdded = await insertMissing(conn, 'Interest', interests(), bar('Expressions of interest', interestTotal), batchSize);
  const responsesAdded = await insertMissing(conn, 'QuestionnaireResponse', responses(), bar('Responses', responseTotal), batchSize);
  return { exercisesAdded, organisationsAdded, interestsAdded, responsesAdded };
}

function responseBase(e: { _id: Types.ObjectId; borough: Types.ObjectId }, organisation: Types.ObjectId, at: Date) {
  return { tender: e._id, borough: e.borough, organisation, recordedBy: null, createdAt: at, updatedAt: at };
}
