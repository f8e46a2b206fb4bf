import { q as question } from '../../test/helpers/questions';
import { fieldErrors } from '../platform/validation';
import { allQuestions, answerCheck, isCalendarDate, isShown, visibleQuestions } from './answer-rules';
import { questionnaireInputSchema } from './questionnaire.schema';
import { LIBRARY_SMT_V1 } from './template';
import type { Answers, Question, QuestionnaireDefinition } from './types';

type Json = Record<string, unknown>;

/** A raw question as an officer might send it: a text question unless told otherwise. */
const q = (fields: Json = {}): Json => ({ key: 'q1', type: 'text', label: 'A question', ...fields });
const body = (...questions: Json[]): Json => ({ sections: [{ title: 'Section', questions }] });
const options = (...values: string[]) => values.map((value) => ({ value, label: `Label ${value}` }));
const P = 'sections.0.questions.0';

function errorsOf(input: unknown): Record<string, string> {
  const result = questionnaireInputSchema.safeParse(input);
  if (result.success) throw new Error(`expected the input to be refused: ${JSON.stringify(input)}`);
  return fieldErrors(result.error);
}

function parse(input: unknown): QuestionnaireDefinition {
  return questionnaireInputSchema.parse(input);
}

function firstQuestion(input: unknown): Question {
  const question = parse(input).sections[0]?.questions[0];
  if (!question) throw new Error('no question');
  return question;
}

describe('questionnaireInputSchema: the body', () => {
  test.each([
    ['null', null],
    ['an array', []],
    ['a string', 'library-smt-v1'],
  ])('refuses %s', (_name, input) => {
    expect(errorsOf(input)).toEqual({ _: 'Send the questionnaire as a JSON object with a template or sections' });
  });

  test('refuses a body with neither a template nor sections', () => {
    expect(errorsOf({})).toEqual({ sections: 'Add at least one section, or choose a template' });
    expect(errorsOf({ template: null })).toEqual({ sections: 'Add at least one section, or choose a template' });
  });

  test('refuses an unknown template', () => {
    expect(errorsOf({ template: 'library-smt-v2' })).toEqual({ template: 'Choose a template: library-smt-v1' });
    expect(errorsOf({ template: 1 })).toEqual({ template: 'Choose a template: library-smt-v1' });
  });

  test('refuses a template and sections together', () => {
    expect(errorsOf({ template: 'library-smt-v1', ...body(q()) })).toEqual({
      template: 'Choose a template or send your own sections, not both',
    });
  });

  test('a template gives a fresh, changeable copy of its definition', () => {
    const definition = parse({ template: 'library-smt-v1', extra: 'ignored' });
    expect(definition).toEqual(LIBRARY_SMT_V1);
    expect(definition).not.toBe(LIBRARY_SMT_V1);
    expect(Object.isFrozen(definition.sections)).toBe(false);
    definition.sections.pop();
    expect(LIBRARY_SMT_V1.sections).toHaveLength(6);
  });

  test('a null template with sections uses the sections', () => {
    expect(parse({ template: null, ...body(q()) }).sections[0]?.questions[0]?.key).toBe('q1');
  });
});

