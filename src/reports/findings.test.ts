import fc from 'fast-check';
import { BARRIER_CODES } from '../questionnaires';
import { HEARD_VIA, SECTORS, type HeardVia, type Sector } from '../suppliers';
import type { DisclosedCell } from './disclosure';
import { buildFindings, emptyFindingsCounts, findingsJson, withheldText, type FindingsCounts, type FindingsReport } from './findings';

/** Four sectors of comfortable size: nothing small, so nothing is withheld. */
function largeCounts(): FindingsCounts {
  return {
    boroughs: 4,
    exercises: 6,
    interests: { private: 40, public: 20, voluntary: 30, social_enterprise: 10 },
    submitted: { private: 20, public: 10, voluntary: 15, social_enterprise: 10 },
    barriers: { contract_size: { private: 10, voluntary: 20, social_enterprise: 10 }, tupe_pensions: { voluntary: 12 } },
    heardVia: {
      council_website: { private: 40, public: 20 },
      cvs_network: { voluntary: 30, social_enterprise: 10 },
    },
    quarters: [
      { quarter: '2027-Q2', interests: 40, thirdSector: 20 },
      { quarter: '2027-Q1', interests: 60, thirdSector: 20 },
    ],
  };
}

const values = (cells: Record<Sector, DisclosedCell>) => SECTORS.map((s) => cells[s].value);

test('with 3 or more boroughs and no small counts, every figure is published as counted, with conversion and shares', () => {
  const report = buildFindings(largeCounts());
  expect(report).toMatchObject({ threshold: 10, boroughs: 4, exercises: 6, published: true, reason: null });
  expect(report.sectors.map((s) => [s.sector, s.interests.value, s.submitted.value])).toEqual([
    ['private', 40, 20],
    ['public', 20, 10],
    ['voluntary', 30, 15],
    ['social_enterprise', 10, 10],
  ]);
  expect(report.barriers.map((b) => b.code)).toEqual([...BARRIER_CODES]);
  expect(values(report.barriers[0]!.bySector)).toEqual([10, 0, 20, 10]);
  expect(report.totals).toMatchObject({ interests: { value: 100 }, submitted: { value: 55 }, thirdSectorInterests: { value: 40 } });
  expect(report.conversion).toEqual({ overall: 0.55, bySector: { private: 0.5, public: 0.5, voluntary: 0.5, social_enterprise: 1 } });
  expect(report.thirdSectorShare).toBe(0.4);
  expect(report.heardVia.map((h) => h.code)).toEqual([...HEARD_VIA]);
  expect(values(report.heardVia.find((h) => h.code === 'cvs_network')!.bySector)).toEqual([0, 0, 30, 10]);
  expect(report.heardVia.find((h) => h.code === 'cvs_network')!.total.value).toBe(40);
  expect(report.quarters.map((q) => [q.quarter, q.interests.value, q.thirdSector.value, q.thirdSectorShare])).toEqual([
    ['2027-Q1', 60, 20, 1 / 3],
    ['2027-Q2', 40, 20, 0.5],
  ]);
});

test('the JSON is the contract: Cells hold only value and suppressed', () => {
  const json = findingsJson(buildFindings(largeCounts()));
  expect(Object.keys(json)).toEqual(
    expect.arrayContaining(['threshold', 'boroughs', 'exercises', 'published', 'reason', 'sectors', 'barriers']),
  );
  expect(json.sectors[0]).toEqual({
    sector: 'private',
    interests: { value: 40, suppressed: false },
    submitted: { value: 20, suppressed: false },
  });
  expect(json.barriers[0]).toEqual({
    code: 'contract_size',
    bySector: {
      private: { value: 10, suppressed: false },
      public: { value: 0, suppressed: false },
      voluntary: { value: 20, suppressed: false },
      social_enterprise: { value: 10, suppressed: false },
    },
  });
  const cells = JSON.stringify(json).match(/\{"value":[^}]*\}/g) ?? [];
  expect(cells.length).toBeGreaterThan(80);
  for (const cell of cells) expect(Object.keys(JSON.parse(cell))).toEqual(['value', 'suppressed']);
});

