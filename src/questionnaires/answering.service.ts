import mongoose, { Types } from 'mongoose';
import type { PublicUser } from '../platform/roles';
import { BadRequestError, ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../platform/errors';
import type { StoredFileMeta } from '../platform/file-store';
import type { ReceivedUpload } from '../platform/upload';
import type { Interest } from '../suppliers';
import type { Tender, TenderRead } from '../tenders';
import { knownOnly, missingRequired } from './answer-rules';
import { returnFileSlot, takeFileSlot, UploadsInProgress } from './file-slots';
import { londonTime, shortReference } from './answer.summary';
import { atVersion, closedBefore, retried, saveDraftAnswers, withdrawSubmission } from './response.writes';
import { responseSha256 } from './canonical';
import { definitionOf, type ResponseRecord } from './questionnaire.model';
import type { QuestionnaireStore } from './questionnaire.store';
import {
  normalised,
  questionnaireView,
  responseView,
  type QuestionnaireView,
  type Receipt,
  type ResponseFileView,
  type ResponseView,
} from './response.presenter';
import type { Answers, QuestionnaireDefinition } from './types';

export { MAX_FILES_PER_RESPONSE } from './file-slots';

const NO_INTEREST = 'Express interest in this exercise before answering its questionnaire';

/** How far an organisation's response to one exercise has got. */
export interface QuestionnaireProgress {
  status: 'not_started' | 'draft' | 'submitted';
  hasQuestionnaire: boolean;
}

/** Who answers which exercise: read once per request and handed to each call that needs it. */
export interface AnsweringContext {
  tender: TenderRead;
  organisation: Types.ObjectId;
  interest: Interest | null;
  /** The questions, when already read for this request. */
  definition?: QuestionnaireDefinition;
}

/** Everything the answering pages need, read once. */
export interface AnsweringPage {
  tender: Tender;
  /** Null when the exercise has no questionnaire yet. */
  questionnaire: QuestionnaireView | null;
  /** Why the organisation cannot answer (it has not expressed interest), or null. */
  noInterest: string | null;
  /** The organisation's response, or null before it has saved anything. */
  response: ResponseView | null;
  /** Answers can be saved and sent: the exercise is published and the deadline (server clock) has not passed. */
  open: boolean;
  /** For the calls that save and send, so they need not read it all again; null when there is nothing to answer. */
  context: AnsweringContext | null;
}

/** A supplier organisation answering an exercise's questionnaire: drafts, files, submission and receipts. */
export class AnsweringService {
  private readonly uploads = new UploadsInProgress();

  constructor(private readonly store: QuestionnaireStore) {}

  /**
   * The supplier's organisation and the exercise. Answering needs an interest that is not withdrawn;
   * reading what the organisation already sent (`read`) needs only an interest, withdrawn or not.
   */
  async context(tenderId: string, actor: PublicUser, mode: 'answer' | 'read' = 'answer'): Promise<AnsweringContext> {
    if (actor.role !== 'supplier' || !actor.organisationId) throw new NotFoundError();
    const tender = await this.store.tenders.findVisible(tenderId, actor);
    const interest = await this.store.interests.mineIn(tender._id.toString(), actor);
    const ctx = { tender, organisation: new Types.ObjectId(actor.organisationId), interest };
    this.checkInterest(ctx, mode);
    return ctx;
  }

  private checkInterest(ctx: AnsweringContext, mode: 'answer' | 'read'): void {
    if (!ctx.interest || (mode === 'answer' && ctx.interest.status !== 'active')) throw new ForbiddenError('no_interest', NO_INTEREST);
  }

  /** A context read earlier in this request, checked again for answering, or a fresh one. */
  private async answering(tenderId: string, actor: PublicUser, given?: AnsweringContext | null): Promise<AnsweringContext> {
    if (!given) return this.context(tenderId, actor);
    this.checkInterest(given, 'answer');
    return given;
  }

  /** The exercise, its questionnaire and the organisation's own response, for the answering pages. */
  async page(tenderId: string, actor: PublicUser): Promise<AnsweringPage> {
    const record = await this.store.tenders.findVisible(tenderId, actor);
    const tender = this.store.tenders.toApi(record, actor);
    const open = this.store.isOpen(record);
    const none = { questionnaire: null, noInterest: null, response: null, context: null };
    const q = await this.store.questionnaires.findOne({ tender: record._id }).lean();
    if (!q) return { ...none, tender, open };
    // Only the borough's officers learn whether the questions are locked.
    const questionnaire = questionnaireView(q, null);
    if (actor.role !== 'supplier' || !actor.organisationId) return { ...none, tender, open, questionnaire };
    const interest = await this.store.interests.mineIn(record._id.toString(), actor);
    if (!interest) return { ...none, tender, open, questionnaire, noInterest: NO_INTEREST };
    const organisation = new Types.ObjectId(actor.organisationId);
    const definition = definitionOf(q);
    const r = await this.store.responses.findOne({ tender: record._id, organisation }).lean();
    const response = r ? await responseView(this.store, r as ResponseRecord, definition, 'draft') : null;
    return { tender, open, questionnaire, noInterest: null, response, context: { tender: record, organisation, interest, definition } };
  }

  /**
   * Saves the organisation's draft. `merge` keeps answers not in `answers` (the pages save one section
   * at a time); otherwise the draft is replaced. Bad values are refused (422) and the stored draft is
   * left as it was.
   */
  async saveDraft(
    tenderId: string,
    answers: Answers,
    actor: PublicUser,
    opts: { merge?: boolean; context?: AnsweringContext | null } = {},
  ): Promise<ResponseView> {
    const store = this.store;
    const { tender, organisation, definition: known } = await this.answering(tenderId, actor, opts.context);
    store.checkOpen(tender);
    const definition = known ?? (await store.definitionFor(tender._id));
    const problems = await store.valueProblems(definition, answers, tender._id, organisation);
    if (Object.keys(problems).length) throw new ValidationError(problems, 'Some answers need changing');
    const key = { tender: tender._id, organisation, borough: tender.borough };
    const saved = await saveDraftAnswers(store, key, definition, answers, opts.merge ?? false);
    return responseView(store, saved, definition, 'draft');
  }

  /**
   * Stores a file for a `file` answer; the returned id goes in the answers. Everything is checked before the body is
   * read (`receive` reads it): the organisation's interest, that answers are open, a place under the cap (taken in the
   * database) and a place among the uploads in progress.
   */
  async uploadFile(
    tenderId: string,
    receive: () => Promise<ReceivedUpload>,
    actor: PublicUser,
    given?: AnsweringContext | null,
  ): Promise<ResponseFileView> {
    const store = this.store;
    const { tender, organisation } = await this.answering(tenderId, actor, given);
    store.checkOpen(tender);
    const leave = this.uploads.enter(organisation.toString());
    const key = { tender: tender._id, organisation };
    try {
      await takeFileSlot(store, key);
      let stored: { key: string } | null = null;
      try {
        const upload = await receive();
        stored = await store.files.put(upload.buffer, { contentType: upload.detectedMime, originalName: upload.originalName });
        const doc = await store.responseFiles.create({
          tender: tender._id,
          organisation,
          storageKey: stored.key,
          filename: upload.originalName,
          contentType: upload.detectedMime,
          size: upload.size,
          sha256: upload.sha256,
          uploadedBy: actor.id,
          uploadedAt: store.now(),
        });
        return { id: doc._id.toString(), filename: doc.filename, size: doc.size, contentType: doc.contentType };
      } catch (err) {
        if (stored) await store.files.remove(stored.key).catch(() => undefined);
        await returnFileSlot(store, key);
        throw err;
      }
    } finally {
      leave();
    }
  }

  /**
   * Submits the saved draft. The same Idempotency-Key always gets the same receipt; a submission that
   * fails validation changes nothing, so the draft keeps every answer.
   */
  async submit(
    tenderId: string,
    idempotencyKey: string | undefined,
    actor: PublicUser,
    given?: AnsweringContext | null,
    arrivedAt?: Date,
  ): Promise<{ receipt: Receipt; created: boolean }> {
    if (!idempotencyKey || !/^[\x21-\x7e]{1,200}$/.test(idempotencyKey)) {
      throw new BadRequestError('idempotency_key', 'Send an Idempotency-Key header: up to 200 visible characters, new for each submission');
    }
    const store = this.store;
    const { tender, organisation, interest } = await this.answering(tenderId, actor, given);
    const key = { tender: tender._id, organisation };
    // One clock judges the deadline: the time the submission was received (when the request arrived, however long a
    // busy server then took, and the same on every try), which its receipt shows.
    const receivedAt = arrivedAt ?? store.now();
    const outcome = await retried(async () => {
      const found = await store.responses.findOne(key).lean();
      const existing = found ? normalised(found as ResponseRecord) : null;
      const repeat = existing?.revisions.find((r) => r.idempotencyKey === idempotencyKey);
      if (repeat)
        return { receipt: { receivedAt: repeat.receivedAt.toISOString(), sha256: repeat.sha256 }, created: false, receivedAt: null };
      store.checkOpen(tender, receivedAt);
      const questionnaire = await store.questionnaires.findOne({ tender: tender._id }, { definition: 1, version: 1, locked: 1 }).lean();
      if (!questionnaire) throw new NotFoundError('This exercise has no questionnaire yet');
      const definition = definitionOf(questionnaire);
      // Answers to questions the officer has since removed are left out, never a reason to refuse.
      const answers = knownOnly(definition, (existing?.answers as Answers | undefined) ?? {});
      const problems = {
        ...(await store.valueProblems(definition, answers, tender._id, organisation)),
        ...missingRequired(definition, answers),
      };
      if (Object.keys(problems).length) throw new ValidationError(problems, 'Some answers are missing or need changing');
      const { kept, attachments } = await store.sealedAnswers(definition, answers);
      const sha256 = responseSha256({
        tenderId: tender._id.toString(),
        organisationId: organisation.toString(),
        answers: kept,
        attachments,
      });
      // The questions answered are locked first, on the version read: a change of questions made meanwhile means trying
      // again. Questions already locked never change again (changes need them unlocked, in their filter): nothing to write.
      if (!questionnaire.locked) {
        const lock = await store.questionnaires.updateOne(
          { _id: questionnaire._id, version: atVersion(questionnaire.version) },
          { $set: { locked: true } },
        );
        if (!lock.matchedCount) return null;
      }
      // The version read in the filter: the answers sent are the draft's latest, and the same key sent twice at once is stored once.
      const res = await store.responses.updateOne(
        // The response found is changed by its id and the version read (the id is the primary key); with none, the key makes it.
        { ...(found ? { _id: found._id } : key), version: atVersion(found?.version) },
        {
          $set: { status: 'submitted', updatedAt: receivedAt },
          $inc: { version: 1 },
          $push: { revisions: { answers: kept, receivedAt, sha256, idempotencyKey, submittedBy: actor.id } },
          $setOnInsert: { borough: tender.borough, answers: {}, recordedBy: null, createdAt: receivedAt },
        },
        { upsert: !found },
      );
      if (!res.modifiedCount && !res.upsertedCount) return null;
      return { receipt: { receivedAt: receivedAt.toISOString(), sha256 }, created: true, receivedAt };
    });
    if (!outcome.receivedAt) return { receipt: outcome.receipt, created: false };
    // An exercise closed while the submission was being stored, before it arrived: the submission is taken back.
    const [now] = await store.tenders.byIds([tender._id]);
    if (now && closedBefore(now, outcome.receivedAt)) {
      await withdrawSubmission(store, key, idempotencyKey);
      throw new ConflictError('not_open', 'This exercise is not taking questionnaire answers');
    }
    // The same for an interest withdrawn (by a colleague, say) while the submission was being stored, before it arrived.
    const interestNow = await store.interests.interests.findOne(key, { status: 1, withdrawnAt: 1 }).lean();
    if (interestNow?.status === 'withdrawn' && interestNow.withdrawnAt && interestNow.withdrawnAt < outcome.receivedAt) {
      await withdrawSubmission(store, key, idempotencyKey);
      throw new ForbiddenError('no_interest', NO_INTEREST);
    }
    // Only a new submission is confirmed: a repeated Idempotency-Key returned above, before this.
    await this.confirm(tender, organisation.toString(), interest?.organisation.name ?? 'your organisation', outcome.receipt, actor);
    return { receipt: outcome.receipt, created: true };
  }

  /** Emails the organisation's users the receipt: when, the short reference, and the full SHA-256 as the proof. */
  private async confirm(tender: TenderRead, organisationId: string, organisationName: string, receipt: Receipt, actor: PublicUser) {
    const receiptUrl = this.store.notifier.absoluteUrl(`/tenders/${tender._id.toString()}/response/receipt`);
    await this.store.notifier.email(await this.store.organisationEmails([organisationId]), {
      subject: `Your answers are received: ${tender.title}`,
      paragraphs: [
        `${actor.name} sent ${organisationName}’s answers to the questionnaire for ${tender.title} (${tender.reference}).`,
        `Received: ${londonTime(receipt.receivedAt)}\nReceipt reference: ${shortReference(receipt.sha256)}`,
        `See and keep your receipt:\n${receiptUrl}`,
        `Technical details\nSHA-256: ${receipt.sha256}\nThis code is a fingerprint of exactly what you sent. The council can work it out again from the answers it holds to show that they match.`,
      ],
      why: `You are getting this email because you are a user of ${organisationName} on the Library Market Engagement Portal, and your organisation sent answers to this questionnaire.`,
    });
  }

  /** The organisation's own response (its draft answers, receipts and progress); 404 when it has none. */
  async ownResponse(tenderId: string, actor: PublicUser): Promise<ResponseView> {
    const { tender, organisation } = await this.context(tenderId, actor, 'read');
    const definition = await this.store.definitionFor(tender._id);
    const r = await this.store.responses.findOne({ tender: tender._id, organisation }).lean();
    if (!r) throw new NotFoundError('Your organisation has not started this questionnaire');
    return responseView(this.store, r as ResponseRecord, definition, 'draft');
  }

  /** What the organisation last sent (not its draft), with the questions and its files' names; null before it has sent anything. */
  async sentAnswers(
    tenderId: string,
    actor: PublicUser,
  ): Promise<{ definition: QuestionnaireDefinition; answers: Answers; fileNames: Map<string, string> } | null> {
    const { tender, organisation } = await this.context(tenderId, actor, 'read');
    const r = await this.store.responses.findOne({ tender: tender._id, organisation }, { revisions: 1 }).lean();
    const last = r?.revisions?.at(-1);
    if (!last) return null;
    const definition = await this.store.definitionFor(tender._id);
    // bounded: an organisation holds at most 20 files per exercise (file-slots.ts).
    const files = await this.store.responseFiles.find({ tender: tender._id, organisation }, { filename: 1 }).lean();
    return { definition, answers: (last.answers ?? {}) as Answers, fileNames: new Map(files.map((f) => [f._id.toString(), f.filename])) };
  }

  /** A file the organisation uploaded for its own answers. */
  async ownFile(tenderId: string, fileId: string, actor: PublicUser): Promise<{ key: string; meta: StoredFileMeta }> {
    const { tender, organisation } = await this.context(tenderId, actor, 'read');
    try {
      return await this.store.fileRecord(fileId, { tender: tender._id, organisation });
    } catch (err) {
      // Another organisation's file: the answer is the same 404, and the attempt is recorded.
      if (Types.ObjectId.isValid(fileId) && (await this.store.responseFiles.exists({ _id: new Types.ObjectId(fileId) }))) {
        await this.store.audit.record({
          action: 'responses.file',
          outcome: 'denied',
          actor,
          target: `tender:${tender._id.toString()}`,
          detail: `file ${fileId} of another organisation`,
        });
      }
      throw err;
    }
  }

  /** For an organisation's dashboard: how far its response to each exercise has got, in two queries however many. */
  async progressForMany(tenderIds: string[], organisationId: string): Promise<Map<string, QuestionnaireProgress>> {
    // Keyed by each id's usual form (24 lower-case hex digits), whatever form it was given in, and answered by the ids given.
    const canonical = (id: string) => (Types.ObjectId.isValid(id) ? new Types.ObjectId(id).toString() : id);
    const progress = new Map<string, QuestionnaireProgress>();
    for (const id of tenderIds) progress.set(canonical(id), { status: 'not_started', hasQuestionnaire: false });
    const answer = () => new Map(tenderIds.map((id) => [id, progress.get(canonical(id))!] as const));
    const valid = [...progress.keys()].filter((id) => Types.ObjectId.isValid(id));
    if (!valid.length || !Types.ObjectId.isValid(organisationId)) return answer();
    const tenders = valid.map((id) => new Types.ObjectId(id));
    const [withQuestionnaire, responses] = await Promise.all([
      this.store.questionnaires.find({ tender: mongoose.trusted({ $in: tenders }) }, { tender: 1 }).lean(),
      this.store.responses
        .find({ tender: mongoose.trusted({ $in: tenders }), organisation: new Types.ObjectId(organisationId) }, { tender: 1, status: 1 })
        .lean(),
    ]);
    for (const q of withQuestionnaire) {
      const found = progress.get(q.tender.toString());
      if (found) found.hasQuestionnaire = true;
    }
    for (const r of responses) {
      const found = progress.get(r.tender.toString());
      if (found) found.status = r.status;
    }
    return answer();
  }

  /** For one exercise's page: how far the organisation's response has got. */
  async progressFor(tenderId: string, organisationId: string): Promise<QuestionnaireProgress> {
    return (await this.progressForMany([tenderId], organisationId)).get(tenderId)!;
  }
}