describe('questionnaireInputSchema: sections', () => {
  test.each([
    ['not a list', { sections: 'one' }, 'sections', 'Sections must be a list'],
    ['null', { sections: null }, 'sections', 'Sections must be a list'],
    ['empty', { sections: [] }, 'sections', 'Add at least one section'],
    ['a section that is not an object', { sections: [5] }, 'sections.0', 'Each section must have a title and questions'],
    ['no title', { sections: [{ questions: [q()] }] }, 'sections.0.title', 'Enter a section title'],
    ['a blank title', { sections: [{ title: '   ', questions: [q()] }] }, 'sections.0.title', 'Enter a section title'],
    [
      'a title of 201 characters',
      { sections: [{ title: 'x'.repeat(201), questions: [q()] }] },
      'sections.0.title',
      'The section title must be 200 characters or fewer',
    ],
    [
      'a description that is not text',
      { sections: [{ title: 'S', description: 3, questions: [q()] }] },
      'sections.0.description',
      'The section description must be text',
    ],
    [
      'a description of 2,001 characters',
      { sections: [{ title: 'S', description: 'x'.repeat(2_001), questions: [q()] }] },
      'sections.0.description',
      'The section description must be 2,000 characters or fewer',
    ],
    ['no questions', { sections: [{ title: 'S' }] }, 'sections.0.questions', 'Questions must be a list'],
    [
      'an empty question list',
      { sections: [{ title: 'S', questions: [] }] },
      'sections.0.questions',
      'Add at least one question to the section',
    ],
  ])('refuses %s', (_name, input, path, message) => {
    expect(errorsOf(input)).toEqual({ [path]: message });
  });

  const section = (s: number, count: number) => ({
    title: `Section ${s}`,
    questions: Array.from({ length: count }, (_, i) => q({ key: `s${s}_q${i}` })),
  });

  test('takes 20 sections and refuses 21', () => {
    expect(parse({ sections: Array.from({ length: 20 }, (_, s) => section(s, 1)) }).sections).toHaveLength(20);
    expect(errorsOf({ sections: Array.from({ length: 21 }, (_, s) => section(s, 1)) })).toEqual({
      sections: 'A questionnaire can have at most 20 sections',
    });
  });

  test('takes 60 questions in a section and refuses 61', () => {
    expect(parse({ sections: [section(0, 60)] }).sections[0]?.questions).toHaveLength(60);
    expect(errorsOf({ sections: [section(0, 61)] })).toEqual({ 'sections.0.questions': 'A section can have at most 60 questions' });
  });

  test('takes 150 questions in all and refuses 151', () => {
    expect(allQuestions(parse({ sections: [section(0, 50), section(1, 50), section(2, 50)] }))).toHaveLength(150);
    expect(errorsOf({ sections: [section(0, 50), section(1, 50), section(2, 51)] })).toEqual({
      sections: 'A questionnaire can have at most 150 questions',
    });
  });

  test('a section description defaults to empty and text is trimmed', () => {
    const definition = parse({ sections: [{ title: '  About you  ', questions: [q()] }] });
    expect(definition.sections[0]).toMatchObject({ title: 'About you', description: '' });
    expect(parse({ sections: [{ title: 'S', description: ' Tell us. ', questions: [q()] }] }).sections[0]?.description).toBe('Tell us.');
  });
});

describe('questionnaireInputSchema: questions', () => {
  const keyMessage =
    'The key must start with a lower case letter and have only lower case letters, digits and underscores, up to 40 characters';
  const typeMessage = 'Choose a question type: text, textarea, single, multi, yesno, scale, number, date, file';

  test.each([
    ['a question that is not an object', 'oops', P, 'Each question must have a key, a type and a label'],
    ['no key', { type: 'text', label: 'L' }, `${P}.key`, 'Enter a key for the question'],
    ['an empty key', q({ key: '' }), `${P}.key`, 'Enter a key for the question'],
    ['a key with capitals', q({ key: 'Name' }), `${P}.key`, keyMessage],
    ['a key with a hyphen', q({ key: 'first-name' }), `${P}.key`, keyMessage],
    ['a key starting with a digit', q({ key: '1st' }), `${P}.key`, keyMessage],
    ['a key starting with an underscore', q({ key: '_x' }), `${P}.key`, keyMessage],
    ['a key of 41 characters', q({ key: 'a'.repeat(41) }), `${P}.key`, keyMessage],
    ['no type', { key: 'q1', label: 'L' }, `${P}.type`, typeMessage],
    ['an unknown type', q({ type: 'essay' }), `${P}.type`, typeMessage],
    ['no label', { key: 'q1', type: 'text' }, `${P}.label`, 'Enter the question text'],
    ['a blank label', q({ label: '  ' }), `${P}.label`, 'Enter the question text'],
    ['a label of 501 characters', q({ label: 'x'.repeat(501) }), `${P}.label`, 'The question text must be 500 characters or fewer'],
    ['a hint that is not text', q({ hint: 5 }), `${P}.hint`, 'The hint must be text'],
    ['a hint of 1,001 characters', q({ hint: 'x'.repeat(1_001) }), `${P}.hint`, 'The hint must be 1,000 characters or fewer'],
    ['required that is not a boolean', q({ required: 'yes' }), `${P}.required`, 'Required must be true or false'],
    ['core that is not a boolean', q({ core: 1 }), `${P}.core`, 'Core must be true or false'],
  ])('refuses %s', (_name, raw, path, message) => {
    expect(errorsOf(body(raw as Json))).toEqual({ [path]: message });
  });

  test('takes keys of 1 and 40 characters and a label of 500', () => {
    expect(firstQuestion(body(q({ key: 'a' }))).key).toBe('a');
    expect(firstQuestion(body(q({ key: `a${'b_9'.repeat(13)}` }))).key).toHaveLength(40);
    expect(firstQuestion(body(q({ label: 'x'.repeat(500) }))).label).toHaveLength(500);
  });

  test('keys must be unique across the questionnaire: the later duplicate is refused', () => {
    const input = {
      sections: [
        { title: 'One', questions: [q({ key: 'name' }), q({ key: 'email' })] },
        { title: 'Two', questions: [q({ key: 'phone' }), q({ key: 'name' })] },
      ],
    };
    expect(errorsOf(input)).toEqual({ 'sections.1.questions.1.key': 'The key "name" is already used by an earlier question' });
    expect(errorsOf(body(q({ key: 'a' }), q({ key: 'a' })))).toEqual({
      'sections.0.questions.1.key': 'The key "a" is already used by an earlier question',
    });
  });

  test('reports problems in several questions at once, each on its own path', () => {
    expect(errorsOf(body(q({ key: 'a', label: '' }), q({ key: 'b', type: 'single', options: options('x') }), q({ key: 'a' })))).toEqual({
      'sections.0.questions.0.label': 'Enter the question text',
      'sections.0.questions.1.options': 'Give at least 2 options',
      'sections.0.questions.2.key': 'The key "a" is already used by an earlier question',
    });
  });
});

