import mongoose, { Schema, Types, type Connection } from 'mongoose';
import { modelOn } from '../db/model-on';

/** Security-relevant events: sign-ins, denied access, changes organisations rely on, exports. Written once, never changed. */
const auditEventSchema = new Schema(
  {
    at: { type: Date, required: true },
    action: { type: String, required: true },
    outcome: { type: String, required: true, enum: ['allowed', 'denied'] },
    actorId: { type: String, default: null },
    actorRole: { type: String, default: null },
    target: { type: String, required: true },
    detail: { type: String, default: '' },
  },
  { versionKey: false },
);
// What the admins' filters need on MongoDB, each ending in the sort (newest first, then _id) so pages need no sort stage.
auditEventSchema.index({ at: -1, _id: -1 });
auditEventSchema.index({ action: 1, at: -1, _id: -1 });
auditEventSchema.index({ actorId: 1, at: -1, _id: -1 });
auditEventSchema.index({ target: 1, at: -1, _id: -1 });

/** Every way mongoose could change or remove a stored event: refused, so the log stays append-only. */
export const REFUSED_AUDIT_CHANGES = [
  'updateOne',
  'updateMany',
  'findOneAndUpdate',
  'findOneAndReplace',
  'findOneAndDelete',
  'replaceOne',
  'deleteOne',
  'deleteMany',
] as const;
auditEventSchema.pre([...REFUSED_AUDIT_CHANGES], () => {
  throw new Error('The audit log is append-only');
});

const auditEventModel = (conn: Connection) => modelOn(conn, 'AuditEvent', auditEventSchema);
export type AuditEventModel = ReturnType<typeof auditEventModel>;
/** The only parts of the collection anything outside this file may use: reads. */
export type AuditReads = Pick<AuditEventModel, 'find' | 'countDocuments'>;

export interface AuditActor {
  id: string;
  role: string;
}

export interface AuditEntry {
  action: string;
  outcome: 'allowed' | 'denied';
  actor: AuditActor | undefined;
  target: string;
  detail?: string;
}

/** A stored event as read back. */
export interface AuditRecord {
  id: string;
  at: Date;
  action: string;
  outcome: 'allowed' | 'denied';
  actorId: string | null;
  actorRole: string | null;
  target: string;
  detail: string;
}

/** Which events to read: each part narrows; an empty list of actor ids or targets matches nothing. */
export interface AuditFilter {
  /** An exact event name, or every event under a prefix ending in a dot (`auth.`). */
  event?: string;
  actorIds?: string[];
  targets?: string[];
  from?: Date;
  /** Exclusive. */
  before?: Date;
}

export const AUDIT_PAGE_SIZE = 50;
/** Pages past this are refused: a deeper look narrows the filters or downloads the CSV. */
export const AUDIT_MAX_PAGE = 200;

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export class AuditLog {
  readonly events: AuditReads;
  private readonly model: AuditEventModel;

  constructor(
    conn: Connection,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.model = auditEventModel(conn);
    this.events = this.model;
  }

  async record(entry: AuditEntry): Promise<void> {
    await this.model.create({
      at: this.now(),
      action: entry.action,
      outcome: entry.outcome,
      actorId: entry.actor?.id ?? null,
      actorRole: entry.actor?.role ?? null,
      target: entry.target,
      detail: entry.detail ?? '',
    });
  }

  /** One page (1-based) of matching events, newest first, and whether another page follows. */
  async page(filter: AuditFilter, page: number): Promise<{ items: AuditRecord[]; hasNext: boolean }> {
    const docs = await this.model
      .find(this.query(filter))
      .sort({ at: -1, _id: -1 })
      .skip((page - 1) * AUDIT_PAGE_SIZE)
      .limit(AUDIT_PAGE_SIZE + 1)
      .lean();
    return { items: docs.slice(0, AUDIT_PAGE_SIZE).map(toRecord), hasNext: docs.length > AUDIT_PAGE_SIZE };
  }

  /** Every matching event, newest first, streamed; `close()` stops the read (a client that went away). */
  stream(filter: AuditFilter): { events: AsyncIterable<AuditRecord>; close(): Promise<void> } {
    const cursor = this.model.find(this.query(filter)).sort({ at: -1, _id: -1 }).lean().cursor({ batchSize: 500 });
    async function* events() {
      for await (const doc of cursor) yield toRecord(doc);
    }
    return { events: events(), close: () => cursor.close() };
  }

  private query(filter: AuditFilter): Record<string, unknown> {
    const and: Record<string, unknown>[] = [];
    if (filter.event) {
      and.push({ action: filter.event.endsWith('.') ? mongoose.trusted({ $regex: `^${escapeRegex(filter.event)}` }) : filter.event });
    }
    if (filter.actorIds) and.push({ actorId: mongoose.trusted({ $in: filter.actorIds }) });
    if (filter.targets) and.push({ target: mongoose.trusted({ $in: filter.targets }) });
    if (filter.from) and.push({ at: mongoose.trusted({ $gte: filter.from }) });
    if (filter.before) and.push({ at: mongoose.trusted({ $lt: filter.before }) });
    return and.length ? mongoose.trusted({ $and: and }) : {};
  }
}

function toRecord(doc: {
  _id: Types.ObjectId;
  at: Date;
  action: string;
  outcome: string;
  actorId?: string | null;
  actorRole?: string | null;
  target: string;
  detail?: string | null;
}): AuditRecord {
  return {
    id: doc._id.toString(),
    at: doc.at,
    action: doc.action,
    outcome: doc.outcome === 'denied' ? 'denied' : 'allowed',
    actorId: doc.actorId ?? null,
    actorRole: doc.actorRole ?? null,
    target: doc.target,
    detail: doc.detail ?? '',
  };
}
