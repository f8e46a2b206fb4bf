import { MIN_CONTRIBUTING_BOROUGHS } from './thresholds';

/**
 * Statistical disclosure control for shared findings (SPEC "Statistical disclosure control").
 *
 * A pure module: counts in, published or withheld figures out, each withheld one with its reason.
 * - Primary suppression: every count from 1 to k−1 is withheld. Zeros are published, as ONS does: a
 *   true zero says that nobody is counted, so it singles nobody out.
 * - Secondary suppression: no withheld figure may be worked out from published totals. Each total is
 *   a linear relation (total = sum of its parts); a relation with exactly one withheld member gives it
 *   away, so another member is withheld too: the smallest non-zero part, then a zero part, and only
 *   when no part is left, the total. That repeats until no relation has a single withheld member.
 *   Chains of relations can still pin a figure down (two blocks of withheld cells joined by one cell,
 *   or tables that share totals), so an exact check follows: a withheld figure is recoverable when it
 *   is the same in every solution of the published relations; while one is, another figure is withheld.
 * - Nothing is published when fewer than 3 boroughs contribute (`contributorsRule`).
 */

export const DEFAULT_THRESHOLD = 10;

/** Why a figure is withheld: below the threshold, to protect another figure, or too few boroughs. */
export type SuppressionRule = 'threshold' | 'complementary' | 'contributors';

export interface DisclosedCell {
  /** The count when published; null when withheld. */
  value: number | null;
  suppressed: boolean;
  rule: SuppressionRule | null;
  /** Plain English, for pages and workbooks; null when published. */
  reason: string | null;
}

export interface Figure {
  /** A non-negative whole number. */
  value: number;
  /** Totals are withheld to protect another figure only when no part of the relation is left. */
  kind: 'cell' | 'total';
  /** Never shown, but derivable from what is (say, interests that did not lead to a submission): withholding it costs nothing. */
  hidden?: boolean;
  /** Names the figure in the reason given for the figures withheld to protect it. */
  label?: string;
}

/** `figures[total]` equals the sum of `figures[parts]` (indexes into the problem's figures). */
export interface Relation {
  total: number;
  parts: readonly number[];
}

export interface DisclosureProblem {
  figures: readonly Figure[];
  relations: readonly Relation[];
}

export interface DisclosureOptions {
  /** k: counts from 1 to k−1 are withheld. A whole number, at least 1. */
  threshold?: number;
}

export function thresholdReason(threshold: number): string {
  return `Fewer than ${threshold}: withheld so that no organisation can be picked out.`;
}

function complementaryReason(protectedFigure: Figure, primary: boolean): string {
  const which = primary ? 'a smaller figure' : 'another withheld figure';
  const named = protectedFigure.label ? ` (${protectedFigure.label})` : '';
  return `Withheld so that ${which}${named} cannot be worked out from the totals.`;
}

/** The top-level rule: findings are published only when enough boroughs contribute, otherwise the reason why not. */
export function contributorsRule(
  boroughs: number,
  minimum: number = MIN_CONTRIBUTING_BOROUGHS,
): { published: boolean; reason: string | null } {
  if (boroughs >= minimum) return { published: true, reason: null };
  const sharing =
    boroughs === 0
      ? 'No borough shares findings yet'
      : `Only ${boroughs} ${boroughs === 1 ? 'borough shares' : 'boroughs share'} findings so far`;
  return {
    published: false,
    reason: `${sharing}. Findings are published once at least ${minimum} boroughs contribute, so that no borough’s figures can be picked out.`,
  };
}

/** A figure withheld by the contributors rule. */
export function withheldCell(reason: string): DisclosedCell {
  return { value: null, suppressed: true, rule: 'contributors', reason };
}

interface Withholding {
  rule: 'threshold' | 'complementary';
  protects?: number;
}

/** Applies primary and secondary suppression to figures linked by sum relations; the answer is in the figures' order. */
export function protectFigures(problem: DisclosureProblem, options: DisclosureOptions = {}): DisclosedCell[] {
  const threshold = options.threshold ?? DEFAULT_THRESHOLD;
  checkProblem(problem, threshold);
  const { figures, relations } = problem;
  const state: (Withholding | null)[] = figures.map((f) => (f.value >= 1 && f.value < threshold ? { rule: 'threshold' } : null));
  const withheld = (i: number) => state[i] !== null;
  const order = preferenceOrder(figures);
  const membersOf = relations.map((r) => [...r.parts, r.total]);

  for (;;) {
    let changed = false;
    for (const members of membersOf) {
      const hidden = members.filter(withheld);
      if (hidden.length !== 1) continue;
      const pick = order.find((i) => members.includes(i) && !withheld(i));
      if (pick === undefined) continue;
      state[pick] = { rule: 'complementary', protects: hidden[0] };
      changed = true;
    }
    if (changed) continue;

    const recoverable = recoverableFigures(problem, withheld);
    const exposed = recoverable[0];
    if (exposed === undefined) break;
    const candidates = complementCandidates(exposed, membersOf, order, withheld);
    if (candidates.length === 0) break;
    // Prefer a figure that alone makes the exposed one unrecoverable; otherwise withhold the best candidate and check again.
    const sufficient = candidates.find((c) => !recoverableFigures(problem, (i) => i === c || withheld(i)).includes(exposed));
    state[sufficient ?? (candidates[0] as number)] = { rule: 'complementary', protects: exposed };
  }

  return figures.map((figure, i) => {
    const w = state[i];
    if (!w) return { value: figure.value, suppressed: false, rule: null, reason: null };
    const reason =
      w.rule === 'threshold'
        ? thresholdReason(threshold)
        : complementaryReason(figures[w.protects as number] as Figure, state[w.protects as number]?.rule === 'threshold');
    return { value: null, suppressed: true, rule: w.rule, reason };
  });
}

