import fc from 'fast-check';
import {
  DEFAULT_THRESHOLD,
  contributorsRule,
  protectFigures,
  protectList,
  protectTable,
  recoverableFigures,
  tableProblem,
  type CountTable,
  type DisclosedCell,
  type ProtectedTable,
} from './disclosure';

const shown = (cells: DisclosedCell[]) => cells.map((c) => c.value);

describe('a list with its total', () => {
  test('a small count is withheld, and the next-smallest non-zero count with it; zeros and the total are published', () => {
    const { items, total } = protectList([12, 3, 25, 0]);
    expect(shown(items)).toEqual([null, null, 25, 0]);
    expect(items.map((c) => c.rule)).toEqual(['complementary', 'threshold', null, null]);
    expect(total).toEqual({ value: 40, suppressed: false, rule: null, reason: null });
    expect(items[1]?.reason).toBe('Fewer than 10: withheld so that no organisation can be picked out.');
    expect(items[0]?.reason).toBe('Withheld so that a smaller figure cannot be worked out from the totals.');
  });

  test('a non-zero count is withheld before a zero, however large', () => {
    expect(shown(protectList([4, 0, 20]).items)).toEqual([null, 0, null]);
  });

  test('a large count is withheld to protect a small one before a zero is', () => {
    expect(shown(protectList([15, 0]).items)).toEqual([15, 0]);
    const { items, total } = protectList([4, 15, 0]);
    expect(shown(items)).toEqual([null, null, 0]);
    expect(total.value).toBe(19);
  });

  test('a small total is withheld by itself, and then protects its one small part', () => {
    const { items, total } = protectList([3, 0, 0]);
    expect(shown(items)).toEqual([null, 0, 0]);
    expect(total).toMatchObject({ value: null, suppressed: true, rule: 'threshold' });
  });

  test('when every part is withheld the total is published', () => {
    const { items, total } = protectList([3, 5, 7, 9]);
    expect(shown(items)).toEqual([null, null, null, null]);
    expect(total.value).toBe(24);
  });

  test('the threshold k is a parameter: with k = 5 only counts from 1 to 4 are withheld', () => {
    const { items, total } = protectList([3, 5, 7, 9], { threshold: 5 });
    expect(shown(items)).toEqual([null, null, 7, 9]);
    expect(items.map((c) => c.rule)).toEqual(['threshold', 'complementary', null, null]);
    expect(items[0]?.reason).toBe('Fewer than 5: withheld so that no organisation can be picked out.');
    expect(total.value).toBe(24);
    expect(shown(protectList([4, 5, 0], { threshold: 5 }).items)).toEqual([null, null, 0]);
    expect(shown(protectList([4, 5, 0], { threshold: 4 }).items)).toEqual([4, 5, 0]);
  });

  test('the reason names the figure it protects when labels are given', () => {
    const { items } = protectList([12, 3], { labels: ['Private sector', 'Voluntary sector'] });
    expect(items[0]?.reason).toBe('Withheld so that a smaller figure (Voluntary sector) cannot be worked out from the totals.');
  });
});

