import mongoose from 'mongoose';
import { isDuplicateKey } from '../db/connection';
import { ConflictError, TooManyRequestsError } from '../platform/errors';
import type { QuestionnaireStore } from './questionnaire.store';
import type { ResponseKey } from './response.writes';

/** The most files one organisation may upload for one exercise's questionnaire. */
export const MAX_FILES_PER_RESPONSE = 20;

/** Uploads one organisation may have in progress on one app server at once: each holds its file in memory. */
export const MAX_UPLOADS_IN_PROGRESS = 3;

const slotId = (key: ResponseKey) => `${key.tender.toString()}:${key.organisation.toString()}`;

/**
 * Takes one of the organisation's places for a file, or refuses (409) when all are taken: one conditional update,
 * so uploads at the same moment on any number of servers never store more than the cap.
 */
export async function takeFileSlot(store: QuestionnaireStore, key: ResponseKey): Promise<void> {
  const _id = slotId(key);
  if (!(await store.fileSlots.exists({ _id }))) {
    // Files stored before places were counted count too.
    const stored = await store.responseFiles.countDocuments({ tender: key.tender, organisation: key.organisation });
    await store.fileSlots.create({ _id, count: stored }).catch((err: unknown) => {
      if (!isDuplicateKey(err)) throw err;
    });
  }
  const taken = await store.fileSlots.updateOne({ _id, count: mongoose.trusted({ $lt: MAX_FILES_PER_RESPONSE }) }, { $inc: { count: 1 } });
  if (!taken.modifiedCount) {
    throw new ConflictError('too_many_files', `You can upload up to ${MAX_FILES_PER_RESPONSE} files for this questionnaire`);
  }
}

/** Gives a place back after an upload that stored nothing. */
export async function returnFileSlot(store: QuestionnaireStore, key: ResponseKey): Promise<void> {
  await store.fileSlots.updateOne({ _id: slotId(key), count: mongoose.trusted({ $gt: 0 }) }, { $inc: { count: -1 } });
}

/** Uploads in progress on this server, by organisation: a bound on the memory one organisation can hold. */
export class UploadsInProgress {
  private readonly counts = new Map<string, number>();

  /** Counts an upload in, or refuses (429) when the organisation has too many in progress; call the result when done. */
  enter(organisationId: string): () => void {
    const now = this.counts.get(organisationId) ?? 0;
    if (now >= MAX_UPLOADS_IN_PROGRESS) {
      throw new TooManyRequestsError(`Upload up to ${MAX_UPLOADS_IN_PROGRESS} files at a time. Wait for one to finish, then try again`, 5);
    }
    this.counts.set(organisationId, now + 1);
    let left = false;
    return () => {
      if (left) return;
      left = true;
      const remaining = (this.counts.get(organisationId) ?? 1) - 1;
      if (remaining > 0) this.counts.set(organisationId, remaining);
      else this.counts.delete(organisationId);
    };
  }
}
