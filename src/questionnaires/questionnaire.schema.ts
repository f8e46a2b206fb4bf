import { z } from 'zod';
import { QUESTION_TYPES, type QuestionType } from './constants';
import { TEMPLATE_NAMES, TEMPLATES } from './template';
import type { Question, QuestionnaireDefinition, Section } from './types';

export const MAX_SECTIONS = 20;
export const MAX_QUESTIONS_PER_SECTION = 60;
export const MAX_QUESTIONS = 150;
export const MAX_OPTIONS = 50;
export const MAX_ANSWER_LENGTH = 20_000;
/** A question's key: a lower case letter, then up to 39 lower case letters, digits or underscores. */
export const QUESTION_KEY_PATTERN = /^[a-z][a-z0-9_]{0,39}$/;

/**
 * A name every plain object already has (of those, only "constructor" fits the key pattern): a missing answer under
 * it would read as the object's own property, so such keys are refused.
 */
export const isReservedKey = (key: string): boolean => key in Object.prototype;
/** An option's value: 1 to 60 lower case letters, digits or underscores. */
export const OPTION_VALUE_PATTERN = /^[a-z0-9_]{1,60}$/;
/** The most characters a `text` or `textarea` answer may have when the question does not say. */
export const DEFAULT_MAX_LENGTH = { text: 500, textarea: 5_000 } as const;
/** A file answer is the id returned by the response-file upload (a MongoDB ObjectId as 24 lower case hex digits). */
export const FILE_ID_PATTERN = /^[0-9a-f]{24}$/;

const CHOICE_TYPES: readonly QuestionType[] = ['single', 'multi'];
const TEXT_TYPES: readonly QuestionType[] = ['text', 'textarea'];
/** The types of question another question's `showIf` may depend on. */
export const CONDITION_TYPES: readonly QuestionType[] = ['single', 'multi', 'yesno', 'scale', 'number'];

/** A number in a message, as people in the UK write it: 250,000.5. */
export const formatNumber = (n: number) => n.toLocaleString('en-GB', { maximumFractionDigits: 10 });

const optionSchema = z.object(
  {
    value: z
      .string({ message: 'Enter a value for the option' })
      .min(1, 'Enter a value for the option')
      .regex(OPTION_VALUE_PATTERN, 'The option value must be up to 60 lower case letters, digits and underscores'),
    label: z
      .string({ message: 'Enter a label for the option' })
      .trim()
      .min(1, 'Enter a label for the option')
      .max(200, 'The option label must be 200 characters or fewer'),
  },
  { message: 'Each option must have a value and a label' },
);

const optionsSchema = z
  .array(optionSchema, { message: 'Options must be a list' })
  .max(MAX_OPTIONS, `A question can have at most ${MAX_OPTIONS} options`)
  .superRefine((options, ctx) => {
    const seen = new Set<string>();
    options.forEach((option, i) => {
      if (seen.has(option.value)) {
        ctx.addIssue({ code: 'custom', path: [i, 'value'], message: `The value "${option.value}" is already used by an earlier option` });
      }
      seen.add(option.value);
    });
  });

const bound = (name: string) => z.number({ message: `The ${name} must be a number` });

const showIfSchema = z.object(
  {
    key: z
      .string({ message: 'Enter the key of the question this one depends on' })
      .trim()
      .min(1, 'Enter the key of the question this one depends on'),
    equals: z.union([z.string(), z.number(), z.boolean()], {
      message: 'Enter the answer that shows this question: an option value, true or false, or a number',
    }),
  },
  { message: 'The condition must have a key and a value to equal' },
);