describe('questionnaireInputSchema: options', () => {
  const valueMessage = 'The option value must be up to 60 lower case letters, digits and underscores';

  test.each(['single', 'multi'])('a %s question needs at least 2 options', (type) => {
    expect(errorsOf(body(q({ type })))).toEqual({ [`${P}.options`]: 'Give at least 2 options' });
    expect(errorsOf(body(q({ type, options: null })))).toEqual({ [`${P}.options`]: 'Give at least 2 options' });
    expect(errorsOf(body(q({ type, options: options('only') })))).toEqual({ [`${P}.options`]: 'Give at least 2 options' });
    expect(firstQuestion(body(q({ type, options: options('a', 'b') }))).options).toEqual(options('a', 'b'));
  });

  test('takes 50 options and refuses 51', () => {
    const values = (n: number) => Array.from({ length: n }, (_, i) => `option_${i}`);
    expect(firstQuestion(body(q({ type: 'multi', options: options(...values(50)) }))).options).toHaveLength(50);
    expect(errorsOf(body(q({ type: 'multi', options: options(...values(51)) })))).toEqual({
      [`${P}.options`]: 'A question can have at most 50 options',
    });
  });

  test.each(['text', 'textarea', 'yesno', 'scale', 'number', 'date', 'file'])('a %s question cannot have options', (type) => {
    expect(errorsOf(body(q({ type, options: options('a', 'b') })))).toEqual({
      [`${P}.options`]: 'Only single and multi questions can have options',
    });
    expect(firstQuestion(body(q({ type, options: [] }))).options).toEqual([]);
  });

  test.each([
    ['options that are not a list', { options: 'a,b' }, `${P}.options`, 'Options must be a list'],
    [
      'an option that is not an object',
      { options: ['a', { value: 'b', label: 'B' }] },
      `${P}.options.0`,
      'Each option must have a value and a label',
    ],
    [
      'an option without a value',
      { options: [{ label: 'A' }, { value: 'b', label: 'B' }] },
      `${P}.options.0.value`,
      'Enter a value for the option',
    ],
    [
      'an empty option value',
      {
        options: [
          { value: '', label: 'A' },
          { value: 'b', label: 'B' },
        ],
      },
      `${P}.options.0.value`,
      'Enter a value for the option',
    ],
    [
      'an option value with capitals',
      {
        options: [
          { value: 'Yes', label: 'A' },
          { value: 'b', label: 'B' },
        ],
      },
      `${P}.options.0.value`,
      valueMessage,
    ],
    [
      'an option value with a space',
      {
        options: [
          { value: 'a b', label: 'A' },
          { value: 'b', label: 'B' },
        ],
      },
      `${P}.options.0.value`,
      valueMessage,
    ],
    ['an option value of 61 characters', { options: options('a', 'b'.repeat(61)) }, `${P}.options.1.value`, valueMessage],
    [
      'an option without a label',
      { options: [{ value: 'a' }, { value: 'b', label: 'B' }] },
      `${P}.options.0.label`,
      'Enter a label for the option',
    ],
    [
      'a blank option label',
      {
        options: [
          { value: 'a', label: ' ' },
          { value: 'b', label: 'B' },
        ],
      },
      `${P}.options.0.label`,
      'Enter a label for the option',
    ],
    [
      'an option label of 201 characters',
      {
        options: [
          { value: 'a', label: 'x'.repeat(201) },
          { value: 'b', label: 'B' },
        ],
      },
      `${P}.options.0.label`,
      'The option label must be 200 characters or fewer',
    ],
    [
      'a repeated option value',
      { options: options('a', 'b', 'a') },
      `${P}.options.2.value`,
      'The value "a" is already used by an earlier option',
    ],
  ])('refuses %s', (_name, fields, path, message) => {
    expect(errorsOf(body(q({ type: 'single', ...fields })))).toEqual({ [path]: message });
  });

  test('option values may start with a digit and be 60 characters long', () => {
    const values = ['3_to_5_years', 'x'.repeat(60)];
    expect(firstQuestion(body(q({ type: 'single', options: options(...values) }))).options.map((o) => o.value)).toEqual(values);
  });
});