function checkProblem({ figures, relations }: DisclosureProblem, threshold: number): void {
  if (!Number.isInteger(threshold) || threshold < 1)
    throw new RangeError(`The threshold must be a whole number of at least 1, not ${threshold}`);
  figures.forEach((f, i) => {
    if (!Number.isSafeInteger(f.value) || f.value < 0)
      throw new RangeError(`Figure ${i} must be a whole number of at least 0, not ${f.value}`);
  });
  const valueOf = (i: number) => {
    const figure = figures[i];
    if (!Number.isInteger(i) || !figure) throw new RangeError(`A relation names figure ${i}, which does not exist`);
    return figure.value;
  };
  for (const r of relations) {
    const members = [r.total, ...r.parts];
    if (r.parts.length === 0 || new Set(members).size !== members.length) {
      throw new RangeError(`The relation for figure ${r.total} must have at least one part and name each figure once`);
    }
    const sum = r.parts.reduce((s, p) => s + valueOf(p), 0);
    if (sum !== valueOf(r.total)) throw new RangeError(`Figure ${r.total} is ${valueOf(r.total)} but its parts add up to ${sum}`);
  }
}

/** Hidden figures first (free to withhold), then non-zero cells from the smallest, then zero cells, then totals from the smallest; non-zero before zero among hidden ones too. */
function preferenceOrder(figures: readonly Figure[]): number[] {
  const rank = (f: Figure) => (f.hidden ? (f.value > 0 ? 0 : 1) : f.kind === 'total' ? 4 : f.value > 0 ? 2 : 3);
  return figures
    .map((f, i) => ({ i, rank: rank(f), value: f.value }))
    .sort((a, b) => a.rank - b.rank || a.value - b.value || a.i - b.i)
    .map((c) => c.i);
}

/** Figures not yet withheld that could protect `exposed`: those in a relation with it first, then the rest, each in preference order. */
function complementCandidates(exposed: number, membersOf: number[][], order: number[], withheld: (i: number) => boolean): number[] {
  const near = new Set(membersOf.filter((m) => m.includes(exposed)).flat());
  const open = order.filter((i) => !withheld(i));
  return [...open.filter((i) => near.has(i)), ...open.filter((i) => !near.has(i))];
}

const EPSILON = 1e-9;

/**
 * The withheld figures that published figures pin down, in the figures' order. With the withheld figures as
 * unknowns, the relations form a linear system; a figure is recoverable exactly when its unit vector lies in the
 * row space, i.e. when the reduced row echelon form has a row that names it alone.
 */
export function recoverableFigures(problem: DisclosureProblem, withheld: (i: number) => boolean): number[] {
  const unknowns = problem.figures.map((_, i) => i).filter(withheld);
  if (unknowns.length === 0) return [];
  const column = new Map(unknowns.map((figure, c) => [figure, c]));
  const rows: number[][] = [];
  for (const r of problem.relations) {
    const row = new Array<number>(unknowns.length).fill(0);
    let any = false;
    for (const [figure, coefficient] of [[r.total, -1] as const, ...r.parts.map((p) => [p, 1] as const)]) {
      const c = column.get(figure);
      if (c !== undefined) {
        row[c] = coefficient;
        any = true;
      }
    }
    if (any) rows.push(row);
  }
  const pivots = reduceRows(rows, unknowns.length);
  const recoverable: number[] = [];
  pivots.forEach((c, r) => {
    const row = rows[r] as number[];
    if (row.every((x, j) => j === c || Math.abs(x) < EPSILON)) recoverable.push(unknowns[c] as number);
  });
  return recoverable.sort((a, b) => a - b);
}

