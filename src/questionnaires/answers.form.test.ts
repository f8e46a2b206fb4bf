import { answerFieldId, answersFromForm, formValues, NONE_OF_THESE } from './answers.form';
import { q } from '../../test/helpers/questions';

const questions = [q('t', 'text'), q('m', 'multi'), q('y', 'yesno'), q('s', 'scale'), q('n', 'number'), q('d', 'date'), q('f', 'file')];

test('form fields become answers in the API’s shapes', () => {
  expect(
    answersFromForm(questions, {
      'a-t': '  hello ',
      'a-m': ['a', 'b'],
      'a-y': 'no',
      'a-s': '4',
      'a-n': '£250,000',
      'a-d-day': '3',
      'a-d-month': '9',
      'a-d-year': '2027',
      'a-f': '0123456789abcdef01234567',
    }),
  ).toEqual({ t: 'hello', m: ['a', 'b'], y: false, s: 4, n: 250000, d: '2027-09-03', f: '0123456789abcdef01234567' });
});

test('blank fields are cleared answers; unreadable ones are passed on for the answer check; "None of these" is an empty list', () => {
  expect(answersFromForm(questions, { 'a-m': 'a', 'a-n': 'lots', 'a-d-day': '31' })).toEqual({
    t: null,
    m: ['a'],
    y: null,
    s: null,
    n: 'lots',
    d: '0000-00-31',
    f: null,
  });
  expect(answersFromForm([q('m', 'multi')], { 'a-m': [NONE_OF_THESE] })).toEqual({ m: [] });
  expect(answersFromForm([q('m', 'multi')], {})).toEqual({ m: null });
});

test('stored answers are shown again in the form’s fields', () => {
  expect(formValues(questions, { t: 'x', m: [], y: true, s: 2, d: '2027-09-03' })).toEqual({
    'a-t': 'x',
    'a-m': [NONE_OF_THESE],
    'a-y': 'yes',
    'a-s': '2',
    'a-d-day': '3',
    'a-d-month': '9',
    'a-d-year': '2027',
  });
  expect(answerFieldId('answers.barriers')).toBe('a-barriers');
  expect(answerFieldId('method')).toBe('method');
});