describe('questionnaireInputSchema: bounds and lengths', () => {
  test('a number question may have a minimum and a maximum, the maximum at least the minimum', () => {
    expect(firstQuestion(body(q({ type: 'number', min: 0, max: 100 })))).toMatchObject({ min: 0, max: 100 });
    expect(firstQuestion(body(q({ type: 'number', min: 5, max: 5 })))).toMatchObject({ min: 5, max: 5 });
    expect(firstQuestion(body(q({ type: 'number', min: -2.5 })))).toMatchObject({ min: -2.5, max: null });
    expect(errorsOf(body(q({ type: 'number', min: 10, max: 5 })))).toEqual({ [`${P}.max`]: 'The maximum must be at least the minimum' });
  });

  test('bounds must be numbers', () => {
    expect(errorsOf(body(q({ type: 'number', min: '1' })))).toEqual({ [`${P}.min`]: 'The minimum must be a number' });
    expect(errorsOf(body(q({ type: 'number', max: true })))).toEqual({ [`${P}.max`]: 'The maximum must be a number' });
  });

  test('a scale always runs from 1 to 5', () => {
    expect(firstQuestion(body(q({ type: 'scale' })))).toMatchObject({ min: 1, max: 5 });
    expect(firstQuestion(body(q({ type: 'scale', min: 1, max: 5 })))).toMatchObject({ min: 1, max: 5 });
    expect(firstQuestion(body(q({ type: 'scale', min: null, max: null })))).toMatchObject({ min: 1, max: 5 });
    expect(errorsOf(body(q({ type: 'scale', min: 0 })))).toEqual({ [`${P}.min`]: 'A scale always runs from 1 to 5' });
    expect(errorsOf(body(q({ type: 'scale', max: 10 })))).toEqual({ [`${P}.max`]: 'A scale always runs from 1 to 5' });
  });

  test.each(['text', 'textarea', 'single', 'multi', 'yesno', 'date', 'file'])('a %s question cannot have a minimum or maximum', (type) => {
    const extra = type === 'single' || type === 'multi' ? { options: options('a', 'b') } : {};
    expect(errorsOf(body(q({ type, ...extra, min: 1, max: 2 })))).toEqual({
      [`${P}.min`]: 'Only number and scale questions can have a minimum',
      [`${P}.max`]: 'Only number and scale questions can have a maximum',
    });
    expect(firstQuestion(body(q({ type, ...extra, min: null, max: null })))).toMatchObject({ min: null, max: null });
  });

  test('maxLength is a whole number from 1 to 20,000', () => {
    expect(firstQuestion(body(q({ type: 'textarea', maxLength: 20_000 }))).maxLength).toBe(20_000);
    expect(firstQuestion(body(q({ type: 'text', maxLength: 1 }))).maxLength).toBe(1);
    for (const maxLength of [0, 20_001, -5]) {
      expect(errorsOf(body(q({ maxLength })))).toEqual({ [`${P}.maxLength`]: 'The maximum length must be between 1 and 20,000' });
    }
    expect(errorsOf(body(q({ maxLength: 2.5 })))).toEqual({ [`${P}.maxLength`]: 'The maximum length must be a whole number' });
    expect(errorsOf(body(q({ maxLength: '100' })))).toEqual({ [`${P}.maxLength`]: 'The maximum length must be a whole number' });
  });

  test.each(['single', 'multi', 'yesno', 'scale', 'number', 'date', 'file'])('a %s question cannot have a maximum length', (type) => {
    const extra = type === 'single' || type === 'multi' ? { options: options('a', 'b') } : {};
    expect(errorsOf(body(q({ type, ...extra, maxLength: 100 })))).toEqual({
      [`${P}.maxLength`]: 'Only text and textarea questions can have a maximum length',
    });
  });
});