test('fewer than 3 boroughs: nothing is published, every figure is withheld and the reason is given', () => {
  const report = buildFindings({ ...largeCounts(), boroughs: 2 });
  const reason =
    'Only 2 boroughs share findings so far. Findings are published once at least 3 boroughs contribute, so that no borough’s figures can be picked out.';
  expect(report).toMatchObject({ published: false, reason, boroughs: 2, exercises: 6, threshold: 10 });
  const json = findingsJson(report);
  const cells = JSON.stringify(json).match(/\{"value":[^}]*\}/g) ?? [];
  expect(cells.length).toBeGreaterThan(80);
  expect(new Set(cells)).toEqual(new Set(['{"value":null,"suppressed":true}']));
  expect(json.conversion).toEqual({ overall: null, bySector: { private: null, public: null, voluntary: null, social_enterprise: null } });
  expect(json.thirdSectorShare).toBeNull();
  // Not even the names of the quarters: they would say that interests exist in them.
  expect(json.quarters).toEqual([]);
  expect(report.sectors[0]?.interests).toEqual({ value: null, suppressed: true, rule: 'contributors', reason });
  expect(buildFindings({ ...largeCounts(), boroughs: 3 }).published).toBe(true);
  expect(buildFindings({ ...largeCounts(), boroughs: 3 }, { minimumBoroughs: 4 }).published).toBe(false);
});

test('no contributing exercise at all: nothing is published', () => {
  const report = buildFindings(emptyFindingsCounts());
  expect(report).toMatchObject({ published: false, boroughs: 0, exercises: 0 });
  expect(report.reason).toMatch(/^No borough shares findings yet\./);
});

test('a small barrier count reads "fewer than 10"; barriers have no published totals, so nothing else goes with it', () => {
  const counts = largeCounts();
  counts.barriers = { contract_size: { private: 10, voluntary: 3 } };
  const report = buildFindings(counts);
  const small = report.barriers[0]!.bySector.voluntary;
  expect(small).toMatchObject({ value: null, suppressed: true, rule: 'threshold' });
  expect(withheldText(small, report.threshold)).toBe('fewer than 10');
  // Barriers have no published totals (a response may name several), so nothing else is withheld for them.
  expect(values(report.barriers[0]!.bySector)).toEqual([10, 0, null, 0]);
});

test('interests minus submissions must not give a small number away: 12 interests and 11 submitted withholds the 11', () => {
  const counts = largeCounts();
  counts.interests = { ...counts.interests, voluntary: 32 };
  counts.submitted = { ...counts.submitted, voluntary: 31 };
  counts.heardVia = { ...counts.heardVia, cvs_network: { voluntary: 32, social_enterprise: 10 } };
  counts.quarters = [
    { quarter: '2027-Q1', interests: 62, thirdSector: 22 },
    { quarter: '2027-Q2', interests: 40, thirdSector: 20 },
  ];
  const report = buildFindings(counts);
  const voluntary = report.sectors.find((s) => s.sector === 'voluntary')!;
  expect(voluntary.interests.value).toBe(32);
  expect(voluntary.submitted).toMatchObject({ value: null, suppressed: true, rule: 'complementary' });
  expect(voluntary.submitted.reason).toBe(
    'Withheld so that a smaller figure (Voluntary and community sector: expressions of interest without a submission) cannot be worked out from the totals.',
  );
  expect(withheldText(voluntary.submitted, 10)).toBe('withheld');
  expect(report.conversion.bySector.voluntary).toBeNull();
  // The all-sector submissions would give the voluntary figure away, so a second figure goes with it.
  const submitted = [...report.sectors.map((s) => s.submitted), report.totals.submitted];
  expect(submitted.filter((c) => c.suppressed).length).toBeGreaterThanOrEqual(2);
  expect(report.conversion.overall === null).toBe(report.totals.submitted.suppressed);
});

test('a small sector is withheld everywhere it appears: interests, how they heard, and the third-sector total or a neighbour', () => {
  const counts = largeCounts();
  counts.interests = { ...counts.interests, social_enterprise: 6 };
  counts.submitted = { ...counts.submitted, social_enterprise: 2 };
  counts.heardVia = { ...counts.heardVia, cvs_network: { voluntary: 30, social_enterprise: 6 } };
  counts.quarters = [
    { quarter: '2027-Q1', interests: 60, thirdSector: 20 },
    { quarter: '2027-Q2', interests: 36, thirdSector: 16 },
  ];
  const report = buildFindings(counts);
  const se = report.sectors.find((s) => s.sector === 'social_enterprise')!;
  expect(se.interests).toMatchObject({
    suppressed: true,
    rule: 'threshold',
    reason: 'Fewer than 10: withheld so that no organisation can be picked out.',
  });
  expect(se.submitted).toMatchObject({ suppressed: true, rule: 'threshold' });
  expect(report.heardVia.find((h) => h.code === 'cvs_network')!.bySector.social_enterprise.suppressed).toBe(true);
  // Third-sector interests minus voluntary interests would be the social enterprises' 6.
  expect(report.totals.thirdSectorInterests.suppressed || report.sectors[2]!.interests.suppressed).toBe(true);
  expect(report.thirdSectorShare === null).toBe(report.totals.thirdSectorInterests.suppressed || report.totals.interests.suppressed);
  expectInvariants(counts, report);
});

