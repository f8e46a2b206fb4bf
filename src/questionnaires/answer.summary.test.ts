import {
  answerText,
  checkAnswers,
  dateInWords,
  londonTime,
  receiptText,
  sectionErrorList,
  sectionOfQuestion,
  sectionProgress,
} from './answer.summary';
import { q } from '../../test/helpers/questions';
import type { Question, QuestionnaireDefinition } from './types';

const definition: QuestionnaireDefinition = {
  sections: [
    {
      title: 'One',
      description: '',
      questions: [
        q('tupe', 'yesno', { required: true }),
        q('pensions', 'textarea', { required: true, showIf: { key: 'tupe', equals: true } }),
        q('notes', 'text'),
      ],
    },
    { title: 'Two', description: '', questions: [q('extra', 'text'), q('more', 'number')] },
  ],
};

test('a section is not started, in progress or completed by its shown questions', () => {
  expect(sectionProgress(definition, {}).map((s) => [s.status, s.answered, s.shown])).toEqual([
    ['not_started', 0, 2],
    ['not_started', 0, 2],
  ]);
  // Yes brings up a required question, so the section is in progress until it is answered.
  expect(sectionProgress(definition, { tupe: true })[0]).toMatchObject({ status: 'in_progress', answered: 1, shown: 3 });
  expect(sectionProgress(definition, { tupe: true, pensions: 'LGPS' })[0]!.status).toBe('completed');
  // A hidden question's answer does not count.
  expect(sectionProgress(definition, { tupe: false, pensions: 'LGPS' })[0]).toMatchObject({ status: 'completed', answered: 1, shown: 2 });
  // With no required questions, one answer completes a section.
  expect(sectionProgress(definition, { more: 3 })[1]).toMatchObject({ number: 2, title: 'Two', status: 'completed' });
});

test('each question knows its section', () => {
  expect([...sectionOfQuestion(definition)]).toEqual([
    ['tupe', 1],
    ['pensions', 1],
    ['notes', 1],
    ['extra', 2],
    ['more', 2],
  ]);
});

test('answers read as people say them', () => {
  const options = [
    { value: 'a', label: 'Apples' },
    { value: 'b', label: 'Bananas' },
  ];
  const files = new Map([['0123456789abcdef01234567', 'plan.pdf']]);
  expect(answerText(q('s', 'single', { options }), 'b', files)).toBe('Bananas');
  expect(answerText(q('m', 'multi', { options }), ['a', 'b'], files)).toBe('Apples\nBananas');
  expect(answerText(q('m', 'multi', { options }), [], files)).toBe('None of these');
  expect(answerText(q('y', 'yesno'), false, files)).toBe('No');
  expect(answerText(q('y', 'yesno'), true, files)).toBe('Yes');
  expect(answerText(q('c', 'scale'), 4, files)).toBe('4 out of 5');
  expect(answerText(q('n', 'number'), 250000.5, files)).toBe('250,000.5');
  expect(answerText(q('d', 'date'), '2027-09-03', files)).toBe('3 September 2027');
  expect(answerText(q('f', 'file'), '0123456789abcdef01234567', files)).toBe('plan.pdf');
  expect(answerText(q('f', 'file'), 'ffffffffffffffffffffffff', files)).toMatch(/upload it again/);
  expect(answerText(q('t', 'text'), 'Hello', files)).toBe('Hello');
  expect(answerText(q('t', 'text'), '', files)).toBeNull();
  expect(answerText(q('t', 'text'), undefined, files)).toBeNull();
  expect(dateInWords('2028-02-29')).toBe('29 February 2028');
});

test('times are London wall-clock times, in summer and winter', () => {
  expect(londonTime('2027-01-12T15:30:00.000Z')).toBe('12 January 2027, 3:30pm (UK time)');
  expect(londonTime('2027-07-12T15:30:00.000Z')).toBe('12 July 2027, 4:30pm (UK time)');
});

test('the text receipt names the exercise, the organisation, both times, the code and how it was made', () => {
  const receipt = { receivedAt: '2027-07-01T08:00:00.000Z', sha256: 'ab'.repeat(32) };
  const text = receiptText({
    exercise: { title: 'Libraries', reference: 'CAM-LIB-2027-001', borough: 'Camden' },
    organisationName: 'Friends',
    receipt,
    revisions: [{ receivedAt: '2027-06-01T08:00:00.000Z', sha256: 'cd'.repeat(32) }, receipt],
  });
  expect(text).toContain('Exercise: Libraries\nReference: CAM-LIB-2027-001\nCouncil: Camden\nOrganisation: Friends\n');
  expect(text).toContain('Received at (UTC): 2027-07-01T08:00:00.000Z\nReceived at (UK time): 1 July 2027, 9am (UK time)\n');
  expect(text).toContain(`SHA-256: ${'ab'.repeat(32)}\n`);
  expect(text).toContain('canonical JSON');
  expect(text).toContain(`1. 2027-06-01T08:00:00.000Z (1 June 2027, 9am (UK time))  SHA-256 ${'cd'.repeat(32)}`);
  expect(text.endsWith('\n')).toBe(true);
});

describe('the error summary of the check page', () => {
  const definition: QuestionnaireDefinition = {
    sections: [
      { title: 'One', description: '', questions: [q('name', 'text', { label: 'Your name', required: true })] },
      {
        title: 'Two',
        description: '',
        questions: [q('staff', 'number', { label: 'How many staff?' }), q('cv', 'file', { label: 'Your CV', required: true })],
      },
    ],
  };

  test('lists problems in the order of the questions, each naming its question and saying what to do', () => {
    const problems = {
      'answers.staff': 'Enter a number using digits only, like 3 or 250000',
      'answers.cv': 'Upload a file for this question',
      'answers.name': 'Answer this question',
    };
    const { errorList } = checkAnswers(definition, {}, [], '/tenders/t/response', problems);
    expect(errorList!.map((e) => e.text)).toEqual([
      'Answer “Your name”',
      'For “How many staff?”, enter a number using digits only, like 3 or 250000',
      'Upload a file for “Your CV”',
    ]);
    expect(errorList!.map((e) => e.href)).toEqual([
      '/tenders/t/response/sections/1?from=check#a-name',
      '/tenders/t/response/sections/2?from=check#a-staff',
      '/tenders/t/response/sections/2?from=check#a-cv',
    ]);
  });
});

describe('a section page’s error summary', () => {
  const questions = [
    { key: 'story', type: 'textarea', label: 'Tell us about your work ', required: true },
    { key: 'staff', type: 'number', label: 'How many staff?', required: false },
  ] as unknown as Question[];

  test('names the question of each problem, so two length errors can be told apart', () => {
    const list = sectionErrorList(questions, {
      'a-story': 'Your answer must be 5,000 characters or fewer',
      'a-staff': 'Answer this question',
      other: 'Something else',
    });
    expect(list).toEqual([
      { text: 'For “Tell us about your work”, your answer must be 5,000 characters or fewer', href: '#a-story' },
      { text: 'Answer “How many staff?”', href: '#a-staff' },
      { text: 'Something else', href: '#other' },
    ]);
  });
});
