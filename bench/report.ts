/**
 * The sector workbook at scale: a fresh database with 10,000 submitted responses to a 40-question
 * questionnaire, then in the same run
 *   (a) the workbook through the real service, end to end, into a sink that discards it,
 *   (b) a bare cursor drain of the same responses,
 *   (c) a bare exceljs streaming writer writing as many cells from memory,
 * the analysis JSON, and (a) again at 20,000 responses. Run with `npm run bench -- report`.
 * The last line printed is one JSON object with the figures.
 */
import { Writable } from 'node:stream';
import ExcelJS from 'exceljs';
import { Types } from 'mongoose';
import { benchDatabase } from './database';
import type { PublicUser } from '../src/auth';
import { LIBRARY_SMT_V1, type Answers, type Question, type QuestionnaireDefinition } from '../src/questionnaires';
import { interestModel } from '../src/suppliers/interest.model';
import { SECTORS, type Sector } from '../src/suppliers';
import { createServices, type Services } from '../src/services';
import { createTenderSchema } from '../src/tenders/tenders.schemas';

const FIRST = 10_000;
const SECOND = 20_000;
const BATCH = 1_000;

/** A sink that takes everything and keeps nothing, as a fast client would. */
const nullSink = () => new Writable({ write: (_chunk, _enc, done) => done() });

function progress(label: string, done: number, total: number) {
  const width = 30;
  const filled = Math.round((done / total) * width);
  process.stderr.write(`\r${label.padEnd(24)} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total}`);
  if (done === total) process.stderr.write('\n');
}

let peakRss = 0;
const sampleRss = () => {
  peakRss = Math.max(peakRss, process.memoryUsage.rss());
};

async function timed<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  sampleRss();
  const started = process.hrtime.bigint();
  const value = await fn();
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  sampleRss();
  return { ms, value };
}

/** The library template and 18 more questions: 40 in all, of every type the analysis counts. */
function benchQuestionnaire(): QuestionnaireDefinition {
  const extra: Question[] = [];
  const base = { hint: '', required: false, core: false, min: null, max: null, maxLength: null, showIf: null };
  for (let i = 1; i <= 6; i += 1) {
    const options = ['a', 'b', 'c', 'd'].map((v) => ({ value: v, label: `Option ${v.toUpperCase()}` }));
    extra.push({ ...base, key: `choice_${i}`, type: 'single', label: `Choice question ${i}`, options });
  }
  for (let i = 1; i <= 4; i += 1)
    extra.push({ ...base, key: `scale_${i}`, type: 'scale', label: `Scale ${i}`, options: [], min: 1, max: 5 });
  for (let i = 1; i <= 4; i += 1) extra.push({ ...base, key: `number_${i}`, type: 'number', label: `Number ${i}`, options: [] });
  for (let i = 1; i <= 4; i += 1) extra.push({ ...base, key: `text_${i}`, type: 'text', label: `Text ${i}`, options: [], maxLength: 500 });
  return { sections: [...LIBRARY_SMT_V1.sections, { title: 'More about you', description: '', questions: extra }] };
}

function answersFor(sector: Sector, i: number): Answers {
  const third = sector === 'voluntary' || sector === 'social_enterprise';
  const answers: Answers = {
    relevant_experience: `We have run community services in the ${sector} sector for ${i % 30} years, with volunteers and staff.`,
    staff_available: (i % 50) + 1,
    volunteers: third,
    lots_of_interest: third ? ['home_library_service', 'children_family_learning'] : ['whole_service'],
    likelihood_to_bid: (i % 5) + 1,
    start_within_12_months: i % 2 === 0,
    bid_role: ['alone', 'lead_partner', 'consortium_member', 'subcontractor', 'not_sure'][i % 5]!,
    preferred_contract_length: ['up_to_3_years', '3_to_5_years', '5_to_10_years', 'over_10_years'][i % 4]!,
    largest_contract_value: third ? 50_000 + (i % 10) * 10_000 : 500_000 + (i % 10) * 100_000,
    tupe_experience: !third,
    barriers: third ? ['contract_size', 'bid_writing_capacity', 'insurance_levels'] : ['timescales'],
    barrier_details: 'The lots are too large for us and the insurance levels are high.',
    what_would_help: 'Smaller lots, a longer deadline and a bidder-support session.',
    open_to_partnering: i % 3 !== 0,
    social_value: 'We employ local people and work with schools.',
    service_ideas: 'Reading groups, digital drop-ins and a home library service run with volunteers.',
    attend_event: true,
    follow_up_contact: true,
  };
  if (answers.start_within_12_months) answers.earliest_start = '2027-09-01';
  if (answers.tupe_experience) answers.pensions_approach = 'We offer admitted body status.';
  if (answers.open_to_partnering) answers.partner_types = 'Local charities';
  for (let q = 1; q <= 6; q += 1) answers[`choice_${q}`] = ['a', 'b', 'c', 'd'][(i + q) % 4]!;
  for (let q = 1; q <= 4; q += 1) answers[`scale_${q}`] = ((i + q) % 5) + 1;
  for (let q = 1; q <= 4; q += 1) answers[`number_${q}`] = (i * q) % 1000;
  for (let q = 1; q <= 4; q += 1) answers[`text_${q}`] = i % 7 === 0 ? `=cmd|' /C calc'!A${q}` : `Answer ${q} from organisation ${i}`;
  return answers;
}