test('the threshold is a parameter', () => {
  const counts = largeCounts();
  counts.barriers = { contract_size: { private: 5, voluntary: 4 } };
  const report = buildFindings(counts, { threshold: 5 });
  expect(report.threshold).toBe(5);
  expect(values(report.barriers[0]!.bySector)).toEqual([5, 0, null, 0]);
  expect(withheldText(report.barriers[0]!.bySector.voluntary, 5)).toBe('fewer than 5');
});

test('counts that do not add up are refused, so a miscount never reaches a release', () => {
  const heard = largeCounts();
  heard.heardVia = { council_website: { private: 39, public: 20 }, cvs_network: { voluntary: 30, social_enterprise: 10 } };
  expect(() => buildFindings(heard)).toThrow('Private sector: how organisations heard adds up to 39, not 40 interests');
  const quarters = largeCounts();
  quarters.quarters = [{ quarter: '2027-Q1', interests: 100, thirdSector: 39 }];
  expect(() => buildFindings(quarters)).toThrow('The quarters add up to 100 interests (39 third-sector), not 100 (40)');
  const submitted = largeCounts();
  submitted.submitted = { ...submitted.submitted, public: 21 };
  expect(() => buildFindings(submitted)).toThrow('Public sector: 21 submitted but only 20 interests');
});

// ---- Properties over random markets ----

interface Interest {
  sector: Sector;
  heardVia: HeardVia;
  quarter: string;
  submitted: boolean;
}

/** Many small groups, so that suppression happens often. */
const interest: fc.Arbitrary<Interest> = fc.record({
  sector: fc.constantFrom(...SECTORS),
  heardVia: fc.constantFrom(...HEARD_VIA.slice(0, 4)),
  quarter: fc.constantFrom('2026-Q4', '2027-Q1', '2027-Q2'),
  submitted: fc.boolean(),
});

function aggregate(interests: Interest[], barrierMentions: [number, Sector][], boroughs: number): FindingsCounts {
  const counts = emptyFindingsCounts();
  const bump = <K extends string>(record: Partial<Record<K, number>>, key: K) => (record[key] = (record[key] ?? 0) + 1);
  const quarters = new Map<string, { quarter: string; interests: number; thirdSector: number }>();
  for (const i of interests) {
    bump(counts.interests, i.sector);
    if (i.submitted) bump(counts.submitted, i.sector);
    bump((counts.heardVia[i.heardVia] ??= {}), i.sector);
    const q = quarters.get(i.quarter) ?? { quarter: i.quarter, interests: 0, thirdSector: 0 };
    q.interests++;
    if (i.sector === 'voluntary' || i.sector === 'social_enterprise') q.thirdSector++;
    quarters.set(i.quarter, q);
  }
  for (const [b, sector] of barrierMentions) bump((counts.barriers[BARRIER_CODES[b % BARRIER_CODES.length]!] ??= {}), sector);
  return { ...counts, boroughs, exercises: boroughs + 1, quarters: [...quarters.values()] };
}

