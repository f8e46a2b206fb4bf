import { Schema, Types, type Connection, type InferSchemaType } from 'mongoose';
import { TENDER_STATUSES } from './statuses';
import { EVENT_FORMATS, TUPE_VALUES } from './tenders.schemas';
import { modelOn } from '../db/model-on';

const lotSchema = new Schema(
  {
    lotId: { type: String, required: true },
    title: { type: String, required: true },
    description: { type: String, default: '' },
    estimatedAnnualValue: { type: Number, default: null },
  },
  { _id: false },
);

const eventSchema = new Schema(
  {
    eventId: { type: String, required: true },
    title: { type: String, required: true },
    format: { type: String, enum: EVENT_FORMATS, required: true },
    startsAt: { type: Date, required: true },
    location: { type: String, default: '' },
  },
  { _id: false },
);

const documentSchema = new Schema(
  {
    title: { type: String, required: true },
    filename: { type: String, required: true },
    size: { type: Number, required: true },
    contentType: { type: String, required: true },
    version: { type: Number, required: true },
    storageKey: { type: String, required: true },
    sha256: { type: String, required: true },
    uploadedAt: { type: Date, required: true },
    uploadedBy: { type: String, required: true },
  },
  { _id: true },
);

const historySchema = new Schema(
  {
    at: { type: Date, required: true },
    by: { type: String, required: true },
    byName: { type: String, required: true },
    field: { type: String, required: true },
    old: { type: String, default: '' },
    new: { type: String, default: '' },
  },
  { _id: false },
);

const tenderSchema = new Schema(
  {
    borough: { type: Schema.Types.ObjectId, ref: 'Borough', required: true },
    reference: { type: String, required: true },
    status: { type: String, enum: TENDER_STATUSES, required: true, default: 'draft' },
    title: { type: String, required: true },
    summary: { type: String, required: true },
    specification: { type: String, required: true },
    serviceScope: { type: String, default: '' },
    lots: { type: [lotSchema], default: [] },
    estimatedValue: { type: new Schema({ min: Number, max: Number }, { _id: false }), default: null },
    contractTermMonths: { type: Number, default: null },
    tupe: { type: String, enum: TUPE_VALUES, default: 'unknown' },
    clarificationDeadline: { type: Date, required: true },
    eoiDeadline: { type: Date, required: true },
    questionnaireDeadline: { type: Date, required: true },
    engagementEvents: { type: [eventSchema], default: [] },
    sealed: { type: Boolean, default: false },
    shareFindings: { type: Boolean, default: true },
    thirdSectorTarget: { type: Number, default: 0.25 },
    documents: { type: [documentSchema], default: [] },
    /**
     * Goes up by one with every change. Each change names the revision it read in its filter, so of two
     * changes made at once (on one app server or several) only one applies and the other is tried again.
     */
    revision: { type: Number, default: 0 },
    history: { type: [historySchema], default: [] },
    createdBy: { type: String, required: true },
    publishedAt: { type: Date, default: null },
    closedAt: { type: Date, default: null },
    cancelledAt: { type: Date, default: null },
  },
  { timestamps: true },
);
tenderSchema.index({ borough: 1, reference: 1 }, { unique: true });
tenderSchema.index({ status: 1, publishedAt: -1 });
// The audit log's filter names an exercise by its reference, whichever borough it belongs to.
tenderSchema.index({ reference: 1 });

export type TenderRecord = InferSchemaType<typeof tenderSchema> & { _id: Types.ObjectId };

export function tenderModel(conn: Connection) {
  return modelOn(conn, 'Tender', tenderSchema);
}
export type TenderModel = ReturnType<typeof tenderModel>;

/** Per-borough, per-year counters for human-readable references (no transactions needed). */
const counterSchema = new Schema({ _id: { type: String, required: true }, seq: { type: Number, required: true } }, { versionKey: false });

export function counterModel(conn: Connection) {
  return modelOn(conn, 'Counter', counterSchema);
}
export type CounterModel = ReturnType<typeof counterModel>;
