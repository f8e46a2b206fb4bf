import { z } from 'zod';
import { pageParam } from '../platform/pagination';
import { optionalFilter } from '../platform/validation';

export const TUPE_VALUES = ['yes', 'no', 'unknown'] as const;
export const EVENT_FORMATS = ['in_person', 'online', 'hybrid'] as const;
export const MAX_LOTS = 20;
export const MAX_EVENTS = 20;

const pounds = (label: string) =>
  z
    .number({ message: `${label} must be a whole number of pounds` })
    .int(`${label} must be a whole number of pounds`)
    .min(0, `${label} must be 0 or more`)
    .max(10_000_000_000, `${label} is too large`);

const isoTime = (label: string) =>
  z.iso
    .datetime({ offset: true, message: `${label} must be a date and time, like 2027-03-31T12:00:00Z` })
    .transform((value) => new Date(value));

const text = (label: string, max: number) =>
  z
    .string({ message: `Enter ${label}` })
    .trim()
    .min(1, `Enter ${label}`)
    .max(max, `${label[0]?.toUpperCase()}${label.slice(1)} must be ${max.toLocaleString('en-GB')} characters or fewer`);

const lotSchema = z.object({
  /** Present when editing an existing lot, so its id (and anything pointing at it) is kept. */
  id: z.string().trim().min(1).max(40).optional(),
  title: text('a lot title', 200),
  description: z
    .string({ message: 'Lot description must be text' })
    .trim()
    .max(5_000, 'Lot description must be 5,000 characters or fewer')
    .default(''),
  estimatedAnnualValue: pounds('Estimated annual value').nullable().default(null),
});

const eventSchema = z.object({
  id: z.string().trim().min(1).max(40).optional(),
  title: text('an event title', 200),
  format: z.enum(EVENT_FORMATS, { message: 'Choose in person, online or hybrid' }),
  startsAt: isoTime('Event start'),
  location: z.string({ message: 'Location must be text' }).trim().max(500, 'Location must be 500 characters or fewer').default(''),
});

/** Every field an officer may set. Borough, status, reference and dates of record are never taken from input. */
const tenderFields = {
  title: text('a title', 200),
  summary: text('a plain-English summary', 3_000),
  specification: text('the service specification', 100_000),
  serviceScope: z
    .string({ message: 'Service scope must be text' })
    .trim()
    .max(5_000, 'Service scope must be 5,000 characters or fewer')
    .default(''),
  lots: z.array(lotSchema, { message: 'Lots must be a list' }).max(MAX_LOTS, `An exercise can have at most ${MAX_LOTS} lots`).default([]),
  estimatedValue: z
    .object(
      { min: pounds('Minimum estimated value'), max: pounds('Maximum estimated value') },
      { message: 'Estimated value must have a min and a max' },
    )
    .refine((v) => v.min <= v.max, { message: 'The maximum must be at least the minimum', path: ['max'] })
    .nullable()
    .default(null),
  contractTermMonths: z
    .number({ message: 'Contract term must be a number of months' })
    .int('Contract term must be a whole number of months')
    .min(1, 'Contract term must be at least 1 month')
    .max(600, 'Contract term must be 600 months or fewer')
    .nullable()
    .default(null),
  tupe: z.enum(TUPE_VALUES, { message: 'Say whether TUPE applies: yes, no or unknown' }).default('unknown'),
  clarificationDeadline: isoTime('Clarification deadline'),
  eoiDeadline: isoTime('Expression of interest deadline'),
  questionnaireDeadline: isoTime('Questionnaire deadline'),
  engagementEvents: z
    .array(eventSchema, { message: 'Engagement events must be a list' })
    .max(MAX_EVENTS, `Give at most ${MAX_EVENTS} events`)
    .default([]),
  sealed: z.boolean({ message: 'Sealed must be true or false' }).default(false),
  shareFindings: z.boolean({ message: 'Share findings must be true or false' }).default(true),
  thirdSectorTarget: z
    .number({ message: 'Third-sector target must be a number from 0 to 1' })
    .min(0, 'Third-sector target must be from 0 to 1')
    .max(1, 'Third-sector target must be from 0 to 1')
    .default(0.25),
};