describe('questionnaireInputSchema: conditions (showIf)', () => {
  const colour = q({ key: 'colour', type: 'single', options: options('red', 'blue') });
  const at = (i: number, field: 'key' | 'equals') => `sections.0.questions.${i}.showIf.${field}`;

  test('a question may depend on any earlier question, in an earlier section too', () => {
    const definition = parse({
      sections: [
        { title: 'One', questions: [colour, q({ key: 'why', showIf: { key: 'colour', equals: 'red' } })] },
        { title: 'Two', questions: [q({ key: 'more', type: 'textarea', showIf: { key: 'colour', equals: 'blue' } })] },
      ],
    });
    expect(definition.sections[0]?.questions[1]?.showIf).toEqual({ key: 'colour', equals: 'red' });
    expect(definition.sections[1]?.questions[0]?.showIf).toEqual({ key: 'colour', equals: 'blue' });
  });

  test('refuses a question that depends on itself', () => {
    expect(errorsOf(body(q({ key: 'a', type: 'yesno', showIf: { key: 'a', equals: true } })))).toEqual({
      [at(0, 'key')]: 'A question cannot depend on itself',
    });
  });

  test('refuses a question that depends on a later question, in the same section or a later one', () => {
    expect(errorsOf(body(q({ key: 'a', showIf: { key: 'b', equals: true } }), q({ key: 'b', type: 'yesno' })))).toEqual({
      [at(0, 'key')]: 'A question can only depend on an earlier question, and "b" comes later',
    });
    expect(
      errorsOf({
        sections: [
          { title: 'One', questions: [q({ key: 'a', showIf: { key: 'c', equals: true } })] },
          { title: 'Two', questions: [q({ key: 'c', type: 'yesno' })] },
        ],
      }),
    ).toEqual({ [at(0, 'key')]: 'A question can only depend on an earlier question, and "c" comes later' });
  });

  test('refuses a condition on a question that does not exist', () => {
    expect(errorsOf(body(colour, q({ key: 'b', showIf: { key: 'flavour', equals: 'red' } })))).toEqual({
      [at(1, 'key')]: 'There is no question with the key "flavour"',
    });
  });

  test.each(['text', 'textarea', 'date', 'file'])('refuses a condition on a %s question', (type) => {
    expect(errorsOf(body(q({ key: 'a', type }), q({ key: 'b', showIf: { key: 'a', equals: 'x' } })))).toEqual({
      [at(1, 'key')]: 'A question can only depend on a choice, yes/no, scale or number question',
    });
  });

  test.each([
    ['a single question', colour, 'blue', ['purple', 1, true], 'The value must be one of the options of the question "colour"'],
    [
      'a multi question',
      q({ key: 'colour', type: 'multi', options: options('red', 'blue') }),
      'red',
      ['purple', 2, false],
      'The value must be one of the options of the question "colour"',
    ],
    [
      'a yes/no question',
      q({ key: 'colour', type: 'yesno' }),
      false,
      ['true', 1, 'yes'],
      'The value must be true or false, because "colour" is a yes/no question',
    ],
    [
      'a scale question',
      q({ key: 'colour', type: 'scale' }),
      5,
      [0, 6, 2.5, '3', true],
      'The value must be a whole number from 1 to 5, because "colour" is a scale question',
    ],
    [
      'a number question',
      q({ key: 'colour', type: 'number' }),
      -1.5,
      ['5', false],
      'The value must be a number, because "colour" is a number question',
    ],
  ])('the value must suit %s', (_name, target, good, bads, message) => {
    expect(firstQuestion(body(target)).key).toBe('colour');
    expect(parse(body(target, q({ key: 'b', showIf: { key: 'colour', equals: good } }))).sections[0]?.questions[1]?.showIf).toEqual({
      key: 'colour',
      equals: good,
    });
    for (const bad of bads) {
      expect(errorsOf(body(target, q({ key: 'b', showIf: { key: 'colour', equals: bad } })))).toEqual({ [at(1, 'equals')]: message });
    }
  });

  test('refuses a malformed condition', () => {
    const withShowIf = (showIf: unknown) => body(colour, q({ key: 'b', showIf }));
    expect(errorsOf(withShowIf('colour'))).toEqual({
      'sections.0.questions.1.showIf': 'The condition must have a key and a value to equal',
    });
    expect(errorsOf(withShowIf({ equals: 'red' }))).toEqual({ [at(1, 'key')]: 'Enter the key of the question this one depends on' });
    expect(errorsOf(withShowIf({ key: '', equals: 'red' }))).toEqual({
      [at(1, 'key')]: 'Enter the key of the question this one depends on',
    });
    const equalsMessage = 'Enter the answer that shows this question: an option value, true or false, or a number';
    expect(errorsOf(withShowIf({ key: 'colour' }))).toEqual({ [at(1, 'equals')]: equalsMessage });
    expect(errorsOf(withShowIf({ key: 'colour', equals: ['red'] }))).toEqual({ [at(1, 'equals')]: equalsMessage });
    expect(errorsOf(withShowIf({ key: 'colour', equals: null }))).toEqual({ [at(1, 'equals')]: equalsMessage });
  });

  test('a null or absent condition means always shown', () => {
    expect(firstQuestion(body(q({ showIf: null }))).showIf).toBeNull();
    expect(firstQuestion(body(q())).showIf).toBeNull();
  });
});

