import { q } from '../../test/helpers/questions';
import { BARRIERS } from './barriers';
import { BARRIER_CODES, QUESTION_TYPES } from './constants';
import { allQuestions, answerCheck, visibleQuestions } from './answer-rules';
import { questionnaireInputSchema } from './questionnaire.schema';
import { LIBRARY_SMT_V1, MINUTES_PER_QUESTION, TEMPLATE_NAMES, TEMPLATES, coreKeys, estimatedMinutes } from './template';
import type { Question, QuestionnaireDefinition } from './types';

const questions = allQuestions(LIBRARY_SMT_V1);
const byKey = (key: string): Question => {
  const found = questions.find((item) => item.key === key);
  if (!found) throw new Error(`no question ${key}`);
  return found;
};

describe('the barrier bank', () => {
  test('has every SPEC code, in order, each with a label and a remedy', () => {
    expect(Object.keys(BARRIERS)).toEqual([...BARRIER_CODES]);
    for (const code of BARRIER_CODES) {
      expect(BARRIERS[code].label.trim().length).toBeGreaterThan(0);
      expect(BARRIERS[code].remedy.trim().length).toBeGreaterThan(10);
    }
  });

  test('labels are all different and fit an option label', () => {
    const labels = BARRIER_CODES.map((code) => BARRIERS[code].label);
    expect(new Set(labels).size).toBe(labels.length);
    for (const label of labels) expect(label.length).toBeLessThanOrEqual(200);
  });

  test("uses the SPEC's examples word for word", () => {
    expect(BARRIERS.contract_size.remedy).toBe('consider smaller lots or a lot for community-managed libraries');
    expect(BARRIERS.bid_writing_capacity.remedy).toBe('run a bidder-support session with the local CVS');
  });

  test('remedies are concrete', () => {
    expect(BARRIERS.tupe_pensions.remedy).toMatch(/admitted-body status/);
    expect(BARRIERS.tupe_pensions.remedy).toMatch(/pension bond/);
    expect(BARRIERS.payment_terms.remedy).toMatch(/monthly in advance/);
    expect(BARRIERS.payment_terms.remedy).toMatch(/14 days/);
    expect(BARRIERS.insurance_levels.remedy).toMatch(/£10 million/);
    expect(BARRIERS.financial_thresholds.remedy).toMatch(/guarantees/);
    expect(BARRIERS.timescales.remedy).toMatch(/at least 6 weeks/);
    expect(BARRIERS.track_record.remedy).toMatch(/volunteer-run/);
    expect(BARRIERS.consortium_complexity.remedy).toMatch(/partner finder/);
    expect(BARRIERS.premises_assets.remedy).toMatch(/building repairs/);
    expect(BARRIERS.it_systems.remedy).toMatch(/library management system/);
    expect(BARRIERS.other.remedy).toMatch(/what would help/);
  });
});

