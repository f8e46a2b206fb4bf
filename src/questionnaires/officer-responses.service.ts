import { Types } from 'mongoose';
import { pageWindow, type ListPage } from '../platform/pagination';
import type { PublicUser } from '../platform/roles';
import { isDuplicateKey } from '../db/connection';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../platform/errors';
import { allQuestions, cleanAnswers, isAnswered } from './answer-rules';
import { responseSha256 } from './canonical';
import type { ResponseRecord } from './questionnaire.model';
import type { QuestionnaireStore } from './questionnaire.store';
import { normalised, responseView, type ResponseView } from './response.presenter';
import type { Answers } from './types';

/** Responses on one page of the officer's list (the API's and the page's). */
export const RESPONSE_PAGE_SIZE = 50;

export interface ResponsesPage extends ListPage<ResponseView> {
  submitted: number;
  /** Started but not submitted. */
  started: number;
}

export interface RecordedResponseInput {
  organisationId: string;
  answers: Answers;
  method: 'phone' | 'event' | 'email' | 'other';
  note: string;
}

/** The borough's officers and the responses to their exercise: reading them after any seal, and recording answers given another way. */
export class OfficerResponses {
  constructor(private readonly store: QuestionnaireStore) {}

  /** The officer's own exercise, refused (403, audited) while its answers are sealed. */
  private readableByOfficer(tenderId: string, actor: PublicUser, what: string) {
    return this.officerReadable(tenderId, actor, `responses.${what}`);
  }

  /**
   * The officer's own exercise, for reading answers or any figure made from them (reports too): another
   * borough's is 404 and audited; a sealed one is refused (403) before its deadline, and every attempt audited as `action`.
   */
  async officerReadable(tenderId: string, actor: PublicUser, action: string) {
    const tender = await this.store.tenders.findOwn(tenderId, actor);
    if (tender.sealed && this.store.now() <= tender.questionnaireDeadline) {
      await this.store.audit.record({
        action,
        outcome: 'denied',
        actor,
        target: `tender:${tender._id.toString()}`,
        detail: 'sealed until the deadline',
      });
      throw new ForbiddenError('sealed', `Responses are sealed until the questionnaire deadline. Nobody can read them before then`);
    }
    return tender;
  }

  /**
   * One page of the responses to the officer's exercise, oldest first (then by id, so pages never overlap): submitted
   * answers for submitted ones, progress for drafts; with how many are submitted and started in all.
   */
  async listResponses(tenderId: string, actor: PublicUser, requested = 1, pageSize = RESPONSE_PAGE_SIZE): Promise<ResponsesPage> {
    const tender = await this.readableByOfficer(tenderId, actor, 'list');
    const query = { tender: tender._id, borough: tender.borough };
    const [total, submitted] = await Promise.all([
      this.store.responses.countDocuments(query),
      this.store.responses.countDocuments({ ...query, status: 'submitted' }),
    ]);
    const { page, pageCount, skip } = pageWindow(requested, total, pageSize);
    const definition = await this.store.definitionFor(tender._id);
    const docs = (await this.store.responses
      .find(query)
      .sort({ createdAt: 1, _id: 1 })
      .skip(skip)
      .limit(pageSize)
      .lean()) as ResponseRecord[];
    const organisations = await this.store.suppliers.byIds(docs.map((r) => r.organisation.toString()));
    const items = [];
    for (const r of docs) {
      const view = await responseView(this.store, r, definition, 'submitted', organisations);
      // Drafts are counted as started, but their answers are the organisation's until submitted.
      items.push(r.status === 'submitted' ? view : { ...view, answers: {}, files: [] });
    }
    return { items, total, page, pageSize, pageCount, submitted, started: total - submitted };
  }

  /** The organisations that have a response (draft or submitted) to the officer's exercise: only their ids are read. */
  async respondedOrganisations(tenderId: string, actor: PublicUser): Promise<Set<string>> {
    const tender = await this.readableByOfficer(tenderId, actor, 'list');
    // bounded: one id per organisation that answered, which the record form leaves out of its choice.
    const ids = await this.store.responses.distinct('organisation', { tender: tender._id, borough: tender.borough });
    return new Set(ids.map(String));
  }

