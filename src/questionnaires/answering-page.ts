import type { Tender } from '../tenders';
import type { AnsweringContext, QuestionnaireView, ResponseView } from './questionnaires.service';
import type { FieldErrors } from '../platform/errors';
import { uploadTypes, type ArrivedFile } from '../platform/upload';
import { isAnswered } from './answer-rules';
import { answerFieldId } from './answers.form';
import type { Answers, Question, QuestionnaireDefinition } from './types';

/** What every answering page reads first: the exercise, its questions and the organisation's own response. */
export /** Everything an answering page needs: the exercise, its questions and the organisation's own draft. */
interface Answering {
  tender: Tender;
  questionnaire: QuestionnaireView;
  definition: QuestionnaireDefinition;
  response: ResponseView | null;
  answers: Answers;
  /** Answers can be saved and sent, as the service judges it: the exercise is published and the deadline (server clock) has not passed. */
  open: boolean;
  /** Handed back to the service, so saving and sending do not read it all again. */
  context: AnsweringContext | null;
}

export const ACCEPTED_TYPES = Object.values(uploadTypes)
  .map((t) => t.label)
  .join(', ');

/** Short text questions get no character count from the shared macro, so their limit goes in the hint. */
export function withLimitHint(q: Question): Question {
  if (q.type !== 'text' || !q.maxLength || q.maxLength > 200) return q;
  const limit = `You can enter up to ${q.maxLength} characters.`;
  return { ...q, hint: q.hint ? `${q.hint} ${limit}` : limit };
}

/** The hints a section page adds: a short text's limit, and on a question others depend on, that another may follow (true without JavaScript too). */
export function withPageHints(definition: QuestionnaireDefinition): (q: Question) => Question {
  const leadOn = new Set(definition.sections.flatMap((s) => s.questions.flatMap((q) => (q.showIf ? [q.showIf.key] : []))));
  return (question) => {
    const q = withLimitHint(question);
    if (!leadOn.has(q.key)) return q;
    const more = 'Another question may follow, depending on your answer.';
    return { ...q, hint: q.hint ? `${q.hint} ${more}` : more };
  };
}

/** Form fields keyed `a-<key>` from the service's `answers.<key>` problems. */
export const byField = (fields: FieldErrors): FieldErrors =>
  Object.fromEntries(Object.entries(fields).map(([path, message]) => [answerFieldId(path), message]));

/** The file field of a file question on the section form. */
export const uploadField = (key: string) => `file-${key}`;
/** Many fields: a section's questions, the parts of dates, each ticked box. */
export const SECTION_FORM_FIELDS = 500;

/** A section form as read: its answers, and the file sent with it and for which question, if any. */
export interface SectionPost {
  posted: Record<string, unknown>;
  arrived: ArrivedFile | null;
  /** The file question to upload to: the one whose Upload button was pressed, or whose field holds a file. */
  fileKey: string | null;
}

/** The given answers over the stored ones; a cleared answer (null) removes the stored one. */
export function merged(stored: Answers, posted: Record<string, unknown>): Answers {
  const out: Record<string, unknown> = { ...stored, ...posted };
  return Object.fromEntries(Object.entries(out).filter(([, v]) => isAnswered(v))) as Answers;
}
