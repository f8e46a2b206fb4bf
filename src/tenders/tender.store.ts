import mongoose, { Types, type Connection } from 'mongoose';
import type { AuditLog } from '../platform/audit';
import type { PublicUser } from '../platform/roles';
import { ConflictError, NotFoundError } from '../platform/errors';
import { counterModel, tenderModel, type CounterModel, type TenderModel, type TenderRecord } from './tender.model';
import { isOwnBoroughOfficer, type Actor } from './tender.presenter';
import { ListVersion } from './tender-list';

export type TenderDoc = mongoose.HydratedDocument<TenderRecord>;

/** How many times a change is tried when other changes land between its read and its write. */
const ATTEMPTS = 12;

/** A short random pause before trying again, so that changes that collided do not collide again in step. */
const pause = (attempt: number) => new Promise((resolve) => setTimeout(resolve, Math.random() * 10 * attempt));

/**
 * Exercises as stored: who may read which, and the one way to change one. Every change is conditional on the
 * status and revision that were read, so it holds on MongoDB with several app servers, not only in one process.
 */
export class TenderStore {
  readonly tenders: TenderModel;
  readonly counters: CounterModel;
  readonly listVersion: ListVersion;

  constructor(
    conn: Connection,
    private readonly audit: AuditLog,
  ) {
    this.tenders = tenderModel(conn);
    this.counters = counterModel(conn);
    this.listVersion = new ListVersion(this.counters);
  }

  /** An exercise the actor may see: drafts only to the borough's officers. Anything else is 404; an officer reaching for another borough's draft is audited. */
  async visibleDoc(id: string, actor: Actor): Promise<TenderDoc> {
    const doc = await this.byId(id);
    if (doc.status === 'draft' && !isOwnBoroughOfficer(actor, doc.borough.toString())) {
      if (actor) await this.deny('tender.read', actor, id, 'draft of another borough');
      throw new NotFoundError('Exercise not found');
    }
    return doc;
  }

  /** An exercise of the officer's own borough, for changes. Another borough's id is 404 and audited. */
  async ownDoc(id: string, actor: PublicUser): Promise<TenderDoc> {
    const doc = await this.byId(id);
    if (!isOwnBoroughOfficer(actor, doc.borough.toString())) {
      await this.deny('tender.change', actor, id, 'exercise of another borough');
      throw new NotFoundError('Exercise not found');
    }
    return doc;
  }

  private async byId(id: string): Promise<TenderDoc> {
    if (!Types.ObjectId.isValid(id)) throw new NotFoundError('Exercise not found');
    const doc = await this.tenders.findById(id);
    if (!doc) throw new NotFoundError('Exercise not found');
    return doc;
  }

  private deny(action: string, actor: PublicUser, id: string, detail: string): Promise<void> {
    return this.audit.record({ action, outcome: 'denied', actor, target: `tender:${id}`, detail });
  }

  /**
   * Applies `update` only if the exercise still has the status and revision `doc` was read with, and moves the
   * revision on. Returns the exercise after the change, or null when another change came first.
   */
  async changeIf(doc: TenderDoc, update: { $set?: Record<string, unknown>; $push?: Record<string, unknown> }): Promise<TenderDoc | null> {
    const revision = doc.revision ?? 0;
    // Exercises stored before revisions were kept have none; for them the field's absence is the condition.
    const filter = { _id: doc._id, status: doc.status, revision: revision === 0 ? mongoose.trusted({ $in: [0, null] }) : revision };
    const updated = await this.tenders.findOneAndUpdate(
      filter,
      { ...update, $set: { ...update.$set, revision: revision + 1 } },
      { returnDocument: 'after' },
    );
    if (updated) await this.listVersion.moveOn();
    return updated;
  }

  /**
   * Reads the officer's own exercise and applies the change `plan` works out from it, reading again and
   * working it out afresh when another change lands in between. `plan` throws to refuse the change.
   */
  async change<T>(
    id: string,
    actor: PublicUser,
    plan: (doc: TenderDoc) => Promise<Parameters<TenderStore['changeIf']>[1] | { unchanged: T }>,
    done: (updated: TenderDoc) => T,
  ): Promise<T> {
    for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
      const doc = await this.ownDoc(id, actor);
      const update = await plan(doc);
      if ('unchanged' in update) return update.unchanged;
      const updated = await this.changeIf(doc, update);
      if (updated) return done(updated);
      await pause(attempt);
    }
    throw new ConflictError('busy', 'The exercise changed while you were working on it. Reload and try again');
  }
}
