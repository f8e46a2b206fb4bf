import mongoose, { Types, type Connection } from 'mongoose';
import { streamCursor } from '../db/streamed-cursor';
import type { Borough, Boroughs } from '../platform/boroughs';
import { API_PAGE_SIZE, pageWindow, type ListPage } from '../platform/pagination';
import type { PublicUser } from '../platform/roles';
import type { AuditLog } from '../platform/audit';
import { isDuplicateKey } from '../db/connection';
import { ConflictError, NotFoundError, ValidationError } from '../platform/errors';
import type { FileStore, StoredFileMeta } from '../platform/file-store';
import { TENDER_TRANSITIONS, type TenderStatus } from './statuses';
import type { TenderModel, TenderRecord } from './tender.model';
import type { CreateTenderInput, ListTendersQuery, UpdateTenderInput } from './tenders.schemas';
import { boroughCode, displayValue, tenderView, type Actor, type Tender, type TenderDocument, type TenderRead } from './tender.presenter';
import { TenderStore, type TenderDoc } from './tender.store';
import { changeDetail, planEdit, publishProblems } from './tender-edit';
import { TenderDocumentsService, type NewDocument } from './tender-documents.service';
import { listPage, orderedIds, type TenderListPage } from './tender-list';

/** Exercises on one page of the API's list: more than any borough publishes, so most lists come whole. */

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

export interface TendersServiceOptions {
  now?: () => Date;
}

export type { NewDocument } from './tender-documents.service';

export class TendersService {
  readonly tenders: TenderModel;
  readonly now: () => Date;
  private readonly store: TenderStore;
  private readonly documents: TenderDocumentsService;
  private readonly publishedListeners: ((tender: Tender) => void)[] = [];

  constructor(
    conn: Connection,
    private readonly boroughs: Boroughs,
    private readonly audit: AuditLog,
    readonly files: FileStore,
    opts: TendersServiceOptions = {},
  ) {
    this.store = new TenderStore(conn, audit);
    this.tenders = this.store.tenders;
    this.now = opts.now ?? (() => new Date());
    this.documents = new TenderDocumentsService(this.store, boroughs, audit, files, this.now);
  }

  toApi(t: TenderRecord, actor: Actor): Tender {
    return tenderView(t, actor, this.boroughs);
  }