type Deadlines = { clarificationDeadline?: Date; eoiDeadline?: Date; questionnaireDeadline?: Date };

/** Clarification deadline ≤ EOI deadline ≤ questionnaire deadline. Returns messages by field. */
export function deadlineOrderProblems(d: Deadlines): Record<string, string> {
  const problems: Record<string, string> = {};
  if (d.clarificationDeadline && d.eoiDeadline && d.clarificationDeadline > d.eoiDeadline) {
    problems.clarificationDeadline = 'The clarification deadline must be on or before the expression of interest deadline';
  }
  if (d.eoiDeadline && d.questionnaireDeadline && d.eoiDeadline > d.questionnaireDeadline) {
    problems.eoiDeadline = 'The expression of interest deadline must be on or before the questionnaire deadline';
  }
  return problems;
}

export const createTenderSchema = z.object(tenderFields).superRefine((t, ctx) => {
  for (const [path, message] of Object.entries(deadlineOrderProblems(t))) ctx.addIssue({ code: 'custom', path: [path], message });
});

export type CreateTenderInput = z.infer<typeof createTenderSchema>;

/** An edit: any subset of the fields, without defaults (absent means unchanged). The merged result is checked again. */
export const updateTenderSchema = z
  .object({
    title: tenderFields.title,
    summary: tenderFields.summary,
    specification: tenderFields.specification,
    serviceScope: z.string().trim().max(5_000, 'Service scope must be 5,000 characters or fewer'),
    lots: z.array(lotSchema).max(MAX_LOTS, `An exercise can have at most ${MAX_LOTS} lots`),
    estimatedValue: tenderFields.estimatedValue.unwrap().unwrap().nullable(),
    contractTermMonths: tenderFields.contractTermMonths.unwrap().unwrap().nullable(),
    tupe: z.enum(TUPE_VALUES, { message: 'Say whether TUPE applies: yes, no or unknown' }),
    clarificationDeadline: tenderFields.clarificationDeadline,
    eoiDeadline: tenderFields.eoiDeadline,
    questionnaireDeadline: tenderFields.questionnaireDeadline,
    engagementEvents: z.array(eventSchema).max(MAX_EVENTS, `Give at most ${MAX_EVENTS} events`),
    sealed: z.boolean({ message: 'Sealed must be true or false' }),
    shareFindings: z.boolean({ message: 'Share findings must be true or false' }),
    thirdSectorTarget: tenderFields.thirdSectorTarget.unwrap(),
  })
  .partial();

export type UpdateTenderInput = z.infer<typeof updateTenderSchema>;

/** `PUT /api/v1/tenders/:id/sharing`: whether the exercise's figures count towards the shared findings. */
export const sharingSchema = z.object({
  shareFindings: z.boolean({ message: 'Share findings must be true or false' }),
});

export const TENDER_LIST_STATUSES = ['published', 'closed', 'cancelled', 'draft'] as const;

// The list's form sends every field, those left on "any" empty: an empty value is no filter.
export const listTendersQuery = z.object({
  borough: optionalFilter(z.string().trim().max(60, 'Choose a borough from the list')),
  status: optionalFilter(z.enum(TENDER_LIST_STATUSES, { message: 'Status must be published, closed, cancelled or draft' })),
  q: optionalFilter(z.string().trim().max(200, 'Search must be 200 characters or fewer')),
  sort: optionalFilter(z.enum(['newest', 'closing'], { message: 'Sort by newest or closing' })),
  // A page number comes from a link, never typed: one that makes no sense shows the first page.
  page: z.preprocess(pageParam, z.number()).optional(),
});

export type ListTendersQuery = z.infer<typeof listTendersQuery>;

/** The text fields that come with a document upload. */
export const documentTitleSchema = z.object({
  title: z
    .string({ message: 'Enter a title for the document' })
    .trim()
    .min(1, 'Enter a title for the document')
    .max(200, 'The title must be 200 characters or fewer'),
});
