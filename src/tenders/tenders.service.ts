import mongoose, { Types, type Connection } from 'mongoose';
import type { Borough, Boroughs } from '../platform/boroughs';
import type { PublicUser } from '../platform/roles';
import type { AuditLog } from '../platform/audit';
import { isDuplicateKey } from '../db/connection';
import { ConflictError, NotFoundError, ValidationError } from '../platform/errors';
import type { FileStore, StoredFileMeta } from '../platform/file-store';
import { KeyedLock } from '../platform/keyed-lock';
import type { ReceivedUpload } from '../platform/upload';
import { TENDER_TRANSITIONS, type TenderStatus } from './statuses';
import { counterModel, tenderModel, type CounterModel, type TenderModel, type TenderRecord } from './tender.model';
import { deadlineOrderProblems, type CreateTenderInput, type ListTendersQuery, type UpdateTenderInput } from './tenders.schemas';
import {
  boroughCode,
  displayValue,
  documentTitleKey,
  historyLabel,
  isOwnBoroughOfficer,
  tenderView,
  type Actor,
  type Tender,
  type TenderDocument,
  type TenderRead,
} from './tender.presenter';

export {
  boroughCode,
  documentTitleKey,
  historyLabel,
  isOwnBoroughOfficer,
  tenderView,
  type Actor,
  type Tender,
  type TenderDocument,
  type TenderHistoryEntry,
  type TenderLot,
  type TenderRead,
} from './tender.presenter';
/** Fields of a published exercise whose changes are audited as well as listed on its page. */
const INTEGRITY_FIELDS = ['clarificationDeadline', 'eoiDeadline', 'questionnaireDeadline', 'sealed'];

/** Statuses anyone may see; drafts are for the borough's own officers only. */
const PUBLIC_STATUSES: TenderStatus[] = ['published', 'closed', 'cancelled'];

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

type TenderDoc = mongoose.HydratedDocument<TenderRecord>;

export interface TendersServiceOptions {
  now?: () => Date;
}

/** What an officer sends to add a document: the checked upload and its title. */
export interface NewDocument {
  title: string;
  upload: ReceivedUpload;
}

export class TendersService {
  readonly tenders: TenderModel;
  private readonly counters: CounterModel;
  readonly now: () => Date;
  private readonly writes = new KeyedLock();

  constructor(
    conn: Connection,
    private readonly boroughs: Boroughs,
    private readonly audit: AuditLog,
    readonly files: FileStore,
    opts: TendersServiceOptions = {},
  ) {
    this.tenders = tenderModel(conn);
    this.counters = counterModel(conn);
    this.now = opts.now ?? (() => new Date());
  }

  toApi(t: TenderRecord, actor: Actor): Tender {
    return tenderView(t, actor, this.boroughs);
  }

  private async nextReference(borough: Borough): Promise<string> {
    const year = this.now().getUTCFullYear();
    const counter = await this.counters.findOneAndUpdate(
      { _id: `tender:${borough.id}:${year}` },
      { $inc: { seq: 1 } },
      { upsert: true, returnDocument: 'after' },
    );
    return `${boroughCode(borough.slug)}-LIB-${year}-${String(counter.seq).padStart(3, '0')}`;
  }

  private officerBorough(actor: PublicUser): Borough {
    if (actor.role !== 'officer' || !actor.borough) throw new NotFoundError();
    return actor.borough;
  }