  private async nextReference(borough: Borough): Promise<string> {
    const year = this.now().getUTCFullYear();
    const counter = await this.store.counters.findOneAndUpdate(
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
    await this.store.listVersion.moveOn();
    return this.toApi(doc, actor);
  }

  /**
   * An exercise the actor may see, as a plain record for other features to read: drafts only to the
   * borough's officers. Anything else is 404, and an officer reaching for another borough's draft is audited.
   */
  async findVisible(id: string, actor: Actor): Promise<TenderRead> {
    return (await this.store.visibleDoc(id, actor)).toObject() as TenderRead;
  }

  /** An exercise of the officer's own borough, as a plain record for other features to read. Another borough's id is 404 and audited. */
  async findOwn(id: string, actor: PublicUser): Promise<TenderRead> {
    return (await this.store.ownDoc(id, actor)).toObject() as TenderRead;
  }

  /** Exercises by id, as plain records, whatever their status: for lists of what an organisation already takes part in. */
  async byIds(ids: Types.ObjectId[]): Promise<TenderRead[]> {
    return (await this.tenders.find({ _id: mongoose.trusted({ $in: ids }) }).lean()) as TenderRead[];
  }

  /** Ids of the exercises with this reference (one per borough at most), for the audit log's filter. */
  async idsByReference(reference: string): Promise<string[]> {
    // bounded: one exercise per borough at most has a reference (a unique index with the borough).
    return (await this.tenders.find({ reference: reference.toUpperCase() }, { _id: 1 }).lean()).map((t) => t._id.toString());
  }

  async get(id: string, actor: Actor): Promise<Tender> {
    return this.toApi(await this.store.visibleDoc(id, actor), actor);
  }

  /** What the actor may see that matches the query; null when the query names a borough that does not exist. */
  private listFilter(query: ListTendersQuery, actor: Actor): Record<string, unknown> | null {
    const ownBorough = actor?.role === 'officer' ? actor.borough?.id : undefined;
    const visible: Record<string, unknown>[] = [{ status: mongoose.trusted({ $in: PUBLIC_STATUSES }) }];
    if (ownBorough) visible.push({ borough: new Types.ObjectId(ownBorough) });
    const filter: Record<string, unknown> = { $or: visible };
    const and: Record<string, unknown>[] = [];
    if (query.status) and.push({ status: query.status });
    if (query.borough) {
      const borough = this.boroughs.findBySlug(query.borough);
      if (!borough) return null;
      and.push({ borough: new Types.ObjectId(borough.id) });
    }
    if (query.q) {
      // Titles, summaries, references and lot titles: what someone looking for a library contract would type.
      const words = mongoose.trusted({ $regex: escapeRegex(query.q), $options: 'i' });
      and.push({ $or: [{ title: words }, { summary: words }, { reference: words }, { 'lots.title': words }] });
    }
    return and.length ? { $and: [filter, ...and] } : filter;
  }

  /**
   * One page (`query.page`, from 1) of whole exercises for the API, in the list's order; a page past the end is the
   * last. Pages hold 500, so a list of up to 500 exercises comes whole on the first page, as it always has.
   */
  async list(query: ListTendersQuery, actor: Actor): Promise<ListPage<Tender>> {
    const filter = this.listFilter(query, actor);
    if (!filter) return { items: [], total: 0, page: 1, pageSize: API_PAGE_SIZE, pageCount: 1 };
    const ordered = await orderedIds(this.tenders, filter, { sort: query.sort === 'closing' ? 'closing' : 'newest', now: this.now() });
    const { page, pageCount, skip } = pageWindow(query.page ?? 1, ordered.length, API_PAGE_SIZE);
    const ids = ordered.slice(skip, skip + API_PAGE_SIZE);
    const docs = ids.length ? await this.tenders.find({ _id: mongoose.trusted({ $in: ids }) }) : [];
    const byId = new Map(docs.map((d) => [d._id.toString(), d]));
    const items = ids.flatMap((id) => {
      const d = byId.get(id.toString());
      return d ? [this.toApi(d, actor)] : [];
    });
    return { items, total: ordered.length, page, pageSize: API_PAGE_SIZE, pageCount };
  }

  /** One page of the list, reading only what the list shows. */
  async listPage(query: ListTendersQuery, actor: Actor, page: number): Promise<TenderListPage> {
    const filter = this.listFilter(query, actor);
    if (!filter) return { items: [], total: 0, page: 1, pageSize: 0, pageCount: 1, changesAt: null };
    return listPage(this.tenders, this.boroughs, filter, { sort: query.sort === 'closing' ? 'closing' : 'newest', page, now: this.now() });
  }

  /** Moves on after every change to any exercise: see ListVersion. */
  listVersion(): Promise<number> {
    return this.store.listVersion.current();
  }

  /** Exercises were written in bulk without this service (the demo's large load): lists kept by any server are out of date. */
  listChanged(): Promise<void> {
    return this.store.listVersion.moveOn();
  }

  /**
   * An officer's edit. It is worked out from the exercise as read and applied only if nothing changed in
   * between (status and revision in the filter), so an edit racing publish either lands before it, on the
   * draft, or is worked out again under the published rules, with its history entries.
   */
  async update(id: string, patch: UpdateTenderInput, actor: PublicUser): Promise<Tender> {
    let plan: Awaited<ReturnType<typeof planEdit>> | undefined;
    let sharingBefore = false;
    const tender = await this.store.change(
      id,
      actor,
      async (doc) => {
        sharingBefore = doc.shareFindings;
        plan = await planEdit(doc, patch, actor, this.now(), (d) => this.toApi(d, actor) as unknown as Record<string, unknown>);
        return plan.update;
      },
      (updated) => this.toApi(updated, actor),
    );
    if (patch.shareFindings !== undefined && patch.shareFindings !== sharingBefore) {
      await this.log('tender.sharing.change', actor, id, patch.shareFindings ? 'on' : 'off');
    }
    // Changes organisations rely on most are also written to the audit log, with the values before and after.
    const changed = plan?.changed ?? [];
    const integrity = changed.filter((c) => INTEGRITY_FIELDS.includes(c.field));
    if (integrity.length) await this.log('tender.integrity.change', actor, id, changeDetail(integrity));
    // Sharing has its own event above.
    const specification = changed.filter((c) => !INTEGRITY_FIELDS.includes(c.field) && c.field !== 'shareFindings');
    if (specification.length) await this.log('tender.specification.change', actor, id, changeDetail(specification));
    return tender;
  }

  /** Moves the officer's own exercise to another status, if its status allows; `extra` checks and sets what goes with it. */
  private transition(
    id: string,
    to: TenderStatus,
    actor: PublicUser,
    extra: (doc: TenderDoc, now: Date) => Record<string, unknown>,
  ): Promise<Tender> {
    return this.store.change(
      id,
      actor,
      async (doc) => {
        if (!TENDER_TRANSITIONS[doc.status].includes(to)) {
          throw new ConflictError('wrong_status', `A ${doc.status} exercise cannot be ${to === 'published' ? 'published' : to}`);
        }
        return { $set: { status: to, ...extra(doc, this.now()) } };
      },
      (updated) => this.toApi(updated, actor),
    );
  }

  addDocument(id: string, input: NewDocument, actor: PublicUser): Promise<TenderDocument> {
    return this.documents.add(id, input, actor);
  }

  documentFile(id: string, docId: string, actor: Actor): Promise<{ key: string; meta: StoredFileMeta }> {
    return this.documents.file(id, docId, actor);
  }

  /** Told of each exercise once it is published, by the one call whose conditional change published it (so once, on any number of servers). */
  onPublished(listener: (tender: Tender) => void): void {
    this.publishedListeners.push(listener);
  }

  async publish(id: string, actor: PublicUser): Promise<Tender> {
    const tender = await this.transition(id, 'published', actor, (doc, now) => {
      const problems = publishProblems(doc, now);
      if (Object.keys(problems).length) throw new ValidationError(problems, 'The exercise cannot be published yet');
      return { publishedAt: now };
    });
    await this.log('tender.publish', actor, id, tender.reference);
    for (const listener of this.publishedListeners) listener(tender);
    return tender;
  }

  /**
   * Exercises whose figures count towards the shared findings: sharing on and the expression-of-interest stage over
   * (deadline passed, or closed). Drafts never; cancelled ones neither, as their market test was abandoned part-way.
   */
  async *findingsContributors(): AsyncGenerator<{ id: string; boroughId: string; answersSealed: boolean }> {
    const now = this.now();
    const filter: Record<string, unknown> = { shareFindings: true, status: mongoose.trusted({ $in: ['published', 'closed'] }) };
    const projection = { borough: 1, status: 1, eoiDeadline: 1, sealed: 1, questionnaireDeadline: 1 };
    for await (const t of streamCursor(this.tenders.find(filter, projection).lean().cursor())) {
      if (t.status !== 'closed' && t.eoiDeadline >= now) continue;
      // Sealed answers stay unread, even as counts, until the questionnaire deadline.
      yield { id: t._id.toString(), boroughId: t.borough.toString(), answersSealed: t.sealed && now <= t.questionnaireDeadline };
    }
  }

  /** Switches sharing with the programme team on or off, in any status but cancelled; audited, and listed once published. */
  async setSharing(id: string, shareFindings: boolean, actor: PublicUser): Promise<Tender> {
    let changed = false;
    const tender = await this.store.change(
      id,
      actor,
      async (doc) => {
        changed = false;
        if (doc.status === 'cancelled') throw new ConflictError('wrong_status', 'A cancelled exercise cannot be changed');
        if (doc.shareFindings === shareFindings) return { unchanged: this.toApi(doc, actor) };
        const update: { $set: Record<string, unknown>; $push?: Record<string, unknown> } = { $set: { shareFindings } };
        if (doc.status !== 'draft') {
          const entry = { at: this.now(), by: actor.id, byName: actor.name, field: 'shareFindings' };
          update.$push = { history: { ...entry, old: displayValue(doc.shareFindings), new: displayValue(shareFindings) } };
        }
        changed = true;
        return update;
      },
      (updated) => this.toApi(updated, actor),
    );
    if (changed) await this.log('tender.sharing.change', actor, id, shareFindings ? 'on' : 'off');
    return tender;
  }

  close(id: string, actor: PublicUser): Promise<Tender> {
    return this.stop(id, 'closed', 'closedAt', actor);
  }

  cancel(id: string, actor: PublicUser): Promise<Tender> {
    return this.stop(id, 'cancelled', 'cancelledAt', actor);
  }

  /**
   * Closes or cancels, then stamps the time again once the exercise shows as stopped. Answers are judged by that
   * time: a submission stored while the exercise still showed as open arrived before it (see questionnaires).
   */
  private async stop(id: string, to: 'closed' | 'cancelled', field: 'closedAt' | 'cancelledAt', actor: PublicUser): Promise<Tender> {
    const stopped = await this.transition(id, to, actor, (_doc, now) => ({ [field]: now }));
    const stamped = await this.tenders.findOneAndUpdate(
      { _id: new Types.ObjectId(stopped.id), status: to, [field]: new Date(stopped[field]!) },
      { $set: { [field]: this.now() } },
      { returnDocument: 'after' },
    );
    if (stamped) await this.store.listVersion.moveOn();
    await this.log(to === 'closed' ? 'tender.close' : 'tender.cancel', actor, id, stopped.reference);
    return stamped ? this.toApi(stamped, actor) : stopped;
  }

  /** An officer's change to their own exercise, for the audit log. */
  private log(action: string, actor: PublicUser, id: string, detail: string): Promise<void> {
    return this.audit.record({ action, outcome: 'allowed', actor, target: `tender:${id}`, detail });
  }
}
