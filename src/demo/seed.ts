import { boroughSlugs } from '../platform/boroughs';
import type { PublicUser } from '../platform/roles';
import { organisationInputSchema } from '../suppliers';
import type { Services } from '../services';
import { DEMO_ORGANISATIONS } from './organisations';
import { DEMO_BOROUGHS, DEMO_EXERCISES } from './exercises';
import { DEMO_SUPPLIERS } from './suppliers';
import { LIBRARY_SMT_V1, type Answers } from '../questionnaires';

/** Everyone in the demo signs in with this password. Demo data is for trying the portal, never for live use. */
export const DEMO_PASSWORD = 'library demo 2026';

const DAY = 24 * 60 * 60 * 1000;

/** Adds the demo exercises that are not there yet (matched by borough and title). Returns how many it added. */
async function seedExercises({ auth, tenders, clarifications }: Services): Promise<number> {
  let added = 0;
  const start = tenders.now().getTime();
  for (const demo of DEMO_EXERCISES) {
    const officer = await auth.findByEmail(`officer@${demo.borough}.example.org`);
    if (!officer) continue;
    const existing = await tenders.list({ borough: demo.borough }, officer);
    if (existing.some((t) => t.title === demo.title)) continue;
    const at = (days: number) => new Date(start + days * DAY);
    const created = await tenders.create(
      {
        title: demo.title,
        summary: demo.summary,
        specification: demo.specification,
        serviceScope: '',
        lots: demo.lots.map((l) => ({ title: l.title, description: l.description, estimatedAnnualValue: l.estimatedAnnualValue ?? null })),
        estimatedValue: null,
        contractTermMonths: 60,
        tupe: demo.tupe,
        clarificationDeadline: at(21),
        eoiDeadline: at(35),
        questionnaireDeadline: at(56),
        engagementEvents: [{ title: 'Market engagement event', format: 'hybrid', startsAt: at(14), location: 'Main library and online' }],
        sealed: demo.sealed ?? false,
        shareFindings: true,
        thirdSectorTarget: 0.3,
      },
      officer,
    );
    added += 1;
    if (!demo.publish) continue;
    await tenders.publish(created.id, officer);
    if (demo.question) {
      const asker = await auth.findByEmail(demo.question.asker);
      if (asker) {
        const q = await clarifications.ask(created.id, demo.question.question, asker);
        await clarifications.answer(created.id, q.id, { answer: demo.question.answer, publish: true }, officer);
      }
    }
  }
  return added;
}

/** The published demo exercise of each demo borough, with the officer who runs it. */
async function publishedDemoExercises(auth: Services['auth'], tenders: Services['tenders']) {
  const found = new Map<string, { tenderId: string; officer: PublicUser }>();
  for (const slug of DEMO_BOROUGHS) {
    const officer = await auth.findByEmail(`officer@${slug}.example.org`);
    const demo = DEMO_EXERCISES.find((e) => e.borough === slug && e.publish);
    if (!officer || !demo) continue;
    const tender = (await tenders.list({ borough: slug, status: 'published' }, officer)).find((t) => t.title === demo.title);
    if (tender) found.set(slug, { tenderId: tender.id, officer });
  }
  return found;
}

/**
 * Registers the demo organisations not there yet and gives the published demo exercises their
 * expressions of interest. Returns how many interests it added.
 */
