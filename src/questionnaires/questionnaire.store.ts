import { Types, type Connection } from 'mongoose';
import type { AuditLog } from '../platform/audit';
import { ConflictError, NotFoundError, type FieldErrors } from '../platform/errors';
import type { FileStore } from '../platform/file-store';
import type { Notifier } from '../platform/notifications';
import type { InterestsService, SuppliersService } from '../suppliers';
import type { TendersService } from '../tenders';
import { allQuestions, answerCheck, isAnswered, visibleQuestions } from './answer-rules';
import {
  definitionOf,
  questionnaireModel,
  responseFileModel,
  responseFileSlotModel,
  responseModel,
  type QuestionnaireModel,
  type ResponseFileModel,
  type ResponseFileSlotModel,
  type ResponseModel,
} from './questionnaire.model';
import type { Answers, QuestionnaireDefinition } from './types';

/** The features the questionnaire services read from. */
export interface QuestionnaireNeighbours {
  tenders: TendersService;
  interests: InterestsService;
  suppliers: SuppliersService;
  files: FileStore;
  audit: AuditLog;
  notifier: Notifier;
  /** The email addresses of organisations' active users (auth knows them). */
  organisationEmails: (organisationIds: string[]) => Promise<string[]>;
}

/**
 * What the questionnaire services share: the models, the clock, and the reads and checks they all make. Writes hold
 * across app servers through conditions in the database (see response.writes.ts), not through anything in memory.
 */
export class QuestionnaireStore {
  readonly questionnaires: QuestionnaireModel;
  readonly responses: ResponseModel;
  readonly responseFiles: ResponseFileModel;
  readonly fileSlots: ResponseFileSlotModel;
  readonly tenders: TendersService;
  readonly interests: InterestsService;
  readonly suppliers: SuppliersService;
  readonly files: FileStore;
  readonly audit: AuditLog;
  readonly notifier: Notifier;
  readonly organisationEmails: (organisationIds: string[]) => Promise<string[]>;

  constructor(
    conn: Connection,
    neighbours: QuestionnaireNeighbours,
    readonly now: () => Date,
  ) {
    this.questionnaires = questionnaireModel(conn);
    this.responses = responseModel(conn);
    this.responseFiles = responseFileModel(conn);
    this.fileSlots = responseFileSlotModel(conn);
    ({
      tenders: this.tenders,
      interests: this.interests,
      suppliers: this.suppliers,
      files: this.files,
      audit: this.audit,
      notifier: this.notifier,
      organisationEmails: this.organisationEmails,
    } = neighbours);
  }

  async definitionFor(tenderId: Types.ObjectId): Promise<QuestionnaireDefinition> {
    const q = await this.questionnaires.findOne({ tender: tenderId }).lean();
    if (!q) throw new NotFoundError('This exercise has no questionnaire yet');
    return definitionOf(q);
  }

  /** Answers can be saved and sent: the exercise is published and its deadline (server clock) has not passed. */
  isOpen(tender: { status: string; questionnaireDeadline: Date }): boolean {
    return tender.status === 'published' && this.now() <= tender.questionnaireDeadline;
  }

  /** Refuses answers unless the exercise is published and, at `at` (now by default, by the server clock), before its deadline. */
  checkOpen(tender: { status: string; questionnaireDeadline: Date }, at: Date = this.now()): void {
    if (tender.status !== 'published') throw new ConflictError('not_open', 'This exercise is not taking questionnaire answers');
    if (at > tender.questionnaireDeadline) {
      throw new ConflictError('deadline_passed', 'The deadline for questionnaires has passed');
    }
  }

  /** Problems with the given answers' values (not with missing ones), keyed `answers.<key>`. */
  async valueProblems(
    definition: QuestionnaireDefinition,
    answers: Answers,
    tender: Types.ObjectId,
    organisation: Types.ObjectId,
  ): Promise<FieldErrors> {
    const problems: FieldErrors = {};
    const byKey = new Map(allQuestions(definition).map((q) => [q.key, q]));
    for (const [key, value] of Object.entries(answers)) {
      const question = byKey.get(key);
      if (!question) {
        problems[`answers.${key}`] = 'This is not a question in this questionnaire';
        continue;
      }
      if (!isAnswered(value)) continue;
      const problem = answerCheck(question, value);
      if (problem) {
        problems[`answers.${key}`] = problem;
        continue;
      }
      if (question.type === 'file') {
        const owned = await this.responseFiles.exists({ _id: new Types.ObjectId(value as string), tender, organisation });
        if (!owned) problems[`answers.${key}`] = 'Upload the file again: it could not be found';
      }
    }
    return problems;
  }

  /** The answers that count: those of questions shown, with the attachments' hashes for the receipt. */
  async sealedAnswers(definition: QuestionnaireDefinition, answers: Answers) {
    const shown = visibleQuestions(definition, answers);
    const kept: Answers = {};
    const attachments: { key: string; fileId: string; sha256: string }[] = [];
    for (const q of shown) {
      const value = answers[q.key];
      if (!isAnswered(value)) continue;
      kept[q.key] = value!;
      if (q.type === 'file') {
        const file = await this.responseFiles.findById(value as string).lean();
        attachments.push({ key: q.key, fileId: value as string, sha256: file?.sha256 ?? '' });
      }
    }
    return { kept, attachments };
  }

  async fileRecord(fileId: string, scope: Record<string, unknown>) {
    if (!Types.ObjectId.isValid(fileId)) throw new NotFoundError('File not found');
    const f = await this.responseFiles.findOne({ _id: new Types.ObjectId(fileId), ...scope }).lean();
    if (!f) throw new NotFoundError('File not found');
    return { key: f.storageKey, meta: { contentType: f.contentType, originalName: f.filename } };
  }
}
