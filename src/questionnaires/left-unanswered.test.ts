import { leftUnanswered } from './answer.pages';

const q = (label: string) => ({ label });

test('one, two and many required questions left blank are named in plain English', () => {
  expect(leftUnanswered('About you', [q('Name')])).toBe('Your answers are saved. Still to answer in “About you”: “Name”.');
  expect(leftUnanswered('S', [q('A'), q('B'), q('C')])).toBe('Your answers are saved. Still to answer in “S”: “A”, “B” and “C”.');
  expect(leftUnanswered('S', [q('A'), q('B'), q('C'), q('D'), q('E')])).toBe(
    'Your answers are saved. Still to answer in “S”: “A”, “B”, “C” and 2 more.',
  );
});