async function seedInterests({ auth, registration, tenders, interests }: Services): Promise<{ organisations: number; interests: number }> {
  let organisations = 0;
  let added = 0;
  const everyone = [
    ...DEMO_SUPPLIERS.map((s) => ({
      ...s,
      interestedIn: s.organisation.areas ?? [],
      willingToPartner: true,
      heardVia: 'council_website' as const,
    })),
    ...DEMO_ORGANISATIONS,
  ];
  const published = new Map([...(await publishedDemoExercises(auth, tenders))].map(([slug, { tenderId }]) => [slug, tenderId]));
  for (const org of everyone) {
    let user = await auth.findByEmail(org.email);
    if (!user) {
      user = await registration.register({
        email: org.email,
        password: DEMO_PASSWORD,
        name: org.name,
        organisation: organisationInputSchema(boroughSlugs).parse(org.organisation),
      });
      organisations += 1;
    }
    for (const slug of org.interestedIn) {
      const tenderId = published.get(slug);
      if (!tenderId || (await interests.mine(tenderId, user))) continue;
      const tender = await tenders.get(tenderId, user);
      // Smaller organisations tend to go for one lot; larger ones for all of them.
      const lotIds =
        org.organisation.size === 'large' || org.organisation.size === 'medium'
          ? tender.lots.map((l) => l.id)
          : tender.lots.slice(-1).map((l) => l.id);
      await interests.express(
        tenderId,
        {
          lotIds,
          contactName: org.name,
          contactEmail: org.email,
          consortium: org.organisation.sector !== 'private' && org.organisation.size === 'micro',
          willingToPartner: org.willingToPartner,
          heardVia: org.heardVia,
          heardViaOther: '',
        },
        user,
      );
      added += 1;
    }
  }
  return { organisations, interests: added };
}

const BARRIERS_BY_SECTOR: Record<string, string[][]> = {
  private: [['payment_terms', 'tupe_pensions'], ['tupe_pensions'], ['premises_assets', 'it_systems']],
  public: [['timescales'], ['it_systems', 'timescales'], []],
  voluntary: [
    ['bid_writing_capacity', 'contract_size', 'insurance_levels'],
    ['contract_size', 'tupe_pensions', 'financial_thresholds'],
    ['bid_writing_capacity', 'timescales', 'track_record'],
  ],
  social_enterprise: [
    ['financial_thresholds', 'contract_size'],
    ['consortium_complexity', 'payment_terms'],
    ['tupe_pensions', 'insurance_levels'],
  ],
};

/** Plausible answers to the library-smt-v1 questionnaire for a demo organisation. */
function demoAnswers(sector: string, size: string, i: number): Answers {
  const small = size === 'micro' || size === 'small';
  const barriers = BARRIERS_BY_SECTOR[sector]?.[i % 3] ?? [];
  return {
    relevant_experience: small
      ? 'We run reading groups and activities with volunteers in local libraries and community centres.'
      : 'We manage library and cultural services for several councils, with trained staff and our own systems.',
    staff_available: { micro: 3, small: 12, medium: 60, large: 250 }[size] ?? 5,
    volunteers: sector === 'voluntary' || sector === 'social_enterprise',
    lots_of_interest: small ? ['home_library_service'] : ['branch_libraries', 'whole_service'],
    likelihood_to_bid: small ? 2 + (i % 2) : 4 + (i % 2),
    start_within_12_months: !small,
    preferred_contract_length: small ? '3_to_5_years' : '5_to_10_years',
    largest_contract_value: { micro: 40000, small: 250000, medium: 2000000, large: 12000000 }[size] ?? 100000,
    tupe_experience: !small,
    ...(small ? {} : { pensions_approach: 'We joined the local government pension scheme as an admitted body.' }),
    barriers,
    what_would_help: barriers.includes('contract_size')
      ? 'Smaller lots, or a lot for community-managed libraries.'
      : barriers.includes('bid_writing_capacity')
        ? 'A bidder-support session and more time to write a bid.'
        : 'Earlier information about staff and buildings.',
    open_to_partnering: sector !== 'private' || i % 2 === 0,
    attend_event: true,
  };
}

/**
 * Gives the published demo exercises the library-smt-v1 questionnaire and a realistic spread of
 * responses: most organisations submit, some leave a draft, some do not start. Third-sector
 * organisations in Hackney mostly stop at a draft, so its analysis shows a weak response.
 */