  async oneResponse(tenderId: string, responseId: string, actor: PublicUser): Promise<ResponseView> {
    const tender = await this.readableByOfficer(tenderId, actor, 'read');
    if (!Types.ObjectId.isValid(responseId)) throw new NotFoundError('Response not found');
    const r = await this.store.responses.findOne({ _id: new Types.ObjectId(responseId), tender: tender._id }).lean();
    if (!r) throw new NotFoundError('Response not found');
    const view = await responseView(this.store, r as ResponseRecord, await this.store.definitionFor(tender._id), 'submitted');
    return r.status === 'submitted' ? view : { ...view, answers: {}, files: [] };
  }

  async officerFile(tenderId: string, responseId: string, fileId: string, actor: PublicUser) {
    const tender = await this.readableByOfficer(tenderId, actor, 'file');
    if (!Types.ObjectId.isValid(responseId)) throw new NotFoundError('Response not found');
    const r = await this.store.responses.findOne({ _id: new Types.ObjectId(responseId), tender: tender._id, status: 'submitted' }).lean();
    if (!r) throw new NotFoundError('Response not found');
    const submitted = (normalised(r as ResponseRecord).revisions.at(-1)?.answers ?? {}) as Answers;
    if (!Object.values(submitted).includes(fileId)) throw new NotFoundError('File not found');
    return this.store.fileRecord(fileId, { tender: tender._id, organisation: r.organisation });
  }

  /**
   * An officer records answers an organisation gave by phone, at an event or by email. The response is
   * submitted at once and marked as recorded by the officer wherever it appears.
   */
  async recordResponse(tenderId: string, input: RecordedResponseInput, actor: PublicUser): Promise<ResponseView> {
    const store = this.store;
    const tender = await store.tenders.findOwn(tenderId, actor);
    // Sealed answers are handled by nobody at the council before the deadline, recorded ones included:
    // this also keeps the officer from learning who has already answered.
    if (tender.sealed) {
      throw new ConflictError(
        'sealed',
        'Answers to this exercise are sealed, so they cannot be recorded by the council. Ask the organisation to send its answers through the portal',
      );
    }
    store.checkOpen(tender);
    const definition = await store.definitionFor(tender._id);
    if (!Types.ObjectId.isValid(input.organisationId))
      throw new ValidationError({ organisationId: 'Choose an organisation that has expressed interest' });
    const organisation = new Types.ObjectId(input.organisationId);
    const interested = await store.interests.interestedOrganisations(tenderId);
    if (!interested.includes(input.organisationId)) {
      throw new ValidationError({ organisationId: 'Choose an organisation that has expressed interest' });
    }
    const problems = await store.valueProblems(definition, input.answers, tender._id, organisation);
    for (const q of allQuestions(definition))
      if (q.type === 'file' && isAnswered(input.answers[q.key]))
        problems[`answers.${q.key}`] = 'Officers cannot attach files to a recorded response';
    if (Object.keys(problems).length) throw new ValidationError(problems);
    // The unique index on (exercise, organisation) settles a recording racing the organisation's own first save.
    if (await store.responses.exists({ tender: tender._id, organisation })) {
      throw new ConflictError('duplicate', 'This organisation already has a response');
    }
    const now = store.now();
    const answers = cleanAnswers(input.answers);
    const { kept, attachments } = await store.sealedAnswers(definition, answers);
    const sha256 = responseSha256({ tenderId: tender._id.toString(), organisationId: input.organisationId, answers: kept, attachments });
    try {
      const doc = await store.responses.create({
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
      return responseView(store, doc.toObject() as ResponseRecord, definition, 'submitted');
    } catch (err) {
      if (isDuplicateKey(err)) throw new ConflictError('duplicate', 'This organisation already has a response');
      throw err;
    }
  }
}
