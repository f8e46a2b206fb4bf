import { BARRIERS } from '../questionnaires';
import { HEARD_VIA_LABELS, SECTORS, SECTOR_LABELS } from '../suppliers';
import type { DisclosedCell } from './disclosure';
import { withheldText, type FindingsReport } from './findings';
import { findingsRules } from './findings.workbook';
import { SECTOR_HEADINGS } from './workbook.sheets';

/** A table cell on the page: a published figure, or the words for a withheld one (never its number). */
export interface FigureView {
  text: string;
  withheld: boolean;
}

export interface ChartBar {
  label: string;
  y: number;
  interests: { width: number; text: string };
  submitted: { width: number; text: string };
}

const CHART = { width: 640, labelWidth: 170, valueRoom: 150, barHeight: 16, gap: 3, groupGap: 14, top: 36 } as const;

const percent = (share: number | null) => (share === null ? 'not published' : `${Math.round(share * 100)}%`);

/** What the findings page shows, with every withheld figure already turned into words. */
export function findingsView(report: FindingsReport) {
  const k = report.threshold;
  const fig = (cell: DisclosedCell): FigureView =>
    cell.suppressed || cell.value === null
      ? { text: withheldText(cell, k), withheld: true }
      : { text: cell.value.toLocaleString('en-GB'), withheld: false };

  const max = Math.max(0, ...report.sectors.map((s) => s.interests.value ?? 0));
  const plot = CHART.width - CHART.labelWidth - CHART.valueRoom;
  const scale = max > 0 ? plot / max : 0;
  const bar = (cell: DisclosedCell, noun: string) => {
    const f = fig(cell);
    return { width: cell.value === null ? 0 : Math.max(cell.value * scale, cell.value > 0 ? 2 : 0), text: `${f.text} ${noun}` };
  };
  const groupHeight = 2 * CHART.barHeight + CHART.gap;
  const bars: ChartBar[] = report.sectors.map((s, i) => ({
    label: SECTOR_HEADINGS[s.sector],
    y: CHART.top + i * (groupHeight + CHART.groupGap),
    interests: bar(s.interests, 'interested'),
    submitted: bar(s.submitted, 'submitted'),
  }));

  return {
    sectorHeadings: SECTORS.map((s) => ({ label: SECTOR_HEADINGS[s], full: SECTOR_LABELS[s] })),
    summary: report.sectors.map((s) => ({
      label: SECTOR_LABELS[s.sector],
      interests: fig(s.interests),
      submitted: fig(s.submitted),
      conversion: percent(report.conversion.bySector[s.sector]),
    })),
    totals: {
      interests: fig(report.totals.interests),
      submitted: fig(report.totals.submitted),
      conversion: percent(report.conversion.overall),
    },
    thirdSectorShare: percent(report.thirdSectorShare),
    barriers: report.barriers.map((b) => ({ label: BARRIERS[b.code].label, cells: SECTORS.map((s) => fig(b.bySector[s])) })),
    heardVia: report.heardVia.map((h) => ({
      label: HEARD_VIA_LABELS[h.code],
      cells: SECTORS.map((s) => fig(h.bySector[s])),
      total: fig(h.total),
    })),
    quarters: report.quarters.map((q) => ({
      quarter: q.quarter,
      interests: fig(q.interests),
      thirdSector: fig(q.thirdSector),
      share: percent(q.thirdSectorShare),
    })),
    chart: {
      ...CHART,
      height: CHART.top + bars.length * (groupHeight + CHART.groupGap),
      bars,
      description: report.sectors
        .map((s) => `${SECTOR_HEADINGS[s.sector]}: ${fig(s.interests).text} interested, ${fig(s.submitted).text} submitted.`)
        .join(' '),
    },
    rules: findingsRules(k),
    threshold: k,
  };
}
