import { numberFromForm, textField } from '../platform/form-fields';
import type { FieldErrors } from '../platform/errors';
import { QUESTION_TYPES, type QuestionType } from './constants';
import { allQuestions } from './answer-rules';
import { CONDITION_TYPES, isReservedKey } from './questionnaire.schema';
import type { Question, QuestionOption, QuestionnaireDefinition, ShowIf } from './types';

type FormBody = Record<string, unknown>;

/** Each question type in plain English, with what an organisation sees. */
export const TYPE_LABELS: Readonly<Record<QuestionType, { label: string; explain: string }>> = {
  text: { label: 'Short text', explain: 'A line of text, such as a name or a few words.' },
  textarea: { label: 'Long text', explain: 'A paragraph or more, for experience, ideas or explanations.' },
  single: { label: 'One choice from a list', explain: 'Organisations choose one of the options you give.' },
  multi: { label: 'Several choices from a list', explain: 'Organisations tick all the options that apply, or “None of these”.' },
  yesno: { label: 'Yes or no', explain: 'Organisations answer yes or no.' },
  scale: { label: 'Scale of 1 to 5', explain: 'For how likely, how much or how well: 1 is the lowest, 5 the highest.' },
  number: { label: 'Number', explain: 'A number, such as staff or pounds, with an optional lowest and highest value.' },
  date: { label: 'Date', explain: 'A day, month and year.' },
  file: { label: 'File upload', explain: 'A document, such as a capability statement (PDF, Word, Excel, OpenDocument or an image).' },
};

export const typeItems = (chosen: unknown) =>
  QUESTION_TYPES.map((type) => ({
    value: type,
    text: TYPE_LABELS[type].label,
    hint: { text: TYPE_LABELS[type].explain },
    checked: chosen === type,
  }));

const text = textField;
const ticked = (value: unknown) => value === 'yes' || (Array.isArray(value) && value.includes('yes'));

/** Lower case letters, digits and underscores made from any text ("Up to 3 years" → "up_to_3_years"). */
export function slug(value: string, maxLength: number): string {
  return value
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+/, '')
    .slice(0, maxLength)
    .replace(/_+$/, '');
}

/** A question key made from its label, unique among `taken` ("Do you use volunteers?" → "do_you_use_volunteers"). */
export function suggestKey(label: string, taken: Iterable<string>): string {
  const used = new Set(taken);
  let base = slug(label, 40) || 'question';
  if (!/^[a-z]/.test(base)) base = `q_${base}`.slice(0, 40).replace(/_+$/, '');
  if (isReservedKey(base)) base = `${base}_answer`;
  if (!used.has(base)) return base;
  for (let n = 2; ; n += 1) {
    const suffix = `_${n}`;
    const candidate = `${base.slice(0, 40 - suffix.length).replace(/_+$/, '')}${suffix}`;
    if (!used.has(candidate)) return candidate;
  }
}

/** The options textarea: one option a line, "value | label", or just a label from which the value is made. */
export function optionsFromText(value: string): QuestionOption[] {
  return value
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '')
    .map((line) => {
      const bar = line.indexOf('|');
      if (bar < 0) return { value: slug(line, 60), label: line };
      return { value: line.slice(0, bar).trim(), label: line.slice(bar + 1).trim() };
    });
}

export const optionsToText = (options: QuestionOption[]) => options.map((o) => `${o.value} | ${o.label}`).join('\n');

/** A number typed in a form: blank is no value; anything else that is not a number goes on as text for the schema to refuse. */
function numberFrom(value: unknown): number | string | undefined {
  return numberFromForm(value) ?? undefined;
}

/** The answer a condition waits for, typed by the officer, in the shape the question it depends on gives. */
export function conditionValue(target: Question | undefined, raw: string): string | number | boolean {
  const t = raw.trim();
  if (!target) return t;
  switch (target.type) {
    case 'yesno':
      return /^(yes|true)$/i.test(t) ? true : /^(no|false)$/i.test(t) ? false : t;
    case 'scale':
    case 'number':
      return /^-?\d+(\.\d+)?$/.test(t) ? Number(t) : t;
    case 'single':
    case 'multi': {
      const byLabel = target.options.find((o) => o.value === t) ?? target.options.find((o) => o.label.toLowerCase() === t.toLowerCase());
      return byLabel ? byLabel.value : t;
    }
    default:
      return t;
  }
}

/** How a condition's value reads to a person: the option's label, Yes or No, or the number. */
export function conditionValueText(target: Question | undefined, equals: ShowIf['equals']): string {
  if (typeof equals === 'boolean') return equals ? 'Yes' : 'No';
  const option = target?.options.find((o) => o.value === equals);
  return option ? option.label : String(equals);
}

/** "Shown when “Does your organisation work with volunteers?” is Yes". */
export function conditionInWords(question: Question, definition: QuestionnaireDefinition): string | null {
  if (!question.showIf) return null;
  const target = allQuestions(definition).find((q) => q.key === question.showIf!.key);
  return `Shown when “${target?.label ?? question.showIf.key}” is ${conditionValueText(target, question.showIf.equals)}`;
}

