import type { FieldErrors } from '../platform/errors';
import { ukTime } from '../platform/london-time';
import { isAnswered, missingRequired, visibleQuestions } from './answer-rules';
import { fieldName } from './answers.form';
import type { Receipt } from './response.presenter';
import type { AnswerValue, Answers, Question, QuestionnaireDefinition } from './types';

export type SectionStatus = 'not_started' | 'in_progress' | 'completed';

export interface SectionProgress {
  number: number;
  title: string;
  status: SectionStatus;
  /** Questions shown in the section for the answers so far, and how many of them are answered. */
  shown: number;
  answered: number;
}

/**
 * Each section's status from the questions shown: not started until one is answered, completed once
 * every shown required question is answered.
 */
export function sectionProgress(definition: QuestionnaireDefinition, answers: Answers): SectionProgress[] {
  const shown = new Set(visibleQuestions(definition, answers).map((q) => q.key));
  return definition.sections.map((section, i) => {
    const visible = section.questions.filter((q) => shown.has(q.key));
    const answered = visible.filter((q) => isAnswered(answers[q.key])).length;
    const missing = visible.filter((q) => q.required && !isAnswered(answers[q.key])).length;
    const status: SectionStatus = answered === 0 ? 'not_started' : missing > 0 ? 'in_progress' : 'completed';
    return { number: i + 1, title: section.title, status, shown: visible.length, answered };
  });
}

/** The section (1-based) each question is in. */
export function sectionOfQuestion(definition: QuestionnaireDefinition): Map<string, number> {
  return new Map(definition.sections.flatMap((section, i) => section.questions.map((q) => [q.key, i + 1] as const)));
}

/** "2027-09-03" → "3 September 2027". */
export function dateInWords(value: string): string {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!match) return value;
  const date = new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])));
  return date.toLocaleDateString('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });
}

/**
 * An answer as people read it: option labels, Yes or No, dates in words, the file's name. Null when
 * the question is not answered.
 */
export function answerText(question: Question, value: AnswerValue | undefined, fileNames: ReadonlyMap<string, string>): string | null {
  if (!isAnswered(value)) return null;
  const label = (v: string) => question.options.find((o) => o.value === v)?.label ?? v;
  switch (question.type) {
    case 'single':
      return label(String(value));
    case 'multi':
      if (!Array.isArray(value)) return String(value);
      return value.length ? value.map(label).join('\n') : 'None of these';
    case 'yesno':
      return value === true ? 'Yes' : value === false ? 'No' : String(value);
    case 'scale':
      return `${String(value)} out of 5`;
    case 'number':
      return typeof value === 'number' ? value.toLocaleString('en-GB', { maximumFractionDigits: 10 }) : String(value);
    case 'date':
      return dateInWords(String(value));
    case 'file':
      return fileNames.get(String(value)) ?? 'A file that could not be found: upload it again';
    default:
      return String(value);
  }
}

/** A row of the check-your-answers page. */
export interface CheckRow {
  key: string;
  label: string;
  text: string | null;
  listed: boolean;
  fileHref: string | null;
  missing: boolean;
  problem: string | null;
  href: string;
}

/**
 * The check-your-answers page: each section's rows for the questions shown, how many required answers
 * are missing, and each problem (keyed `answers.<key>`) linked to its question's section page.
 */
export function checkAnswers(
  definition: QuestionnaireDefinition,
  answers: Answers,
  files: readonly { id: string; filename: string }[],
  base: string,
  problems?: FieldErrors,
) {
  const shown = new Set(visibleQuestions(definition, answers).map((q) => q.key));
  const fileNames = new Map(files.map((f) => [f.id, f.filename]));
  const missing = missingRequired(definition, answers);
  const sectionOf = sectionOfQuestion(definition);
  const sections = definition.sections.map((section, i) => ({
    number: i + 1,
    title: section.title,
    rows: section.questions
      .filter((q) => shown.has(q.key))
      .map((q): CheckRow => ({
        key: q.key,
        label: q.label,
        text: answerText(q, answers[q.key], fileNames),
        listed: q.type === 'multi',
        fileHref: q.type === 'file' && fileNames.has(String(answers[q.key])) ? `${base}/files/${String(answers[q.key])}/download` : null,
        missing: Boolean(missing[`answers.${q.key}`]),
        problem: problems?.[`answers.${q.key}`] ?? null,
        // "Change" comes back here once the section is saved.
        href: `${base}/sections/${i + 1}?from=check#${fieldName(q.key)}`,
      })),
  }));
  const questions = definition.sections.flatMap((s) => s.questions);
  const labels = new Map(questions.map((q) => [q.key, q.label] as const));
  const place = new Map(questions.map((q, i) => [q.key, i] as const));
  const keyOf = (path: string) => (path.startsWith('answers.') ? path.slice('answers.'.length) : path);
  // In the order of the questions on the pages, each naming its question.
  const errorList = problems
    ? Object.entries(problems)
        .sort(([a], [b]) => (place.get(keyOf(a)) ?? Infinity) - (place.get(keyOf(b)) ?? Infinity))
        .map(([path, message]) => {
          const key = keyOf(path);
          const n = sectionOf.get(key);
          return {
            text: labels.has(key) ? namedProblem(labels.get(key)!, message) : message,
            href: n ? `${base}/sections/${n}?from=check#${fieldName(key)}` : '#send',
          };
        })
    : undefined;
  return { sections, missingCount: Object.keys(missing).length, errorList };
}

