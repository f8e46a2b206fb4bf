import { z } from 'zod';
import { definitionFromBody, questionnaireBodySchema } from './questionnaire.schema';

/** The body of `PUT /api/v1/tenders/:id/questionnaire`: the checked definition and the template it came from, if any. */
export const setQuestionnaireSchema = questionnaireBodySchema.transform((body) => ({
  definition: definitionFromBody(body),
  template: body.template ?? null,
}));

/** The body of `PUT /api/v1/tenders/:id/response`: the organisation's draft answers. */
export const draftAnswersSchema = z.object({
  answers: z.record(z.string(), z.unknown(), { message: 'Send the answers as an object of question keys and values' }),
});

/** Answers an officer records for an organisation, from the API and the record page. */
export const recordedResponseSchema = z.object({
  organisationId: z.string({ message: 'Choose the organisation that answered' }).trim().min(1, 'Choose the organisation that answered'),
  answers: z.record(z.string(), z.unknown(), { message: 'Send the answers as an object of question keys and values' }),
  method: z.enum(['phone', 'event', 'email', 'other'], { message: 'Say how the answers were given: phone, event, email or other' }),
  note: z.string({ message: 'The note must be text' }).trim().max(1000, 'The note must be 1,000 characters or fewer').default(''),
});
