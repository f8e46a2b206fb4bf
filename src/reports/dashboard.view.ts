import { SECTORS, SECTOR_LABELS } from '../suppliers';
import type { QuestionCrossTab, RuleResult, SectorAnalysis, SectorCounts } from './analysis.types';
import { SHORT_SECTOR_LABELS, barrierChartSvg, sectorBarChartSvg } from './charts';

/** "20%" from 0.2; a dash when there is nothing to measure. */
export function percent(share: number | null): string {
  return share === null ? '–' : `${Math.round(share * 1000) / 10}%`;
}

const points = (gap: number) => `${Math.round(gap * 1000) / 10} percentage points`;
const oneDecimal = (n: number | null) => (n === null ? '–' : String(Math.round(n * 10) / 10));

/** Each rule in plain English: what was measured, against what, and whether it fired. */
export function ruleSentence(rule: RuleResult, a: SectorAnalysis): { title: string; text: string; fired: boolean } {
  switch (rule.id) {
    case 'share':
      return {
        title: 'Share of interests',
        fired: rule.fired,
        text:
          rule.value === null
            ? 'No organisation has expressed interest yet, so the third-sector share cannot be measured.'
            : `${percent(rule.value)} of interests are from the third sector (${a.thirdSector.interests} of ${a.thirdSector.interests + a.otherSectors.interests}). ` +
              (rule.fired
                ? `That is below this exercise’s target of ${percent(rule.threshold)}.`
                : `That meets this exercise’s target of ${percent(rule.threshold)}.`),
      };
    case 'conversion_gap':
      return {
        title: 'Turning interest into responses',
        fired: rule.fired,
        text:
          rule.value === null
            ? 'The gap cannot be measured until both the third sector and other sectors have expressed interest.'
            : `Other sectors submitted questionnaires for ${percent(a.otherSectors.conversion)} of their interests, the third sector for ${percent(a.thirdSector.conversion)}: ` +
              `a gap of ${points(rule.value)}. ` +
              (rule.fired
                ? `That is at or above the threshold of ${points(rule.threshold)}.`
                : `That is below the threshold of ${points(rule.threshold)}.`),
      };
    case 'volume':
      return {
        title: 'Number of third-sector organisations',
        fired: rule.fired,
        text:
          `${rule.value ?? 0} third-sector ${rule.value === 1 ? 'organisation has' : 'organisations have'} expressed interest. ` +
          (rule.fired ? `That is fewer than ${rule.threshold}.` : `That is at least ${rule.threshold}.`),
      };
  }
}

function countsRow(label: string, c: SectorCounts) {
  return {
    label,
    interests: c.interests,
    started: c.started,
    submitted: c.submitted,
    conversion: percent(c.conversion),
    shareOfInterests: percent(c.shareOfInterests),
    shareOfSubmissions: percent(c.shareOfSubmissions),
  };
}

function crossTabView(q: QuestionCrossTab) {
  if (q.type === 'single' || q.type === 'multi' || q.type === 'yesno') {
    return {
      key: q.key,
      label: q.label,
      kind: 'choice',
      respondents: SECTORS.map((s) => q.respondents[s]),
      rows: q.options.map((o) => ({ label: o.label, cells: SECTORS.map((s) => `${o.bySector[s]} (${percent(o.shareBySector[s])})`) })),
    };
  }
  if (q.type === 'scale' || q.type === 'number') {
    return {
      key: q.key,
      label: q.label,
      kind: 'numeric',
      rows: [
        { label: 'Answered', cells: SECTORS.map((s) => String(q.bySector[s].n)) },
        { label: 'Mean', cells: SECTORS.map((s) => oneDecimal(q.bySector[s].mean)) },
        { label: 'Median', cells: SECTORS.map((s) => oneDecimal(q.bySector[s].median)) },
      ],
    };
  }
  const answered = 'answered' in q ? q.answered : null;
  return {
    key: q.key,
    label: q.label,
    kind: 'answered',
    rows: [{ label: 'Answered', cells: SECTORS.map((s) => String(answered?.[s] ?? 0)) }],
  };
}

/** Everything the dashboard shows, formatted once here so the template only lays it out. */
export function dashboardView(a: SectorAnalysis) {
  const decisions = new Map(a.decisions.map((d) => [d.barrier, d]));
  const totalInterests = a.thirdSector.interests + a.otherSectors.interests;
  return {
    sectorHeadings: SECTORS.map((s) => ({ sector: s, label: SHORT_SECTOR_LABELS[s], full: SECTOR_LABELS[s] })),
    headline: {
      interests: totalInterests,
      started: a.thirdSector.started + a.otherSectors.started,
      submitted: a.thirdSector.submitted + a.otherSectors.submitted,
      thirdSectorShare: percent(a.thirdSector.shareOfInterests),
    },
    rules: a.rules.map((r) => ruleSentence(r, a)),
    firedCount: a.rules.filter((r) => r.fired).length,
    countRows: [
      ...a.sectors.map((s) => countsRow(s.label, s)),
      countsRow('Third sector (voluntary, community and social enterprise)', a.thirdSector),
      countsRow('Other sectors (private and public)', a.otherSectors),
    ],
    sectorChart: sectorBarChartSvg(a),
    barrierChart: barrierChartSvg(a),
    barriers: a.barriers.map((b) => ({
      ...b,
      cells: SECTORS.map((s) => b.bySector[s]),
      gapText: points(b.gap),
      decision: decisions.get(b.code) ?? null,
    })),
    lots: a.lots.map((l) => ({
      ...l,
      interestCells: SECTORS.map((s) => l.interests[s]),
      capacityCells: SECTORS.map((s) => l.couldTakeOn[s]),
    })),
    outreach: a.outreach.map((o) => ({ label: o.label, cells: SECTORS.map((s) => o.bySector[s]) })),
    questions: a.questions.map(crossTabView),
  };
}
