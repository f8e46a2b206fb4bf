import { BARRIER_CODES, type BarrierCode } from '../questionnaires';
import { HEARD_VIA, HEARD_VIA_LABELS, SECTORS, SECTOR_LABELS, THIRD_SECTOR, type HeardVia, type Sector } from '../suppliers';
import {
  DEFAULT_THRESHOLD,
  contributorsRule,
  protectFigures,
  withheldCell,
  type DisclosedCell,
  type Figure,
  type Relation,
} from './disclosure';

/**
 * Turns counts aggregated across boroughs into the findings (API.md `GET /api/v1/findings`), with disclosure
 * control applied to every figure at once: the tables share totals (interests by sector are the totals of how
 * organisations heard, and of submitted plus not submitted), so they are protected as one set of relations.
 */

export type SectorCounts = Readonly<Record<Sector, number>>;

/** What the aggregation supplies: counts only, nothing that names an organisation or a borough. */
export interface FindingsCounts {
  /** Boroughs with at least one contributing exercise. */
  boroughs: number;
  exercises: number;
  /** Expressions of interest (not withdrawn), by the organisation's sector. */
  interests: Partial<SectorCounts>;
  /** Submitted questionnaire responses, by sector; never more than the interests. */
  submitted: Partial<SectorCounts>;
  /** Submitted responses naming each barrier, by sector (a response may name several). Missing ones count 0. */
  barriers: Partial<Record<BarrierCode, Partial<SectorCounts>>>;
  /** Interests by how the organisation heard, by sector: each sector's column adds up to its interests. */
  heardVia: Partial<Record<HeardVia, Partial<SectorCounts>>>;
  /** Interests by quarter (e.g. "2027-Q1"), all and third-sector; they add up to the interests. */
  quarters: readonly { quarter: string; interests: number; thirdSector: number }[];
}

/** The contract's Cell. */
export interface Cell {
  value: number | null;
  suppressed: boolean;
}

export interface Findings<C extends Cell> {
  threshold: number;
  boroughs: number;
  exercises: number;
  published: boolean;
  reason: string | null;
  sectors: { sector: Sector; interests: C; submitted: C }[];
  barriers: { code: BarrierCode; bySector: Record<Sector, C> }[];
  // Beyond the contract:
  totals: { interests: C; submitted: C; thirdSectorInterests: C };
  /** Submitted ÷ interests, only when both counts are published and interests are not 0. */
  conversion: { overall: number | null; bySector: Record<Sector, number | null> };
  /** Third-sector share of all interests (the London baseline), when both counts are published. */
  thirdSectorShare: number | null;
  heardVia: { code: HeardVia; bySector: Record<Sector, C>; total: C }[];
  quarters: { quarter: string; interests: C; thirdSector: C; thirdSectorShare: number | null }[];
}

/** With each withheld figure's rule and plain-English reason, for pages and workbooks. */
export type FindingsReport = Findings<DisclosedCell>;
/** What `GET /api/v1/findings` sends. */
export type FindingsJson = Findings<Cell>;

export interface FindingsOptions {
  /** k (SDC_THRESHOLD). */
  threshold?: number;
  /** Fewer contributing boroughs than this and nothing is published (default 3). */
  minimumBoroughs?: number;
}

/** What a withheld figure reads as on a page or in a workbook: "fewer than 10" for small counts, never a number. */
export function withheldText(cell: DisclosedCell, threshold: number): string {
  return cell.rule === 'threshold' ? `fewer than ${threshold}` : 'withheld';
}

export function emptyFindingsCounts(): FindingsCounts {
  return { boroughs: 0, exercises: 0, interests: {}, submitted: {}, barriers: {}, heardVia: {}, quarters: [] };
}

const sectorName = (s: Sector) => SECTOR_LABELS[s].replace(/ \(.*\)$/, '');
const OTHER_SECTORS = SECTORS.filter((s) => !THIRD_SECTOR.includes(s));

