import { fleschReadingEase, syllables } from './readability';

test('syllables are counted with the vowel-group rule', () => {
  expect(syllables('library')).toBe(3);
  expect(syllables('the')).toBe(1);
  expect(syllables('council')).toBe(2);
  expect(syllables('make')).toBe(1);
  expect(syllables('organisation')).toBe(5);
});

test('short plain sentences score high; long formal ones score low', () => {
  const plain = fleschReadingEase('We want to hear from you. Tell us what would help. It will not take long.');
  expect(plain?.score).toBeGreaterThan(80);
  expect(plain?.plainEnglish).toBe(true);
  const formal = fleschReadingEase(
    'The authority is undertaking preliminary market engagement in accordance with statutory obligations concerning the commissioning of comprehensive, efficient and modernised library provision across administrative territories.',
  );
  expect(formal?.score).toBeLessThan(20);
  expect(formal?.plainEnglish).toBe(false);
  expect(formal?.sentences).toBe(1);
});

test('text without words has no score', () => {
  expect(fleschReadingEase('  123 … ')).toBeNull();
});
