import { buildFindings, type FindingsCounts } from './findings';
import { findingsView } from './findings.view';
import { FINDINGS_SHEET_NAMES, findingsSheets } from './findings.workbook';

const counts: FindingsCounts = {
  boroughs: 3,
  exercises: 4,
  interests: { private: 18, public: 12, voluntary: 12, social_enterprise: 3 },
  submitted: { private: 12, public: 12, voluntary: 6, social_enterprise: 1 },
  barriers: { timescales: { private: 12, public: 12 }, contract_size: { voluntary: 6, social_enterprise: 1 } },
  heardVia: {
    contracts_finder: { private: 18 },
    council_website: { public: 12 },
    cvs_network: { voluntary: 12 },
    word_of_mouth: { social_enterprise: 3 },
  },
  quarters: [{ quarter: '2027-Q1', interests: 45, thirdSector: 15 }],
};

/** Rows that hold counts of organisations (not of exercises or boroughs). */
const figureCells = (report: ReturnType<typeof buildFindings>) =>
  findingsSheets(report)
    .filter((sheet) => sheet.name !== 'About')
    .flatMap((sheet) => sheet.rows.filter((r) => !/contributing$/.test(String(r.cells[0]))).flatMap((r) => r.cells.slice(1)));

test('the sheets come in order, Summary first with one row per sector', () => {
  const sheets = findingsSheets(buildFindings(counts));
  expect(sheets.map((s) => s.name)).toEqual([...FINDINGS_SHEET_NAMES]);
  expect(sheets[0]!.rows.slice(0, 4).map((r) => r.cells[0])).toEqual([
    'Private sector',
    'Public sector',
    'Voluntary and community sector',
    'Social enterprise (CICs, community benefit societies, co-operatives, mutuals)',
  ]);
});

test('no count from 1 to 9 appears in the workbook or on the page: withheld figures are words', () => {
  const report = buildFindings(counts);
  const cells = figureCells(report);
  expect(cells).toContain('fewer than 10');
  expect(cells).toContain('withheld');
  for (const cell of cells) if (typeof cell === 'number' && Number.isInteger(cell)) expect(cell === 0 || cell >= 10).toBe(true);
  const view = findingsView(report);
  const shown = [...view.summary.flatMap((r) => [r.interests, r.submitted]), ...view.barriers.flatMap((b) => b.cells)];
  for (const f of shown) expect(f.withheld ? ['fewer than 10', 'withheld'] : [f.text]).toContain(f.text);
  for (const f of shown.filter((x) => !x.withheld)) expect(Number(f.text) === 0 || Number(f.text) >= 10).toBe(true);
  // The chart never draws a withheld figure.
  for (const bar of view.chart.bars)
    for (const b of [bar.interests, bar.submitted]) if (/fewer|withheld/.test(b.text)) expect(b.width).toBe(0);
});

test('with fewer than 3 boroughs every figure reads "withheld" and the reason is on Summary and About', () => {
  const report = buildFindings({ ...counts, boroughs: 2 });
  expect(figureCells(report).filter((c) => typeof c === 'number')).toEqual([]);
  const [summary, , , , about] = findingsSheets(report);
  expect(summary!.rows.at(-1)!.cells[0]).toBe(report.reason);
  expect(about!.rows.map((r) => r.cells[0])).toContain(report.reason);
});
