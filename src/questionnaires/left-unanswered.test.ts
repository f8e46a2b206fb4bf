import { leftUnanswered } from './answer.pages';

const q = (label: string) => ({ label });

test('one, two and many required questions left blank are named in plain English, with the way back to them', () => {
  expect(leftUnanswered('About you', [q('Name')], '/s/1')).toEqual({
    heading: 'Your answers are saved',
    text: '1 question in “About you” still needs an answer: “Name”',
    link: { href: '/s/1', text: 'Go back to “About you”' },
  });
  expect(leftUnanswered('S', [q('A'), q('B'), q('C')], '/s/2').text).toBe('3 questions in “S” still need an answer: “A”, “B” and “C”');
  expect(leftUnanswered('S', [q('A'), q('B'), q('C'), q('D'), q('E')], '/s/2').text).toBe(
    '5 questions in “S” still need an answer: “A”, “B”, “C” and 2 more',
  );
});