describe('a table with row and column totals', () => {
  test('a hand-worked table: the withheld cells form a rectangle, so no total gives one away', () => {
    // Totals: rows 38 and 56, columns 32, 17 and 45, grand total 94.
    // 3 is withheld; row 1 then withholds 15 (its next-smallest), column 2 withholds 14 and column 3 withholds 30.
    const table = protectTable({
      counts: [
        [20, 3, 15],
        [12, 14, 30],
      ],
      rowTotals: true,
      columnTotals: true,
    });
    expect(table.cells.map(shown)).toEqual([
      [20, null, null],
      [12, null, null],
    ]);
    expect(table.cells[0]?.[1]?.rule).toBe('threshold');
    expect(table.cells[1]?.[2]?.rule).toBe('complementary');
    expect(shown(table.rowTotals ?? [])).toEqual([38, 56]);
    expect(shown(table.columnTotals ?? [])).toEqual([32, 17, 45]);
    expect(table.grandTotal?.value).toBe(94);
  });

  test('a small column total is withheld too, and suppression spreads until no figure stands alone', () => {
    // Withheld for being small: the cell 4 and its column total 4. Row 1 then withholds 12 beside the 4; column 1
    // withholds the other 12; the column totals withhold 24 beside the 4; row 2 then has only its 12 withheld, and
    // of the zero and the total 12 the zero goes first. Row totals 16 and 12 and the grand total 28 stay published.
    const table = protectTable({
      counts: [
        [12, 4],
        [12, 0],
      ],
      rowTotals: true,
      columnTotals: true,
    });
    expect(table.cells.map(shown)).toEqual([
      [null, null],
      [null, null],
    ]);
    expect(shown(table.rowTotals ?? [])).toEqual([16, 12]);
    expect(shown(table.columnTotals ?? [])).toEqual([null, null]);
    expect(table.columnTotals?.[1]?.rule).toBe('threshold');
    expect(table.grandTotal?.value).toBe(28);
    expectNothingRecoverable(
      {
        counts: [
          [12, 4],
          [12, 0],
        ],
        rowTotals: true,
        columnTotals: true,
      },
      table,
    );
  });

  test('without totals only small counts are withheld', () => {
    const table = protectTable({ counts: [[3, 40, 0, 9]] });
    expect(table.cells.map(shown)).toEqual([[null, 40, 0, null]]);
    expect(table.rowTotals).toBeNull();
    expect(table.grandTotal).toBeNull();
  });

  test('reasons name rows and columns when they are labelled', () => {
    const table = protectTable({
      counts: [[25, 2]],
      rowTotals: true,
      rowLabels: ['Contract size'],
      columnLabels: ['Private', 'Voluntary'],
    });
    expect(table.cells[0]?.[0]?.reason).toBe(
      'Withheld so that a smaller figure (Contract size, Voluntary) cannot be worked out from the totals.',
    );
  });
});

describe('the exact check', () => {
  test('finds a cell that joins two blocks of withheld cells, though every row and column has two withheld', () => {
    // Withheld: a rectangle in rows 1–2 × columns 1–2, another in rows 3–4 × columns 3–4, and the cell row 2, column 3
    // joining them. Rows 1–2 minus columns 1–2 leaves (row 2, column 3) alone among the unknowns.
    const counts = Array.from({ length: 4 }, () => [20, 20, 20, 20]);
    const built = tableProblem({ counts, rowTotals: true, columnTotals: true });
    const withheld = new Set(
      [
        [0, 0],
        [0, 1],
        [1, 0],
        [1, 1],
        [2, 2],
        [2, 3],
        [3, 2],
        [3, 3],
        [1, 2],
      ].map(([r, c]) => built.cell(r as number, c as number)),
    );
    expect(recoverableFigures(built.problem, (i) => withheld.has(i))).toEqual([built.cell(1, 2)]);
    withheld.add(built.cell(0, 3));
    expect(recoverableFigures(built.problem, (i) => withheld.has(i))).toEqual([]);
  });

  test('withholds one more figure when every row and column has two withheld but a chain of totals still gives one away', () => {
    // Row by row and column by column, this leaves the 5 exposed: columns 1 and 2 add up to 210 − 196 = 14, and
    // hold only the 5, zeros and row 3's withheld pair (192 − 183 = 9), so the 5 is 14 − 9. The check withholds a
    // zero beside it (row 1, column 1), after which the 5 could be anything from 0 to 5.
    const counts = [
      [0, 0, 4],
      [5, 0, 9],
      [1, 8, 183],
    ];
    const table = protectTable({ counts, rowTotals: true, columnTotals: true });
    expect(table.cells.map(shown)).toEqual([
      [null, 0, null],
      [null, 0, null],
      [null, null, 183],
    ]);
    expect(table.cells[0]?.[0]).toMatchObject({
      rule: 'complementary',
      reason: 'Withheld so that a smaller figure cannot be worked out from the totals.',
    });
    expect(shown(table.rowTotals ?? [])).toEqual([null, null, 192]);
    expect(shown(table.columnTotals ?? [])).toEqual([null, null, 196]);
    expect(table.grandTotal?.value).toBe(210);
    expectNothingRecoverable({ counts, rowTotals: true, columnTotals: true }, table);
  });

  test('tables that share totals are protected together', () => {
    // Figures 0–2: interests 30 = submitted 27 + not submitted 3 (never shown). Figures 3–4: 30 = 12 + 18 by channel.
    const out = protectFigures({
      figures: [
        { value: 30, kind: 'total' },
        { value: 27, kind: 'cell' },
        { value: 3, kind: 'cell', hidden: true, label: 'interests without a submission' },
        { value: 12, kind: 'cell' },
        { value: 18, kind: 'cell' },
      ],
      relations: [
        { total: 0, parts: [1, 2] },
        { total: 0, parts: [3, 4] },
      ],
    });
    expect(shown(out)).toEqual([30, null, null, 12, 18]);
    expect(out[1]?.reason).toBe('Withheld so that a smaller figure (interests without a submission) cannot be worked out from the totals.');
  });
});