/** Organisations, interests and submitted responses, inserted in batches: `from` to `to` (exclusive). */
async function insertMarket(services: Services, tender: { id: Types.ObjectId; borough: Types.ObjectId }, from: number, to: number) {
  const organisations = services.suppliers.organisations;
  const interests = interestModel(organisations.db);
  const responses = services.questionnaires.responses;
  const now = new Date();
  for (let start = from; start < to; start += BATCH) {
    const end = Math.min(start + BATCH, to);
    const orgs = [];
    const eois = [];
    const rows = [];
    for (let i = start; i < end; i += 1) {
      const sector = SECTORS[i % SECTORS.length]!;
      const _id = new Types.ObjectId();
      const name = i % 97 === 0 ? `=HYPERLINK("http://x","y") ${i}` : `Bench ${sector.replace('_', ' ')} organisation ${i}`;
      orgs.push({
        _id,
        name,
        sector,
        legalForm: { private: 'company', public: 'council', voluntary: 'registered_charity', social_enterprise: 'cic' }[sector],
        size: ['micro', 'small', 'medium', 'large'][i % 4],
        identifiers: [],
        postcode: 'E8 1EA',
        areas: ['hackney'],
      });
      eois.push({
        tender: tender.id,
        borough: tender.borough,
        organisation: _id,
        sector,
        size: ['micro', 'small', 'medium', 'large'][i % 4],
        // As the portal stores an interest: with copies of the organisation's name and warnings for reports.
        organisationName: name,
        sectorWarnings: 0,
        organisationRevision: 0,
        lotIds: [],
        contactName: 'Pat Contact',
        contactEmail: `bench-${i}@example.org`,
        heardVia: ['contracts_finder', 'council_website', 'cvs_network', 'word_of_mouth'][i % 4],
        createdBy: 'bench',
        createdAt: now,
      });
      const answers = answersFor(sector, i);
      rows.push({
        tender: tender.id,
        borough: tender.borough,
        organisation: _id,
        answers,
        status: 'submitted',
        revisions: [{ answers, receivedAt: now, sha256: '0'.repeat(64), idempotencyKey: null, submittedBy: 'bench' }],
        recordedBy: null,
        createdAt: now,
        updatedAt: now,
      });
    }
    await organisations.collection.insertMany(orgs);
    await interests.collection.insertMany(eois);
    await responses.collection.insertMany(rows);
    progress(`responses ${from ? 'to' : 'up to'} ${to.toLocaleString('en-GB')}`, end - from, to - from);
  }
}

