import { SECTORS, type Sector } from '../suppliers';
import type { SectorAnalysis } from './analysis.types';

/** Short sector names for chart labels; the data table under each chart gives the full ones. */
export const SHORT_SECTOR_LABELS: Record<Sector, string> = {
  private: 'Private',
  public: 'Public',
  voluntary: 'Voluntary and community',
  social_enterprise: 'Social enterprise',
};

const FONT = 'Arial, Helvetica, sans-serif';
const TEXT = '#0b0c0c';
const WIDTH = 720;
const LABEL_WIDTH = 250;
const VALUE_ROOM = 210;
const BAR_HEIGHT = 18;
const BAR_GAP = 4;
const GROUP_GAP = 18;
const TOP = 44;

/** Series differ by colour, by pattern (solid, striped, outlined) and by the words beside each bar, never by colour alone. */
const seriesStyles = (id: string) =>
  [
    { fill: '#1d70b8', stroke: '#1d70b8' },
    { fill: `url(#${id}-stripes)`, stroke: '#003078' },
    { fill: '#ffffff', stroke: '#0b0c0c' },
  ] as const;

export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!);
}

interface BarGroup {
  label: string;
  bars: { value: number; text: string }[];
}

interface ChartSpec {
  id: string;
  title: string;
  description: string;
  legend: string[];
  groups: BarGroup[];
  max: number;
}

/** A horizontal grouped bar chart as an accessible SVG string: role="img", a title and a description, a text label on every bar. */
function barChartSvg(spec: ChartSpec): string {
  const perGroup = spec.legend.length * (BAR_HEIGHT + BAR_GAP) - BAR_GAP;
  const height = TOP + spec.groups.length * (perGroup + GROUP_GAP) + 8;
  const plotWidth = WIDTH - LABEL_WIDTH - VALUE_ROOM;
  const scale = spec.max > 0 ? plotWidth / spec.max : 0;
  const id = escapeXml(spec.id);
  const styles = seriesStyles(id);
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-labelledby="${id}-title ${id}-desc" viewBox="0 0 ${WIDTH} ${height}" width="${WIDTH}" height="${height}" font-family="${FONT}" font-size="14">`,
    `<title id="${id}-title">${escapeXml(spec.title)}</title>`,
    `<desc id="${id}-desc">${escapeXml(spec.description)}</desc>`,
    `<defs><pattern id="${id}-stripes" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">` +
      '<rect width="6" height="6" fill="#ffffff"/><rect width="3" height="6" fill="#003078"/></pattern></defs>',
    `<rect width="${WIDTH}" height="${height}" fill="#ffffff"/>`,
  ];
  // Legend: a swatch in each series' style and its name.
  let x = LABEL_WIDTH;
  spec.legend.forEach((name, i) => {
    const style = styles[i % styles.length]!;
    parts.push(`<rect x="${x}" y="12" width="14" height="14" fill="${style.fill}" stroke="${style.stroke}" stroke-width="1.5"/>`);
    parts.push(`<text x="${x + 20}" y="24" fill="${TEXT}">${escapeXml(name)}</text>`);
    x += 34 + name.length * 7.5;
  });
  spec.groups.forEach((group, g) => {
    const y0 = TOP + g * (perGroup + GROUP_GAP);
    parts.push(
      `<text x="${LABEL_WIDTH - 10}" y="${y0 + perGroup / 2 + 5}" text-anchor="end" fill="${TEXT}" font-weight="bold">${escapeXml(group.label)}</text>`,
    );
    group.bars.forEach((bar, b) => {
      const style = styles[b % styles.length]!;
      const y = y0 + b * (BAR_HEIGHT + BAR_GAP);
      const w = Math.max(bar.value * scale, bar.value > 0 ? 2 : 0);
      parts.push(
        `<rect x="${LABEL_WIDTH}" y="${y}" width="${w.toFixed(1)}" height="${BAR_HEIGHT}" fill="${style.fill}" stroke="${style.stroke}" stroke-width="1.5"/>`,
      );
      parts.push(`<text x="${(LABEL_WIDTH + w + 6).toFixed(1)}" y="${y + BAR_HEIGHT - 4}" fill="${TEXT}">${escapeXml(bar.text)}</text>`);
    });
  });
  parts.push(`<line x1="${LABEL_WIDTH}" y1="${TOP - 6}" x2="${LABEL_WIDTH}" y2="${height - 8}" stroke="${TEXT}" stroke-width="1"/>`);
  parts.push('</svg>');
  return parts.join('');
}

/** Interests, started and submitted responses for each of the four sectors. */
export function sectorBarChartSvg(analysis: SectorAnalysis, id = 'sector-chart'): string {
  const max = Math.max(0, ...analysis.sectors.map((s) => s.interests));
  const t = analysis.thirdSector;
  return barChartSvg({
    id,
    title: 'Interests and questionnaire responses by sector',
    description:
      analysis.sectors
        .map((s) => `${SHORT_SECTOR_LABELS[s.sector]}: ${s.interests} interested, ${s.started} started, ${s.submitted} submitted.`)
        .join(' ') + ` Third sector in total: ${t.interests} interested, ${t.submitted} submitted.`,
    legend: ['Interested', 'Started', 'Submitted'],
    max,
    groups: analysis.sectors.map((s) => ({
      label: SHORT_SECTOR_LABELS[s.sector],
      bars: [
        { value: s.interests, text: `${s.interests} interested` },
        { value: s.started, text: `${s.started} started` },
        { value: s.submitted, text: `${s.submitted} submitted` },
      ],
    })),
  });
}

const percent = (share: number) => `${Math.round(share * 100)}%`;

/** For each barrier named at least once: the share of third-sector and of other respondents naming it. */
export function barrierChartSvg(analysis: SectorAnalysis, id = 'barrier-chart'): string {
  const thirdRespondents = analysis.thirdSector.submitted;
  const otherRespondents = analysis.otherSectors.submitted;
  const named = analysis.barriers.filter((b) => SECTORS.some((s) => b.bySector[s] > 0));
  const groups = named.map((b) => {
    const third = b.bySector.voluntary + b.bySector.social_enterprise;
    const other = b.bySector.private + b.bySector.public;
    const thirdShare = thirdRespondents ? third / thirdRespondents : 0;
    const otherShare = otherRespondents ? other / otherRespondents : 0;
    return {
      label: b.label.length > 28 ? `${b.label.slice(0, 27)}…` : b.label,
      fullLabel: b.label,
      third: { value: thirdShare, text: `Third sector ${percent(thirdShare)} (${third} of ${thirdRespondents})` },
      other: { value: otherShare, text: `Other ${percent(otherShare)} (${other} of ${otherRespondents})` },
    };
  });
  return barChartSvg({
    id,
    title: 'Barriers named by third-sector and other respondents',
    description: groups.length
      ? groups.map((g) => `${g.fullLabel}: ${g.third.text}; ${g.other.text}.`).join(' ')
      : 'No barriers have been named in submitted responses yet.',
    legend: ['Third sector', 'Other sectors'],
    max: 1,
    groups: groups.map((g) => ({ label: g.label, bars: [g.third, g.other] })),
  });
}
