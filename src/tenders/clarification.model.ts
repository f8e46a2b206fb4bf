import { Schema, type Connection, type InferSchemaType, Types } from 'mongoose';
import { modelOn } from '../db/model-on';

export const CLARIFICATION_STATUSES = ['open', 'answered', 'published'] as const;
export type ClarificationStatus = (typeof CLARIFICATION_STATUSES)[number];

const clarificationSchema = new Schema(
  {
    tender: { type: Schema.Types.ObjectId, required: true },
    borough: { type: Schema.Types.ObjectId, required: true },
    organisation: { type: Schema.Types.ObjectId, required: true },
    askedBy: { type: String, required: true },
    question: { type: String, required: true },
    /** The question as published, when the officer changed its wording (to take out who asked, say); null: as asked. */
    publishedQuestion: { type: String, default: null },
    answer: { type: String, default: '' },
    status: { type: String, enum: CLARIFICATION_STATUSES, default: 'open' },
    askedAt: { type: Date, required: true },
    answeredAt: { type: Date, default: null },
    answeredBy: { type: String, default: null },
    publishedAt: { type: Date, default: null },
    /** Goes up by one with each answer saved: an answer is saved only on the version it was worked out from. */
    version: { type: Number, default: 0 },
  },
  { versionKey: false },
);
// An exercise's questions in the order they were asked.
clarificationSchema.index({ tender: 1, askedAt: 1 });

export type ClarificationRecord = InferSchemaType<typeof clarificationSchema> & { _id: Types.ObjectId };

export function clarificationModel(conn: Connection) {
  return modelOn(conn, 'Clarification', clarificationSchema);
}
export type ClarificationModel = ReturnType<typeof clarificationModel>;