export function buildFindings(counts: FindingsCounts, options: FindingsOptions = {}): FindingsReport {
  const threshold = options.threshold ?? DEFAULT_THRESHOLD;
  const rule = contributorsRule(counts.boroughs, options.minimumBoroughs);
  const figures: Figure[] = [];
  const relations: Relation[] = [];
  const add = (value: number, kind: Figure['kind'], label: string, hidden = false) => figures.push({ value, kind, label, hidden }) - 1;
  const relate = (total: number, parts: number[]) => relations.push({ total, parts });
  const bySector = <T>(f: (s: Sector) => T) => Object.fromEntries(SECTORS.map((s) => [s, f(s)])) as Record<Sector, T>;
  const total = (values: readonly number[]) => values.reduce((a, b) => a + b, 0);

  const interests = bySector((s) => counts.interests[s] ?? 0);
  const submitted = bySector((s) => counts.submitted[s] ?? 0);
  for (const s of SECTORS) {
    if (submitted[s] > interests[s]) throw new RangeError(`${sectorName(s)}: ${submitted[s]} submitted but only ${interests[s]} interests`);
  }
  const allInterests = total(SECTORS.map((s) => interests[s]));

  // Interests = submitted + not submitted, by sector and overall; the "not submitted" figures are never shown.
  const I = bySector((s) => add(interests[s], 'total', `${sectorName(s)}: expressions of interest`));
  const S = bySector((s) => add(submitted[s], 'cell', `${sectorName(s)}: questionnaires submitted`));
  const N = bySector((s) =>
    add(interests[s] - submitted[s], 'cell', `${sectorName(s)}: expressions of interest without a submission`, true),
  );
  const allI = add(allInterests, 'total', 'All sectors: expressions of interest');
  const allS = add(total(SECTORS.map((s) => submitted[s])), 'total', 'All sectors: questionnaires submitted');
  const allN = add(allInterests - figures[allS]!.value, 'total', 'All sectors: expressions of interest without a submission', true);
  for (const s of SECTORS) relate(I[s], [S[s], N[s]]);
  relate(
    allI,
    SECTORS.map((s) => I[s]),
  );
  relate(
    allS,
    SECTORS.map((s) => S[s]),
  );
  relate(
    allN,
    SECTORS.map((s) => N[s]),
  );
  relate(allI, [allS, allN]);

  // How organisations heard: channels × sectors, with sector columns adding up to the sector's interests.
  const heard = HEARD_VIA.map((code) => {
    const cells = bySector((s) =>
      add(counts.heardVia[code]?.[s] ?? 0, 'cell', `${sectorName(s)}: heard through “${HEARD_VIA_LABELS[code]}”`),
    );
    const channelTotal = add(
      total(SECTORS.map((s) => figures[cells[s]]!.value)),
      'total',
      `All sectors: heard through “${HEARD_VIA_LABELS[code]}”`,
    );
    relate(
      channelTotal,
      SECTORS.map((s) => cells[s]),
    );
    return { code, cells, total: channelTotal };
  });
  for (const s of SECTORS) {
    const heardTotal = total(heard.map((h) => figures[h.cells[s]]!.value));
    if (heardTotal !== interests[s])
      throw new RangeError(`${sectorName(s)}: how organisations heard adds up to ${heardTotal}, not ${interests[s]} interests`);
    relate(
      I[s],
      heard.map((h) => h.cells[s]),
    );
  }
  relate(
    allI,
    heard.map((h) => h.total),
  );

  // The third-sector share by quarter: quarters × (third sector, other sectors), adding up to the sector interests.
  const thirdI = add(total(THIRD_SECTOR.map((s) => interests[s])), 'total', 'Third sector: expressions of interest');
  const otherI = add(total(OTHER_SECTORS.map((s) => interests[s])), 'total', 'Private and public sectors: expressions of interest', true);
  relate(
    thirdI,
    THIRD_SECTOR.map((s) => I[s]),
  );
  relate(
    otherI,
    OTHER_SECTORS.map((s) => I[s]),
  );
  relate(allI, [thirdI, otherI]);
  const quarters = [...counts.quarters].sort((a, b) => a.quarter.localeCompare(b.quarter));
  if (new Set(quarters.map((q) => q.quarter)).size !== quarters.length) throw new RangeError('Each quarter must appear once');
  const byQuarter = quarters.map((q) => {
    if (q.thirdSector > q.interests)
      throw new RangeError(`${q.quarter}: ${q.thirdSector} third-sector interests but only ${q.interests} in all`);
    const all = add(q.interests, 'total', `All sectors: expressions of interest in ${q.quarter}`);
    const third = add(q.thirdSector, 'cell', `Third sector: expressions of interest in ${q.quarter}`);
    const other = add(q.interests - q.thirdSector, 'cell', `Private and public sectors: expressions of interest in ${q.quarter}`, true);
    relate(all, [third, other]);
    return { quarter: q.quarter, all, third, other };
  });
  const quarterTotals = [total(quarters.map((q) => q.interests)), total(quarters.map((q) => q.thirdSector))];
  if (quarterTotals[0] !== allInterests || quarterTotals[1] !== figures[thirdI]!.value) {
    throw new RangeError(
      `The quarters add up to ${quarterTotals[0]} interests (${quarterTotals[1]} third-sector), not ${allInterests} (${figures[thirdI]!.value})`,
    );
  }
  if (byQuarter.length > 0) {
    relate(
      allI,
      byQuarter.map((q) => q.all),
    );
    relate(
      thirdI,
      byQuarter.map((q) => q.third),
    );
    relate(
      otherI,
      byQuarter.map((q) => q.other),
    );
  }

  // Barriers: a response may name several, so nothing adds up to a published total; only small counts are withheld.
  const barrierCells = BARRIER_CODES.map((code) => ({ code, cells: bySector((s) => add(counts.barriers[code]?.[s] ?? 0, 'cell', '')) }));

  // Checks every sum even when nothing is published, so a miscount shows up in tests rather than in a release.
  const protectedFigures = protectFigures({ figures, relations }, { threshold });
  const cell = (i: number): DisclosedCell =>
    rule.published ? (protectedFigures[i] as DisclosedCell) : withheldCell(rule.reason as string);
  const ratio = (top: number, bottom: number): number | null => {
    const [t, b] = [cell(top), cell(bottom)];
    return t.value === null || b.value === null || b.value === 0 ? null : t.value / b.value;
  };

  return {
    threshold,
    boroughs: counts.boroughs,
    exercises: counts.exercises,
    published: rule.published,
    reason: rule.reason,
    sectors: SECTORS.map((sector) => ({ sector, interests: cell(I[sector]), submitted: cell(S[sector]) })),
    barriers: barrierCells.map((b) => ({ code: b.code, bySector: bySector((s) => cell(b.cells[s])) })),
    totals: { interests: cell(allI), submitted: cell(allS), thirdSectorInterests: cell(thirdI) },
    conversion: { overall: ratio(allS, allI), bySector: bySector((s) => ratio(S[s], I[s])) },
    thirdSectorShare: ratio(thirdI, allI),
    heardVia: heard.map((h) => ({ code: h.code, bySector: bySector((s) => cell(h.cells[s])), total: cell(h.total) })),
    // Unpublished findings list no quarters: even a quarter's name would say that interests exist in it.
    quarters: (rule.published ? byQuarter : []).map((q) => ({
      quarter: q.quarter,
      interests: cell(q.all),
      thirdSector: cell(q.third),
      thirdSectorShare: ratio(q.third, q.all),
    })),
  };
}