/** Checks, from the report alone, that no small count is shown and that no shown total leaves a single figure withheld. */
function expectInvariants(counts: FindingsCounts, report: FindingsReport, k = 10): void {
  const small = (v: number) => v >= 1 && v < k;
  const fail = (what: string) => {
    throw new Error(`${what}: ${JSON.stringify(counts)}`);
  };
  const check = (cell: DisclosedCell, truth: number, what: string) => {
    if (cell.suppressed ? cell.value !== null || !cell.reason : cell.value !== truth || small(truth))
      fail(`${what} shows ${cell.value} for ${truth}`);
  };
  const alone = (cells: DisclosedCell[], what: string) =>
    cells.filter((c) => c.suppressed).length === 1 && fail(`${what} has one withheld`);
  const difference = (whole: DisclosedCell, part: DisclosedCell, what: string) =>
    whole.value !== null && part.value !== null && small(whole.value - part.value) && fail(`${what} gives a small difference away`);

  const s = (sector: Sector) => report.sectors.find((x) => x.sector === sector)!;
  const sum = (v: number[]) => v.reduce((a, b) => a + b, 0);
  for (const sector of SECTORS) {
    check(s(sector).interests, counts.interests[sector] ?? 0, `${sector} interests`);
    check(s(sector).submitted, counts.submitted[sector] ?? 0, `${sector} submitted`);
    difference(s(sector).interests, s(sector).submitted, `${sector} interests minus submitted`);
    alone([s(sector).interests, ...report.heardVia.map((h) => h.bySector[sector])], `${sector} heard via`);
    const conversion = report.conversion.bySector[sector];
    const both = s(sector).interests.value && s(sector).submitted.value !== null;
    if ((conversion !== null) !== Boolean(both)) fail(`${sector} conversion shown ${conversion}`);
  }
  check(report.totals.interests, sum(SECTORS.map((x) => counts.interests[x] ?? 0)), 'all interests');
  check(report.totals.submitted, sum(SECTORS.map((x) => counts.submitted[x] ?? 0)), 'all submitted');
  difference(report.totals.interests, report.totals.submitted, 'all interests minus submitted');
  alone([report.totals.interests, ...report.sectors.map((x) => x.interests)], 'interests by sector');
  alone([report.totals.submitted, ...report.sectors.map((x) => x.submitted)], 'submitted by sector');
  alone([report.totals.interests, ...report.heardVia.map((h) => h.total)], 'heard via totals');
  alone([report.totals.thirdSectorInterests, s('voluntary').interests, s('social_enterprise').interests], 'third sector');
  alone([report.totals.thirdSectorInterests, ...report.quarters.map((q) => q.thirdSector)], 'third sector by quarter');
  alone([report.totals.interests, ...report.quarters.map((q) => q.interests)], 'interests by quarter');
  difference(report.totals.interests, report.totals.thirdSectorInterests, 'other sectors');
  for (const h of report.heardVia) {
    SECTORS.forEach((x) => check(h.bySector[x], counts.heardVia[h.code]?.[x] ?? 0, `${h.code} ${x}`));
    alone([h.total, ...SECTORS.map((x) => h.bySector[x])], h.code);
  }
  for (const q of report.quarters) {
    const truth = counts.quarters.find((x) => x.quarter === q.quarter)!;
    check(q.interests, truth.interests, `${q.quarter} interests`);
    check(q.thirdSector, truth.thirdSector, `${q.quarter} third sector`);
    difference(q.interests, q.thirdSector, `${q.quarter} other sectors`);
    if ((q.thirdSectorShare !== null) !== Boolean(q.interests.value && q.thirdSector.value !== null)) fail(`${q.quarter} share`);
  }
  for (const b of report.barriers) SECTORS.forEach((x) => check(b.bySector[x], counts.barriers[b.code]?.[x] ?? 0, `${b.code} ${x}`));
}

test('over random markets, no small count is shown, nothing withheld stands alone beside a shown total, and ratios need both counts', () => {
  fc.assert(
    fc.property(
      fc.array(interest, { maxLength: 160 }),
      fc.array(fc.tuple(fc.nat(), fc.constantFrom(...SECTORS)), { maxLength: 60 }),
      fc.integer({ min: 3, max: 8 }),
      (interests, mentions, boroughs) => {
        const counts = aggregate(interests, mentions, boroughs);
        const report = buildFindings(counts);
        expect(report.published).toBe(true);
        expectInvariants(counts, report);
      },
    ),
    { numRuns: 300 },
  );
});

test('the checker itself catches a shown small count and a lone withheld figure', () => {
  const counts = largeCounts();
  counts.barriers = { contract_size: { voluntary: 3 } };
  const leaky = buildFindings(counts);
  leaky.barriers[0]!.bySector.voluntary = { value: 3, suppressed: false, rule: null, reason: null };
  expect(() => expectInvariants(counts, leaky)).toThrow('contract_size voluntary shows 3 for 3');
  const lone = buildFindings(largeCounts());
  lone.sectors[0]!.interests = { value: null, suppressed: true, rule: 'threshold', reason: 'test' };
  expect(() => expectInvariants(largeCounts(), lone)).toThrow(/has one withheld/);
});
