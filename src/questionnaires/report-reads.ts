import { Types } from 'mongoose';
import { streamCursor } from '../db/streamed-cursor';
import { definitionOf, type ResponseRecord } from './questionnaire.model';
import type { QuestionnaireStore } from './questionnaire.store';
import type { Answers, QuestionnaireDefinition } from './types';

/** One response as reports read it (see streamForReport). */
export interface ReportResponse {
  organisationId: string;
  status: 'draft' | 'submitted';
  recorded: boolean;
  submittedAnswers: Answers | null;
  receivedAt: string | null;
}

/** Streamed, narrow reads of questionnaires and responses for the reports feature; the caller checks access. */
export class ReportReads {
  constructor(private readonly store: QuestionnaireStore) {}

  /** The exercise's questions, or null when it has none yet (reports show interests without them). */
  async definitionOrNull(tenderId: Types.ObjectId): Promise<QuestionnaireDefinition | null> {
    const q = await this.store.questionnaires.findOne({ tender: tenderId }, { definition: 1 }).lean();
    return q ? definitionOf(q) : null;
  }

  /**
   * Every response to one exercise, streamed with a projection: its status, whether an officer recorded it, and
   * (unless `answers` is false) the submitted answers, which are the last revision's. Drafts never carry answers:
   * they are the organisation's until submitted.
   */
  async *streamForReport(
    tender: { _id: Types.ObjectId; borough: Types.ObjectId },
    opts: { answers: boolean; submittedOnly?: boolean },
  ): AsyncGenerator<ReportResponse> {
    const query: Record<string, unknown> = { tender: tender._id, borough: tender.borough };
    if (opts.submittedOnly) query.status = 'submitted';
    const projection: Record<string, 1> = { organisation: 1, status: 1, recordedBy: 1 };
    if (opts.answers) projection.revisions = 1;
    for await (const doc of streamCursor(this.store.responses.find(query, projection).lean().cursor())) {
      const r = doc as unknown as Pick<ResponseRecord, 'organisation' | 'status' | 'recordedBy' | 'revisions'>;
      const last = r.status === 'submitted' ? r.revisions?.at(-1) : undefined;
      yield {
        organisationId: r.organisation.toString(),
        status: r.status,
        recorded: Boolean(r.recordedBy),
        submittedAnswers: last ? ((last.answers ?? {}) as Answers) : null,
        receivedAt: last ? last.receivedAt.toISOString() : null,
      };
    }
  }

  /**
   * Each submitted response to one exercise with its answer to one question (the last revision's), streamed for the
   * shared findings: nothing else of the answers leaves here. The caller decides which exercises may be counted.
   */
  async *submittedAnswersTo(tenderId: string, key: string): AsyncGenerator<{ organisationId: string; answer: unknown }> {
    if (!Types.ObjectId.isValid(tenderId)) return;
    const query = { tender: new Types.ObjectId(tenderId), status: 'submitted' as const };
    for await (const doc of streamCursor(this.store.responses.find(query, { organisation: 1, revisions: 1 }).lean().cursor())) {
      const r = doc as unknown as Pick<ResponseRecord, 'organisation' | 'revisions'>;
      const answers = (r.revisions?.at(-1)?.answers ?? {}) as Answers;
      yield { organisationId: r.organisation.toString(), answer: Object.hasOwn(answers, key) ? answers[key] : undefined };
    }
  }
}