async function seedResponses({ auth, tenders, interests, questionnaires }: Services): Promise<{ submitted: number; drafts: number }> {
  let submitted = 0;
  let drafts = 0;
  const everyone = [...DEMO_SUPPLIERS, ...DEMO_ORGANISATIONS];
  const published = await publishedDemoExercises(auth, tenders);
  for (const [b, slug] of DEMO_BOROUGHS.entries()) {
    const exercise = published.get(slug);
    if (!exercise) continue;
    const tender = { id: exercise.tenderId };
    if (!(await questionnaires.questionnaires.exists({ tender: tender.id }))) {
      await questionnaires.setQuestionnaire(tender.id, structuredClone(LIBRARY_SMT_V1), 'library-smt-v1', exercise.officer);
    }
    for (const [i, org] of everyone.entries()) {
      const user = await auth.findByEmail(org.email);
      if (!user?.organisationId) continue;
      const interest = await interests.mine(tender.id, user);
      if (!interest || interest.status !== 'active') continue;
      if (await questionnaires.responses.exists({ tender: tender.id, organisation: user.organisationId })) continue;
      const thirdSector = interest.organisation.sector === 'voluntary' || interest.organisation.sector === 'social_enterprise';
      const roll = (i * 7 + b * 3) % 10;
      const plan =
        slug === 'hackney' && thirdSector
          ? roll < 2
            ? 'submit'
            : roll < 7
              ? 'draft'
              : 'none'
          : roll < 6
            ? 'submit'
            : roll < 8
              ? 'draft'
              : 'none';
      if (plan === 'none') continue;
      const answers = demoAnswers(interest.organisation.sector, interest.organisation.size, i);
      if (plan === 'draft') {
        const { relevant_experience, lots_of_interest, likelihood_to_bid } = answers;
        await questionnaires.saveDraft(tender.id, { relevant_experience, lots_of_interest, likelihood_to_bid } as Answers, user);
        drafts += 1;
        continue;
      }
      await questionnaires.saveDraft(tender.id, answers, user);
      await questionnaires.submit(tender.id, `demo-${slug}-${user.organisationId}`, user);
      submitted += 1;
    }
  }
  return { submitted, drafts };
}

/**
 * Hackney's officer acts on its weak third-sector response: decisions on the barriers the third sector
 * named most, and a published "you said, we did". Skipped once published, so running it again changes nothing.
 */
async function seedHackneyFollowUp({ auth, tenders, reports }: Services): Promise<boolean> {
  const hackney = (await publishedDemoExercises(auth, tenders)).get('hackney');
  if (!hackney || (await reports.youSaidWeDidFor(hackney.tenderId))) return false;
  const { tenderId, officer } = hackney;
  await reports.recordDecision(
    tenderId,
    'contract_size',
    { decision: 'change', text: 'We will add a lot for up to three community-managed libraries, worth about £150,000 a year.' },
    officer,
  );
  await reports.recordDecision(
    tenderId,
    'bid_writing_capacity',
    { decision: 'change', text: 'Hackney CVS will run two bidder-support sessions before the tender opens.' },
    officer,
  );
  await reports.recordDecision(
    tenderId,
    'tupe_pensions',
    { decision: 'no_change', text: 'Staff must transfer with their pensions protected; we will publish the staff data early instead.' },
    officer,
  );
  await reports.publishYouSaidWeDid(
    tenderId,
    {
      youSaid: 'Community groups told us the contract is too big for them and that they have no time or help to write a bid.',
      weDid:
        'We will add a smaller lot for community-managed libraries, and Hackney CVS will run two bidder-support sessions before the tender opens.',
    },
    officer,
  );
  return true;
}

/** The earlier, closed market test of each demo borough, shared with the programme team. */
const EARLIER_TITLE = 'Earlier market test: library services (closed)';

/**
 * Gives each demo borough an earlier market test that is closed and shares its findings, with interests from every
 * demo organisation and most of them submitted, so the London findings are published (four boroughs) and the small
 * counts in them are withheld. Skipped for a borough that has it already.
 */
