import { DEFAULT_MAX_LENGTH, FILE_ID_PATTERN, formatNumber } from './questionnaire.schema';
import type { AnswerValue, Answers, Question, QuestionnaireDefinition } from './types';

// The rules answers follow: whether a value suits its question, which questions are shown, what counts as answered.

/** An empty list is an answer to a `multi` question ("none of these"); an empty string or null is not. */
export const isAnswered = (value: unknown): boolean => value !== undefined && value !== null && value !== '';

const DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/** True for a "YYYY-MM-DD" string that is a real calendar date (year 0001 or later). */
export function isCalendarDate(value: string): boolean {
  const match = DATE_PATTERN.exec(value);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  return year >= 1 && month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month);
}

/**
 * The message for an answer value that does not suit its question, or null when it does. It checks the value only:
 * whether a required question is answered, whether a hidden question should be, and whether a file id belongs to the
 * responding organisation are for the caller.
 */
export function answerCheck(question: Question, value: unknown): string | null {
  switch (question.type) {
    case 'text':
    case 'textarea': {
      if (typeof value !== 'string') return 'Enter your answer as text';
      const max = question.maxLength ?? DEFAULT_MAX_LENGTH[question.type];
      return value.length > max ? `Your answer must be ${formatNumber(max)} characters or fewer` : null;
    }
    case 'single':
      return typeof value === 'string' && question.options.some((option) => option.value === value) ? null : 'Choose one of the options';
    case 'multi': {
      if (!Array.isArray(value)) return 'Choose from the options given, as a list';
      const values = new Set(question.options.map((option) => option.value));
      if (value.some((v) => typeof v !== 'string' || !values.has(v))) return 'Choose only from the options given';
      return new Set(value).size === value.length ? null : 'Choose each option only once';
    }
    case 'yesno':
      return typeof value === 'boolean' ? null : 'Answer yes or no';
    case 'scale':
      return typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= 5 ? null : 'Enter a number between 1 and 5';
    case 'number': {
      // Typed text that is not a number ("about 3") is told how to write one.
      if (typeof value === 'string' && value.trim() !== '') return 'Enter a number using digits only, like 3 or 250000';
      if (typeof value !== 'number' || !Number.isFinite(value)) return 'Enter a number';
      const { min, max } = question;
      if ((min !== null && value < min) || (max !== null && value > max)) {
        if (min !== null && max !== null) return `Enter a number between ${formatNumber(min)} and ${formatNumber(max)}`;
        if (min !== null) return `Enter a number that is ${formatNumber(min)} or more`;
        return `Enter a number that is ${formatNumber(max as number)} or less`;
      }
      return null;
    }
    case 'date':
      if (typeof value !== 'string' || !DATE_PATTERN.test(value)) return 'Enter a date in the format YYYY-MM-DD, like 2027-03-31';
      return isCalendarDate(value) ? null : 'Enter a real date, like 2027-03-31';
    case 'file':
      return typeof value === 'string' && FILE_ID_PATTERN.test(value) ? null : 'Give the id of a file you have uploaded';
  }
}

function answerOf(answers: Answers, key: string): AnswerValue | undefined {
  return Object.hasOwn(answers, key) ? answers[key] : undefined;
}

/**
 * Whether the question's own condition holds on these answers (true when it has none). For a `multi` answer the
 * condition holds when the list includes the value. This looks at one condition only: use visibleQuestions to hide
 * questions whose controlling question is itself hidden.
 */
export function isShown(question: Question, answers: Answers): boolean {
  if (!question.showIf) return true;
  const { key, equals } = question.showIf;
  const answer = answerOf(answers, key);
  if (answer === undefined) return false;
  if (Array.isArray(answer)) return typeof equals === 'string' && answer.includes(equals);
  return answer === equals;
}

/** Every question in order. */
export function allQuestions(definition: QuestionnaireDefinition): Question[] {
  return definition.sections.flatMap((section) => section.questions);
}

/**
 * The questions shown for these answers, in order. Conditions are evaluated in order, and an answer to a hidden
 * question counts as no answer, so a question that depends on a hidden question is hidden too.
 */
export function visibleQuestions(definition: QuestionnaireDefinition, answers: Answers): Question[] {
  const shownAnswers: Answers = {};
  const visible: Question[] = [];
  for (const question of allQuestions(definition)) {
    if (!isShown(question, shownAnswers)) continue;
    visible.push(question);
    const answer = answerOf(answers, question.key);
    if (answer !== undefined) shownAnswers[question.key] = answer;
  }
  return visible;
}

/** The answers a submission keeps: those to the questions shown. */
export function countedAnswers(definition: QuestionnaireDefinition, answers: Answers): Answers {
  return Object.fromEntries(
    visibleQuestions(definition, answers).flatMap((q) => (isAnswered(answers[q.key]) ? [[q.key, answers[q.key]!]] : [])),
  );
}

/** Answers to the questions the questionnaire has now. */
export function knownOnly(definition: QuestionnaireDefinition, answers: Answers): Answers {
  const keys = new Set(allQuestions(definition).map((q) => q.key));
  return Object.fromEntries(Object.entries(answers).filter(([key]) => keys.has(key)));
}

/** Only answered questions, as the API takes them: empty answers are dropped. */
export function cleanAnswers(answers: Answers): Answers {
  return Object.fromEntries(Object.entries(answers).flatMap(([k, v]) => (isAnswered(v) ? [[k, wellFormed(v)]] : [])));
}

/** A half of a UTF-16 surrogate pair with no other half: the database would store it changed, so receipts would not match. */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** Text as it will be stored: a lone surrogate becomes the replacement character (U+FFFD) before anything is hashed. */
export function wellFormed<T>(value: T): T {
  if (typeof value === 'string') return value.replace(LONE_SURROGATE, '\ufffd') as T;
  if (Array.isArray(value)) return value.map((v) => wellFormed(v)) as T;
  return value;
}

/** Missing required answers among the questions shown, keyed `answers.<key>`. */
export function missingRequired(definition: QuestionnaireDefinition, answers: Answers): Record<string, string> {
  const problems: Record<string, string> = {};
  for (const q of visibleQuestions(definition, answers)) {
    if (q.required && !isAnswered(answers[q.key])) {
      problems[`answers.${q.key}`] = q.type === 'file' ? 'Upload a file for this question' : 'Answer this question';
    }
  }
  return problems;
}
