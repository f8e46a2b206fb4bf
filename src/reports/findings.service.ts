import type { PublicUser } from '../platform/roles';
import type { AuditLog } from '../platform/audit';
import { toLondon } from '../platform/london-time';
import { BARRIER_CODES, type BarrierCode, type QuestionnairesService } from '../questionnaires';
import { HEARD_VIA, THIRD_SECTOR, type HeardVia, type InterestsService, type Sector } from '../suppliers';
import type { TendersService } from '../tenders';
import { BARRIERS_QUESTION_KEY } from './analysis';
import { DEFAULT_THRESHOLD } from './disclosure';
import { buildFindings, emptyFindingsCounts, type FindingsCounts, type FindingsReport } from './findings';

export interface FindingsServiceOptions {
  /** k: counts from 1 to k−1 are withheld (SDC_THRESHOLD). */
  threshold?: number;
}

const isHeardVia = (code: string): code is HeardVia => (HEARD_VIA as readonly string[]).includes(code);
const isBarrier = (code: unknown): code is BarrierCode => typeof code === 'string' && (BARRIER_CODES as readonly string[]).includes(code);

/** "2027-Q1": the quarter of the year in London. */
export function quarterOf(date: Date): string {
  const { year, month } = toLondon(date);
  return `${year}-Q${Math.ceil(month / 3)}`;
}

type Counter<K extends string> = Partial<Record<K, Partial<Record<Sector, number>>>>;
const bump = <K extends string>(table: Counter<K>, key: K, sector: Sector) => {
  const row = (table[key] ??= {});
  row[sector] = (row[sector] ?? 0) + 1;
};

/**
 * Anonymised London findings: counts across every exercise that shares them and whose expression-of-interest stage
 * is over, read from streamed cursors through the other features' services. Only counts leave this class:
 * organisation ids live for one exercise's loop, and boroughs only as a count.
 *
 * - An exercise counts when it adds at least one expression of interest, so three "contributing" boroughs are three
 *   boroughs with figures in the findings, never one borough's figures beside two empty exercises.
 * - Interests: not withdrawn, by the sector recorded with them; how they heard and the quarter go with them.
 * - Submissions and barriers: submitted responses of organisations with such an interest (so none is counted without its
 *   interest), leaving out sealed exercises before their questionnaire deadline.
 * - Nothing is cached: a change of sharing counts from the next request.
 */
export class FindingsService {
  readonly threshold: number;

  constructor(
    private readonly tenders: TendersService,
    private readonly interests: InterestsService,
    private readonly questionnaires: QuestionnairesService,
    private readonly audit: AuditLog,
    opts: FindingsServiceOptions = {},
  ) {
    this.threshold = opts.threshold ?? DEFAULT_THRESHOLD;
  }

  async counts(): Promise<FindingsCounts> {
    const counts = emptyFindingsCounts();
    const interests: Partial<Record<Sector, number>> = {};
    const submitted: Partial<Record<Sector, number>> = {};
    const heardVia: Counter<HeardVia> = {};
    const barriers: Counter<BarrierCode> = {};
    const quarters = new Map<string, { interests: number; thirdSector: number }>();
    const boroughs = new Set<string>();

    for await (const exercise of this.tenders.findingsContributors()) {
      const sectorOf = new Map<string, Sector>();
      for await (const interest of this.interests.streamForFindings(exercise.id)) {
        if (interest.status === 'withdrawn' || !isHeardVia(interest.heardVia)) continue;
        sectorOf.set(interest.organisationId, interest.sector);
        interests[interest.sector] = (interests[interest.sector] ?? 0) + 1;
        bump(heardVia, interest.heardVia, interest.sector);
        const quarter = quarterOf(interest.createdAt);
        const q = quarters.get(quarter) ?? { interests: 0, thirdSector: 0 };
        q.interests += 1;
        if (THIRD_SECTOR.includes(interest.sector)) q.thirdSector += 1;
        quarters.set(quarter, q);
      }
      if (sectorOf.size === 0) continue;
      counts.exercises += 1;
      boroughs.add(exercise.boroughId);
      if (exercise.answersSealed) continue;
      for await (const response of this.questionnaires.submittedAnswersTo(exercise.id, BARRIERS_QUESTION_KEY)) {
        const sector = sectorOf.get(response.organisationId);
        if (!sector) continue;
        sectorOf.delete(response.organisationId);
        submitted[sector] = (submitted[sector] ?? 0) + 1;
        const named = new Set(Array.isArray(response.answer) ? response.answer.filter(isBarrier) : []);
        for (const code of named) bump(barriers, code, sector);
      }
    }
    counts.boroughs = boroughs.size;
    return {
      ...counts,
      interests,
      submitted,
      heardVia,
      barriers,
      quarters: [...quarters].map(([quarter, q]) => ({ quarter, ...q })),
    };
  }

  /** The findings with disclosure control applied, computed afresh. */
  async report(): Promise<FindingsReport> {
    return buildFindings(await this.counts(), { threshold: this.threshold });
  }

  /** The third-sector share of all interests across London, once the findings publish it; otherwise null. */
  async londonBaseline(): Promise<number | null> {
    return (await this.report()).thirdSectorShare;
  }

  /** Downloads of the findings are recorded, like every export. */
  async recordExport(report: FindingsReport, actor: PublicUser): Promise<void> {
    await this.audit.record({
      action: 'findings.export',
      outcome: 'allowed',
      actor,
      target: 'findings',
      detail: `${report.exercises} exercises, ${report.boroughs} boroughs, ${report.published ? 'published' : 'withheld'}`,
    });
  }
}