async function seedSharedFindings({ auth, tenders, interests, questionnaires }: Services): Promise<number> {
  let added = 0;
  const start = tenders.now().getTime();
  const at = (days: number) => new Date(start + days * DAY);
  const everyone = [...DEMO_SUPPLIERS.map((s) => ({ ...s, heardVia: 'council_website' as const })), ...DEMO_ORGANISATIONS];
  for (const [b, slug] of DEMO_BOROUGHS.entries()) {
    const officer = await auth.findByEmail(`officer@${slug}.example.org`);
    if (!officer || (await tenders.list({ borough: slug }, officer)).some((t) => t.title === EARLIER_TITLE)) continue;
    const demo = DEMO_EXERCISES.find((e) => e.borough === slug && e.publish)!;
    const tender = await tenders.create(
      {
        title: EARLIER_TITLE,
        summary: demo.summary,
        specification: demo.specification,
        serviceScope: '',
        lots: demo.lots.map((l) => ({ title: l.title, description: l.description, estimatedAnnualValue: l.estimatedAnnualValue ?? null })),
        estimatedValue: null,
        contractTermMonths: 60,
        tupe: demo.tupe,
        clarificationDeadline: at(1),
        eoiDeadline: at(2),
        questionnaireDeadline: at(3),
        engagementEvents: [],
        sealed: false,
        shareFindings: true,
        thirdSectorTarget: 0.3,
      },
      officer,
    );
    await tenders.publish(tender.id, officer);
    await questionnaires.setQuestionnaire(tender.id, structuredClone(LIBRARY_SMT_V1), 'library-smt-v1', officer);
    const lotIds = tender.lots.slice(-1).map((l) => l.id);
    for (const [i, org] of everyone.entries()) {
      const user = await auth.findByEmail(org.email);
      if (!user?.organisationId) continue;
      const contact = { contactName: org.name, contactEmail: org.email, consortium: false, willingToPartner: false };
      const interest = await interests.express(tender.id, { lotIds, ...contact, heardVia: org.heardVia, heardViaOther: '' }, user);
      // About two in three submit; the rest only expressed interest.
      if ((i + b) % 3 === 0) continue;
      await questionnaires.saveDraft(tender.id, demoAnswers(interest.organisation.sector, interest.organisation.size, i), user);
      await questionnaires.submit(tender.id, `demo-earlier-${slug}-${user.organisationId}`, user);
    }
    await tenders.close(tender.id, officer);
    added += 1;
  }
  return added;
}

export interface DemoLogin {
  role: string;
  email: string;
  detail: string;
}

/** Adds the demo accounts; running it again changes nothing. Returns the logins to print. */
export interface DemoSummary {
  logins: DemoLogin[];
  exercisesAdded: number;
  organisationsAdded: number;
  interestsAdded: number;
  responsesSubmitted: number;
  draftsStarted: number;
}

export async function seedDemo(services: Services): Promise<DemoSummary> {
  const { auth, boroughs, registration } = services;
  const logins: DemoLogin[] = [];
  const ensure = async (email: string, create: () => Promise<unknown>) => {
    if (!(await auth.findByEmail(email))) await create();
  };
  for (const slug of DEMO_BOROUGHS) {
    const email = `officer@${slug}.example.org`;
    await ensure(email, () =>
      auth.createUser({
        role: 'officer',
        email,
        password: DEMO_PASSWORD,
        name: `${boroughs.findBySlug(slug)?.name} officer`,
        borough: slug,
      }),
    );
    logins.push({ role: 'officer', email, detail: boroughs.findBySlug(slug)?.name ?? slug });
  }
  await ensure('programme@example.org', () =>
    auth.createUser({
      role: 'programme',
      email: 'programme@example.org',
      password: DEMO_PASSWORD,
      name: 'London Library Change Programme',
    }),
  );
  logins.push({ role: 'programme', email: 'programme@example.org', detail: 'cross-borough findings' });
  for (const supplier of DEMO_SUPPLIERS) {
    await ensure(supplier.email, () =>
      registration.register({
        email: supplier.email,
        password: DEMO_PASSWORD,
        name: supplier.name,
        organisation: organisationInputSchema(boroughSlugs).parse(supplier.organisation),
      }),
    );
    logins.push({ role: 'supplier', email: supplier.email, detail: `${supplier.organisation.name} (${supplier.organisation.sector})` });
  }
  const exercisesAdded = await seedExercises(services);
  const seeded = await seedInterests(services);
  const responses = await seedResponses(services);
  await seedHackneyFollowUp(services);
  await seedSharedFindings(services);
  return {
    logins,
    exercisesAdded,
    organisationsAdded: seeded.organisations,
    interestsAdded: seeded.interests,
    responsesSubmitted: responses.submitted,
    draftsStarted: responses.drafts,
  };
}