describe('the contributors rule', () => {
  test('fewer than 3 boroughs: nothing is published, and the reason says why', () => {
    expect(contributorsRule(2)).toEqual({
      published: false,
      reason:
        'Only 2 boroughs share findings so far. Findings are published once at least 3 boroughs contribute, so that no borough’s figures can be picked out.',
    });
    expect(contributorsRule(1).reason).toMatch(/^Only 1 borough shares findings so far\./);
    expect(contributorsRule(0).reason).toMatch(/^No borough shares findings yet\./);
    expect(contributorsRule(3)).toEqual({ published: true, reason: null });
    expect(contributorsRule(4, 5).published).toBe(false);
  });
});

describe('bad input is refused', () => {
  test('negative, fractional or ragged counts and a threshold below 1', () => {
    expect(() => protectList([1, -1])).toThrow(RangeError);
    expect(() => protectList([1.5])).toThrow(RangeError);
    expect(() => protectTable({ counts: [[1, 2], [3]] })).toThrow(RangeError);
    expect(() => protectTable({ counts: [] })).toThrow(RangeError);
    expect(() => protectList([1], { threshold: 0 })).toThrow(RangeError);
    expect(() =>
      protectFigures({
        figures: [
          { value: 3, kind: 'total' },
          { value: 2, kind: 'cell' },
        ],
        relations: [{ total: 0, parts: [1] }],
      }),
    ).toThrow(/parts add up to 2/);
  });
});

// ---- Properties over random tables ----

/** Many zeros and small counts, some large ones. */
const count = fc.oneof(
  { weight: 3, arbitrary: fc.constant(0) },
  { weight: 4, arbitrary: fc.integer({ min: 1, max: 12 }) },
  { weight: 3, arbitrary: fc.integer({ min: 10, max: 200 }) },
);

const countTable: fc.Arbitrary<CountTable> = fc
  .record({ rows: fc.integer({ min: 1, max: 6 }), columns: fc.integer({ min: 1, max: 13 }) })
  .chain(({ rows, columns }) =>
    fc.record({
      counts: fc.array(fc.array(count, { minLength: columns, maxLength: columns }), { minLength: rows, maxLength: rows }),
      rowTotals: fc.boolean(),
      columnTotals: fc.boolean(),
    }),
  );

const threshold = fc.oneof(fc.constant(undefined), fc.integer({ min: 1, max: 15 }));

/** Every figure of the table with its true value, and each relation (a total and its parts) as lists of positions. */
function entries(table: CountTable, out: ProtectedTable) {
  const sum = (v: number[]) => v.reduce((s, x) => s + x, 0);
  const columns = table.counts[0]?.length ?? 0;
  const column = (c: number) => table.counts.map((row) => row[c] as number);
  const all: { truth: number; cell: DisclosedCell }[] = [];
  out.cells.forEach((row, r) => row.forEach((cell, c) => all.push({ truth: table.counts[r]?.[c] as number, cell })));
  out.rowTotals?.forEach((cell, r) => all.push({ truth: sum([...(table.counts[r] ?? [])]), cell }));
  out.columnTotals?.forEach((cell, c) => all.push({ truth: sum(column(c)), cell }));
  if (out.grandTotal) all.push({ truth: sum(table.counts.flat()), cell: out.grandTotal });

  const lines: DisclosedCell[][] = [];
  if (out.rowTotals) out.cells.forEach((row, r) => lines.push([...row, out.rowTotals?.[r] as DisclosedCell]));
  if (out.columnTotals) {
    for (let c = 0; c < columns; c++)
      lines.push([...out.cells.map((row) => row[c] as DisclosedCell), out.columnTotals[c] as DisclosedCell]);
  }
  if (out.grandTotal && out.rowTotals && out.columnTotals)
    lines.push([...out.rowTotals, out.grandTotal], [...out.columnTotals, out.grandTotal]);
  return { all, lines };
}

