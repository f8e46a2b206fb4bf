/** The question types a questionnaire may use (SPEC capability 3). */
export const QUESTION_TYPES = ['text', 'textarea', 'single', 'multi', 'yesno', 'scale', 'number', 'date', 'file'] as const;
export type QuestionType = (typeof QUESTION_TYPES)[number];

/** The barrier bank's stable codes, in the SPEC's order. */
export const BARRIER_CODES = [
  'contract_size',
  'tupe_pensions',
  'payment_terms',
  'insurance_levels',
  'financial_thresholds',
  'bid_writing_capacity',
  'timescales',
  'track_record',
  'consortium_complexity',
  'premises_assets',
  'it_systems',
  'other',
] as const;
export type BarrierCode = (typeof BARRIER_CODES)[number];
