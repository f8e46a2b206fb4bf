import { SECTORS, type Sector } from '../suppliers';
import type { Question } from '../questionnaires';
import type { BySector, QuestionCrossTab } from './analysis.types';

/** Per-question cross-tabs by sector: choices counted per option, numbers summarised, other answers only counted. */

const zeros = (): BySector => ({ private: 0, public: 0, voluntary: 0, social_enterprise: 0 });
const ratio = (part: number, whole: number): number | null => (whole > 0 ? part / whole : null);
export const isAnswered = (value: unknown) => value !== undefined && value !== null && value !== '';

function median(sorted: number[]): number | null {
  if (!sorted.length) return null;
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Options of a choice question as the cross-tab lists them; yes/no questions get Yes and No. */
function choiceOptions(q: Question): { value: string; label: string }[] {
  if (q.type === 'yesno') {
    return [
      { value: 'true', label: 'Yes' },
      { value: 'false', label: 'No' },
    ];
  }
  return q.options.map((o) => ({ value: o.value, label: o.label }));
}

export type Tally =
  | { q: Question; kind: 'choice'; respondents: BySector; options: Map<string, BySector> }
  | { q: Question; kind: 'numeric'; values: Record<Sector, number[]> }
  | { q: Question; kind: 'answered'; answered: BySector };

export function newTally(q: Question): Tally {
  if (q.type === 'single' || q.type === 'multi' || q.type === 'yesno') {
    return { q, kind: 'choice', respondents: zeros(), options: new Map(choiceOptions(q).map((o) => [o.value, zeros()])) };
  }
  if (q.type === 'scale' || q.type === 'number') {
    return { q, kind: 'numeric', values: { private: [], public: [], voluntary: [], social_enterprise: [] } };
  }
  return { q, kind: 'answered', answered: zeros() };
}

/** Counts one respondent's answer to the tally's question. */
export function tallyAnswer(tally: Tally, value: unknown, sector: Sector): void {
  if (!isAnswered(value)) return;
  if (tally.kind === 'choice') {
    tally.respondents[sector] += 1;
    const chosen = Array.isArray(value) ? new Set(value.map(String)) : new Set([String(value)]);
    for (const v of chosen) {
      const counts = tally.options.get(v);
      if (counts) counts[sector] += 1;
    }
  } else if (tally.kind === 'numeric') {
    if (typeof value === 'number' && Number.isFinite(value)) tally.values[sector].push(value);
  } else {
    tally.answered[sector] += 1;
  }
}

export function crossTab(tally: Tally): QuestionCrossTab {
  const { key, label, type } = tally.q;
  if (tally.kind === 'choice') {
    return {
      key,
      label,
      type: type as 'single' | 'multi' | 'yesno',
      respondents: tally.respondents,
      options: choiceOptions(tally.q).map((o) => {
        const bySector = tally.options.get(o.value)!;
        const shareBySector = Object.fromEntries(SECTORS.map((s) => [s, ratio(bySector[s], tally.respondents[s])])) as Record<
          Sector,
          number | null
        >;
        return { value: o.value, label: o.label, bySector, shareBySector };
      }),
    };
  }
  if (tally.kind === 'numeric') {
    const bySector = Object.fromEntries(
      SECTORS.map((s) => {
        const values = [...tally.values[s]].sort((a, b) => a - b);
        const mean = values.length ? values.reduce((n, v) => n + v, 0) / values.length : null;
        return [s, { n: values.length, mean, median: median(values) }];
      }),
    ) as Record<Sector, { n: number; mean: number | null; median: number | null }>;
    return { key, label, type: type as 'scale' | 'number', bySector };
  }
  return { key, label, type: type as 'text' | 'textarea' | 'date' | 'file', answered: tally.answered };
}
