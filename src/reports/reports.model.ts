import { Schema, type Connection, type InferSchemaType, type Types } from 'mongoose';

/** What the borough decided to do about one barrier of one exercise: one per exercise and barrier. */
const decisionSchema = new Schema(
  {
    tender: { type: Schema.Types.ObjectId, required: true },
    borough: { type: Schema.Types.ObjectId, required: true },
    barrier: { type: String, required: true },
    decision: { type: String, enum: ['change', 'no_change'], required: true },
    text: { type: String, required: true },
    by: { type: String, required: true },
    byName: { type: String, required: true },
    at: { type: Date, required: true },
  },
  { versionKey: false },
);
// The database decides between two officers deciding at once: the later upsert replaces the earlier one.
decisionSchema.index({ tender: 1, barrier: 1 }, { unique: true });

export type DecisionRecord = InferSchemaType<typeof decisionSchema> & { _id: Types.ObjectId };
const buildDecision = (conn: Connection) => conn.model('BarrierDecision', decisionSchema);
export type DecisionModel = ReturnType<typeof buildDecision>;

export function decisionModel(conn: Connection): DecisionModel {
  return (conn.models.BarrierDecision as DecisionModel | undefined) ?? buildDecision(conn);
}

/** "You said, we did": the borough's short public summary of what it heard and what it changes; one per exercise. */
const youSaidWeDidSchema = new Schema(
  {
    tender: { type: Schema.Types.ObjectId, required: true, unique: true },
    borough: { type: Schema.Types.ObjectId, required: true },
    youSaid: { type: String, required: true },
    weDid: { type: String, required: true },
    by: { type: String, required: true },
    byName: { type: String, required: true },
    publishedAt: { type: Date, required: true },
  },
  { versionKey: false },
);

export type YouSaidWeDidRecord = InferSchemaType<typeof youSaidWeDidSchema> & { _id: Types.ObjectId };
const buildYouSaidWeDid = (conn: Connection) => conn.model('YouSaidWeDid', youSaidWeDidSchema);
export type YouSaidWeDidModel = ReturnType<typeof buildYouSaidWeDid>;

export function youSaidWeDidModel(conn: Connection): YouSaidWeDidModel {
  return (conn.models.YouSaidWeDid as YouSaidWeDidModel | undefined) ?? buildYouSaidWeDid(conn);
}