describe('questionnaireInputSchema: the normalised definition', () => {
  test('fills in defaults for a bare question of each type', () => {
    const base = { hint: '', required: false, core: false, options: [], min: null, max: null, maxLength: null, showIf: null };
    const expected: Record<string, Partial<Question>> = {
      text: { maxLength: 500 },
      textarea: { maxLength: 5_000 },
      single: { options: options('a', 'b') },
      multi: { options: options('a', 'b') },
      yesno: {},
      scale: { min: 1, max: 5 },
      number: {},
      date: {},
      file: {},
    };
    for (const [type, extra] of Object.entries(expected)) {
      const raw = q({ key: `k_${type}`, type, ...(extra.options ? { options: extra.options } : {}) });
      expect(firstQuestion(body(raw))).toEqual({ key: `k_${type}`, type, label: 'A question', ...base, ...extra });
    }
  });

  test('keeps what the officer gave, trimmed', () => {
    expect(
      firstQuestion(
        body({
          key: ' years ',
          type: 'number',
          label: '  How many years?  ',
          hint: ' Whole years. ',
          required: true,
          core: true,
          min: 0,
          max: 200,
        }),
      ),
    ).toEqual({
      key: 'years',
      type: 'number',
      label: 'How many years?',
      hint: 'Whole years.',
      required: true,
      core: true,
      options: [],
      min: 0,
      max: 200,
      maxLength: null,
      showIf: null,
    });
  });

  test('null optional fields count as not given', () => {
    expect(firstQuestion(body(q({ hint: null, required: null, core: null, options: null, maxLength: null })))).toMatchObject({
      hint: '',
      required: false,
      core: false,
      options: [],
      maxLength: 500,
    });
  });

  test('drops unknown keys at every level', () => {
    const definition = parse({
      id: 'x',
      sections: [
        {
          title: 'S',
          colour: 'red',
          questions: [
            {
              key: 'a',
              type: 'single',
              label: 'A',
              weight: 3,
              options: [
                { value: 'x', label: 'X', score: 1 },
                { value: 'y', label: 'Y' },
              ],
            },
            { key: 'b', type: 'text', label: 'B', showIf: { key: 'a', equals: 'x', not: true } },
          ],
        },
      ],
    });
    expect(definition).toEqual({
      sections: [
        {
          title: 'S',
          description: '',
          questions: [
            question('a', 'single', {
              label: 'A',
              options: [
                { value: 'x', label: 'X' },
                { value: 'y', label: 'Y' },
              ],
            }),
            question('b', 'text', { label: 'B', maxLength: 500, showIf: { key: 'a', equals: 'x' } }),
          ],
        },
      ],
    });
  });
});