/**
 * The question form in the API's shape, so questionnaireInputSchema checks it with every other question.
 * Fields that do not apply to the chosen type (options for a number question, say) are left out.
 */
export function questionFromForm(
  body: FormBody,
  opts: { earlier: Question[]; taken: string[] },
): { question: Record<string, unknown>; formErrors: FieldErrors } {
  const formErrors: FieldErrors = {};
  const type = text(body.type);
  const label = text(body.label);
  if (!type) formErrors.type = 'Choose the type of question';
  const key = text(body.key) || (label ? suggestKey(label, opts.taken) : '');
  const question: Record<string, unknown> = {
    key,
    type: type || undefined,
    label,
    hint: text(body.hint),
    required: ticked(body.required),
    core: ticked(body.core),
  };
  if (type === 'single' || type === 'multi') question.options = optionsFromText(typeof body.options === 'string' ? body.options : '');
  if (type === 'number') {
    question.min = numberFrom(body.min);
    question.max = numberFrom(body.max);
  }
  if (type === 'text' || type === 'textarea') question.maxLength = numberFrom(body.maxLength);
  const showIfKey = text(body.showIfKey);
  if (showIfKey) {
    const raw = text(body.showIfEquals);
    if (!raw) formErrors.showIfEquals = 'Enter the answer that shows this question';
    question.showIf = {
      key: showIfKey,
      equals: conditionValue(
        opts.earlier.find((q) => q.key === showIfKey),
        raw,
      ),
    };
  }
  return { question, formErrors };
}

/** A stored question as the form shows it. */
export function formFromQuestion(q: Question): Record<string, string> {
  return {
    key: q.key,
    type: q.type,
    label: q.label,
    hint: q.hint,
    required: q.required ? 'yes' : '',
    core: q.core ? 'yes' : '',
    options: optionsToText(q.options),
    min: q.type === 'number' && q.min !== null ? String(q.min) : '',
    max: q.type === 'number' && q.max !== null ? String(q.max) : '',
    maxLength: q.maxLength !== null ? String(q.maxLength) : '',
    showIfKey: q.showIf?.key ?? '',
    showIfEquals: !q.showIf ? '' : typeof q.showIf.equals === 'boolean' ? (q.showIf.equals ? 'yes' : 'no') : String(q.showIf.equals),
  };
}

/** The questions a condition may depend on, for the form's list. */
export const conditionTargets = (earlier: Question[]) => earlier.filter((q) => CONDITION_TYPES.includes(q.type));

/** The answers a condition may wait for, in words, for the form's help ("Yes or No", the option values…). */
export function possibleValues(q: Question): string {
  switch (q.type) {
    case 'yesno':
      return 'yes or no';
    case 'scale':
      return 'a number from 1 to 5';
    case 'number':
      return 'a number';
    default:
      return q.options.map((o) => o.value).join(', ');
  }
}

const QUESTION_FIELDS: Record<string, string> = {
  key: 'key',
  type: 'type',
  label: 'label',
  hint: 'hint',
  required: 'required',
  core: 'core',
  options: 'options',
  min: 'min',
  max: 'max',
  maxLength: 'maxLength',
  showIf: 'showIfKey',
  'showIf.key': 'showIfKey',
  'showIf.equals': 'showIfEquals',
};

/** Where a problem found by questionnaireInputSchema belongs: one question, one section, or the whole questionnaire. */
export type ProblemPlace =
  | { kind: 'question'; section: number; index: number; field: string; option: number | null }
  | { kind: 'section'; section: number; field: 'title' | 'description' | 'questions' }
  | { kind: 'questionnaire' };

export function problemPlace(path: string): ProblemPlace {
  const q = /^sections\.(\d+)\.questions\.(\d+)(?:\.(.+))?$/.exec(path);
  if (q) {
    const rest = q[3] ?? '';
    const option = /^options\.(\d+)(?:\.|$)/.exec(rest);
    const field = option ? 'options' : (QUESTION_FIELDS[rest] ?? 'label');
    return { kind: 'question', section: Number(q[1]), index: Number(q[2]), field, option: option ? Number(option[1]) : null };
  }
  const s = /^sections\.(\d+)\.(title|description|questions)$/.exec(path);
  if (s) return { kind: 'section', section: Number(s[1]), field: s[2] as 'title' | 'description' | 'questions' };
  return { kind: 'questionnaire' };
}

/** Sections being put together from stored questions and a form, before questionnaireInputSchema has checked them. */
export type DraftSection = { title: unknown; description: unknown; questions: Record<string, unknown>[] };

/** The key of the question at a place in draft sections, when it has a usable one. */
export function draftKey(sections: DraftSection[], section: number, index: number): string | null {
  const key = sections[section]?.questions[index]?.key;
  return typeof key === 'string' && key !== '' ? key : null;
}

/** A problem with one question, said so a person can find it: 'Question 4, “How did you…”: …'. */
export function problemOnQuestion(sections: DraftSection[], section: number, index: number, message: string): string {
  const before = sections.slice(0, section).reduce((n, s) => n + s.questions.length, 0);
  const label = sections[section]?.questions[index]?.label;
  return `Question ${before + index + 1}${typeof label === 'string' && label ? `, “${label}”` : ''}: ${message}`;
}
