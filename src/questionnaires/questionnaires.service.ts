import mongoose, { Types, type Connection } from 'mongoose';
import type { PublicUser } from '../auth';
import { isDuplicateKey } from '../db/connection';
import type { AuditLog } from '../platform/audit';
import { BadRequestError, ConflictError, ForbiddenError, NotFoundError, ValidationError, type FieldErrors } from '../platform/errors';
import type { FileStore, StoredFileMeta } from '../platform/file-store';
import { KeyedLock } from '../platform/keyed-lock';
import type { ReceivedUpload } from '../platform/upload';
import type { InterestsService, Organisation, SuppliersService } from '../suppliers';
import { isOwnBoroughOfficer, type Actor, type TendersService } from '../tenders';
import { canonicalJson, responseSha256 } from './canonical';
import {
  questionnaireModel,
  responseFileModel,
  responseModel,
  type QuestionnaireModel,
  type ResponseFileModel,
  type ResponseModel,
  type ResponseRecord,
} from './questionnaire.model';
import { allQuestions, answerCheck, visibleQuestions } from './questionnaire.schema';
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

/** One response as reports read it (see streamForReport). */
export interface ReportResponse {
  organisationId: string;
  status: 'draft' | 'submitted';
  recorded: boolean;
  submittedAnswers: Answers | null;
  receivedAt: string | null;
}

export interface RecordedResponseInput {
  organisationId: string;
  answers: Answers;
  method: 'phone' | 'event' | 'email' | 'other';
  note: string;
}

export interface QuestionnairesServiceOptions {
  now?: () => Date;
}

type Definitionish = { definition: unknown };
const definitionOf = (q: Definitionish): QuestionnaireDefinition => q.definition as QuestionnaireDefinition;
/** An empty list is an answer to a `multi` question ("none of these"); an empty string or null is not. */
const isAnswered = (value: unknown) => value !== undefined && value !== null && value !== '';

/** The answers a submission keeps: those to the questions shown. */
function countedAnswers(definition: QuestionnaireDefinition, answers: Answers): Answers {
  return Object.fromEntries(
    visibleQuestions(definition, answers).flatMap((q) => (isAnswered(answers[q.key]) ? [[q.key, answers[q.key]!]] : [])),
  );
}

/**
 * Defaults for fields an upsert may not have written (FerretDB v1 leaves out empty arrays and nulls
 * given in `$setOnInsert`), so every reader sees the same shape.
 */
function normalised(r: ResponseRecord): ResponseRecord {
  return { ...r, answers: r.answers ?? {}, revisions: r.revisions ?? [], recordedBy: r.recordedBy ?? null } as ResponseRecord;
}

/** The most files one organisation may upload for one exercise's questionnaire. */
export const MAX_FILES_PER_RESPONSE = 20;

export class QuestionnairesService {
  readonly questionnaires: QuestionnaireModel;
  readonly responses: ResponseModel;
  readonly responseFiles: ResponseFileModel;
  readonly now: () => Date;
  private readonly writes = new KeyedLock();

  constructor(
    conn: Connection,
    private readonly tenders: TendersService,
    private readonly interests: InterestsService,
    private readonly suppliers: SuppliersService,
    private readonly files: FileStore,
    private readonly audit: AuditLog,
    opts: QuestionnairesServiceOptions = {},
  ) {
    this.questionnaires = questionnaireModel(conn);
    this.responses = responseModel(conn);
    this.responseFiles = responseFileModel(conn);
    this.now = opts.now ?? (() => new Date());
  }

  // ---------------------------------------------------------------------------------------------
  // The questionnaire

