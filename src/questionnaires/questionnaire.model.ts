import type { QuestionnaireDefinition } from './types';
import { Schema, type Connection, type InferSchemaType, type Types } from 'mongoose';
import { modelOn } from '../db/model-on';

/** One questionnaire per exercise; its definition is the checked, normalised builder input. */
const questionnaireSchema = new Schema(
  {
    tender: { type: Schema.Types.ObjectId, required: true, unique: true },
    borough: { type: Schema.Types.ObjectId, required: true },
    template: { type: String, default: null },
    /** QuestionnaireDefinition, stored as checked by questionnaireInputSchema. */
    definition: { type: Schema.Types.Mixed, required: true },
    updatedBy: { type: String, required: true },
    updatedAt: { type: Date, required: true },
    /** Goes up by one with each change of the questions. */
    version: { type: Number, default: 0 },
    /**
     * Set by the first submission, on the version it answered: from then on the questions cannot change. Both
     * writes are conditional on this document, so a change of questions and a submission cannot cross.
     */
    locked: { type: Boolean, default: false },
  },
  { versionKey: false, minimize: false },
);

export type QuestionnaireRecord = InferSchemaType<typeof questionnaireSchema> & { _id: Types.ObjectId };

export function questionnaireModel(conn: Connection) {
  return modelOn(conn, 'Questionnaire', questionnaireSchema);
}
export type QuestionnaireModel = ReturnType<typeof questionnaireModel>;

const revisionSchema = new Schema(
  {
    answers: { type: Schema.Types.Mixed, required: true },
    receivedAt: { type: Date, required: true },
    sha256: { type: String, required: true },
    idempotencyKey: { type: String, default: null },
    submittedBy: { type: String, required: true },
  },
  { _id: false, minimize: false },
);

/**
 * One response per organisation per exercise. `answers` is the working draft; `revisions` keeps every
 * submission (the last one is the response that counts) with its receipt.
 */
const responseSchema = new Schema(
  {
    tender: { type: Schema.Types.ObjectId, required: true },
    borough: { type: Schema.Types.ObjectId, required: true },
    organisation: { type: Schema.Types.ObjectId, required: true },
    answers: { type: Schema.Types.Mixed, default: {} },
    status: { type: String, enum: ['draft', 'submitted'], default: 'draft' },
    revisions: { type: [revisionSchema], default: [] },
    /** Set when an officer typed in answers given by phone, at an event or by email. */
    recordedBy: {
      type: new Schema({ userId: String, name: String, method: String, note: String, at: Date }, { _id: false }),
      default: null,
    },
    createdAt: { type: Date, required: true },
    updatedAt: { type: Date, required: true },
    /** Goes up by one with every write: a submission names the version it read, so it never sends answers older than the draft. */
    version: { type: Number, default: 0 },
  },
  { versionKey: false, minimize: false },
);
responseSchema.index({ tender: 1, organisation: 1 }, { unique: true });
// The officer's list, a page at a time: the exercise, then the list's order.
responseSchema.index({ tender: 1, createdAt: 1, _id: 1 });

export type ResponseRecord = InferSchemaType<typeof responseSchema> & { _id: Types.ObjectId };

export function responseModel(conn: Connection) {
  return modelOn(conn, 'QuestionnaireResponse', responseSchema);
}
export type ResponseModel = ReturnType<typeof responseModel>;

/** Files attached to answers: stored through the file store, owned by one organisation and exercise. */
const responseFileSchema = new Schema(
  {
    tender: { type: Schema.Types.ObjectId, required: true },
    organisation: { type: Schema.Types.ObjectId, required: true },
    storageKey: { type: String, required: true },
    filename: { type: String, required: true },
    contentType: { type: String, required: true },
    size: { type: Number, required: true },
    sha256: { type: String, required: true },
    uploadedBy: { type: String, required: true },
    uploadedAt: { type: Date, required: true },
  },
  { versionKey: false },
);
responseFileSchema.index({ tender: 1, organisation: 1 });

export type ResponseFileRecord = InferSchemaType<typeof responseFileSchema> & { _id: Types.ObjectId };

export function responseFileModel(conn: Connection) {
  return modelOn(conn, 'ResponseFile', responseFileSchema);
}
export type ResponseFileModel = ReturnType<typeof responseFileModel>;

/**
 * How many files an organisation has stored for one exercise's answers, one document per pair: an upload takes a
 * place with one conditional update before its body is read, so uploads at once (on any server) never pass the cap.
 */
const responseFileSlotSchema = new Schema(
  { _id: { type: String, required: true }, count: { type: Number, required: true } },
  { versionKey: false },
);

export function responseFileSlotModel(conn: Connection) {
  return modelOn(conn, 'ResponseFileSlot', responseFileSlotSchema);
}
export type ResponseFileSlotModel = ReturnType<typeof responseFileSlotModel>;

/** The stored definition, which was checked by questionnaireInputSchema before it was saved. */
export const definitionOf = (q: { definition: unknown }): QuestionnaireDefinition => q.definition as QuestionnaireDefinition;
