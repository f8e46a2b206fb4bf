import { Schema, type Connection, type InferSchemaType } from 'mongoose';
import { modelOn } from '../db/model-on';

/** A link to choose a new password, sent to an account's email. Only a hash of the link's token is kept. */
const passwordResetSchema = new Schema(
  {
    user: { type: Schema.Types.ObjectId, required: true, index: true },
    /** SHA-256 (hex) of the random token in the link: a stolen copy of the database cannot reset passwords. */
    tokenHash: { type: String, required: true, unique: true },
    createdAt: { type: Date, required: true },
    expiresAt: { type: Date, required: true },
    usedAt: { type: Date, default: null },
  },
  { versionKey: false, strict: 'throw' },
);

export type PasswordResetRecord = InferSchemaType<typeof passwordResetSchema>;

export function passwordResetModel(conn: Connection) {
  return modelOn(conn, 'PasswordReset', passwordResetSchema);
}
export type PasswordResetModel = ReturnType<typeof passwordResetModel>;
