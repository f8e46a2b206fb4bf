import { Schema, type Connection, type InferSchemaType } from 'mongoose';
import { IDENTIFIER_SCHEME_KEYS, LEGAL_FORM_KEYS, SECTORS, SIZES, TURNOVER_BANDS } from './sectors';
import { modelOn } from '../db/model-on';

const organisationSchema = new Schema(
  {
    name: { type: String, required: true, trim: true, maxlength: 200 },
    sector: { type: String, required: true, enum: SECTORS },
    legalForm: { type: String, required: true, enum: LEGAL_FORM_KEYS },
    size: { type: String, required: true, enum: SIZES },
    identifiers: {
      type: [{ _id: false, scheme: { type: String, enum: IDENTIFIER_SCHEME_KEYS, required: true }, id: { type: String, required: true } }],
      default: [],
    },
    postcode: { type: String, required: true },
    areas: { type: [String], default: [] },
    address: { type: String, default: '' },
    staffCount: { type: Number, default: null },
    turnoverBand: { type: String, enum: [...TURNOVER_BANDS, null], default: null },
    /** The largest single contract delivered, in whole pounds. */
    largestContractValue: { type: Number, default: null },
    contact: {
      type: new Schema({ name: String, email: String, phone: String }, { _id: false }),
      default: null,
    },
    /** Register identifiers that contradict the chosen sector: shown to officers, never a block. */
    sectorWarnings: { type: [String], default: [] },
    /** Goes up by one with each profile change, so that copies elsewhere (on interests) keep only the newest. */
    revision: { type: Number, default: 0 },
  },
  { timestamps: true, strict: 'throw' },
);

export type OrganisationRecord = InferSchemaType<typeof organisationSchema>;

export function organisationModel(conn: Connection) {
  return modelOn(conn, 'Organisation', organisationSchema);
}
export type OrganisationModel = ReturnType<typeof organisationModel>;
