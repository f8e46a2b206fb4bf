import type { PublicUser } from '../platform/roles';
import type { Services } from '../services';
import { LIBRARY_SMT_V1 } from '../questionnaires';
import { demoAnswers, lotChoices } from './answers';
import { DEMO_BOROUGHS, DEMO_EXERCISES } from './exercises';
import { DEMO_ORGANISATIONS } from './organisations';
import { DEMO_SUPPLIERS } from './suppliers';

const DAY = 24 * 60 * 60 * 1000;

/**
 * Hackney's officer acts on its weak third-sector response: decisions on the barriers the third sector
 * named most, and a published "you said, we did". Skipped once published, so running it again changes nothing.
 */
export async function seedHackneyFollowUp({ reports }: Services, hackney: { tenderId: string; officer: PublicUser }): Promise<boolean> {
  if (await reports.youSaidWeDidFor(hackney.tenderId)) return false;
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
export async function seedSharedFindings({ auth, tenders, interests, questionnaires }: Services): Promise<number> {
  let added = 0;
  const start = tenders.now().getTime();
  const at = (days: number) => new Date(start + days * DAY);
  const everyone = [...DEMO_SUPPLIERS.map((s) => ({ ...s, heardVia: 'council_website' as const })), ...DEMO_ORGANISATIONS];
  for (const [b, slug] of DEMO_BOROUGHS.entries()) {
    const officer = await auth.findByEmail(`officer@${slug}.example.org`);
    if (!officer || (await tenders.list({ borough: slug }, officer)).items.some((t) => t.title === EARLIER_TITLE)) continue;
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
    await questionnaires.setQuestionnaire(tender.id, structuredClone(LIBRARY_SMT_V1), 'library-smt-v1', officer);
    await tenders.publish(tender.id, officer);
    const lots = lotChoices(await questionnaires.getQuestionnaire(tender.id, officer));
    const lotIds = tender.lots.slice(-1).map((l) => l.id);
    for (const [i, org] of everyone.entries()) {
      const user = await auth.findByEmail(org.email);
      if (!user?.organisationId) continue;
      const contact = { contactName: org.name, contactEmail: org.email, consortium: false, willingToPartner: false };
      const interest = await interests.express(tender.id, { lotIds, ...contact, heardVia: org.heardVia, heardViaOther: '' }, user);
      // About two in three submit; the rest only expressed interest.
      if ((i + b) % 3 === 0) continue;
      await questionnaires.saveDraft(tender.id, demoAnswers(interest.organisation.sector, interest.organisation.size, i, lots), user);
      await questionnaires.submit(tender.id, `demo-earlier-${slug}-${user.organisationId}`, user);
    }
    await tenders.close(tender.id, officer);
    added += 1;
  }
  return added;
}