const questionSchema = z
  .object(
    {
      key: z
        .string({ message: 'Enter a key for the question' })
        .trim()
        .min(1, 'Enter a key for the question')
        .regex(
          QUESTION_KEY_PATTERN,
          'The key must start with a lower case letter and have only lower case letters, digits and underscores, up to 40 characters',
        )
        .refine((key) => !isReservedKey(key), 'That key is kept for the system: choose another, for example by adding "_answer"'),
      type: z.enum(QUESTION_TYPES, { message: `Choose a question type: ${QUESTION_TYPES.join(', ')}` }),
      label: z
        .string({ message: 'Enter the question text' })
        .trim()
        .min(1, 'Enter the question text')
        .max(500, 'The question text must be 500 characters or fewer'),
      hint: z.string({ message: 'The hint must be text' }).trim().max(1_000, 'The hint must be 1,000 characters or fewer').nullish(),
      required: z.boolean({ message: 'Required must be true or false' }).nullish(),
      core: z.boolean({ message: 'Core must be true or false' }).nullish(),
      options: optionsSchema.nullish(),
      min: bound('minimum').nullish(),
      max: bound('maximum').nullish(),
      maxLength: z
        .number({ message: 'The maximum length must be a whole number' })
        .int('The maximum length must be a whole number')
        .min(1, `The maximum length must be between 1 and ${formatNumber(MAX_ANSWER_LENGTH)}`)
        .max(MAX_ANSWER_LENGTH, `The maximum length must be between 1 and ${formatNumber(MAX_ANSWER_LENGTH)}`)
        .nullish(),
      showIf: showIfSchema.nullish(),
    },
    { message: 'Each question must have a key, a type and a label' },
  )
  .superRefine((q, ctx) => {
    const issue = (path: string, message: string) => ctx.addIssue({ code: 'custom', path: [path], message });
    const options = q.options ?? [];
    if (CHOICE_TYPES.includes(q.type)) {
      if (options.length < 2) issue('options', 'Give at least 2 options');
    } else if (options.length > 0) {
      issue('options', 'Only single and multi questions can have options');
    }
    const min = q.min ?? null;
    const max = q.max ?? null;
    if (q.type === 'number') {
      if (min !== null && max !== null && min > max) issue('max', 'The maximum must be at least the minimum');
    } else if (q.type === 'scale') {
      if (min !== null && min !== 1) issue('min', 'A scale always runs from 1 to 5');
      if (max !== null && max !== 5) issue('max', 'A scale always runs from 1 to 5');
    } else {
      if (min !== null) issue('min', 'Only number and scale questions can have a minimum');
      if (max !== null) issue('max', 'Only number and scale questions can have a maximum');
    }
    if (!TEXT_TYPES.includes(q.type) && q.maxLength != null)
      issue('maxLength', 'Only text and textarea questions can have a maximum length');
  });

type ParsedQuestion = z.output<typeof questionSchema>;

const sectionSchema = z.object(
  {
    title: z
      .string({ message: 'Enter a section title' })
      .trim()
      .min(1, 'Enter a section title')
      .max(200, 'The section title must be 200 characters or fewer'),
    description: z
      .string({ message: 'The section description must be text' })
      .trim()
      .max(2_000, 'The section description must be 2,000 characters or fewer')
      .nullish(),
    questions: z
      .array(questionSchema, { message: 'Questions must be a list' })
      .min(1, 'Add at least one question to the section')
      .max(MAX_QUESTIONS_PER_SECTION, `A section can have at most ${MAX_QUESTIONS_PER_SECTION} questions`),
  },
  { message: 'Each section must have a title and questions' },
);

type ParsedSection = z.output<typeof sectionSchema>;

/** Why `equals` does not suit the question it depends on, or null when it does. */
function conditionValueProblem(target: ParsedQuestion, equals: string | number | boolean): string | null {
  switch (target.type) {
    case 'single':
    case 'multi':
      return typeof equals === 'string' && (target.options ?? []).some((option) => option.value === equals)
        ? null
        : `The value must be one of the options of the question "${target.key}"`;
    case 'yesno':
      return typeof equals === 'boolean' ? null : `The value must be true or false, because "${target.key}" is a yes/no question`;
    case 'scale':
      return typeof equals === 'number' && Number.isInteger(equals) && equals >= 1 && equals <= 5
        ? null
        : `The value must be a whole number from 1 to 5, because "${target.key}" is a scale question`;
    case 'number':
      return typeof equals === 'number' ? null : `The value must be a number, because "${target.key}" is a number question`;
    default:
      return 'A question can only depend on a choice, yes/no, scale or number question';
  }
}

