import { Schema, type Connection, type InferSchemaType, type Types } from 'mongoose';
import { SECTORS, SIZES } from './sectors';
import { modelOn } from '../db/model-on';

export const INTEREST_STATUSES = ['active', 'withdrawn'] as const;
export type InterestStatus = (typeof INTEREST_STATUSES)[number];

/** How the organisation heard about the exercise (coded, so reports can count them). */
export const HEARD_VIA = [
  'council_website',
  'contracts_finder',
  'find_a_tender',
  'cvs_network',
  'newsletter',
  'event',
  'word_of_mouth',
  'other',
] as const;
export type HeardVia = (typeof HEARD_VIA)[number];

export const HEARD_VIA_LABELS: Record<HeardVia, string> = {
  council_website: 'The council’s website',
  contracts_finder: 'Contracts Finder',
  find_a_tender: 'Find a Tender',
  cvs_network: 'A council for voluntary service (CVS) or other local support network',
  newsletter: 'A newsletter or mailing list',
  event: 'An event',
  word_of_mouth: 'Someone told us',
  other: 'Somewhere else',
};

const interestSchema = new Schema(
  {
    tender: { type: Schema.Types.ObjectId, required: true },
    borough: { type: Schema.Types.ObjectId, required: true },
    organisation: { type: Schema.Types.ObjectId, required: true },
    /** The organisation's sector and size when it expressed interest, kept up to date when its profile changes. */
    sector: { type: String, enum: SECTORS, required: true },
    size: { type: String, enum: SIZES, required: true },
    /** The organisation's name and number of sector-check warnings, copied like its sector for reports; null on older records. */
    organisationName: { type: String, default: null },
    sectorWarnings: { type: Number, default: 0 },
    /** The profile revision these copies come from: a copy is only ever replaced by a newer one. */
    organisationRevision: { type: Number, default: 0 },
    lotIds: { type: [String], default: [] },
    contactName: { type: String, required: true },
    contactEmail: { type: String, required: true },
    consortium: { type: Boolean, default: false },
    willingToPartner: { type: Boolean, default: false },
    heardVia: { type: String, enum: HEARD_VIA, required: true },
    heardViaOther: { type: String, default: '' },
    status: { type: String, enum: INTEREST_STATUSES, default: 'active' },
    createdBy: { type: String, required: true },
    createdAt: { type: Date, required: true },
    withdrawnAt: { type: Date, default: null },
    withdrawnBy: { type: String, default: null },
  },
  { versionKey: false },
);
// One expression of interest per organisation per exercise, whatever its status: the database decides races.
interestSchema.index({ tender: 1, organisation: 1 }, { unique: true });
interestSchema.index({ organisation: 1, createdAt: -1 });
// The officer's list, a page at a time: the exercise, then the list's order.
interestSchema.index({ tender: 1, createdAt: 1, _id: 1 });

export type InterestRecord = InferSchemaType<typeof interestSchema> & { _id: Types.ObjectId };

export function interestModel(conn: Connection) {
  return modelOn(conn, 'Interest', interestSchema);
}
export type InterestModel = ReturnType<typeof interestModel>;
