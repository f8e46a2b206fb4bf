import { BARRIERS } from './barriers';
import { BARRIER_CODES, type QuestionType } from './constants';
import type { Question, QuestionnaireDefinition, Section } from './types';

/** Minutes a typical answer takes, by question type (the effort estimate shown to suppliers). */
export const MINUTES_PER_QUESTION: Readonly<Record<QuestionType, number>> = Object.freeze({
  text: 1,
  textarea: 3,
  single: 0.5,
  multi: 1,
  yesno: 0.5,
  scale: 0.5,
  number: 0.5,
  date: 0.5,
  file: 2,
});

/**
 * The effort estimate shown to suppliers: the minutes for every question, conditional ones included
 * (so it is an upper bound), rounded up to a whole minute.
 */
export function estimatedMinutes(definition: QuestionnaireDefinition): number {
  let minutes = 0;
  for (const section of definition.sections) {
    for (const question of section.questions) minutes += MINUTES_PER_QUESTION[question.type];
  }
  return Math.ceil(minutes);
}

/** The keys of the core questions (the short set every borough asks, so findings compare across boroughs), in order. */
export function coreKeys(definition: QuestionnaireDefinition): string[] {
  return definition.sections.flatMap((section) => section.questions.filter((question) => question.core).map((question) => question.key));
}

type QuestionFields = Pick<Question, 'key' | 'type' | 'label' | 'hint'> &
  Partial<Pick<Question, 'required' | 'core' | 'options' | 'min' | 'max' | 'showIf'>>;

/** A question with the same defaults, in the same field order, as questionnaireInputSchema gives, so the template is already normalised. */
function question(fields: QuestionFields): Question {
  const { type } = fields;
  return {
    key: fields.key,
    type,
    label: fields.label,
    hint: fields.hint,
    required: fields.required ?? false,
    core: fields.core ?? false,
    options: fields.options ?? [],
    min: type === 'scale' ? 1 : (fields.min ?? null),
    max: type === 'scale' ? 5 : (fields.max ?? null),
    maxLength: type === 'text' ? 500 : type === 'textarea' ? 5_000 : null,
    showIf: fields.showIf ?? null,
  };
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}

const aboutYou: Section = {
  title: 'About your organisation',
  description: 'Tell us what your organisation does now. There are no wrong answers: we want to hear from organisations of every size.',
  questions: [
    question({
      key: 'relevant_experience',
      type: 'textarea',
      label: 'What experience does your organisation have that is relevant to running library services?',
      hint: 'For example, running libraries, community centres, reading or learning programmes, information and advice, or work with children, older people or people who are not online. Experience as volunteers or as a partner counts.',
      required: true,
      core: true,
    }),
    question({
      key: 'staff_available',
      type: 'number',
      label: 'About how many staff could you bring to the service?',
      hint: 'Give a number of full-time equivalent staff, including people you would recruit. A rough figure is fine.',
      min: 0,
    }),
    question({
      key: 'volunteers',
      type: 'yesno',
      label: 'Does your organisation work with volunteers?',
      hint: 'Answer yes if volunteers help to run any of your services now.',
    }),
    question({
      key: 'capability_statement',
      type: 'file',
      label: 'Upload a capability statement',
      hint: 'If you have one, a short document about your organisation and what it has done. You do not need to write one for this questionnaire.',
    }),
  ],
};

const yourInterest: Section = {
  title: 'Your interest in the service',
  description: 'This helps us decide how to divide the service into lots and when to run the procurement.',
  questions: [
    question({
      key: 'lots_of_interest',
      type: 'multi',
      label: 'Which parts of the service would you be interested in running?',
      hint: 'Select all that apply.',
      required: true,
      core: true,
      options: [
        { value: 'branch_libraries', label: 'One or more branch libraries' },
        { value: 'home_library_service', label: 'The home library service for people who cannot get to a library' },
        { value: 'mobile_outreach', label: 'Mobile libraries and outreach' },
        { value: 'children_family_learning', label: "Children's and family learning, such as rhyme times and reading challenges" },
        { value: 'digital_inclusion', label: 'Digital inclusion, such as help to get online' },
        { value: 'whole_service', label: 'The whole library service' },
      ],
    }),
    question({
      key: 'likelihood_to_bid',
      type: 'scale',
      label: 'How likely are you to bid when we go out to tender?',
      hint: '1 means very unlikely and 5 means very likely.',
      required: true,
      core: true,
    }),
    question({
      key: 'start_within_12_months',
      type: 'yesno',
      label: 'Could you be ready to start running the service within 12 months?',
      hint: 'Think about recruiting staff, setting up systems and any funding you would need.',
      required: true,
    }),
    question({
      key: 'earliest_start',
      type: 'date',
      label: 'What is the earliest date you could start?',
      hint: 'A rough date is fine.',
      showIf: { key: 'start_within_12_months', equals: true },
    }),
    question({
      key: 'bid_role',
      type: 'single',
      label: 'How would you be most likely to bid?',
      hint: 'Choose the one that fits best.',
      options: [
        { value: 'alone', label: 'On our own' },
        { value: 'lead_partner', label: 'As the lead of a partnership or consortium' },
        { value: 'consortium_member', label: 'As a member of a partnership or consortium' },
        { value: 'subcontractor', label: 'As a subcontractor to another organisation' },
        { value: 'not_sure', label: 'Not sure yet' },
      ],
    }),
  ],
};

