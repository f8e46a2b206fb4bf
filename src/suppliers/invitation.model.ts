import { Schema, type Connection, type InferSchemaType } from 'mongoose';
import { modelOn } from '../db/model-on';

/** An invitation for a colleague to join an organisation. Only a hash of the link's token is kept. */
const invitationSchema = new Schema(
  {
    organisation: { type: Schema.Types.ObjectId, required: true, index: true },
    email: { type: String, required: true, lowercase: true, trim: true, maxlength: 254, index: true },
    name: { type: String, required: true, trim: true, maxlength: 200 },
    /** SHA-256 (hex) of the random token in the link: a stolen copy of the database cannot accept invitations. */
    tokenHash: { type: String, required: true, unique: true },
    invitedBy: { type: Schema.Types.ObjectId, required: true },
    createdAt: { type: Date, required: true },
    expiresAt: { type: Date, required: true },
    acceptedAt: { type: Date, default: null },
  },
  { versionKey: false, strict: 'throw' },
);

export type InvitationRecord = InferSchemaType<typeof invitationSchema>;

export function invitationModel(conn: Connection) {
  return modelOn(conn, 'Invitation', invitationSchema);
}
export type InvitationModel = ReturnType<typeof invitationModel>;
