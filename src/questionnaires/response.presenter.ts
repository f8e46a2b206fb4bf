import mongoose, { Types } from 'mongoose';
import type { Organisation } from '../suppliers';
import { allQuestions, countedAnswers, isAnswered, visibleQuestions } from './answer-rules';
import { canonicalJson } from './canonical';
import { definitionOf, type ResponseRecord } from './questionnaire.model';
import type { QuestionnaireStore } from './questionnaire.store';
import { estimatedMinutes } from './template';
import type { Answers, QuestionnaireDefinition } from './types';

export interface QuestionnaireView {
  tenderId: string;
  template: string | null;
  sections: QuestionnaireDefinition['sections'];
  questionCount: number;
  coreCount: number;
  estimatedMinutes: number;
  /** True once a response has been submitted: the questions can no longer change. Null for anyone but the borough's officers. */
  locked: boolean | null;
  updatedAt: string;
}

export interface Receipt {
  receivedAt: string;
  sha256: string;
}

export interface ResponseProgress {
  answered: number;
  shown: number;
  requiredUnanswered: number;
}

export interface ResponseFileView {
  id: string;
  filename: string;
  size: number;
  contentType: string;
}

export interface ResponseView {
  id: string;
  tenderId: string;
  organisation: { id: string; name: string; sector: string; size: string };
  status: 'draft' | 'submitted';
  /** The working draft (for the organisation) or the submitted answers (for officers). */
  answers: Answers;
  receipt: Receipt | null;
  revisions: Receipt[];
  recordedBy: { name: string; method: string; note: string; at: string } | null;
  files: ResponseFileView[];
  progress: ResponseProgress;
  changedSinceSubmitted: boolean;
  updatedAt: string;
}

/**
 * Defaults for fields an upsert may not have written (FerretDB v1 leaves out empty arrays and nulls
 * given in `$setOnInsert`), so every reader sees the same shape.
 */
export function normalised(r: ResponseRecord): ResponseRecord {
  return { ...r, answers: r.answers ?? {}, revisions: r.revisions ?? [], recordedBy: r.recordedBy ?? null } as ResponseRecord;
}

/** A stored questionnaire as the API and pages show it. */
export function questionnaireView(
  q: { tender: Types.ObjectId; template?: string | null; definition: unknown; updatedAt: Date },
  locked: boolean | null,
): QuestionnaireView {
  const definition = definitionOf(q);
  const questions = allQuestions(definition);
  return {
    tenderId: q.tender.toString(),
    template: q.template ?? null,
    sections: definition.sections,
    questionCount: questions.length,
    coreCount: questions.filter((x) => x.core).length,
    estimatedMinutes: estimatedMinutes(definition),
    locked,
    updatedAt: q.updatedAt.toISOString(),
  };
}

/** A stored response as the API and pages show it: the draft (`draft`) or the last submitted answers (`submitted`). */
export async function responseView(
  store: QuestionnaireStore,
  record: ResponseRecord,
  definition: QuestionnaireDefinition,
  show: 'draft' | 'submitted',
  organisations?: Map<string, Organisation>,
): Promise<ResponseView> {
  const r = normalised(record);
  const last = r.revisions.at(-1);
  const org = organisations?.get(r.organisation.toString()) ?? (await store.suppliers.getOrganisation(r.organisation.toString()));
  const answers = ((show === 'submitted' ? last?.answers : r.answers) ?? {}) as Answers;
  const shown = visibleQuestions(definition, answers);
  const fileIds = allQuestions(definition)
    .filter((q) => q.type === 'file' && typeof answers[q.key] === 'string')
    .map((q) => answers[q.key] as string)
    .filter((id) => Types.ObjectId.isValid(id));
  const files = fileIds.length
    ? await store.responseFiles
        .find({ _id: mongoose.trusted({ $in: fileIds.map((id) => new Types.ObjectId(id)) }), organisation: r.organisation })
        .lean()
    : [];
  return {
    id: r._id.toString(),
    tenderId: r.tender.toString(),
    organisation: { id: org.id, name: org.name, sector: org.sector, size: org.size },
    status: r.status,
    answers,
    receipt: last ? { receivedAt: last.receivedAt.toISOString(), sha256: last.sha256 } : null,
    revisions: r.revisions.map((x) => ({ receivedAt: x.receivedAt.toISOString(), sha256: x.sha256 })),
    recordedBy: r.recordedBy
      ? {
          name: r.recordedBy.name ?? '',
          method: r.recordedBy.method ?? '',
          note: r.recordedBy.note ?? '',
          at: (r.recordedBy.at ?? r.createdAt).toISOString(),
        }
      : null,
    files: files.map((f) => ({ id: f._id.toString(), filename: f.filename, size: f.size, contentType: f.contentType })),
    progress: {
      answered: shown.filter((q) => isAnswered(answers[q.key])).length,
      shown: shown.length,
      requiredUnanswered: shown.filter((q) => q.required && !isAnswered(answers[q.key])).length,
    },
    // Compared as submit stores them (shown questions only, in any key order), so an unchanged draft never looks changed.
    changedSinceSubmitted:
      Boolean(last) && canonicalJson(last?.answers ?? {}) !== canonicalJson(countedAnswers(definition, (r.answers ?? {}) as Answers)),
    updatedAt: r.updatedAt.toISOString(),
  };
}