const contractAndStaff: Section = {
  title: 'The contract and staff',
  description: 'This helps us set the contract length, size and terms so that organisations like yours can bid.',
  questions: [
    question({
      key: 'preferred_contract_length',
      type: 'single',
      label: 'What contract length would suit you best?',
      hint: 'Longer contracts give more time to invest; shorter ones can be less risky for smaller organisations.',
      required: true,
      core: true,
      options: [
        { value: 'up_to_3_years', label: 'Up to 3 years' },
        { value: '3_to_5_years', label: '3 to 5 years' },
        { value: '5_to_10_years', label: '5 to 10 years' },
        { value: 'over_10_years', label: 'More than 10 years' },
      ],
    }),
    question({
      key: 'largest_contract_value',
      type: 'number',
      label: 'What is the largest contract value you could take on each year, in pounds?',
      hint: 'Enter whole pounds without commas, for example 250000. A rough figure is fine.',
      min: 0,
    }),
    question({
      key: 'tupe_experience',
      type: 'yesno',
      label: 'Has your organisation taken on staff under TUPE before?',
      hint: 'TUPE protects the jobs and terms of staff who move to a new employer when a service changes hands.',
    }),
    question({
      key: 'pensions_approach',
      type: 'textarea',
      label: 'How did you handle the staff pensions?',
      hint: 'For example, whether you became an admitted body in the Local Government Pension Scheme, offered a different scheme, or used a pension bond.',
      showIf: { key: 'tupe_experience', equals: true },
    }),
  ],
};

const barriers: Section = {
  title: 'What might stop you bidding',
  description: 'We must consider removing barriers that small organisations face. Your answers here help us change how we buy.',
  questions: [
    question({
      key: 'barriers',
      type: 'multi',
      label: 'Which of these might stop you bidding, or make it harder?',
      hint: 'Select all that apply.',
      required: true,
      core: true,
      options: BARRIER_CODES.map((code) => ({ value: code, label: BARRIERS[code].label })),
    }),
    question({
      key: 'barrier_details',
      type: 'textarea',
      label: 'Tell us about the other things that might stop you bidding',
      hint: 'Say what the problem is and, if you can, what we could do about it.',
      required: true,
      showIf: { key: 'barriers', equals: 'other' },
    }),
    question({
      key: 'what_would_help',
      type: 'textarea',
      label: 'What would help you to bid?',
      hint: 'For example, smaller lots, more time, help with writing a bid, different payment terms or meeting possible partners.',
      required: true,
      core: true,
    }),
  ],
};

const partneringAndSocialValue: Section = {
  title: 'Partnering and social value',
  description: 'Some organisations bid together. Social value is the wider benefit a contract can bring to local people.',
  questions: [
    question({
      key: 'open_to_partnering',
      type: 'yesno',
      label: 'Would you be open to working with other organisations to deliver the service?',
      hint: 'For example, as part of a consortium, or with a larger provider running some parts and you running others.',
      required: true,
      core: true,
    }),
    question({
      key: 'partner_types',
      type: 'text',
      label: 'What kind of organisations would you like to work with?',
      hint: 'For example, a local charity, a larger library provider or a social enterprise.',
      showIf: { key: 'open_to_partnering', equals: true },
    }),
    question({
      key: 'social_value',
      type: 'textarea',
      label: 'What social value could you offer local people?',
      hint: 'For example, local jobs and volunteering, work with schools, or help for people who are lonely or not online.',
    }),
    question({
      key: 'service_ideas',
      type: 'textarea',
      label: 'How would you improve the library service?',
      hint: 'Tell us any ideas you have, however small.',
    }),
  ],
};

const nextSteps: Section = {
  title: 'Next steps',
  description: 'Taking part in market engagement does not commit you to bidding, and does not affect how a future bid is judged.',
  questions: [
    question({
      key: 'attend_event',
      type: 'yesno',
      label: 'Would you like to come to a market engagement event?',
      hint: 'Events are free and may be online or in person.',
    }),
    question({
      key: 'follow_up_contact',
      type: 'yesno',
      label: 'Can we contact you to talk about your answers?',
      hint: 'We will use the contact details in your expression of interest.',
    }),
  ],
};

/** The ready soft-market-testing questionnaire for public library services, with the coded barrier bank. */
export const LIBRARY_SMT_V1: QuestionnaireDefinition = deepFreeze({
  sections: [aboutYou, yourInterest, contractAndStaff, barriers, partneringAndSocialValue, nextSteps],
});

export interface QuestionnaireTemplate {
  title: string;
  description: string;
  definition: QuestionnaireDefinition;
}

/** Ready questionnaires an officer can choose with `{"template": "<name>"}`. Their definitions are frozen: copy before changing. */
export const TEMPLATES = {
  'library-smt-v1': {
    title: 'Library services soft market testing',
    description:
      'A ready questionnaire for testing the market for public library services: experience, interest in each part of the service, contract terms, TUPE, barriers to bidding, partnering and social value.',
    definition: LIBRARY_SMT_V1,
  },
} as const satisfies Record<string, QuestionnaireTemplate>;

export type TemplateName = keyof typeof TEMPLATES;
export const TEMPLATE_NAMES = Object.keys(TEMPLATES) as [TemplateName, ...TemplateName[]];

/** The template's question about which parts of the service an organisation would run. */
export const LOTS_QUESTION_KEY = 'lots_of_interest';

/**
 * The template fitted to an exercise: its question about parts of the service offers the exercise's own lots (and
 * the whole service). An exercise without lots keeps the template's general options.
 */
export function fitTemplateToLots(
  definition: QuestionnaireDefinition,
  lots: readonly { lotId: string; title: string }[],
): QuestionnaireDefinition {
  if (!lots.length) return definition;
  const options = lots.map((l) => ({ value: l.lotId.replace(/[^a-z0-9_]/g, '_'), label: l.title }));
  options.push({ value: 'whole_service', label: 'The whole service' });
  return {
    sections: definition.sections.map((section) => ({
      ...section,
      questions: section.questions.map((q) => (q.key === LOTS_QUESTION_KEY ? { ...q, options } : q)),
    })),
  };
}
