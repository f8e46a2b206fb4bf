import {
  BARRIERS,
  BARRIER_CODES,
  allQuestions,
  type Answers,
  type BarrierCode,
  type Question,
  type QuestionnaireDefinition,
} from '../questionnaires';
import { HEARD_VIA, HEARD_VIA_LABELS, SECTORS, SECTOR_LABELS, isThirdSector, type Sector } from '../suppliers';
import type { BarrierRow, BySector, DecisionView, LotRow, OutreachRow, RuleResult, SectorAnalysis, SectorCounts } from './analysis.types';
import { WEAK_RESPONSE_DEFAULTS } from './thresholds';
import { crossTab, isAnswered, newTally, tallyAnswer, type Tally } from './cross-tabs';

/** What the analysis needs of the exercise. */
export interface AnalysisExercise {
  id: string;
  status: string;
  lots: { id: string; title: string; estimatedAnnualValue: number | null }[];
  /** The exercise's own share target; the default threshold when absent. */
  thirdSectorTarget: number | null;
  eoiDeadline: Date;
}

/** One expression of interest, withdrawn or not, with its organisation's sector-check warnings counted. */
export interface AnalysisInterest {
  organisationId: string;
  sector: Sector;
  status: 'active' | 'withdrawn';
  lotIds: string[];
  heardVia: string;
  sectorWarnings: number;
}

/** One questionnaire response: the submitted answers are the last revision's; a draft has none. */
export interface AnalysisResponse {
  organisationId: string;
  status: 'draft' | 'submitted';
  submittedAnswers: Answers | null;
  recorded: boolean;
}

export interface AnalysisContext {
  exercise: AnalysisExercise;
  definition: QuestionnaireDefinition | null;
  now: Date;
  decisions?: DecisionView[];
}

/** The number question the lot-design view reads, from the library-smt-v1 template. */
export const CAPACITY_QUESTION_KEY = 'largest_contract_value';
/** The coded barrier question of the template. */
export const BARRIERS_QUESTION_KEY = 'barriers';

export const EARLY_WARNING_ACTIONS = [
  'Run a bidder-support session with the local council for voluntary service (CVS).',
  'Offer a smaller lot, such as one for community-managed libraries.',
  'Give organisations longer: move the expression of interest deadline later.',
];

const DAY_MS = 24 * 60 * 60 * 1000;

const zeros = (): BySector => ({ private: 0, public: 0, voluntary: 0, social_enterprise: 0 });
const ratio = (part: number, whole: number): number | null => (whole > 0 ? part / whole : null);

/**
 * Builds the sector analysis from streamed records, so no caller holds every response in memory:
 * all interests first (each organisation's sector comes from its interest), then each response once.
 * Responses of organisations without an interest that is not withdrawn are not counted: they have left the exercise.
 */
export class SectorAnalysisBuilder {
  private readonly sectorOf = new Map<string, Sector>();
  private readonly interests = zeros();
  private readonly started = zeros();
  private readonly submitted = zeros();
  private readonly lotInterests = new Map<string, BySector>();
  private readonly lotCapacity = new Map<string, BySector>();
  private readonly outreach = new Map<string, BySector>(HEARD_VIA.map((h) => [h, zeros()]));
  private readonly barrierCounts = new Map<string, BySector>();
  private readonly tallies: Tally[];
  private readonly capacity: Question | null;
  private readonly barrierCodes: BarrierCode[];
  private warnings = 0;
  private recorded = 0;

  /** The questions the analysis counts answers to, or null when the exercise has none yet. */
  get definition(): QuestionnaireDefinition | null {
    return this.ctx.definition;
  }

  constructor(private readonly ctx: AnalysisContext) {
    const questions = ctx.definition ? allQuestions(ctx.definition) : [];
    this.tallies = questions.map(newTally);
    this.capacity = questions.find((q) => q.key === CAPACITY_QUESTION_KEY && q.type === 'number') ?? null;
    const barrierQuestion = questions.find((q) => q.key === BARRIERS_QUESTION_KEY && q.type === 'multi');
    const offered = new Set(barrierQuestion?.options.map((o) => o.value) ?? []);
    this.barrierCodes = BARRIER_CODES.filter((code) => offered.has(code));
    for (const code of this.barrierCodes) this.barrierCounts.set(code, zeros());
    for (const lot of ctx.exercise.lots) {
      this.lotInterests.set(lot.id, zeros());
      this.lotCapacity.set(lot.id, zeros());
    }
  }