/** A problem with one answer, said with its question: "Answer “What makes it harder to bid?”". */
/** The error summary of one section's page: each problem names its question, as on the check page. */
export function sectionErrorList(questions: readonly Question[], errors: Record<string, string>): { text: string; href: string }[] {
  const labels = new Map(questions.map((q) => [fieldName(q.key), q.label] as const));
  return Object.entries(errors).map(([field, message]) => ({
    text: labels.has(field) ? namedProblem(labels.get(field)!, message) : message,
    href: `#${field.replace(/\./g, '-')}`,
  }));
}

function namedProblem(label: string, message: string): string {
  const question = `“${label.trim()}”`;
  if (message === 'Answer this question') return `Answer ${question}`;
  if (message === 'Upload a file for this question') return `Upload a file for ${question}`;
  return `For ${question}, ${message.charAt(0).toLowerCase()}${message.slice(1)}`;
}

/** A time as the pages show it: London time, and saying so ("10 January 2027, 9am (UK time)"). */
export function londonTime(iso: string): string {
  return ukTime(new Date(iso));
}

export const RECEIPT_EXPLANATION =
  'The receipt code is a fingerprint of exactly what you sent: the exercise, your organisation, every answer that counts and ' +
  'the content of any files you attached. Changing a single character of any of them would give a different code. Keep this ' +
  'receipt. If there is ever a question about what your organisation sent, or when, the council can work the code out again ' +
  'from the answers it holds and show that it matches.';

export const RECEIPT_METHOD =
  'SHA-256, written as 64 hexadecimal characters, of the canonical JSON (object keys sorted at every level, no spaces) of: ' +
  'the exercise id, your organisation id, the answers to the questions shown to you, and for each attached file its question ' +
  'key, file id and the SHA-256 of its content.';

export interface ReceiptTextInput {
  exercise: { title: string; reference: string; borough: string };
  organisationName: string;
  receipt: Receipt;
  revisions: Receipt[];
}

/** The plain-text receipt a supplier downloads and keeps. */
/**
 * The receipt's short reference: the first 8 characters of its code in two groups ("4F2A-9C1B"), easy to read out
 * and to quote. The full SHA-256 stays the proof.
 */
export function shortReference(sha256: string): string {
  const head = sha256.slice(0, 8).toUpperCase();
  return `${head.slice(0, 4)}-${head.slice(4)}`;
}

/** A copy of the answers sent, as text: each section's questions with the answers given ("Not answered" for the rest). */
export function sentAnswersText(
  heading: { exercise: string; reference: string; organisation: string; receipt: Receipt },
  definition: QuestionnaireDefinition,
  answers: Answers,
  fileNames: ReadonlyMap<string, string>,
): string {
  const lines = [
    'Your answers as sent',
    `Exercise: ${heading.exercise} (${heading.reference})`,
    `Organisation: ${heading.organisation}`,
    `Received: ${londonTime(heading.receipt.receivedAt)} (UK time)`,
    `Receipt reference: ${shortReference(heading.receipt.sha256)}`,
  ];
  const shown = new Set(visibleQuestions(definition, answers).map((q) => q.key));
  for (const section of definition.sections) {
    lines.push('', section.title, '='.repeat(Math.min(section.title.length, 80)));
    for (const q of section.questions.filter((x) => shown.has(x.key))) {
      lines.push('', q.label, answerText(q, Object.hasOwn(answers, q.key) ? answers[q.key] : undefined, fileNames) ?? 'Not answered');
    }
  }
  return `${lines.join('\n')}\n`;
}

export function receiptText({ exercise, organisationName, receipt, revisions }: ReceiptTextInput): string {
  const lines = [
    'Receipt for questionnaire answers',
    'Library Market Engagement Portal',
    '',
    `Exercise: ${exercise.title}`,
    `Reference: ${exercise.reference}`,
    `Council: ${exercise.borough}`,
    `Organisation: ${organisationName}`,
    '',
    `Receipt reference: ${shortReference(receipt.sha256)}`,
    `Received at (UTC): ${receipt.receivedAt}`,
    `Received at (UK time): ${londonTime(receipt.receivedAt)}`,
    `SHA-256: ${receipt.sha256}`,
    '',
    'What the code is for:',
    RECEIPT_EXPLANATION,
    '',
    'How it was computed:',
    RECEIPT_METHOD,
  ];
  if (revisions.length > 1) {
    lines.push('', 'Every time your organisation sent answers:');
    revisions.forEach((r, i) => lines.push(`${i + 1}. ${r.receivedAt} (${londonTime(r.receivedAt)})  SHA-256 ${r.sha256}`));
  }
  return `${lines.join('\n')}\n`;
}