describe('the library-smt-v1 template', () => {
  test('is offered under its name with a title and description', () => {
    expect(TEMPLATE_NAMES).toEqual(['library-smt-v1']);
    expect(TEMPLATES['library-smt-v1'].definition).toBe(LIBRARY_SMT_V1);
    expect(TEMPLATES['library-smt-v1'].title.length).toBeGreaterThan(0);
    expect(TEMPLATES['library-smt-v1'].description.length).toBeGreaterThan(0);
  });

  test('passes questionnaireInputSchema and is already normalised', () => {
    const result = questionnaireInputSchema.safeParse({ sections: LIBRARY_SMT_V1.sections });
    expect(result.success ? null : result.error.issues).toBeNull();
    expect(result.data).toEqual(LIBRARY_SMT_V1);
    // Same fields in the same order as the schema gives, so stored copies serialise alike.
    expect(JSON.stringify(result.data)).toBe(JSON.stringify(LIBRARY_SMT_V1));
  });

  test('has about 20 questions in 5 or 6 sections, each with a description and every question with a hint', () => {
    expect(LIBRARY_SMT_V1.sections).toHaveLength(6);
    expect(questions).toHaveLength(22);
    for (const section of LIBRARY_SMT_V1.sections) {
      expect(section.description.length).toBeGreaterThan(0);
      expect(section.questions.length).toBeGreaterThan(0);
    }
    for (const item of questions) expect(item.hint.length).toBeGreaterThan(0);
  });

  test('uses every question type', () => {
    expect(new Set(questions.map((item) => item.type))).toEqual(new Set(QUESTION_TYPES));
  });

  test('barriers: a required core multi question whose options are the barrier bank, in order', () => {
    const barriers = byKey('barriers');
    expect(barriers).toMatchObject({ type: 'multi', required: true, core: true, showIf: null });
    expect(barriers.options.map((option) => option.value)).toEqual([...BARRIER_CODES]);
    expect(barriers.options).toEqual(BARRIER_CODES.map((code) => ({ value: code, label: BARRIERS[code].label })));
    expect(byKey('barrier_details')).toMatchObject({ type: 'textarea', showIf: { key: 'barriers', equals: 'other' } });
  });

  test('has 6 to 8 core questions, the ones every borough should compare', () => {
    expect(coreKeys(LIBRARY_SMT_V1)).toEqual([
      'relevant_experience',
      'lots_of_interest',
      'likelihood_to_bid',
      'preferred_contract_length',
      'barriers',
      'what_would_help',
      'open_to_partnering',
    ]);
  });

  test('has several required questions', () => {
    expect(questions.filter((item) => item.required).map((item) => item.key)).toEqual([
      'relevant_experience',
      'lots_of_interest',
      'likelihood_to_bid',
      'start_within_12_months',
      'preferred_contract_length',
      'barriers',
      'barrier_details',
      'what_would_help',
      'open_to_partnering',
    ]);
  });

  test('has the questions the market-testing brief asks for', () => {
    expect(byKey('relevant_experience')).toMatchObject({ type: 'textarea', core: true });
    expect(byKey('lots_of_interest').options.map((option) => option.value)).toEqual([
      'branch_libraries',
      'home_library_service',
      'mobile_outreach',
      'children_family_learning',
      'digital_inclusion',
      'whole_service',
    ]);
    expect(byKey('start_within_12_months').type).toBe('yesno');
    expect(byKey('staff_available')).toMatchObject({ type: 'number', min: 0 });
    expect(byKey('tupe_experience').type).toBe('yesno');
    expect(byKey('pensions_approach')).toMatchObject({ type: 'textarea', showIf: { key: 'tupe_experience', equals: true } });
    expect(byKey('preferred_contract_length').options.map((option) => option.value)).toEqual([
      'up_to_3_years',
      '3_to_5_years',
      '5_to_10_years',
      'over_10_years',
    ]);
    expect(byKey('largest_contract_value')).toMatchObject({ type: 'number', min: 0, max: null });
    expect(byKey('likelihood_to_bid')).toMatchObject({ type: 'scale', min: 1, max: 5, core: true });
    expect(byKey('what_would_help')).toMatchObject({ type: 'textarea', core: true });
    expect(byKey('open_to_partnering')).toMatchObject({ type: 'yesno', core: true });
    expect(byKey('social_value').type).toBe('textarea');
    expect(byKey('volunteers').type).toBe('yesno');
    expect(byKey('capability_statement')).toMatchObject({ type: 'file', required: false });
  });

  test('conditional questions show only when their condition holds', () => {
    const hidden = (answers: Parameters<typeof visibleQuestions>[1]) =>
      questions.map((item) => item.key).filter((key) => !visibleQuestions(LIBRARY_SMT_V1, answers).some((item) => item.key === key));
    expect(hidden({})).toEqual(['earliest_start', 'pensions_approach', 'barrier_details', 'partner_types']);
    expect(
      hidden({ start_within_12_months: true, tupe_experience: true, barriers: ['contract_size', 'other'], open_to_partnering: true }),
    ).toEqual([]);
    expect(
      hidden({ start_within_12_months: false, tupe_experience: false, barriers: ['contract_size'], open_to_partnering: false }),
    ).toEqual(['earliest_start', 'pensions_approach', 'barrier_details', 'partner_types']);
  });

  test('answers are checked against the template questions', () => {
    expect(answerCheck(byKey('barriers'), ['timescales', 'other'])).toBeNull();
    expect(answerCheck(byKey('barriers'), ['too_hard'])).toBe('Choose only from the options given');
    expect(answerCheck(byKey('likelihood_to_bid'), 6)).toBe('Enter a number between 1 and 5');
    expect(answerCheck(byKey('largest_contract_value'), -1)).toBe('Enter a number that is 0 or more');
    expect(answerCheck(byKey('largest_contract_value'), 250_000)).toBeNull();
    expect(answerCheck(byKey('earliest_start'), '2027-02-30')).toBe('Enter a real date, like 2027-03-31');
  });

  test('cannot be changed by accident', () => {
    expect(Object.isFrozen(LIBRARY_SMT_V1)).toBe(true);
    expect(Object.isFrozen(byKey('barriers').options[0])).toBe(true);
    expect(() => {
      (LIBRARY_SMT_V1.sections as unknown[]).push({});
    }).toThrow(TypeError);
  });
});