/** Rules across questions: the total, unique keys (the later duplicate is wrong) and conditions on earlier questions. */
function checkAcrossQuestions(sections: ParsedSection[], ctx: z.RefinementCtx): void {
  const allKeys = new Set(sections.flatMap((section) => section.questions.map((q) => q.key)));
  const earlier = new Map<string, ParsedQuestion>();
  let total = 0;
  sections.forEach((section, s) => {
    section.questions.forEach((q, i) => {
      const at = (...rest: string[]) => [s, 'questions', i, ...rest];
      total += 1;
      if (total === MAX_QUESTIONS + 1) {
        ctx.addIssue({ code: 'custom', path: [], message: `A questionnaire can have at most ${MAX_QUESTIONS} questions` });
      }
      if (q.showIf) {
        const { key, equals } = q.showIf;
        const target = earlier.get(key);
        if (key === q.key && !target) {
          ctx.addIssue({ code: 'custom', path: at('showIf', 'key'), message: 'A question cannot depend on itself' });
        } else if (!target) {
          const message = allKeys.has(key)
            ? `A question can only depend on an earlier question, and "${key}" comes later`
            : `There is no question with the key "${key}"`;
          ctx.addIssue({ code: 'custom', path: at('showIf', 'key'), message });
        } else if (!CONDITION_TYPES.includes(target.type)) {
          ctx.addIssue({
            code: 'custom',
            path: at('showIf', 'key'),
            message: 'A question can only depend on a choice, yes/no, scale or number question',
          });
        } else {
          const problem = conditionValueProblem(target, equals);
          if (problem) ctx.addIssue({ code: 'custom', path: at('showIf', 'equals'), message: problem });
        }
      }
      if (earlier.has(q.key)) {
        ctx.addIssue({ code: 'custom', path: at('key'), message: `The key "${q.key}" is already used by an earlier question` });
      } else {
        earlier.set(q.key, q);
      }
    });
  });
}

const sectionsSchema = z
  .array(sectionSchema, { message: 'Sections must be a list' })
  .min(1, 'Add at least one section')
  .max(MAX_SECTIONS, `A questionnaire can have at most ${MAX_SECTIONS} sections`)
  .superRefine(checkAcrossQuestions);

function normaliseQuestion(q: ParsedQuestion): Question {
  const isScale = q.type === 'scale';
  return {
    key: q.key,
    type: q.type,
    label: q.label,
    hint: q.hint ?? '',
    required: q.required ?? false,
    core: q.core ?? false,
    options: CHOICE_TYPES.includes(q.type) ? (q.options ?? []).map(({ value, label }) => ({ value, label })) : [],
    min: isScale ? 1 : (q.min ?? null),
    max: isScale ? 5 : (q.max ?? null),
    maxLength: q.type === 'text' || q.type === 'textarea' ? (q.maxLength ?? DEFAULT_MAX_LENGTH[q.type]) : null,
    showIf: q.showIf ? { key: q.showIf.key, equals: q.showIf.equals } : null,
  };
}

function normaliseSection(section: ParsedSection): Section {
  return { title: section.title, description: section.description ?? '', questions: section.questions.map(normaliseQuestion) };
}

/** The body of `PUT /api/v1/tenders/:id/questionnaire`: `{"template":"library-smt-v1"}` or `{"sections":[...]}`. Unknown keys are dropped. */
export const questionnaireBodySchema = z
  .object(
    {
      template: z.enum(TEMPLATE_NAMES, { message: `Choose a template: ${TEMPLATE_NAMES.join(', ')}` }).nullish(),
      sections: sectionsSchema.optional(),
    },
    { message: 'Send the questionnaire as a JSON object with a template or sections' },
  )
  .superRefine((body, ctx) => {
    const hasTemplate = body.template != null;
    if (hasTemplate && body.sections !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['template'], message: 'Choose a template or send your own sections, not both' });
    } else if (!hasTemplate && body.sections === undefined) {
      ctx.addIssue({ code: 'custom', path: ['sections'], message: 'Add at least one section, or choose a template' });
    }
  });

/** A normalised QuestionnaireDefinition from a checked body: a fresh copy of the template's, for a template. */
export function definitionFromBody(body: z.output<typeof questionnaireBodySchema>): QuestionnaireDefinition {
  return body.template != null
    ? structuredClone(TEMPLATES[body.template].definition)
    : { sections: (body.sections ?? []).map(normaliseSection) };
}

/** The questionnaire body as a normalised QuestionnaireDefinition. */
export const questionnaireInputSchema = questionnaireBodySchema.transform(definitionFromBody);

export type QuestionnaireInput = z.input<typeof questionnaireInputSchema>;
