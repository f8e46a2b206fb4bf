import type { Connection, Types } from 'mongoose';
import type { PublicUser } from '../platform/roles';
import type { AuditLog } from '../platform/audit';
import type { FileStore, StoredFileMeta } from '../platform/file-store';
import type { ReceivedUpload } from '../platform/upload';
import type { InterestsService, SuppliersService } from '../suppliers';
import type { Actor, TendersService } from '../tenders';
import { AnsweringService, type AnsweringContext, type AnsweringPage } from './answering.service';
import type { Notifier } from '../platform/notifications';
import type { QuestionnaireModel, ResponseFileModel, ResponseModel } from './questionnaire.model';
import { QuestionnaireDefinitions } from './questionnaire-definition.service';
import { QuestionnaireStore } from './questionnaire.store';
import { OfficerResponses, type RecordedResponseInput, type ResponsesPage } from './officer-responses.service';
import type { QuestionnaireView, Receipt, ResponseFileView, ResponseView } from './response.presenter';
import { ReportReads, type ReportResponse } from './report-reads';
import type { Answers, QuestionnaireDefinition } from './types';

export type { QuestionnaireView, Receipt, ResponseFileView, ResponseProgress, ResponseView } from './response.presenter';
export type { RecordedResponseInput, ResponsesPage } from './officer-responses.service';
export type { AnsweringContext, AnsweringPage } from './answering.service';
export { MAX_FILES_PER_RESPONSE } from './answering.service';
export type { ReportResponse } from './report-reads';

export interface QuestionnairesServiceOptions {
  now?: () => Date;
}

/**
 * The questionnaires feature as the rest of the portal uses it: the questions (definition), an
 * organisation's answers (answering) and the officers' side (responses), each in its own service.
 */
export class QuestionnairesService {
  readonly definitions: QuestionnaireDefinitions;
  readonly answering: AnsweringService;
  readonly officers: OfficerResponses;
  readonly reportReads: ReportReads;
  readonly questionnaires: QuestionnaireModel;
  readonly responses: ResponseModel;
  readonly responseFiles: ResponseFileModel;
  readonly now: () => Date;

  constructor(
    conn: Connection,
    tenders: TendersService,
    interests: InterestsService,
    suppliers: SuppliersService,
    files: FileStore,
    audit: AuditLog,
    notifier: Notifier,
    organisationEmails: (organisationIds: string[]) => Promise<string[]>,
    opts: QuestionnairesServiceOptions = {},
  ) {
    const store = new QuestionnaireStore(
      conn,
      { tenders, interests, suppliers, files, audit, notifier, organisationEmails },
      opts.now ?? (() => new Date()),
    );
    this.definitions = new QuestionnaireDefinitions(store);
    this.answering = new AnsweringService(store);
    this.officers = new OfficerResponses(store);
    this.reportReads = new ReportReads(store);
    ({ questionnaires: this.questionnaires, responses: this.responses, responseFiles: this.responseFiles, now: this.now } = store);
  }

  setQuestionnaire(
    tenderId: string,
    definition: QuestionnaireDefinition,
    template: string | null,
    actor: PublicUser,
  ): Promise<QuestionnaireView> {
    return this.definitions.setQuestionnaire(tenderId, definition, template, actor);
  }

  getQuestionnaire(tenderId: string, actor: Actor): Promise<QuestionnaireView> {
    return this.definitions.getQuestionnaire(tenderId, actor);
  }

  answeringPage(tenderId: string, actor: PublicUser): Promise<AnsweringPage> {
    return this.answering.page(tenderId, actor);
  }

  saveDraft(
    tenderId: string,
    answers: Answers,
    actor: PublicUser,
    opts: { merge?: boolean; context?: AnsweringContext | null } = {},
  ): Promise<ResponseView> {
    return this.answering.saveDraft(tenderId, answers, actor, opts);
  }

  uploadFile(
    tenderId: string,
    receive: () => Promise<ReceivedUpload>,
    actor: PublicUser,
    context?: AnsweringContext | null,
  ): Promise<ResponseFileView> {
    return this.answering.uploadFile(tenderId, receive, actor, context);
  }

  submit(
    tenderId: string,
    idempotencyKey: string | undefined,
    actor: PublicUser,
    context?: AnsweringContext | null,
    arrivedAt?: Date,
  ): Promise<{ receipt: Receipt; created: boolean }> {
    return this.answering.submit(tenderId, idempotencyKey, actor, context, arrivedAt);
  }

  ownResponse(tenderId: string, actor: PublicUser): Promise<ResponseView> {
    return this.answering.ownResponse(tenderId, actor);
  }

  sentAnswers(tenderId: string, actor: PublicUser) {
    return this.answering.sentAnswers(tenderId, actor);
  }

  ownFile(tenderId: string, fileId: string, actor: PublicUser): Promise<{ key: string; meta: StoredFileMeta }> {
    return this.answering.ownFile(tenderId, fileId, actor);
  }

  progressForMany(tenderIds: string[], organisationId: string) {
    return this.answering.progressForMany(tenderIds, organisationId);
  }

  progressFor(tenderId: string, organisationId: string) {
    return this.answering.progressFor(tenderId, organisationId);
  }

  listResponses(tenderId: string, actor: PublicUser, page = 1, pageSize?: number): Promise<ResponsesPage> {
    return this.officers.listResponses(tenderId, actor, page, pageSize);
  }

  respondedOrganisations(tenderId: string, actor: PublicUser): Promise<Set<string>> {
    return this.officers.respondedOrganisations(tenderId, actor);
  }

  oneResponse(tenderId: string, responseId: string, actor: PublicUser): Promise<ResponseView> {
    return this.officers.oneResponse(tenderId, responseId, actor);
  }

  officerFile(tenderId: string, responseId: string, fileId: string, actor: PublicUser) {
    return this.officers.officerFile(tenderId, responseId, fileId, actor);
  }

  recordResponse(tenderId: string, input: RecordedResponseInput, actor: PublicUser): Promise<ResponseView> {
    return this.officers.recordResponse(tenderId, input, actor);
  }

  /** The officer's own exercise for reading answers or figures made from them: 404 for another borough, 403 while sealed (audited as `action`). */
  officerReadable(tenderId: string, actor: PublicUser, action: string) {
    return this.officers.officerReadable(tenderId, actor, action);
  }

  definitionOrNull(tenderId: Types.ObjectId): Promise<QuestionnaireDefinition | null> {
    return this.reportReads.definitionOrNull(tenderId);
  }

  streamForReport(
    tender: { _id: Types.ObjectId; borough: Types.ObjectId },
    opts: { answers: boolean; submittedOnly?: boolean },
  ): AsyncGenerator<ReportResponse> {
    return this.reportReads.streamForReport(tender, opts);
  }

  submittedAnswersTo(tenderId: string, key: string): AsyncGenerator<{ organisationId: string; answer: unknown }> {
    return this.reportReads.submittedAnswersTo(tenderId, key);
  }
}
