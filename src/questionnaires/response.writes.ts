import mongoose, { type Types } from 'mongoose';
import { isDuplicateKey } from '../db/connection';
import { ConflictError } from '../platform/errors';
import type { TenderRead } from '../tenders';
import { cleanAnswers, isAnswered, knownOnly, wellFormed } from './answer-rules';
import type { ResponseRecord } from './questionnaire.model';
import type { QuestionnaireStore } from './questionnaire.store';
import type { Answers, QuestionnaireDefinition } from './types';

/**
 * Writes of a response that hold with several app servers: each names in its filter the version it read, and
 * the unique index on (exercise, organisation) decides which of two first saves creates the response.
 */

/** How many times a write is tried when other writes of the same response land between its read and its write. */
const ATTEMPTS = 8;

/** The filter for a response at `version`; responses stored before versions were kept have none. */
export const atVersion = (version: number | null | undefined) =>
  (version ?? 0) === 0 ? mongoose.trusted({ $in: [0, null] }) : (version as number);

export type ResponseKey = { tender: Types.ObjectId; organisation: Types.ObjectId };

/** Calls `write` until it reports that it applied (true), trying again after a lost race or a first save made at the same time. */
export async function retried<T>(write: (attempt: number) => Promise<T | null>): Promise<T> {
  for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
    try {
      const done = await write(attempt);
      if (done !== null) return done;
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
    }
    await new Promise((resolve) => setTimeout(resolve, Math.random() * 10 * attempt));
  }
  throw new ConflictError('busy', 'Your answers changed while saving. Try again');
}

/**
 * Saves draft answers. With `merge`, only the questions given change (an empty answer clears its question), each
 * on its own path, so colleagues saving different sections at once keep each other's answers; otherwise the draft
 * is replaced. Answers to questions not in the questionnaire are left out.
 */
export function saveDraftAnswers(
  store: QuestionnaireStore,
  key: ResponseKey & { borough: Types.ObjectId },
  definition: QuestionnaireDefinition,
  answers: Answers,
  merge: boolean,
): Promise<ResponseRecord> {
  const given = knownOnly(definition, answers);
  return retried(async () => {
    const now = store.now();
    const existing = await store.responses.exists({ tender: key.tender, organisation: key.organisation });
    if (!existing) {
      // The first save creates the response; of two first saves at once the unique index lets one in, and the
      // other is tried again as a change of the response now there.
      const created = await store.responses.create({
        ...key,
        answers: cleanAnswers(given),
        status: 'draft',
        revisions: [],
        recordedBy: null,
        createdAt: now,
        updatedAt: now,
        version: 1,
      });
      return created.toObject() as ResponseRecord;
    }
    let update: Record<string, unknown>;
    if (merge) {
      const $set: Record<string, unknown> = { updatedAt: now };
      const $unset: Record<string, ''> = {};
      for (const [k, v] of Object.entries(given)) {
        if (isAnswered(v)) $set[`answers.${k}`] = wellFormed(v);
        else $unset[`answers.${k}`] = '';
      }
      update = { $set, $inc: { version: 1 }, ...(Object.keys($unset).length ? { $unset } : {}) };
    } else {
      update = { $set: { answers: cleanAnswers(given), updatedAt: now }, $inc: { version: 1 } };
    }
    // By the id just found for this organisation and exercise: with the id alone, every engine answers from its primary key.
    const saved = await store.responses.findOneAndUpdate({ _id: existing._id }, update, { returnDocument: 'after' });
    // A response removed between the check and the write: start again, as a first save.
    return saved ? (saved.toObject() as ResponseRecord) : null;
  });
}

/**
 * Removes the submission made with `idempotencyKey` again (the exercise closed before it arrived): the response goes
 * back to its earlier submission, or to a draft. Conditional on the version read, like every write.
 */
export async function withdrawSubmission(store: QuestionnaireStore, key: ResponseKey, idempotencyKey: string): Promise<void> {
  await retried(async () => {
    const doc = await store.responses.findOne(key, { revisions: 1, version: 1 }).lean();
    const revisions = (doc?.revisions ?? []).filter((r) => r.idempotencyKey !== idempotencyKey);
    if (!doc || revisions.length === (doc.revisions ?? []).length) return true;
    const res = await store.responses.updateOne(
      { _id: doc._id, version: atVersion(doc.version) },
      { $set: { revisions, status: revisions.length ? 'submitted' : 'draft' }, $inc: { version: 1 } },
    );
    return res.modifiedCount ? true : null;
  });
}

/**
 * Whether the exercise, read again after a submission was stored, had stopped taking answers before the submission
 * arrived. Closing stamps its time after the exercise shows as closed, so a submission that was stored while the
 * exercise still showed as open always arrived before that time.
 */
export function closedBefore(tender: Pick<TenderRead, 'status' | 'closedAt' | 'cancelledAt'>, receivedAt: Date): boolean {
  if (tender.status === 'published') return false;
  const stopped = tender.status === 'closed' ? tender.closedAt : tender.status === 'cancelled' ? tender.cancelledAt : null;
  return !stopped || stopped <= receivedAt;
}