describe('answerCheck', () => {
  const text = question('name', 'text', { maxLength: 10 });
  const textarea = question('story', 'textarea', { maxLength: 5_000 });
  const single = question('size', 'single', { options: options('small', 'large') });
  const multi = question('lots', 'multi', { options: options('a', 'b', 'c') });
  const yesno = question('ok', 'yesno');
  const scale = question('likely', 'scale', { min: 1, max: 5 });
  const number = question('staff', 'number');
  const date = question('start', 'date');
  const file = question('statement', 'file');

  test('text and textarea: a string within the maximum length', () => {
    expect(answerCheck(text, '')).toBeNull();
    expect(answerCheck(text, 'x'.repeat(10))).toBeNull();
    expect(answerCheck(text, 'x'.repeat(11))).toBe('Your answer must be 10 characters or fewer');
    expect(answerCheck(textarea, 'x'.repeat(5_000))).toBeNull();
    expect(answerCheck(textarea, 'x'.repeat(5_001))).toBe('Your answer must be 5,000 characters or fewer');
    for (const bad of [5, true, ['x'], null, undefined, {}]) expect(answerCheck(text, bad)).toBe('Enter your answer as text');
  });

  test('text without a maximum length uses the default for its type', () => {
    expect(answerCheck({ ...text, maxLength: null }, 'x'.repeat(500))).toBeNull();
    expect(answerCheck({ ...text, maxLength: null }, 'x'.repeat(501))).toBe('Your answer must be 500 characters or fewer');
    expect(answerCheck({ ...textarea, maxLength: null }, 'x'.repeat(5_001))).toBe('Your answer must be 5,000 characters or fewer');
  });

  test('single: one of the option values', () => {
    expect(answerCheck(single, 'small')).toBeNull();
    for (const bad of ['medium', 'Small', '', ['small'], 1, null]) expect(answerCheck(single, bad)).toBe('Choose one of the options');
  });

  test('multi: a list of different option values', () => {
    expect(answerCheck(multi, [])).toBeNull();
    expect(answerCheck(multi, ['c', 'a'])).toBeNull();
    expect(answerCheck(multi, ['a', 'b', 'c'])).toBeNull();
    expect(answerCheck(multi, ['a', 'a'])).toBe('Choose each option only once');
    expect(answerCheck(multi, ['a', 'z'])).toBe('Choose only from the options given');
    expect(answerCheck(multi, ['a', 1])).toBe('Choose only from the options given');
    expect(answerCheck(multi, 'a')).toBe('Choose from the options given, as a list');
    expect(answerCheck(multi, null)).toBe('Choose from the options given, as a list');
  });

  test('yesno: true or false', () => {
    expect(answerCheck(yesno, true)).toBeNull();
    expect(answerCheck(yesno, false)).toBeNull();
    for (const bad of ['yes', 'true', 1, 0, null]) expect(answerCheck(yesno, bad)).toBe('Answer yes or no');
  });

  test('scale: a whole number from 1 to 5', () => {
    for (const good of [1, 2, 3, 4, 5]) expect(answerCheck(scale, good)).toBeNull();
    for (const bad of [0, 6, 2.5, -1, '3', NaN, null]) expect(answerCheck(scale, bad)).toBe('Enter a number between 1 and 5');
  });

  test('number: a finite number within the bounds', () => {
    expect(answerCheck(number, -3.25)).toBeNull();
    expect(answerCheck(number, 1e9)).toBeNull();
    for (const bad of [NaN, Infinity, -Infinity, null, true]) expect(answerCheck(number, bad)).toBe('Enter a number');
    for (const typed of ['5', 'about 3', '£250k'])
      expect(answerCheck(number, typed)).toBe('Enter a number using digits only, like 3 or 250000');
    const between = { ...number, min: 0, max: 10_000 };
    expect(answerCheck(between, 0)).toBeNull();
    expect(answerCheck(between, 10_000)).toBeNull();
    expect(answerCheck(between, -1)).toBe('Enter a number between 0 and 10,000');
    expect(answerCheck(between, 10_000.5)).toBe('Enter a number between 0 and 10,000');
    expect(answerCheck({ ...number, min: 0 }, -0.5)).toBe('Enter a number that is 0 or more');
    expect(answerCheck({ ...number, min: 0 }, 5_000_000)).toBeNull();
    expect(answerCheck({ ...number, max: 2.5 }, 3)).toBe('Enter a number that is 2.5 or less');
  });

  test('date: a real calendar date as YYYY-MM-DD', () => {
    for (const good of ['2027-02-28', '2028-02-29', '2000-02-29', '2027-12-31', '2027-04-30']) expect(answerCheck(date, good)).toBeNull();
    for (const bad of ['2027-02-30', '2027-02-29', '1900-02-29', '2027-13-01', '2027-00-10', '2027-04-31', '2027-01-00', '0000-01-01']) {
      expect(answerCheck(date, bad)).toBe('Enter a real date, like 2027-03-31');
    }
    for (const bad of ['2027-2-3', '31/03/2027', '2027-03-31T00:00:00Z', ' 2027-03-31', '', 20270331, null]) {
      expect(answerCheck(date, bad)).toBe('Enter a date in the format YYYY-MM-DD, like 2027-03-31');
    }
  });

  test('isCalendarDate', () => {
    expect(isCalendarDate('2024-02-29')).toBe(true);
    expect(isCalendarDate('2027-02-30')).toBe(false);
    expect(isCalendarDate('not a date')).toBe(false);
  });

  test('file: the 24-hex id of an uploaded file', () => {
    expect(answerCheck(file, '0123456789abcdef01234567')).toBeNull();
    for (const bad of [
      '0123456789ABCDEF01234567',
      '0123456789abcdef0123456',
      '0123456789abcdef012345678',
      'g123456789abcdef01234567',
      5,
      null,
    ]) {
      expect(answerCheck(file, bad)).toBe('Give the id of a file you have uploaded');
    }
  });
});