/** Gauss–Jordan elimination in place; returns the pivot column of each of the first rows. Coefficients stay small (0 and ±1 in), so floating point is exact enough. */
function reduceRows(rows: number[][], columns: number): number[] {
  const pivots: number[] = [];
  for (let c = 0; c < columns && pivots.length < rows.length; c++) {
    const top = pivots.length;
    let best = top;
    for (let r = top + 1; r < rows.length; r++) if (Math.abs(rows[r]![c]!) > Math.abs(rows[best]![c]!)) best = r;
    if (Math.abs(rows[best]![c]!) < EPSILON) continue;
    [rows[top], rows[best]] = [rows[best]!, rows[top]!];
    const pivotRow = rows[top]!;
    const pivot = pivotRow[c]!;
    for (let j = 0; j < columns; j++) pivotRow[j] = pivotRow[j]! / pivot;
    for (let r = 0; r < rows.length; r++) {
      const factor = rows[r]![c]!;
      if (r === top || Math.abs(factor) < EPSILON) continue;
      const row = rows[r]!;
      for (let j = 0; j < columns; j++) row[j] = row[j]! - factor * pivotRow[j]!;
    }
    pivots.push(c);
  }
  return pivots;
}

// ---- Tables and lists ----

export interface CountTable {
  /** Rows of counts, all the same length. */
  counts: readonly (readonly number[])[];
  /** Each row's total is published (beside the row). */
  rowTotals?: boolean;
  /** Each column's total is published (under the column). With both, the grand total is published too. */
  columnTotals?: boolean;
  /** Names used in the reasons for withheld figures, e.g. "Voluntary, contract size". */
  rowLabels?: readonly string[];
  columnLabels?: readonly string[];
}

export interface ProtectedTable {
  cells: DisclosedCell[][];
  rowTotals: DisclosedCell[] | null;
  columnTotals: DisclosedCell[] | null;
  grandTotal: DisclosedCell | null;
}

/** Expresses a table and its published totals as figures and relations (row totals, column totals, the grand total). */
export function tableProblem(table: CountTable): {
  problem: DisclosureProblem;
  cell: (row: number, column: number) => number;
  rowTotal: (row: number) => number;
  columnTotal: (column: number) => number;
  grandTotal: number;
} {
  const rows = table.counts.length;
  const columns = table.counts[0]?.length ?? 0;
  if (rows === 0 || columns === 0 || table.counts.some((r) => r.length !== columns)) {
    throw new RangeError('A table needs at least one row and one column, and every row the same length');
  }
  const figures: Figure[] = [];
  const relations: Relation[] = [];
  const name = (r: number | null, c: number | null) => {
    const parts = [r === null ? 'all rows' : table.rowLabels?.[r], c === null ? 'all columns' : table.columnLabels?.[c]];
    return table.rowLabels || table.columnLabels ? parts.filter(Boolean).join(', ') : undefined;
  };
  const add = (value: number, kind: Figure['kind'], label: string | undefined) => figures.push({ value, kind, label }) - 1;

  const cells = table.counts.map((row, r) => row.map((value, c) => add(value, 'cell', name(r, c))));
  const cell = (r: number, c: number) => cells[r]![c]!;
  const rowTotals = table.rowTotals ? table.counts.map((row, r) => add(sum(row), 'total', name(r, null))) : [];
  const columnTotals = table.columnTotals
    ? Array.from({ length: columns }, (_, c) => add(sum(table.counts.map((row) => row[c]!)), 'total', name(null, c)))
    : [];
  const grandTotal = table.rowTotals && table.columnTotals ? add(sum(table.counts.flat()), 'total', name(null, null)) : -1;

  rowTotals.forEach((total, r) => relations.push({ total, parts: cells[r]! }));
  columnTotals.forEach((total, c) => relations.push({ total, parts: cells.map((row) => row[c]!) }));
  if (grandTotal >= 0) relations.push({ total: grandTotal, parts: rowTotals }, { total: grandTotal, parts: columnTotals });

  return {
    problem: { figures, relations },
    cell,
    rowTotal: (r) => rowTotals[r] ?? -1,
    columnTotal: (c) => columnTotals[c] ?? -1,
    grandTotal,
  };
}

/** Protects a table of counts and whichever totals are published with it. */
export function protectTable(table: CountTable, options: DisclosureOptions = {}): ProtectedTable {
  const built = tableProblem(table);
  const out = protectFigures(built.problem, options);
  const at = (i: number) => out[i] as DisclosedCell;
  return {
    cells: table.counts.map((row, r) => row.map((_, c) => at(built.cell(r, c)))),
    rowTotals: table.rowTotals ? table.counts.map((_, r) => at(built.rowTotal(r))) : null,
    columnTotals: table.columnTotals ? (table.counts[0] ?? []).map((_, c) => at(built.columnTotal(c))) : null,
    grandTotal: built.grandTotal >= 0 ? at(built.grandTotal) : null,
  };
}

/** Protects a list of counts published with its total (a one-row table). */
export function protectList(
  counts: readonly number[],
  options: DisclosureOptions & { labels?: readonly string[] } = {},
): { items: DisclosedCell[]; total: DisclosedCell } {
  const table = protectTable({ counts: [counts], rowTotals: true, columnLabels: options.labels }, options);
  return { items: table.cells[0] as DisclosedCell[], total: (table.rowTotals as DisclosedCell[])[0] as DisclosedCell };
}

function sum(values: readonly number[]): number {
  return values.reduce((s, v) => s + v, 0);
}