  private view(
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

  private async isLocked(tenderId: Types.ObjectId): Promise<boolean> {
    return Boolean(await this.responses.exists({ tender: tenderId, status: 'submitted' }));
  }

  /** Sets the questions of the officer's own exercise, from a template or a checked definition; 409 once answered. */
  setQuestionnaire(
    tenderId: string,
    definition: QuestionnaireDefinition,
    template: string | null,
    actor: PublicUser,
  ): Promise<QuestionnaireView> {
    return this.writes.run(`q:${tenderId}`, async () => {
      const tender = await this.tenders.findOwn(tenderId, actor);
      if (tender.status === 'closed' || tender.status === 'cancelled') {
        throw new ConflictError('wrong_status', `The questionnaire of a ${tender.status} exercise cannot be changed`);
      }
      if (await this.isLocked(tender._id)) {
        throw new ConflictError('locked', 'The questionnaire cannot be changed: an organisation has already submitted answers');
      }
      const saved = await this.questionnaires.findOneAndUpdate(
        { tender: tender._id },
        { $set: { borough: tender.borough, template, definition, updatedBy: actor.id, updatedAt: this.now() } },
        { upsert: true, returnDocument: 'after' },
      );
      return this.view(saved!, false);
    });
  }

  /** The questionnaire of an exercise the actor can see; 404 when it has none yet. */
  async getQuestionnaire(tenderId: string, actor: Actor): Promise<QuestionnaireView> {
    const tender = await this.tenders.findVisible(tenderId, actor);
    const q = await this.questionnaires.findOne({ tender: tender._id }).lean();
    if (!q) throw new NotFoundError('This exercise has no questionnaire yet');
    // Whether anyone has submitted is the council's to know, not the public's.
    const own = isOwnBoroughOfficer(actor, tender.borough.toString());
    return this.view(q, own ? await this.isLocked(tender._id) : null);
  }

  private async definitionFor(tenderId: Types.ObjectId): Promise<QuestionnaireDefinition> {
    const q = await this.questionnaires.findOne({ tender: tenderId }).lean();
    if (!q) throw new NotFoundError('This exercise has no questionnaire yet');
    return definitionOf(q);
  }

  // ---------------------------------------------------------------------------------------------
  // Answering

  /** The supplier's organisation, which must have an interest (not withdrawn) in a published exercise. */
  /**
   * The supplier's organisation and the exercise. Answering needs an interest that is not withdrawn;
   * reading what the organisation already sent (`read`) needs only an interest, withdrawn or not.
   */
  private async answeringContext(tenderId: string, actor: PublicUser, mode: 'answer' | 'read' = 'answer') {
    if (actor.role !== 'supplier' || !actor.organisationId) throw new NotFoundError();
    const tender = await this.tenders.findVisible(tenderId, actor);
    const interest = await this.interests.mine(tenderId, actor);
    if (!interest || (mode === 'answer' && interest.status !== 'active')) {
      throw new ForbiddenError('no_interest', 'Express interest in this exercise before answering its questionnaire');
    }
    return { tender, organisation: new Types.ObjectId(actor.organisationId) };
  }

  private checkOpen(tender: { status: string; questionnaireDeadline: Date }): void {
    if (tender.status !== 'published') throw new ConflictError('not_open', 'This exercise is not taking questionnaire answers');
    if (this.now() > tender.questionnaireDeadline) {
      throw new ConflictError('deadline_passed', 'The deadline for questionnaires has passed');
    }
  }

  /** Problems with the given answers' values (not with missing ones), keyed `answers.<key>`. */
  private async valueProblems(definition: QuestionnaireDefinition, answers: Answers, tender: Types.ObjectId, organisation: Types.ObjectId) {
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

  /** Answers to the questions the questionnaire has now. */
  private static knownOnly(definition: QuestionnaireDefinition, answers: Answers): Answers {
    const keys = new Set(allQuestions(definition).map((q) => q.key));
    return Object.fromEntries(Object.entries(answers).filter(([key]) => keys.has(key)));
  }

  /** Only answered questions, as the API takes them: empty answers are dropped. */
  private static cleanAnswers(answers: Answers): Answers {
    return Object.fromEntries(Object.entries(answers).filter(([, v]) => isAnswered(v)));
  }

  /**
   * Saves the organisation's draft. `merge` keeps answers not in `answers` (the pages save one section
   * at a time); otherwise the draft is replaced. Bad values are refused (422) and the stored draft is
   * left as it was.
   */
  saveDraft(tenderId: string, answers: Answers, actor: PublicUser, opts: { merge?: boolean } = {}): Promise<ResponseView> {
    return this.writes.run(`r:${tenderId}:${actor.organisationId}`, async () => {
      const { tender, organisation } = await this.answeringContext(tenderId, actor);
      this.checkOpen(tender);
      const definition = await this.definitionFor(tender._id);
      const problems = await this.valueProblems(definition, answers, tender._id, organisation);
      if (Object.keys(problems).length) throw new ValidationError(problems, 'Some answers need changing');
      const found = await this.responses.findOne({ tender: tender._id, organisation }).lean();
      const existing = found ? normalised(found as ResponseRecord) : null;
      const merged = QuestionnairesService.knownOnly(
        definition,
        QuestionnairesService.cleanAnswers(opts.merge ? { ...((existing?.answers as Answers | undefined) ?? {}), ...answers } : answers),
      );
      const now = this.now();
      try {
        const saved = await this.responses.findOneAndUpdate(
          { tender: tender._id, organisation },
          {
            $set: { answers: merged, updatedAt: now },
            $setOnInsert: { borough: tender.borough, status: 'draft', revisions: [], recordedBy: null, createdAt: now },
          },
          { upsert: true, returnDocument: 'after' },
        );
        return this.responseView(saved!.toObject() as ResponseRecord, definition, 'draft');
      } catch (err) {
        if (isDuplicateKey(err)) throw new ConflictError('busy', 'Your answers changed while saving. Try again');
        throw err;
      }
    });
  }

  /** Stores a file for a `file` answer; the returned id goes in the answers. */
  async uploadFile(tenderId: string, upload: ReceivedUpload, actor: PublicUser): Promise<ResponseFileView> {
    const { tender, organisation } = await this.answeringContext(tenderId, actor);
    this.checkOpen(tender);
    if ((await this.responseFiles.countDocuments({ tender: tender._id, organisation })) >= MAX_FILES_PER_RESPONSE) {
      throw new ConflictError('too_many_files', `You can upload up to ${MAX_FILES_PER_RESPONSE} files for this questionnaire`);
    }
    const { key } = await this.files.put(upload.buffer, { contentType: upload.detectedMime, originalName: upload.originalName });
    try {
      const doc = await this.responseFiles.create({
        tender: tender._id,
        organisation,
        storageKey: key,
        filename: upload.originalName,
        contentType: upload.detectedMime,
        size: upload.size,
        sha256: upload.sha256,
        uploadedBy: actor.id,
        uploadedAt: this.now(),
      });
      return { id: doc._id.toString(), filename: doc.filename, size: doc.size, contentType: doc.contentType };
    } catch (err) {
      await this.files.remove(key).catch(() => undefined);
      throw err;
    }
  }

  /** Missing required answers among the questions shown, keyed `answers.<key>`. */
  static missingRequired(definition: QuestionnaireDefinition, answers: Answers): FieldErrors {
    const problems: FieldErrors = {};
    for (const q of visibleQuestions(definition, answers)) {
      if (q.required && !isAnswered(answers[q.key])) {
        problems[`answers.${q.key}`] = q.type === 'file' ? 'Upload a file for this question' : 'Answer this question';
      }
    }
    return problems;
  }

  /** The answers that count: those of questions shown, with the attachments' hashes for the receipt. */
  private async sealedAnswers(definition: QuestionnaireDefinition, answers: Answers) {
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

  /**
   * Submits the saved draft. The same Idempotency-Key always gets the same receipt; a submission that
   * fails validation changes nothing, so the draft keeps every answer.
   */
  submit(tenderId: string, idempotencyKey: string | undefined, actor: PublicUser): Promise<{ receipt: Receipt; created: boolean }> {
    if (!idempotencyKey || !/^[\x21-\x7e]{1,200}$/.test(idempotencyKey)) {
      throw new BadRequestError('idempotency_key', 'Send an Idempotency-Key header: up to 200 visible characters, new for each submission');
    }
    return this.writes.run(`r:${tenderId}:${actor.organisationId}`, async () => {
      const { tender, organisation } = await this.answeringContext(tenderId, actor);
      const found = await this.responses.findOne({ tender: tender._id, organisation }).lean();
      const existing = found ? normalised(found as ResponseRecord) : null;
      const repeat = existing?.revisions.find((r) => r.idempotencyKey === idempotencyKey);
      if (repeat) return { receipt: { receivedAt: repeat.receivedAt.toISOString(), sha256: repeat.sha256 }, created: false };
      this.checkOpen(tender);
      const definition = await this.definitionFor(tender._id);
      // Answers to questions the officer has since removed are left out, never a reason to refuse.
      const answers = QuestionnairesService.knownOnly(definition, (existing?.answers as Answers | undefined) ?? {});
      const problems = {
        ...(await this.valueProblems(definition, answers, tender._id, organisation)),
        ...QuestionnairesService.missingRequired(definition, answers),
      };
      if (Object.keys(problems).length) throw new ValidationError(problems, 'Some answers are missing or need changing');
      const receivedAt = this.now();
      const { kept, attachments } = await this.sealedAnswers(definition, answers);
      const sha256 = responseSha256({
        tenderId: tender._id.toString(),
        organisationId: organisation.toString(),
        answers: kept,
        attachments,
      });
      await this.responses.updateOne(
        { tender: tender._id, organisation },
        {
          $set: { status: 'submitted', updatedAt: receivedAt },
          $push: { revisions: { answers: kept, receivedAt, sha256, idempotencyKey, submittedBy: actor.id } },
          $setOnInsert: { borough: tender.borough, answers: {}, recordedBy: null, createdAt: receivedAt },
        },
        { upsert: true },
      );
      return { receipt: { receivedAt: receivedAt.toISOString(), sha256 }, created: true };
    });
  }

  private async responseView(
    record: ResponseRecord,
    definition: QuestionnaireDefinition,
    show: 'draft' | 'submitted',
    organisations?: Map<string, Organisation>,
  ): Promise<ResponseView> {
    const r = normalised(record);
    const last = r.revisions.at(-1);
    const org = organisations?.get(r.organisation.toString()) ?? (await this.suppliers.getOrganisation(r.organisation.toString()));
    const answers = ((show === 'submitted' ? last?.answers : r.answers) ?? {}) as Answers;
    const shown = visibleQuestions(definition, answers);
    const fileIds = allQuestions(definition)
      .filter((q) => q.type === 'file' && typeof answers[q.key] === 'string')
      .map((q) => answers[q.key] as string)
      .filter((id) => Types.ObjectId.isValid(id));
    const files = fileIds.length
      ? await this.responseFiles
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

  /** The organisation's own response (its draft answers, receipts and progress); 404 when it has none. */
  async ownResponse(tenderId: string, actor: PublicUser): Promise<ResponseView> {
    const { tender, organisation } = await this.answeringContext(tenderId, actor, 'read');
    const definition = await this.definitionFor(tender._id);
    const r = await this.responses.findOne({ tender: tender._id, organisation }).lean();
    if (!r) throw new NotFoundError('Your organisation has not started this questionnaire');
    return this.responseView(r as ResponseRecord, definition, 'draft');
  }

  /** A file the organisation uploaded for its own answers. */
  async ownFile(tenderId: string, fileId: string, actor: PublicUser): Promise<{ key: string; meta: StoredFileMeta }> {
    const { tender, organisation } = await this.answeringContext(tenderId, actor, 'read');
    try {
      return await this.fileRecord(fileId, { tender: tender._id, organisation });
    } catch (err) {
      // Another organisation's file: the answer is the same 404, and the attempt is recorded.
      if (Types.ObjectId.isValid(fileId) && (await this.responseFiles.exists({ _id: new Types.ObjectId(fileId) }))) {
        await this.audit.record({
          action: 'responses.file',
          outcome: 'denied',
          actor,
          target: `tender:${tenderId}`,
          detail: `file ${fileId} of another organisation`,
        });
      }
      throw err;
    }
  }

  private async fileRecord(fileId: string, scope: Record<string, unknown>) {
    if (!Types.ObjectId.isValid(fileId)) throw new NotFoundError('File not found');
    const f = await this.responseFiles.findOne({ _id: new Types.ObjectId(fileId), ...scope }).lean();
    if (!f) throw new NotFoundError('File not found');
    return { key: f.storageKey, meta: { contentType: f.contentType, originalName: f.filename } };
  }

  // ---------------------------------------------------------------------------------------------
  // Officers

  /** The officer's own exercise, refused (403, audited) while its answers are sealed. */
  private async readableByOfficer(tenderId: string, actor: PublicUser, what: string) {
    return this.officerReadable(tenderId, actor, `responses.${what}`);
  }

  /**
   * The officer's own exercise, for reading answers or any figure made from them (reports too): another
   * borough's is 404 and audited; a sealed one is refused (403) before its deadline, and every attempt audited as `action`.
   */
  async officerReadable(tenderId: string, actor: PublicUser, action: string) {
    const tender = await this.tenders.findOwn(tenderId, actor);
    if (tender.sealed && this.now() <= tender.questionnaireDeadline) {
      await this.audit.record({
        action,
        outcome: 'denied',
        actor,
        target: `tender:${tenderId}`,
        detail: 'sealed until the deadline',
      });
      throw new ForbiddenError('sealed', `Answers are sealed until the questionnaire deadline. Nobody can read them before then`);
    }
    return tender;
  }

  /** Every response to the officer's exercise: submitted answers for submitted ones, progress for drafts. */
  async listResponses(tenderId: string, actor: PublicUser): Promise<ResponseView[]> {
    const tender = await this.readableByOfficer(tenderId, actor, 'list');
    const definition = await this.definitionFor(tender._id);
    const docs = (await this.responses.find({ tender: tender._id }).sort({ createdAt: 1 }).lean()) as ResponseRecord[];
    const organisations = await this.suppliers.byIds(docs.map((r) => r.organisation.toString()));
    const views = [];
    for (const r of docs) {
      const view = await this.responseView(r, definition, 'submitted', organisations);
      // Drafts are counted as started, but their answers are the organisation's until submitted.
      views.push(r.status === 'submitted' ? view : { ...view, answers: {}, files: [] });
    }
    return views;
  }

  async oneResponse(tenderId: string, responseId: string, actor: PublicUser): Promise<ResponseView> {
    const tender = await this.readableByOfficer(tenderId, actor, 'read');
    if (!Types.ObjectId.isValid(responseId)) throw new NotFoundError('Response not found');
    const r = await this.responses.findOne({ _id: new Types.ObjectId(responseId), tender: tender._id }).lean();
    if (!r) throw new NotFoundError('Response not found');
    const view = await this.responseView(r as ResponseRecord, await this.definitionFor(tender._id), 'submitted');
    return r.status === 'submitted' ? view : { ...view, answers: {}, files: [] };
  }

  async officerFile(tenderId: string, responseId: string, fileId: string, actor: PublicUser) {
    const tender = await this.readableByOfficer(tenderId, actor, 'file');
    if (!Types.ObjectId.isValid(responseId)) throw new NotFoundError('Response not found');
    const r = await this.responses.findOne({ _id: new Types.ObjectId(responseId), tender: tender._id, status: 'submitted' }).lean();
    if (!r) throw new NotFoundError('Response not found');
    const submitted = (normalised(r as ResponseRecord).revisions.at(-1)?.answers ?? {}) as Answers;
    if (!Object.values(submitted).includes(fileId)) throw new NotFoundError('File not found');
    return this.fileRecord(fileId, { tender: tender._id, organisation: r.organisation });
  }

  /**
   * An officer records answers an organisation gave by phone, at an event or by email. The response is
   * submitted at once and marked as recorded by the officer wherever it appears.
   */
  recordResponse(tenderId: string, input: RecordedResponseInput, actor: PublicUser): Promise<ResponseView> {
    return this.writes.run(`r:${tenderId}:${input.organisationId}`, async () => {
      const tender = await this.tenders.findOwn(tenderId, actor);
      // Sealed answers are handled by nobody at the council before the deadline, recorded ones included:
      // this also keeps the officer from learning who has already answered.
      if (tender.sealed) {
        throw new ConflictError(
          'sealed',
          'Answers to this exercise are sealed, so they cannot be recorded by the council. Ask the organisation to send its answers through the portal',
        );
      }
      this.checkOpen(tender);
      const definition = await this.definitionFor(tender._id);
      if (!Types.ObjectId.isValid(input.organisationId))
        throw new ValidationError({ organisationId: 'Choose an organisation that has expressed interest' });
      const organisation = new Types.ObjectId(input.organisationId);
      const interested = await this.interests.interestedOrganisations(tenderId);
      if (!interested.includes(input.organisationId)) {
        throw new ValidationError({ organisationId: 'Choose an organisation that has expressed interest' });
      }
      const problems = await this.valueProblems(definition, input.answers, tender._id, organisation);
      for (const q of allQuestions(definition))
        if (q.type === 'file' && isAnswered(input.answers[q.key]))
          problems[`answers.${q.key}`] = 'Officers cannot attach files to a recorded response';
      if (Object.keys(problems).length) throw new ValidationError(problems);
      if (await this.responses.exists({ tender: tender._id, organisation })) {
        throw new ConflictError('duplicate', 'This organisation already has a response');
      }
      const now = this.now();
      const answers = QuestionnairesService.cleanAnswers(input.answers);
      const { kept, attachments } = await this.sealedAnswers(definition, answers);
      const sha256 = responseSha256({ tenderId: tender._id.toString(), organisationId: input.organisationId, answers: kept, attachments });
      try {
        const doc = await this.responses.create({
          tender: tender._id,
          borough: tender.borough,
          organisation,
          answers,
          status: 'submitted',
          revisions: [{ answers: kept, receivedAt: now, sha256, idempotencyKey: null, submittedBy: actor.id }],
          recordedBy: { userId: actor.id, name: actor.name, method: input.method, note: input.note, at: now },
          createdAt: now,
          updatedAt: now,
        });
        return this.responseView(doc.toObject() as ResponseRecord, definition, 'submitted');
      } catch (err) {
        if (isDuplicateKey(err)) throw new ConflictError('duplicate', 'This organisation already has a response');
        throw err;
      }
    });
  }

  /** The exercise's questions, or null when it has none yet (reports show interests without them). */
  async definitionOrNull(tenderId: Types.ObjectId): Promise<QuestionnaireDefinition | null> {
    const q = await this.questionnaires.findOne({ tender: tenderId }, { definition: 1 }).lean();
    return q ? definitionOf(q) : null;
  }

  /**
   * Every response to one exercise, streamed with a projection for reports: its status, whether an officer
   * recorded it, and (unless `answers` is false) the submitted answers, which are the last revision's. Drafts never
   * carry answers: they are the organisation's until submitted. The caller has checked access (officerReadable).
   */
  async *streamForReport(
    tender: { _id: Types.ObjectId; borough: Types.ObjectId },
    opts: { answers: boolean; submittedOnly?: boolean },
  ): AsyncGenerator<ReportResponse> {
    const query: Record<string, unknown> = { tender: tender._id, borough: tender.borough };
    if (opts.submittedOnly) query.status = 'submitted';
    const projection: Record<string, 1> = { organisation: 1, status: 1, recordedBy: 1 };
    if (opts.answers) projection.revisions = 1;
    for await (const doc of this.responses.find(query, projection).lean().cursor()) {
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
    for await (const doc of this.responses.find(query, { organisation: 1, revisions: 1 }).lean().cursor()) {
      const r = doc as unknown as Pick<ResponseRecord, 'organisation' | 'revisions'>;
      const answers = (r.revisions?.at(-1)?.answers ?? {}) as Answers;
      yield { organisationId: r.organisation.toString(), answer: Object.hasOwn(answers, key) ? answers[key] : undefined };
    }
  }

  /** For an organisation's dashboard: how far its response has got. */
  async progressFor(
    tenderId: string,
    organisationId: string,
  ): Promise<{ status: 'not_started' | 'draft' | 'submitted'; hasQuestionnaire: boolean }> {
    if (!Types.ObjectId.isValid(tenderId) || !Types.ObjectId.isValid(organisationId))
      return { status: 'not_started', hasQuestionnaire: false };
    const tender = new Types.ObjectId(tenderId);
    const hasQuestionnaire = Boolean(await this.questionnaires.exists({ tender }));
    const r = await this.responses.findOne({ tender, organisation: new Types.ObjectId(organisationId) }, { status: 1 }).lean();
    return { status: r ? r.status : 'not_started', hasQuestionnaire };
  }
}
