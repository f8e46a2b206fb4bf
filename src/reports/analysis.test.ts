import { LIBRARY_SMT_V1, type Answers } from '../questionnaires';
import { SECTORS, type Sector } from '../suppliers';
import { analyse, displayAnswers, weakResponseRules, type AnalysisContext, type AnalysisInterest, type AnalysisResponse } from './analysis';

const exercise = {
  id: 't1',
  status: 'published',
  lots: [
    { id: 'lot-1', title: 'Branch libraries', estimatedAnnualValue: 450_000 },
    { id: 'lot-2', title: 'Home library service', estimatedAnnualValue: 60_000 },
  ],
  thirdSectorTarget: 0.3,
  eoiDeadline: new Date('2027-02-15T12:00:00Z'),
};
const ctx = (now = '2027-03-10T09:00:00Z'): AnalysisContext => ({ exercise, definition: LIBRARY_SMT_V1, now: new Date(now) });

const capacity: Record<Sector, number> = { private: 1_000_000, public: 500_000, voluntary: 100_000, social_enterprise: 50_000 };
const barriers: Record<Sector, string[]> = {
  private: ['timescales'],
  public: ['tupe_pensions', 'timescales'],
  voluntary: ['contract_size', 'bid_writing_capacity'],
  social_enterprise: ['contract_size'],
};

/** The bulletin's borough: 30 interests (14, 10, 4, 2), 12 started (5, 4, 2, 1), 10 submitted (5, 4, 1, 0). */
function bulletin(): { interests: AnalysisInterest[]; responses: AnalysisResponse[] } {
  const plan: Record<Sector, [number, number, number]> = {
    private: [14, 5, 5],
    public: [10, 4, 4],
    voluntary: [4, 2, 1],
    social_enterprise: [2, 1, 0],
  };
  const interests: AnalysisInterest[] = [];
  const responses: AnalysisResponse[] = [];
  for (const sector of SECTORS) {
    const [interested, started, submitted] = plan[sector];
    for (let i = 0; i < interested; i += 1) {
      const organisationId = `${sector}-${i}`;
      interests.push({
        organisationId,
        sector,
        status: 'active',
        lotIds: sector === 'voluntary' || sector === 'social_enterprise' ? ['lot-2'] : ['lot-1', 'lot-2'],
        heardVia: sector === 'voluntary' ? 'cvs_network' : 'contracts_finder',
        sectorWarnings: sector === 'private' && i === 0 ? 1 : 0,
      });
      if (i < started) {
        const answers: Answers = {
          likelihood_to_bid: sector === 'private' ? 5 : 2,
          largest_contract_value: capacity[sector],
          barriers: barriers[sector],
          relevant_experience: 'secret text',
          start_within_12_months: i % 2 === 0,
        };
        responses.push({
          organisationId,
          status: i < submitted ? 'submitted' : 'draft',
          submittedAnswers: i < submitted ? answers : null,
          recorded: sector === 'public' && i === 0,
        });
      }
    }
  }
  // A withdrawn interest and a response of an organisation that is not interested count nowhere.
  interests.push({ organisationId: 'gone', sector: 'voluntary', status: 'withdrawn', lotIds: [], heardVia: 'event', sectorWarnings: 0 });
  responses.push({ organisationId: 'gone', status: 'submitted', submittedAnswers: { barriers: ['other'] }, recorded: false });
  return { interests, responses };
}