  addInterest(i: AnalysisInterest): void {
    if (i.status !== 'active') return;
    this.sectorOf.set(i.organisationId, i.sector);
    this.interests[i.sector] += 1;
    if (i.sectorWarnings > 0) this.warnings += 1;
    for (const lotId of new Set(i.lotIds)) {
      const lot = this.lotInterests.get(lotId);
      if (lot) lot[i.sector] += 1;
    }
    const heard = this.outreach.get(i.heardVia);
    if (heard) heard[i.sector] += 1;
  }

  addResponse(r: AnalysisResponse): void {
    const sector = this.sectorOf.get(r.organisationId);
    if (!sector) return;
    this.started[sector] += 1;
    if (r.status !== 'submitted' || !r.submittedAnswers) return;
    const answers = r.submittedAnswers;
    this.submitted[sector] += 1;
    if (r.recorded) this.recorded += 1;
    for (const tally of this.tallies) tallyAnswer(tally, answers[tally.q.key], sector);
    const named = answers[BARRIERS_QUESTION_KEY];
    if (Array.isArray(named)) {
      for (const code of new Set(named)) {
        const counts = this.barrierCounts.get(code);
        if (counts) counts[sector] += 1;
      }
    }
    const capacity = this.capacity ? answers[this.capacity.key] : undefined;
    if (typeof capacity === 'number') {
      for (const lot of this.ctx.exercise.lots) {
        if (lot.estimatedAnnualValue !== null && capacity >= lot.estimatedAnnualValue) this.lotCapacity.get(lot.id)![sector] += 1;
      }
    }
  }

  result(): SectorAnalysis {
    const { exercise, now } = this.ctx;
    const totalInterests = sum(this.interests);
    const totalSubmitted = sum(this.submitted);
    const counts = (sectors: readonly Sector[]): SectorCounts => {
      const interests = sectors.reduce((n, s) => n + this.interests[s], 0);
      const started = sectors.reduce((n, s) => n + this.started[s], 0);
      const submitted = sectors.reduce((n, s) => n + this.submitted[s], 0);
      return {
        interests,
        started,
        submitted,
        conversion: ratio(submitted, interests),
        shareOfInterests: ratio(interests, totalInterests),
        shareOfSubmissions: ratio(submitted, totalSubmitted),
      };
    };
    const third = SECTORS.filter(isThirdSector);
    const thirdSector = counts(third);
    const otherSectors = counts(SECTORS.filter((s) => !isThirdSector(s)));
    const rules = weakResponseRules(thirdSector, otherSectors, exercise.thirdSectorTarget);
    const weak = rules.some((r) => r.fired);
    return {
      tenderId: exercise.id,
      generatedAt: now.toISOString(),
      sectors: SECTORS.map((sector) => ({ sector, label: SECTOR_LABELS[sector], ...counts([sector]) })),
      thirdSector,
      otherSectors,
      weakThirdSectorResponse: weak,
      rules,
      barriers: this.barrierRows(),
      questions: this.tallies.map(crossTab),
      lots: exercise.lots.map((lot): LotRow => ({
        lotId: lot.id,
        title: lot.title,
        estimatedAnnualValue: lot.estimatedAnnualValue,
        interests: this.lotInterests.get(lot.id)!,
        couldTakeOn: this.lotCapacity.get(lot.id)!,
      })),
      capacityQuestion: this.capacity ? { key: this.capacity.key, label: this.capacity.label } : null,
      outreach: HEARD_VIA.map((h): OutreachRow => ({ heardVia: h, label: HEARD_VIA_LABELS[h], bySector: this.outreach.get(h)! })),
      sectorCheckWarnings: this.warnings,
      recordedResponses: this.recorded,
      earlyWarning: weak ? earlyWarning(exercise, now, thirdSector.interests, totalInterests) : null,
      decisions: this.ctx.decisions ?? [],
    };
  }

