import { leftUnanswered } from './answer.pages';

const q = (label: string) => ({ label });

test('one, two and many required questions left blank are named in plain English', () => {
  expect(leftUnanswered('About you', [q('Name')])).toBe(
    'Your answers are saved. You have not answered 1 required question in “About you” yet: “Name”. You can go back to it at any time before you send your answers.',
  );
  expect(leftUnanswered('S', [q('A'), q('B'), q('C')])).toContain('3 required questions in “S” yet: “A”, “B” and “C”.');
  expect(leftUnanswered('S', [q('A'), q('B'), q('C'), q('D'), q('E')])).toContain(
    '5 required questions in “S” yet: “A”, “B”, “C” and 2 more.',
  );
});
