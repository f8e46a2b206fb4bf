import { Schema, type Connection } from 'mongoose';
import { modelOn } from '../db/model-on';

/**
 * One address's alerts about new exercises. It gets nothing until confirmed; a choice typed by someone without an
 * account waits in the `pending` fields until the link emailed to the address is followed.
 */
const subscriptionSchema = new Schema(
  {
    email: { type: String, required: true, lowercase: true, trim: true, unique: true, maxlength: 254 },
    /** Borough slugs; none means every London borough. */
    boroughs: { type: [String], default: [] },
    confirmed: { type: Boolean, required: true, default: false, index: true },
    confirmedAt: { type: Date, default: null },
    /** SHA-256 of the address's unsubscribe token (see Notifier.unsubscribeToken). */
    unsubscribeHash: { type: String, required: true, index: true },
    pendingBoroughs: { type: [String], default: [] },
    /** SHA-256 of the confirmation link's token; only the hash is kept. */
    pendingTokenHash: { type: String, default: null, index: true },
    pendingExpiresAt: { type: Date, default: null },
    createdAt: { type: Date, required: true },
  },
  { versionKey: false },
);

/** One alert sent: a subscription hears of an exercise once, however many servers or retries queue it. */
const deliverySchema = new Schema(
  {
    subscription: { type: Schema.Types.ObjectId, required: true },
    tender: { type: Schema.Types.ObjectId, required: true, index: true },
    createdAt: { type: Date, required: true },
  },
  { versionKey: false },
);
deliverySchema.index({ subscription: 1, tender: 1 }, { unique: true });

/** One exercise's alerts under way: a run still unfinished long after it started was left by a server that stopped. */
const runSchema = new Schema(
  {
    tender: { type: Schema.Types.ObjectId, required: true, unique: true },
    startedAt: { type: Date, required: true },
    finishedAt: { type: Date, default: null },
  },
  { versionKey: false },
);
// The sweep's question: runs not finished that started long ago.
runSchema.index({ finishedAt: 1, startedAt: 1 });

export const subscriptionModel = (conn: Connection) => modelOn(conn, 'AlertSubscription', subscriptionSchema);
export const deliveryModel = (conn: Connection) => modelOn(conn, 'AlertDelivery', deliverySchema);
export const runModel = (conn: Connection) => modelOn(conn, 'AlertRun', runSchema);
export type SubscriptionModel = ReturnType<typeof subscriptionModel>;
export type DeliveryModel = ReturnType<typeof deliveryModel>;
export type RunModel = ReturnType<typeof runModel>;