async function main() {
  const { conn, close } = await benchDatabase('bench_report');
  const sampler = setInterval(sampleRss, 20);
  try {
    const services = await createServices(conn);
    const officer: PublicUser = await services.auth.createUser({
      role: 'officer',
      email: 'bench-officer@example.org',
      password: 'bench password 123',
      name: 'Bench Officer',
      borough: 'hackney',
    });
    const year = new Date().getFullYear() + 1;
    const tender = await services.tenders.create(
      createTenderSchema.parse({
        title: 'Community library services',
        summary: 'We want to hear from every sector about running our libraries.',
        specification: 'Three branch libraries and a home library service.',
        lots: [
          { title: 'Branch libraries', description: 'Three branches', estimatedAnnualValue: 450_000 },
          { title: 'Home library service', description: 'Deliveries', estimatedAnnualValue: 60_000 },
        ],
        estimatedValue: { min: 1_500_000, max: 2_500_000 },
        contractTermMonths: 60,
        tupe: 'yes',
        clarificationDeadline: `${year}-02-01T12:00:00Z`,
        eoiDeadline: `${year}-02-15T12:00:00Z`,
        questionnaireDeadline: `${year}-03-01T12:00:00Z`,
        sealed: false,
        shareFindings: true,
        thirdSectorTarget: 0.25,
      }),
      officer,
    );
    await services.questionnaires.questionnaires.create({
      tender: new Types.ObjectId(tender.id),
      borough: new Types.ObjectId(tender.borough.id),
      template: null,
      definition: benchQuestionnaire(),
      updatedBy: officer.id,
      updatedAt: new Date(),
    });
    const ids = { id: new Types.ObjectId(tender.id), borough: new Types.ObjectId(tender.borough.id) };
    await insertMarket(services, ids, 0, FIRST);

    const cells = FIRST * (4 + 40);
    const workbook = () => timed(async () => (await services.workbooks.prepare(tender.id, officer)).write(nullSink()));
    const drain = () =>
      timed(async () => {
        let n = 0;
        for await (const r of services.questionnaires.responses
          .find({ tender: ids.id, borough: ids.borough }, { organisation: 1, status: 1, revisions: 1, recordedBy: 1 })
          .lean()
          .cursor()) {
          if (r) n += 1;
        }
        return n;
      });
    const writer = () =>
      timed(async () => {
        const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: nullSink(), useStyles: true, useSharedStrings: false });
        const sheet = wb.addWorksheet('Responses');
        const row: (string | number)[] = [];
        for (let c = 0; c < 44; c += 1) row.push(c % 3 === 0 ? c * 7 : `Answer ${c} from an organisation in the borough`);
        for (let r = 0; r < cells / 44; r += 1) sheet.addRow(row).commit();
        sheet.commit();
        await wb.commit();
      });

    const a = await workbook();
    const b = await drain();
    const c = await writer();
    const analysis = await timed(async () => JSON.stringify(await services.reports.analysisFor(tender.id, officer)).length);
    if (b.value !== FIRST) throw new Error(`the drain read ${b.value} responses, not ${FIRST}`);

    await insertMarket(services, ids, FIRST, SECOND);
    const a2 = await workbook();

    const ratio = a.ms / (b.ms + c.ms);
    const scaling = a2.ms / a.ms;
    const peakRssMb = Math.round(peakRss / 1024 / 1024);
    const line = (label: string, ms: number, note = '') => console.log(`${label.padEnd(52)} ${ms.toFixed(0).padStart(7)} ms  ${note}`);
    console.log(`sector workbook, ${FIRST.toLocaleString('en-GB')} submitted responses to 40 questions`);
    line('(a) workbook through the service into a null sink', a.ms, `ratio a/(b+c) ${ratio.toFixed(2)} (target ≤ 1.5)`);
    line('(b) bare cursor drain of the responses', b.ms);
    line(`(c) bare exceljs streaming writer, ${cells.toLocaleString('en-GB')} cells`, c.ms);
    line('analysis JSON', analysis.ms);
    line(`(a) at ${SECOND.toLocaleString('en-GB')} responses`, a2.ms, `scaling ${scaling.toFixed(2)} (target ≤ 2.2)`);
    console.log(`peak RSS ${peakRssMb} MB (target ≤ 300)`);
    console.log(
      JSON.stringify({
        bench: 'report',
        ratio: Number(ratio.toFixed(3)),
        peakRssMb,
        scaling: Number(scaling.toFixed(3)),
        reportMs: Math.round(a.ms),
        drainMs: Math.round(b.ms),
        writerMs: Math.round(c.ms),
        analysisMs: Math.round(analysis.ms),
      }),
    );
  } finally {
    clearInterval(sampler);
    await conn.dropDatabase();
    await close();
  }
}

export const runReportBench = main;
