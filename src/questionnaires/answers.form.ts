import { asList, numberFromForm, textField } from '../platform/form-fields';
import type { AnswerValue, Answers, Question } from './types';

type FormBody = Record<string, unknown>;

/** The form field name of a question: `a-<key>` (date parts add `-day`, `-month`, `-year`). */
export const fieldName = (key: string) => `a-${key}`;

/** The value the "None of these" checkbox of a `multi` question sends. */
export const NONE_OF_THESE = '__none__';

const text = textField;

/**
 * "None of these" ticked together with options, which only a browser without JavaScript can send: an error for the
 * question (keyed `answers.<key>`), never a silent choice between them.
 */
export function noneWithOthers(questions: Question[], body: FormBody): Record<string, string> {
  const problems: Record<string, string> = {};
  for (const q of questions) {
    if (q.type !== 'multi') continue;
    const list = asList(body[fieldName(q.key)]);
    if (list.includes(NONE_OF_THESE) && list.length > 1) {
      problems[`answers.${q.key}`] = 'Select the options that apply, or select "None of these", not both';
    }
  }
  return problems;
}

/**
 * Reads the answers to the given questions from a submitted form (urlencoded), in the API's shapes.
 * A question left blank is `null` (cleared); a value that cannot be read is passed on as text, so the
 * answer check reports it against its field.
 */
export function answersFromForm(questions: Question[], body: FormBody): Record<string, AnswerValue | null> {
  const out: Record<string, AnswerValue | null> = {};
  for (const q of questions) {
    const name = fieldName(q.key);
    const raw = body[name];
    switch (q.type) {
      case 'multi': {
        const list = asList(raw);
        // Only a ticked "None of these" is an empty answer; nothing ticked is no answer.
        out[q.key] = list.includes(NONE_OF_THESE) ? [] : list.length ? list : null;
        break;
      }
      case 'yesno':
        out[q.key] = raw === 'yes' ? true : raw === 'no' ? false : null;
        break;
      case 'scale':
      case 'number':
        out[q.key] = numberFromForm(raw);
        break;
      case 'date': {
        const day = text(body[`${name}-day`]);
        const month = text(body[`${name}-month`]);
        const year = text(body[`${name}-year`]);
        out[q.key] = !day && !month && !year ? null : `${year.padStart(4, '0')}-${month.padStart(2, '0')}-${day.padStart(2, '0')}`;
        break;
      }
      case 'file':
        // Files come through their own upload form; the page keeps the current file unless removed.
        out[q.key] = text(raw) || null;
        break;
      default:
        out[q.key] = typeof raw === 'string' ? raw.trim() || null : null;
    }
  }
  return out;
}

/** The form's values for showing stored answers again (dates split into parts). */
export function formValues(questions: Question[], answers: Answers): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const q of questions) {
    const value = answers[q.key];
    const name = fieldName(q.key);
    if (value === undefined) continue;
    if (q.type === 'date' && typeof value === 'string') {
      const [year, month, day] = value.split('-');
      values[`${name}-day`] = day ? String(Number(day)) : '';
      values[`${name}-month`] = month ? String(Number(month)) : '';
      values[`${name}-year`] = year ?? '';
    } else if (q.type === 'yesno' && typeof value === 'boolean') {
      values[name] = value ? 'yes' : 'no';
    } else if (q.type === 'multi' && Array.isArray(value)) {
      values[name] = value.length ? value : [NONE_OF_THESE];
    } else {
      values[name] = String(value);
    }
  }
  return values;
}

/** Form field ids for error summaries: `answers.<key>` → the question's field id. */
export function answerFieldId(path: string): string {
  return path.startsWith('answers.') ? fieldName(path.slice('answers.'.length)) : path;
}