describe('isShown and visibleQuestions', () => {
  const definition: QuestionnaireDefinition = {
    sections: [
      {
        title: 'One',
        description: '',
        questions: [
          question('tupe', 'yesno'),
          question('pensions', 'single', { options: options('lgps', 'other'), showIf: { key: 'tupe', equals: true } }),
          question('pension_detail', 'textarea', { showIf: { key: 'pensions', equals: 'other' } }),
        ],
      },
      {
        title: 'Two',
        description: '',
        questions: [
          question('barriers', 'multi', { options: options('contract_size', 'other') }),
          question('barrier_details', 'textarea', { showIf: { key: 'barriers', equals: 'other' } }),
          question('likely', 'scale', { min: 1, max: 5 }),
          question('why_not', 'text', { showIf: { key: 'likely', equals: 1 } }),
          question('staff', 'number'),
          question('no_staff', 'text', { showIf: { key: 'staff', equals: 0 } }),
        ],
      },
    ],
  };
  const byKey = (key: string): Question => {
    const found = allQuestions(definition).find((item) => item.key === key);
    if (!found) throw new Error(key);
    return found;
  };
  const visibleKeys = (answers: Answers) => visibleQuestions(definition, answers).map((item) => item.key);

  test('a question without a condition is always shown', () => {
    expect(isShown(byKey('tupe'), {})).toBe(true);
  });

  test('a condition holds when the answer equals the value', () => {
    expect(isShown(byKey('pensions'), { tupe: true })).toBe(true);
    expect(isShown(byKey('pensions'), { tupe: false })).toBe(false);
    expect(isShown(byKey('pensions'), {})).toBe(false);
    expect(isShown(byKey('why_not'), { likely: 1 })).toBe(true);
    expect(isShown(byKey('why_not'), { likely: 2 })).toBe(false);
    expect(isShown(byKey('no_staff'), { staff: 0 })).toBe(true);
    expect(isShown(byKey('no_staff'), { staff: 1 })).toBe(false);
  });

  test('for a multi answer, the condition holds when the list includes the value', () => {
    expect(isShown(byKey('barrier_details'), { barriers: ['contract_size', 'other'] })).toBe(true);
    expect(isShown(byKey('barrier_details'), { barriers: ['other'] })).toBe(true);
    expect(isShown(byKey('barrier_details'), { barriers: ['contract_size'] })).toBe(false);
    expect(isShown(byKey('barrier_details'), { barriers: [] })).toBe(false);
  });

  test('only own answers count, not properties every object has', () => {
    const constructorDependent = question('x', 'text', { showIf: { key: 'constructor', equals: 'yes' } });
    expect(isShown(constructorDependent, {})).toBe(false);
    expect(isShown(constructorDependent, { constructor: 'yes' })).toBe(true);
  });

  test('visibleQuestions keeps order and hides unmet conditions', () => {
    expect(visibleKeys({})).toEqual(['tupe', 'barriers', 'likely', 'staff']);
    expect(visibleKeys({ tupe: true, barriers: ['other'], likely: 1, staff: 0 })).toEqual([
      'tupe',
      'pensions',
      'barriers',
      'barrier_details',
      'likely',
      'why_not',
      'staff',
      'no_staff',
    ]);
  });

  test('a chained condition: a question whose controlling question is hidden is hidden too', () => {
    expect(visibleKeys({ tupe: true, pensions: 'other' })).toContain('pension_detail');
    // pensions still has an answer, but it is hidden because tupe is now false, so pension_detail is hidden as well.
    expect(isShown(byKey('pension_detail'), { tupe: false, pensions: 'other' })).toBe(true);
    expect(visibleKeys({ tupe: false, pensions: 'other' })).toEqual(['tupe', 'barriers', 'likely', 'staff']);
    expect(visibleKeys({ pensions: 'other' })).not.toContain('pension_detail');
  });
});