describe('estimatedMinutes', () => {
  test('the template takes 29 minutes', () => {
    // By hand, per section:
    //   About your organisation: textarea 3 + number 0.5 + yesno 0.5 + file 2           = 6
    //   Your interest:           multi 1 + scale 0.5 + yesno 0.5 + date 0.5 + single 0.5 = 3
    //   The contract and staff:  single 0.5 + number 0.5 + yesno 0.5 + textarea 3        = 4.5
    //   What might stop you:     multi 1 + textarea 3 + textarea 3                        = 7
    //   Partnering, social value: yesno 0.5 + text 1 + textarea 3 + textarea 3            = 7.5
    //   Next steps:              yesno 0.5 + yesno 0.5                                    = 1
    //   6 + 3 + 4.5 + 7 + 7.5 + 1 = 29 (already whole, so rounding up leaves 29)
    expect(estimatedMinutes(LIBRARY_SMT_V1)).toBe(29);
  });

  const only = (...types: Question['type'][]): QuestionnaireDefinition => ({
    sections: [
      {
        title: 'S',
        description: '',
        questions: types.map((type, i) => q(`q${i}`, type)),
      },
    ],
  });

  test('uses the minutes per type and rounds up to a whole minute', () => {
    expect(MINUTES_PER_QUESTION).toEqual({
      text: 1,
      textarea: 3,
      single: 0.5,
      multi: 1,
      yesno: 0.5,
      scale: 0.5,
      number: 0.5,
      date: 0.5,
      file: 2,
    });
    expect(estimatedMinutes({ sections: [] })).toBe(0);
    expect(estimatedMinutes(only('yesno'))).toBe(1); // 0.5 rounds up to 1
    expect(estimatedMinutes(only('text', 'textarea'))).toBe(4);
    expect(estimatedMinutes(only('single', 'scale', 'number'))).toBe(2); // 1.5 rounds up to 2
    expect(estimatedMinutes(only('multi', 'date', 'file'))).toBe(4); // 3.5 rounds up to 4
  });
});

describe('coreKeys', () => {
  test('lists core keys in order, across sections', () => {
    const definition = only2();
    expect(coreKeys(definition)).toEqual(['b', 'c']);
    expect(coreKeys({ sections: [] })).toEqual([]);
  });

  function only2(): QuestionnaireDefinition {
    const make = (key: string, core: boolean) => q(key, 'yesno', { core });
    return {
      sections: [
        { title: 'One', description: '', questions: [make('a', false), make('b', true)] },
        { title: 'Two', description: '', questions: [make('c', true)] },
      ],
    };
  }
});

test('no date question of a template gives its own example: the page adds one, in the form it asks for (27 3 2027)', () => {
  for (const template of Object.values(TEMPLATES)) {
    for (const question of allQuestions(template.definition).filter((item) => item.type === 'date')) {
      expect([question.key, question.hint ?? '']).toEqual([question.key, expect.not.stringMatching(/for example/i)]);
    }
  }
});
