import { boroughSlugs } from '../platform/boroughs';
import type { PublicUser } from '../platform/roles';
import { organisationInputSchema } from '../suppliers';
import type { Services } from '../services';
import { DEMO_ORGANISATIONS } from './organisations';
import { DEMO_BOROUGHS, DEMO_EXERCISES } from './exercises';
import { DEMO_SUPPLIERS } from './suppliers';
import { LIBRARY_SMT_V1, type Answers } from '../questionnaires';
import { demoAnswers, lotChoices } from './answers';
import { seedHackneyFollowUp, seedSharedFindings } from './follow-up';

/** Everyone in the demo signs in with this password. Demo data is for trying the portal, never for live use. */
export const DEMO_PASSWORD = 'library demo 2026';

const DAY = 24 * 60 * 60 * 1000;

/** Adds the demo exercises that are not there yet (matched by borough and title). Returns how many it added. */
async function seedExercises({ auth, tenders, clarifications, questionnaires }: Services): Promise<number> {
  let added = 0;
  const start = tenders.now().getTime();
  for (const demo of DEMO_EXERCISES) {
    const officer = await auth.findByEmail(`officer@${demo.borough}.example.org`);
    if (!officer) continue;
    const existing = (await tenders.list({ borough: demo.borough }, officer)).items;
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
    // The questions come before publication: a sealed exercise's questions are fixed once it is published.
    await questionnaires.setQuestionnaire(created.id, structuredClone(LIBRARY_SMT_V1), 'library-smt-v1', officer);
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
    const tender = (await tenders.list({ borough: slug, status: 'published' }, officer)).items.find((t) => t.title === demo.title);
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
  // Read once per exercise: with a large demo alongside, a lookup per organisation reads a whole collection on the embedded engine.
  const interested = new Map<string, Set<string>>();
  for (const tenderId of published.values()) interested.set(tenderId, new Set(await interests.interestedOrganisations(tenderId)));
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
      if (!tenderId || (user.organisationId && interested.get(tenderId)?.has(user.organisationId))) continue;
      if (await interests.mine(tenderId, user)) continue;
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
    const lots = lotChoices(await questionnaires.getQuestionnaire(tender.id, exercise.officer));
    // Read once per exercise, not once per organisation (see seedInterests).
    const active = new Set(await interests.interestedOrganisations(tender.id));
    // bounded: one id per organisation that answered this exercise.
    const answered = new Set((await questionnaires.responses.distinct('organisation', { tender: tender.id })).map(String));
    for (const [i, org] of everyone.entries()) {
      const user = await auth.findByEmail(org.email);
      if (!user?.organisationId || !active.has(user.organisationId) || answered.has(user.organisationId)) continue;
      const interest = await interests.mine(tender.id, user);
      if (!interest || interest.status !== 'active') continue;
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
      const answers = demoAnswers(interest.organisation.sector, interest.organisation.size, i, lots);
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
  // Another seed-demo, or someone registering the same address, may get there first: that account stands.
  const ensure = async (email: string, create: () => Promise<unknown>) => {
    if (await auth.findByEmail(email)) return;
    await create().catch(async (err: unknown) => {
      if (!(await auth.findByEmail(email))) throw err;
    });
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
  const hackney = (await publishedDemoExercises(services.auth, services.tenders)).get('hackney');
  if (hackney) await seedHackneyFollowUp(services, hackney);
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