  /** Ranked by how much more the third sector names a barrier than other sectors do; ties keep the bank's order. */
  private barrierRows(): BarrierRow[] {
    const thirdRespondents = this.submitted.voluntary + this.submitted.social_enterprise;
    const otherRespondents = this.submitted.private + this.submitted.public;
    const rows = this.barrierCodes.map((code, order) => {
      const bySector = this.barrierCounts.get(code)!;
      const thirdShare = ratio(bySector.voluntary + bySector.social_enterprise, thirdRespondents) ?? 0;
      const otherShare = ratio(bySector.private + bySector.public, otherRespondents) ?? 0;
      return { order, row: { code, label: BARRIERS[code].label, remedy: BARRIERS[code].remedy, bySector, gap: thirdShare - otherShare } };
    });
    rows.sort((a, b) => b.row.gap - a.row.gap || sum(b.row.bySector) - sum(a.row.bySector) || a.order - b.order);
    return rows.map((r) => r.row);
  }
}

function sum(counts: BySector): number {
  return SECTORS.reduce((n, s) => n + counts[s], 0);
}

/** The three rules of SPEC "Weak third-sector response"; a rule that cannot be measured has value null and does not fire. */
export function weakResponseRules(thirdSector: SectorCounts, otherSectors: SectorCounts, thirdSectorTarget: number | null): RuleResult[] {
  const shareThreshold = thirdSectorTarget ?? WEAK_RESPONSE_DEFAULTS.share;
  const share = thirdSector.shareOfInterests;
  const gap =
    thirdSector.interests >= 1 && otherSectors.interests >= 1 ? (otherSectors.conversion ?? 0) - (thirdSector.conversion ?? 0) : null;
  // A hair of tolerance so 0.15 measured as 0.1499999 still counts as at the threshold.
  const atLeast = (value: number, threshold: number) => value >= threshold - 1e-9;
  return [
    { id: 'share', fired: share !== null && share < shareThreshold, value: share, threshold: shareThreshold },
    {
      id: 'conversion_gap',
      fired: gap !== null && atLeast(gap, WEAK_RESPONSE_DEFAULTS.conversionGap),
      value: gap,
      threshold: WEAK_RESPONSE_DEFAULTS.conversionGap,
    },
    {
      id: 'volume',
      fired: thirdSector.interests < WEAK_RESPONSE_DEFAULTS.volume,
      value: thirdSector.interests,
      threshold: WEAK_RESPONSE_DEFAULTS.volume,
    },
  ];
}

/** Only while expressions of interest are open, and only when the response looks weak. */
function earlyWarning(exercise: AnalysisExercise, now: Date, third: number, total: number): SectorAnalysis['earlyWarning'] {
  // Interests are still taken at the deadline's very instant (it passes only after it).
  if (exercise.status !== 'published' || now > exercise.eoiDeadline) return null;
  const daysLeft = Math.ceil((exercise.eoiDeadline.getTime() - now.getTime()) / DAY_MS);
  const days = daysLeft === 0 ? 'it closes now' : daysLeft === 1 ? '1 day left' : `${daysLeft} days left`;
  const interests = total === 1 ? 'interest is' : 'interests are';
  return { message: `${third} of ${total} ${interests} from the third sector; ${days}`, daysLeft, actions: [...EARLY_WARNING_ACTIONS] };
}

/** The whole analysis from in-memory records; the service streams into SectorAnalysisBuilder instead. */
export function analyse(
  ctx: AnalysisContext,
  interests: Iterable<AnalysisInterest>,
  responses: Iterable<AnalysisResponse>,
): SectorAnalysis {
  const builder = new SectorAnalysisBuilder(ctx);
  for (const i of interests) builder.addInterest(i);
  for (const r of responses) builder.addResponse(r);
  return builder.result();
}

/** Submitted answers as the workbook shows them: option labels, Yes/No, numbers; a file is only said to be attached. */
export function displayAnswers(questions: Question[], answers: Answers): Record<string, string | number | null> {
  const shown: Record<string, string | number | null> = {};
  for (const q of questions) {
    const value = answers[q.key];
    if (!isAnswered(value)) {
      shown[q.key] = null;
      continue;
    }
    const labelOf = (v: string) => q.options.find((o) => o.value === v)?.label ?? v;
    switch (q.type) {
      case 'single':
        shown[q.key] = labelOf(String(value));
        break;
      case 'multi':
        shown[q.key] = Array.isArray(value) ? value.map(labelOf).join('; ') : labelOf(String(value));
        break;
      case 'yesno':
        shown[q.key] = value === true ? 'Yes' : value === false ? 'No' : String(value);
        break;
      case 'scale':
      case 'number':
        shown[q.key] = typeof value === 'number' ? value : String(value);
        break;
      case 'file':
        shown[q.key] = 'File attached';
        break;
      default:
        shown[q.key] = String(value);
    }
  }
  return shown;
}