  async create(input: CreateTenderInput, actor: PublicUser): Promise<Tender> {
    const borough = this.officerBorough(actor);
    // The reference counter can hand out a number twice under concurrency on some engines; the unique
    // index catches that, and the next number is taken.
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.insertDraft(input, actor, borough);
      } catch (err) {
        if (!isDuplicateKey(err) || attempt >= 5) throw err;
      }
    }
  }

  private async insertDraft(input: CreateTenderInput, actor: PublicUser, borough: Borough): Promise<Tender> {
    const doc = await this.tenders.create({
      ...input,
      lots: input.lots.map((lot, i) => ({
        lotId: `lot-${i + 1}`,
        title: lot.title,
        description: lot.description,
        estimatedAnnualValue: lot.estimatedAnnualValue,
      })),
      engagementEvents: input.engagementEvents.map((e, i) => ({
        eventId: `event-${i + 1}`,
        title: e.title,
        format: e.format,
        startsAt: e.startsAt,
        location: e.location,
      })),
      borough: borough.id,
      reference: await this.nextReference(borough),
      status: 'draft',
      createdBy: actor.id,
    });
    return this.toApi(doc, actor);
  }

  /**
   * An exercise the actor may see, as a plain record for other features to read: drafts only to the
   * borough's officers. Anything else is 404, and an officer reaching for another borough's draft is audited.
   */
  async findVisible(id: string, actor: Actor): Promise<TenderRead> {
    return (await this.visibleDoc(id, actor)).toObject() as TenderRead;
  }

  /** An exercise of the officer's own borough, as a plain record for other features to read. Another borough's id is 404 and audited. */
  async findOwn(id: string, actor: PublicUser): Promise<TenderRead> {
    return (await this.ownDoc(id, actor)).toObject() as TenderRead;
  }

  private async visibleDoc(id: string, actor: Actor): Promise<TenderDoc> {
    if (!Types.ObjectId.isValid(id)) throw new NotFoundError('Exercise not found');
    const doc = await this.tenders.findById(id);
    if (!doc) throw new NotFoundError('Exercise not found');
    if (doc.status === 'draft' && !isOwnBoroughOfficer(actor, doc.borough.toString())) {
      if (actor)
        await this.audit.record({
          action: 'tender.read',
          outcome: 'denied',
          actor,
          target: `tender:${id}`,
          detail: 'draft of another borough',
        });
      throw new NotFoundError('Exercise not found');
    }
    return doc;
  }

  /** An exercise of the officer's own borough, for changes. Another borough's id is 404 and audited. */
  private async ownDoc(id: string, actor: PublicUser): Promise<TenderDoc> {
    if (!Types.ObjectId.isValid(id)) throw new NotFoundError('Exercise not found');
    const doc = await this.tenders.findById(id);
    if (!doc) throw new NotFoundError('Exercise not found');
    if (!isOwnBoroughOfficer(actor, doc.borough.toString())) {
      await this.audit.record({
        action: 'tender.change',
        outcome: 'denied',
        actor,
        target: `tender:${id}`,
        detail: 'exercise of another borough',
      });
      throw new NotFoundError('Exercise not found');
    }
    return doc;
  }

  /** Exercises by id, as plain records, whatever their status: for lists of what an organisation already takes part in. */
  async byIds(ids: Types.ObjectId[]): Promise<TenderRead[]> {
    return (await this.tenders.find({ _id: mongoose.trusted({ $in: ids }) }).lean()) as TenderRead[];
  }

  async get(id: string, actor: Actor): Promise<Tender> {
    return this.toApi(await this.visibleDoc(id, actor), actor);
  }

  async list(query: ListTendersQuery, actor: Actor): Promise<Tender[]> {
    const ownBorough = actor?.role === 'officer' ? actor.borough?.id : undefined;
    const visible: Record<string, unknown>[] = [{ status: mongoose.trusted({ $in: PUBLIC_STATUSES }) }];
    if (ownBorough) visible.push({ borough: new Types.ObjectId(ownBorough) });
    const filter: Record<string, unknown> = { $or: visible };
    const and: Record<string, unknown>[] = [];
    if (query.status) and.push({ status: query.status });
    if (query.borough) {
      const borough = this.boroughs.findBySlug(query.borough);
      if (!borough) return [];
      and.push({ borough: new Types.ObjectId(borough.id) });
    }
    if (query.q) and.push({ title: mongoose.trusted({ $regex: escapeRegex(query.q), $options: 'i' }) });
    const docs = await this.tenders
      .find(mongoose.trusted(and.length ? { $and: [filter, ...and] } : filter))
      .sort({ publishedAt: -1, createdAt: -1 })
      .limit(500);
    return docs.map((d) => this.toApi(d, actor));
  }

  private checkDeadlines(doc: TenderDoc): void {
    const problems = deadlineOrderProblems(doc);
    if (Object.keys(problems).length) throw new ValidationError(problems);
  }

  update(id: string, patch: UpdateTenderInput, actor: PublicUser): Promise<Tender> {
    return this.writes.run(id, () => this.applyUpdate(id, patch, actor));
  }

  private async applyUpdate(id: string, patch: UpdateTenderInput, actor: PublicUser): Promise<Tender> {
    const doc = await this.ownDoc(id, actor);
    if (doc.status === 'closed' || doc.status === 'cancelled') {
      throw new ConflictError('wrong_status', `A ${doc.status} exercise cannot be changed`);
    }
    const before = this.toApi(doc, actor) as unknown as Record<string, unknown>;
    if (doc.status === 'published') this.checkPublishedChange(doc, patch);
    const { lots, engagementEvents, ...simple } = patch;
    doc.set(simple);
    if (lots) {
      let next = Math.max(0, ...doc.lots.map((l) => Number(l.lotId.replace('lot-', '')) || 0));
      const known = new Set(doc.lots.map((l) => l.lotId));
      doc.set(
        'lots',
        lots.map((lot) => ({
          lotId: lot.id && known.has(lot.id) ? lot.id : `lot-${(next += 1)}`,
          title: lot.title,
          description: lot.description,
          estimatedAnnualValue: lot.estimatedAnnualValue,
        })),
      );
    }
    if (engagementEvents) {
      let next = Math.max(0, ...doc.engagementEvents.map((e) => Number(e.eventId.replace('event-', '')) || 0));
      const known = new Set(doc.engagementEvents.map((e) => e.eventId));
      doc.set(
        'engagementEvents',
        engagementEvents.map((e) => ({
          eventId: e.id && known.has(e.id) ? e.id : `event-${(next += 1)}`,
          title: e.title,
          format: e.format,
          startsAt: e.startsAt,
          location: e.location,
        })),
      );
    }
    this.checkDeadlines(doc);
    const changed: string[] = [];
    if (doc.status === 'published') {
      const after = this.toApi(doc, actor) as unknown as Record<string, unknown>;
      const at = this.now();
      for (const field of Object.keys(patch)) {
        if (JSON.stringify(before[field] ?? null) === JSON.stringify(after[field] ?? null)) continue;
        changed.push(field);
        doc.history.push({
          at,
          by: actor.id,
          byName: actor.name,
          field,
          old: displayValue(before[field]),
          new: displayValue(after[field]),
        });
      }
    }
    await doc.save();
    if (patch.shareFindings !== undefined && patch.shareFindings !== before.shareFindings) {
      await this.audit.record({
        action: 'tender.sharing.change',
        outcome: 'allowed',
        actor,
        target: `tender:${id}`,
        detail: patch.shareFindings ? 'on' : 'off',
      });
    }
    // Changes organisations rely on most are also written to the audit log.
    const integrity = changed.filter((field) => INTEGRITY_FIELDS.includes(field));
    if (integrity.length) {
      await this.audit.record({
        action: 'tender.integrity.change',
        outcome: 'allowed',
        actor,
        target: `tender:${id}`,
        detail: integrity.join(', '),
      });
    }
    return this.toApi(doc, actor);
  }

  private transition(id: string, to: TenderStatus, actor: PublicUser, extra: (doc: TenderDoc) => void): Promise<Tender> {
    return this.writes.run(id, () => this.applyTransition(id, to, actor, extra));
  }

  /**
   * Rules for changing a published exercise, which organisations are relying on: a sealed exercise
   * stays sealed, and deadlines can only move later and stay in the future (by the server clock).
   */
  private checkPublishedChange(doc: TenderDoc, patch: UpdateTenderInput): void {
    const now = this.now();
    if (doc.sealed && patch.sealed === false && now <= doc.questionnaireDeadline) {
      throw new ConflictError('sealed', 'A sealed exercise stays sealed until its questionnaire deadline');
    }
    const problems: Record<string, string> = {};
    for (const field of ['clarificationDeadline', 'eoiDeadline', 'questionnaireDeadline'] as const) {
      const next = patch[field];
      if (!next || next.getTime() === doc[field].getTime()) continue;
      if (next < doc[field]) problems[field] = `After publishing, the ${historyLabel(field).toLowerCase()} can only be moved later`;
      else if (next <= now) problems[field] = `${historyLabel(field)} must be in the future`;
    }
    if (Object.keys(problems).length) throw new ValidationError(problems);
  }

  private async applyTransition(id: string, to: TenderStatus, actor: PublicUser, extra: (doc: TenderDoc) => void): Promise<Tender> {
    const doc = await this.ownDoc(id, actor);
    if (!TENDER_TRANSITIONS[doc.status].includes(to)) {
      throw new ConflictError('wrong_status', `A ${doc.status} exercise cannot be ${to === 'published' ? 'published' : to}`);
    }
    extra(doc);
    // The status in the filter makes two racing transitions safe: only one finds the old status.
    const updated = await this.tenders.findOneAndUpdate(
      { _id: doc._id, status: doc.status },
      { $set: { status: to, publishedAt: doc.publishedAt, closedAt: doc.closedAt, cancelledAt: doc.cancelledAt } },
      { returnDocument: 'after' },
    );
    if (!updated) throw new ConflictError('wrong_status', 'The exercise changed while you were working on it. Reload and try again');
    return this.toApi(updated, actor);
  }

  /**
   * Stores a document for the officer's own exercise. A title already used gets the next version;
   * earlier versions stay. The file is stored first and removed again if the record cannot be saved,
   * so nothing is left behind. After publishing, the addition is also kept in the change history.
   */
  async addDocument(id: string, input: NewDocument, actor: PublicUser): Promise<TenderDocument> {
    const existing = await this.ownDoc(id, actor);
    if (existing.status === 'closed' || existing.status === 'cancelled') {
      throw new ConflictError('wrong_status', `Documents cannot be added to a ${existing.status} exercise`);
    }
    const { key } = await this.files.put(input.upload.buffer, {
      contentType: input.upload.detectedMime,
      originalName: input.upload.originalName,
    });
    return this.writes.run(id, () => this.recordDocument(id, input, key, actor));
  }

  private async recordDocument(id: string, input: NewDocument, key: string, actor: PublicUser): Promise<TenderDocument> {
    try {
      for (let attempt = 1; attempt <= 5; attempt++) {
        const doc = await this.ownDoc(id, actor);
        if (doc.status === 'closed' || doc.status === 'cancelled') {
          throw new ConflictError('wrong_status', `Documents cannot be added to a ${doc.status} exercise`);
        }
        const titleKey = documentTitleKey(input.title);
        const version = 1 + Math.max(0, ...doc.documents.filter((d) => documentTitleKey(d.title) === titleKey).map((d) => d.version));
        const at = this.now();
        const _id = new Types.ObjectId();
        const record = {
          _id,
          title: input.title,
          filename: input.upload.originalName,
          size: input.upload.size,
          contentType: input.upload.detectedMime,
          version,
          storageKey: key,
          sha256: input.upload.sha256,
          uploadedAt: at,
          uploadedBy: actor.id,
        };
        const update: Record<string, unknown> = { documents: record };
        if (doc.status === 'published') {
          update.history = {
            at,
            by: actor.id,
            byName: actor.name,
            field: 'documents',
            old: '',
            new: `${input.title} (version ${version})`,
          };
        }
        // The revision in the filter makes concurrent uploads take turns: only one finds the revision it read.
        const updated = await this.tenders.findOneAndUpdate(
          { _id: doc._id, status: doc.status, documentsRevision: doc.documentsRevision },
          { $push: update, $set: { documentsRevision: doc.documentsRevision + 1 } },
          { returnDocument: 'after' },
        );
        if (updated) {
          await this.audit.record({
            action: 'tender.document.add',
            outcome: 'allowed',
            actor,
            target: `tender:${id}`,
            detail: `${_id.toString()} v${version}`,
          });
          return this.toApi(updated, actor).documents.find((d) => d.id === _id.toString())!;
        }
      }
      throw new ConflictError('busy', 'The exercise changed while the file was uploading. Try again');
    } catch (err) {
      await this.files.remove(key).catch(() => undefined);
      throw err;
    }
  }

  /** The stored file behind a document of an exercise the actor can see. */
  async documentFile(id: string, docId: string, actor: Actor): Promise<{ key: string; meta: StoredFileMeta }> {
    const doc = await this.visibleDoc(id, actor);
    const found = doc.documents.find((d) => (d as unknown as { _id: Types.ObjectId })._id.toString() === docId);
    if (!found) throw new NotFoundError('Document not found');
    return { key: found.storageKey, meta: { contentType: found.contentType, originalName: found.filename } };
  }

  publish(id: string, actor: PublicUser): Promise<Tender> {
    return this.transition(id, 'published', actor, (doc) => {
      const now = this.now();
      const problems: Record<string, string> = {};
      for (const field of ['clarificationDeadline', 'eoiDeadline', 'questionnaireDeadline'] as const) {
        if (doc[field] <= now) problems[field] = `${historyLabel(field)} must be in the future to publish`;
      }
      Object.assign(problems, deadlineOrderProblems(doc));
      if (Object.keys(problems).length) throw new ValidationError(problems, 'The exercise cannot be published yet');
      doc.publishedAt = now;
    });
  }

  /**
   * Exercises whose figures count towards the shared findings: sharing on and the expression-of-interest stage over
   * (deadline passed, or closed). Drafts never; cancelled ones neither, as their market test was abandoned part-way.
   */
  async *findingsContributors(): AsyncGenerator<{ id: string; boroughId: string; answersSealed: boolean }> {
    const now = this.now();
    const filter: Record<string, unknown> = { shareFindings: true, status: mongoose.trusted({ $in: ['published', 'closed'] }) };
    const projection = { borough: 1, status: 1, eoiDeadline: 1, sealed: 1, questionnaireDeadline: 1 };
    for await (const t of this.tenders.find(filter, projection).lean().cursor()) {
      if (t.status !== 'closed' && t.eoiDeadline >= now) continue;
      // Sealed answers stay unread, even as counts, until the questionnaire deadline.
      yield { id: t._id.toString(), boroughId: t.borough.toString(), answersSealed: t.sealed && now <= t.questionnaireDeadline };
    }
  }

  /** Switches sharing with the programme team on or off, in any status but cancelled; audited, and listed once published. */
  setSharing(id: string, shareFindings: boolean, actor: PublicUser): Promise<Tender> {
    return this.writes.run(id, async () => {
      const doc = await this.findOwn(id, actor);
      if (doc.status === 'cancelled') throw new ConflictError('wrong_status', 'A cancelled exercise cannot be changed');
      if (doc.shareFindings === shareFindings) return this.toApi(doc, actor);
      const update: Record<string, unknown> = { $set: { shareFindings } };
      if (doc.status !== 'draft') {
        const entry = { at: this.now(), by: actor.id, byName: actor.name, field: 'shareFindings' };
        update.$push = { history: { ...entry, old: displayValue(doc.shareFindings), new: displayValue(shareFindings) } };
      }
      // The current setting in the filter: of two officers switching at once, only one finds it.
      const updated = await this.tenders.findOneAndUpdate({ _id: doc._id, status: doc.status, shareFindings: doc.shareFindings }, update, {
        returnDocument: 'after',
      });
      if (!updated) throw new ConflictError('busy', 'The exercise changed while you were working on it. Reload and try again');
      await this.audit.record({
        action: 'tender.sharing.change',
        outcome: 'allowed',
        actor,
        target: `tender:${id}`,
        detail: shareFindings ? 'on' : 'off',
      });
      return this.toApi(updated, actor);
    });
  }

  close(id: string, actor: PublicUser): Promise<Tender> {
    return this.transition(id, 'closed', actor, (doc) => {
      doc.closedAt = this.now();
    });
  }

  cancel(id: string, actor: PublicUser): Promise<Tender> {
    return this.transition(id, 'cancelled', actor, (doc) => {
      doc.cancelledAt = this.now();
    });
  }
}