/** The findings as the API sends them: each Cell only its value and whether it is withheld. */
export function findingsJson(report: FindingsReport): FindingsJson {
  const strip = ({ value, suppressed }: DisclosedCell): Cell => ({ value, suppressed });
  const bySector = (cells: Record<Sector, DisclosedCell>) =>
    Object.fromEntries(SECTORS.map((s) => [s, strip(cells[s])])) as Record<Sector, Cell>;
  return {
    ...report,
    sectors: report.sectors.map((s) => ({ sector: s.sector, interests: strip(s.interests), submitted: strip(s.submitted) })),
    barriers: report.barriers.map((b) => ({ code: b.code, bySector: bySector(b.bySector) })),
    totals: {
      interests: strip(report.totals.interests),
      submitted: strip(report.totals.submitted),
      thirdSectorInterests: strip(report.totals.thirdSectorInterests),
    },
    conversion: { overall: report.conversion.overall, bySector: { ...report.conversion.bySector } },
    heardVia: report.heardVia.map((h) => ({ code: h.code, bySector: bySector(h.bySector), total: strip(h.total) })),
    quarters: report.quarters.map((q) => ({
      quarter: q.quarter,
      interests: strip(q.interests),
      thirdSector: strip(q.thirdSector),
      thirdSectorShare: q.thirdSectorShare,
    })),
  };
}
