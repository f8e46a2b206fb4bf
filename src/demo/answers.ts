import type { Answers, QuestionnaireDefinition } from '../questionnaires';

const BARRIERS_BY_SECTOR: Record<string, string[][]> = {
  private: [['payment_terms', 'tupe_pensions'], ['tupe_pensions'], ['premises_assets', 'it_systems']],
  public: [['timescales'], ['it_systems', 'timescales'], []],
  voluntary: [
    ['bid_writing_capacity', 'contract_size', 'insurance_levels'],
    ['contract_size', 'tupe_pensions', 'financial_thresholds'],
    ['bid_writing_capacity', 'timescales', 'track_record'],
  ],
  social_enterprise: [
    ['financial_thresholds', 'contract_size'],
    ['consortium_complexity', 'payment_terms'],
    ['tupe_pensions', 'insurance_levels'],
  ],
};

/** The options of the question about parts of the service, as fitted to the exercise's lots. */
export function lotChoices(definition: QuestionnaireDefinition): string[] {
  const question = definition.sections.flatMap((s) => s.questions).find((q) => q.key === 'lots_of_interest');
  return question?.options.map((o) => o.value) ?? [];
}

/** Plausible answers to the library-smt-v1 questionnaire for a demo organisation: small ones pick the last lot, large ones the whole service. */
export function demoAnswers(sector: string, size: string, i: number, lots: string[]): Answers {
  const small = size === 'micro' || size === 'small';
  const whole = lots.includes('whole_service') ? 'whole_service' : lots[0];
  const part = lots.filter((l) => l !== 'whole_service').at(-1) ?? lots[0];
  const barriers = BARRIERS_BY_SECTOR[sector]?.[i % 3] ?? [];
  return {
    relevant_experience: small
      ? 'We run reading groups and activities with volunteers in local libraries and community centres.'
      : 'We manage library and cultural services for several councils, with trained staff and our own systems.',
    staff_available: { micro: 3, small: 12, medium: 60, large: 250 }[size] ?? 5,
    volunteers: sector === 'voluntary' || sector === 'social_enterprise',
    lots_of_interest: [small ? part : whole].filter((l): l is string => Boolean(l)),
    likelihood_to_bid: small ? 2 + (i % 2) : 4 + (i % 2),
    start_within_12_months: !small,
    preferred_contract_length: small ? '3_to_5_years' : '5_to_10_years',
    largest_contract_value: { micro: 40000, small: 250000, medium: 2000000, large: 12000000 }[size] ?? 100000,
    tupe_experience: !small,
    ...(small ? {} : { pensions_approach: 'We joined the local government pension scheme as an admitted body.' }),
    barriers,
    what_would_help: barriers.includes('contract_size')
      ? 'Smaller lots, or a lot for community-managed libraries.'
      : barriers.includes('bid_writing_capacity')
        ? 'A bidder-support session and more time to write a bid.'
        : 'Earlier information about staff and buildings.',
    open_to_partnering: sector !== 'private' || i % 2 === 0,
    attend_event: true,
  };
}
