/** Flesch reading ease: 206.835 − 1.015 × words per sentence − 84.6 × syllables per word. 60 or more is plain English. */
export const PLAIN_ENGLISH_THRESHOLD = 60;

/** Counts syllables with the usual vowel-group heuristic (silent final e, -le endings). */
export function syllables(word: string): number {
  const w = word.toLowerCase().replace(/[^a-z]/g, '');
  if (!w) return 0;
  if (w.length <= 3) return 1;
  const trimmed = w.replace(/(?:[^laeiouy]es|[^laeiouy]ed|[^laeiouy]e)$/, '').replace(/^y/, '');
  const groups = trimmed.match(/[aeiouy]{1,2}/g);
  return Math.max(1, groups ? groups.length : 1);
}

export interface Readability {
  score: number;
  words: number;
  sentences: number;
  plainEnglish: boolean;
}

export function fleschReadingEase(text: string): Readability | null {
  const words = text.match(/[A-Za-z][A-Za-z'’-]*/g) ?? [];
  if (words.length === 0) return null;
  const sentences = Math.max(1, (text.match(/[.!?]+(\s|$)/g) ?? []).length);
  const syllableCount = words.reduce((sum, w) => sum + syllables(w), 0);
  const score = 206.835 - 1.015 * (words.length / sentences) - 84.6 * (syllableCount / words.length);
  const rounded = Math.round(score * 10) / 10;
  return { score: rounded, words: words.length, sentences, plainEnglish: rounded >= PLAIN_ENGLISH_THRESHOLD };
}

/** Procurement words explained, shown beside the summary and on exercise pages. */
export const GLOSSARY: { term: string; meaning: string }[] = [
  {
    term: 'Soft market testing',
    meaning:
      'Asking organisations what they think before a council decides how to buy a service. It is not a tender: nobody is bidding yet.',
  },
  { term: 'Lot', meaning: 'A part of the service that can be bid for separately, so smaller organisations can bid for just one part.' },
  {
    term: 'TUPE',
    meaning: 'The rules that protect staff when a service moves to a new employer. Staff usually move across on their existing terms.',
  },
  {
    term: 'Expression of interest',
    meaning: 'Telling the council you might want to run some or all of the service. It does not commit you to anything.',
  },
  {
    term: 'Clarification question',
    meaning: 'A question about the exercise. The council publishes every answer to everyone, without saying who asked.',
  },
];
