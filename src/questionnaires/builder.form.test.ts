import { LIBRARY_SMT_V1 } from './template';
import {
  conditionInWords,
  conditionValue,
  formFromQuestion,
  optionsFromText,
  problemOnQuestion,
  problemPlace,
  questionFromForm,
  slug,
  suggestKey,
  type DraftSection,
} from './builder.form';
import { q } from '../../test/helpers/questions';

describe('keys and option values made from text', () => {
  test('slug keeps lower case letters, digits and single underscores, within the length', () => {
    expect(slug('  Up to 3 years!  ', 60)).toBe('up_to_3_years');
    expect(slug('Über — Café', 60)).toBe('uber_cafe');
    expect(slug('a b c d', 4)).toBe('a_b');
    expect(slug('!!!', 60)).toBe('');
  });

  test('suggestKey starts with a letter, fits 40 characters and avoids keys in use', () => {
    expect(suggestKey('Do you work with volunteers?', [])).toBe('do_you_work_with_volunteers');
    expect(suggestKey('3 things', [])).toBe('q_3_things');
    expect(suggestKey('???', [])).toBe('question');
    expect(suggestKey('Name', ['name', 'name_2'])).toBe('name_3');
    const long = suggestKey('x'.repeat(60), ['x'.repeat(40)]);
    expect(long).toBe(`${'x'.repeat(38)}_2`);
  });

  test('options: one a line, "value | label" or a label from which the value is made; blank lines are skipped', () => {
    expect(optionsFromText('Up to 3 years\r\n\r\nshort |  Short one \n  Bad Value|X \nonly |')).toEqual([
      { value: 'up_to_3_years', label: 'Up to 3 years' },
      { value: 'short', label: 'Short one' },
      { value: 'Bad Value', label: 'X' },
      { value: 'only', label: '' },
    ]);
  });
});

describe('conditions', () => {
  const yesno = q('tupe', 'yesno', { label: 'TUPE?' });
  const choice = q('lots', 'multi', { options: [{ value: 'other', label: 'Something else' }] });

  test('the typed answer takes the shape of the question it depends on', () => {
    expect(conditionValue(yesno, 'Yes')).toBe(true);
    expect(conditionValue(yesno, 'false')).toBe(false);
    expect(conditionValue(yesno, 'maybe')).toBe('maybe');
    expect(conditionValue(q('s', 'scale'), '4')).toBe(4);
    expect(conditionValue(choice, 'something ELSE')).toBe('other');
    expect(conditionValue(choice, 'other')).toBe('other');
    expect(conditionValue(undefined, ' x ')).toBe('x');
  });

  test('in words, with the option label or Yes/No', () => {
    expect(conditionInWords(LIBRARY_SMT_V1.sections[1]!.questions[3]!, LIBRARY_SMT_V1)).toBe(
      'Shown when “Could you be ready to start running the service within 12 months?” is Yes',
    );
    expect(conditionInWords(q('x', 'text'), LIBRARY_SMT_V1)).toBeNull();
  });
});

describe('the question form', () => {
  test('only the fields of the chosen type are passed on, numbers as numbers', () => {
    const { question, formErrors } = questionFromForm(
      { label: 'How many?', type: 'number', min: '1,000', max: 'lots', options: 'a\nb', maxLength: '5', required: 'yes' },
      { earlier: [], taken: [] },
    );
    expect(formErrors).toEqual({});
    expect(question).toEqual({
      key: 'how_many',
      type: 'number',
      label: 'How many?',
      hint: '',
      required: true,
      core: false,
      min: 1000,
      max: 'lots',
    });
  });

  test('a condition without an answer and a missing type are the form’s own errors', () => {
    const { question, formErrors } = questionFromForm({ label: 'Why?', showIfKey: 'tupe', showIfEquals: '' }, { earlier: [], taken: [] });
    expect(formErrors).toEqual({ type: 'Choose the type of question', showIfEquals: 'Enter the answer that shows this question' });
    expect(question.showIf).toEqual({ key: 'tupe', equals: '' });
  });

  test('a stored question comes back as the form shows it', () => {
    const stored = q('lots', 'single', {
      label: 'Lots',
      required: true,
      options: [{ value: 'a', label: 'A' }],
      showIf: { key: 'tupe', equals: false },
    });
    expect(formFromQuestion(stored)).toMatchObject({ options: 'a | A', required: 'yes', core: '', showIfKey: 'tupe', showIfEquals: 'no' });
    const { question } = questionFromForm(formFromQuestion(stored), { earlier: [q('tupe', 'yesno')], taken: [] });
    expect(question).toMatchObject({ key: 'lots', options: [{ value: 'a', label: 'A' }], showIf: { key: 'tupe', equals: false } });
  });
});

describe('where a schema problem belongs', () => {
  test('paths of questions, their options and conditions, sections and the whole questionnaire', () => {
    expect(problemPlace('sections.0.questions.3.options')).toEqual({
      kind: 'question',
      section: 0,
      index: 3,
      field: 'options',
      option: null,
    });
    expect(problemPlace('sections.1.questions.0.options.2.value')).toMatchObject({ field: 'options', option: 2 });
    expect(problemPlace('sections.0.questions.1.showIf.equals')).toMatchObject({ field: 'showIfEquals' });
    expect(problemPlace('sections.0.questions.1.showIf')).toMatchObject({ field: 'showIfKey' });
    expect(problemPlace('sections.2.title')).toEqual({ kind: 'section', section: 2, field: 'title' });
    expect(problemPlace('sections')).toEqual({ kind: 'questionnaire' });
  });

  test('a problem on a question names it by its number across sections and its text', () => {
    const sections: DraftSection[] = [
      { title: 'A', description: '', questions: [{ key: 'a', label: 'First' }] },
      {
        title: 'B',
        description: '',
        questions: [
          { key: 'b', label: 'Second' },
          { key: 'c', label: 'Third' },
        ],
      },
    ];
    expect(problemOnQuestion(sections, 1, 1, 'Bad')).toBe('Question 3, “Third”: Bad');
  });
});