/**
 * An independent check that no withheld figure can be worked out: each withheld figure is an edge between its row and
 * its column (totals sit in an extra row and column); rows and columns whose total is not published carry no equation
 * and are merged into one free vertex. A withheld figure is recoverable exactly when its edge is a bridge.
 */
function expectNothingRecoverable(table: CountTable, out: ProtectedTable): void {
  const rows = table.counts.length;
  const columns = table.counts[0]?.length ?? 0;
  const both = Boolean(table.rowTotals && table.columnTotals);
  const free = 'free';
  const rowVertex = (r: number | 'totals') => (r === 'totals' ? (both ? 'R*' : free) : table.rowTotals ? `R${r}` : free);
  const columnVertex = (c: number | 'totals') => (c === 'totals' ? (both ? 'C*' : free) : table.columnTotals ? `C${c}` : free);
  const edges: [string, string][] = [];
  out.cells.forEach((row, r) => row.forEach((cell, c) => cell.suppressed && edges.push([rowVertex(r), columnVertex(c)])));
  out.rowTotals?.forEach((cell, r) => cell.suppressed && edges.push([rowVertex(r), columnVertex('totals')]));
  out.columnTotals?.forEach((cell, c) => cell.suppressed && edges.push([rowVertex('totals'), columnVertex(c)]));
  if (out.grandTotal?.suppressed) edges.push([rowVertex('totals'), columnVertex('totals')]);

  edges.forEach(([from, to], skip) => {
    if (from === to) return;
    const seen = new Set([from]);
    const queue = [from];
    while (queue.length > 0) {
      const at = queue.pop() as string;
      edges.forEach(([a, b], i) => {
        if (i === skip) return;
        const next = a === at ? b : b === at ? a : null;
        if (next !== null && !seen.has(next)) {
          seen.add(next);
          queue.push(next);
        }
      });
    }
    if (!seen.has(to))
      throw new Error(`A withheld figure between ${from} and ${to} can be worked out (table ${JSON.stringify(table)}, ${rows}×${columns})`);
  });
}

describe('properties over random tables', () => {
  // One pass per table checks every invariant, so thousands of tables stay quick on a busy machine.
  test('no published count from 1 to k−1; published figures are the true counts and sums; every row and column with totals has none or at least two withheld; nothing withheld can be worked out; it finishes and is deterministic', () => {
    let withSecondary = 0;
    fc.assert(
      fc.property(countTable, threshold, (table, k) => {
        const started = Date.now();
        const out = protectTable(table, { threshold: k });
        expect(Date.now() - started).toBeLessThan(5000);
        const limit = k ?? DEFAULT_THRESHOLD;
        const { all, lines } = entries(table, out);
        for (const { truth, cell } of all) {
          const small = truth >= 1 && truth < limit;
          const ok = cell.suppressed
            ? cell.value === null && typeof cell.reason === 'string' && cell.rule === (small ? 'threshold' : 'complementary')
            : cell.value === truth && !small && cell.rule === null && cell.reason === null;
          if (!ok) throw new Error(`Figure ${truth} came out as ${JSON.stringify(cell)} with k = ${limit}`);
        }
        for (const line of lines) {
          const withheld = line.filter((c) => c.suppressed).length;
          if (withheld === 1) throw new Error(`A row or column has exactly one withheld figure: ${JSON.stringify(table)}`);
        }
        expectNothingRecoverable(table, out);
        if (all.some(({ cell }) => cell.rule === 'complementary')) withSecondary++;
        if (table.counts.flat().every((v) => v === 0 || v >= limit)) expect(all.every(({ cell }) => !cell.suppressed)).toBe(true);
        expect(protectTable(table, { threshold: k })).toEqual(out);
      }),
      { numRuns: 4000 },
    );
    // The random tables exercise secondary suppression often, not only the easy cases.
    expect(withSecondary).toBeGreaterThan(1000);
  });
});