describe('sector analysis', () => {
  const { interests, responses } = bulletin();
  const a = analyse(ctx(), interests, responses);

  test('counts by sector, with conversions and shares', () => {
    expect(a.sectors.map((s) => [s.sector, s.interests, s.started, s.submitted])).toEqual([
      ['private', 14, 5, 5],
      ['public', 10, 4, 4],
      ['voluntary', 4, 2, 1],
      ['social_enterprise', 2, 1, 0],
    ]);
    expect(a.sectors[0]!.conversion).toBeCloseTo(5 / 14);
    expect(a.sectors[3]!.conversion).toBe(0);
    expect(a.sectors[2]!.shareOfSubmissions).toBeCloseTo(0.1);
    expect(a.thirdSector).toEqual({
      interests: 6,
      started: 3,
      submitted: 1,
      conversion: 1 / 6,
      shareOfInterests: 0.2,
      shareOfSubmissions: 0.1,
    });
    expect(a.otherSectors).toEqual({
      interests: 24,
      started: 9,
      submitted: 9,
      conversion: 9 / 24,
      shareOfInterests: 0.8,
      shareOfSubmissions: 0.9,
    });
  });

  test('share and conversion gap fire, volume does not', () => {
    expect(a.weakThirdSectorResponse).toBe(true);
    const [share, gap, volume] = a.rules;
    expect(share).toEqual({ id: 'share', fired: true, value: 0.2, threshold: 0.3 });
    expect(gap!.id).toBe('conversion_gap');
    expect(gap!.fired).toBe(true);
    expect(gap!.value).toBeCloseTo(9 / 24 - 1 / 6);
    expect(volume).toEqual({ id: 'volume', fired: false, value: 6, threshold: 3 });
  });

  test('barriers are ranked by the gap between third-sector and other respondents', () => {
    expect(a.barriers.map((b) => b.code).slice(0, 3)).toEqual(['contract_size', 'bid_writing_capacity', 'payment_terms']);
    expect(a.barriers[0]).toMatchObject({ bySector: { private: 0, public: 0, voluntary: 1, social_enterprise: 0 }, gap: 1 });
    const timescales = a.barriers.find((b) => b.code === 'timescales')!;
    expect(timescales.bySector).toEqual({ private: 5, public: 4, voluntary: 0, social_enterprise: 0 });
    expect(timescales.gap).toBe(-1);
    expect(a.barriers.at(-1)!.code).toBe('timescales');
    expect(a.barriers.find((b) => b.code === 'other')!.bySector.voluntary).toBe(0);
  });

  test('cross-tabs: choices with shares, numbers with mean and median, text only counted', () => {
    const scale = a.questions.find((q) => q.key === 'likelihood_to_bid')!;
    expect(scale).toMatchObject({
      type: 'scale',
      bySector: { private: { n: 5, mean: 5, median: 5 }, social_enterprise: { n: 0, mean: null } },
    });
    const yesno = a.questions.find((q) => q.key === 'start_within_12_months');
    if (yesno?.type !== 'yesno') throw new Error('yes/no cross-tab expected');
    expect(yesno.respondents.private).toBe(5);
    expect(yesno.options[0]).toMatchObject({
      value: 'true',
      bySector: { private: 3 },
      shareBySector: { private: 0.6, social_enterprise: null },
    });
    const text = a.questions.find((q) => q.key === 'relevant_experience')!;
    expect(text).toEqual({
      key: 'relevant_experience',
      label: expect.any(String),
      type: 'textarea',
      answered: { private: 5, public: 4, voluntary: 1, social_enterprise: 0 },
    });
    expect(JSON.stringify(a)).not.toContain('secret text');
  });

  test('lots, lot design, outreach, warnings and recorded responses', () => {
    expect(a.lots[0]).toMatchObject({
      lotId: 'lot-1',
      interests: { private: 14, public: 10, voluntary: 0 },
      couldTakeOn: { private: 5, public: 4, voluntary: 0 },
    });
    expect(a.lots[1]).toMatchObject({
      interests: { voluntary: 4, social_enterprise: 2 },
      couldTakeOn: { voluntary: 1, social_enterprise: 0 },
    });
    expect(a.capacityQuestion?.key).toBe('largest_contract_value');
    expect(a.outreach.find((o) => o.heardVia === 'cvs_network')!.bySector.voluntary).toBe(4);
    expect(a.outreach.find((o) => o.heardVia === 'event')!.bySector.voluntary).toBe(0);
    expect(a.sectorCheckWarnings).toBe(1);
    expect(a.recordedResponses).toBe(1);
    expect(a.earlyWarning).toBeNull();
  });

  test('an early warning with the days left while interests are open', () => {
    const open = analyse(ctx('2027-02-03T12:00:00Z'), interests, responses);
    expect(open.earlyWarning).toEqual({
      message: '6 of 30 interests are from the third sector; 12 days left',
      daysLeft: 12,
      actions: expect.arrayContaining([expect.stringContaining('CVS')]),
    });
  });
});

describe('weak-response rules at the edges', () => {
  const counts = (interests: number, submitted: number, total: number) => ({
    interests,
    started: submitted,
    submitted,
    conversion: interests ? submitted / interests : null,
    shareOfInterests: total ? interests / total : null,
    shareOfSubmissions: null,
  });

  test('no interests at all: share and gap cannot be measured, volume fires', () => {
    const rules = weakResponseRules(counts(0, 0, 0), counts(0, 0, 0), null);
    expect(rules).toEqual([
      { id: 'share', fired: false, value: null, threshold: 0.25 },
      { id: 'conversion_gap', fired: false, value: null, threshold: 0.15 },
      { id: 'volume', fired: true, value: 0, threshold: 3 },
    ]);
  });

  test('a gap of exactly 0.15 fires; the exercise target replaces the default share', () => {
    const rules = weakResponseRules(counts(20, 7, 40), counts(20, 10, 40), 0.5);
    expect(rules[0]).toEqual({ id: 'share', fired: false, value: 0.5, threshold: 0.5 });
    expect(rules[1]!.fired).toBe(true);
  });
});

test('answers shown as text for the workbook', () => {
  const questions = LIBRARY_SMT_V1.sections.flatMap((s) => s.questions);
  const shown = displayAnswers(questions, {
    barriers: ['contract_size', 'timescales'],
    volunteers: true,
    preferred_contract_length: 'up_to_3_years',
    capability_statement: '65a1b2c3d4e5f6a7b8c9d0e1',
    staff_available: 4,
  });
  expect(shown.barriers).toBe('The contract is too big for us; Not enough time to prepare a bid');
  expect(shown.volunteers).toBe('Yes');
  expect(shown.preferred_contract_length).toBe('Up to 3 years');
  expect(shown.capability_statement).toBe('File attached');
  expect(shown.staff_available).toBe(4);
  expect(shown.relevant_experience).toBeNull();
  expect(Object.keys(shown)).toEqual(questions.map((q) => q.key));
});
