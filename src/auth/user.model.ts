import { Schema, type Connection, type InferSchemaType, Types } from 'mongoose';
import { modelOn } from '../db/model-on';
import { ROLES } from '../platform/roles';

const userSchema = new Schema(
  {
    email: { type: String, required: true, lowercase: true, trim: true, unique: true, maxlength: 254 },
    name: { type: String, required: true, trim: true, maxlength: 200 },
    passwordHash: { type: String, required: true },
    role: { type: String, required: true, enum: ROLES },
    borough: { type: Schema.Types.ObjectId, ref: 'Borough', default: null },
    organisation: { type: Schema.Types.ObjectId, ref: 'Organisation', default: null },
    disabledAt: { type: Date, default: null },
    /** When the password was last reset: a session signed in before it is no longer accepted. */
    passwordChangedAt: { type: Date, default: null },
    /** Two-factor sign-in: the authenticator key being set up, and the one in use, each encrypted (see totp.ts). */
    twoFactorPendingSecret: { type: String, default: null },
    twoFactorSecret: { type: String, default: null },
    twoFactorEnabledAt: { type: Date, default: null },
    /** The last 30-second step whose code was accepted: a code of that step or an earlier one is refused. */
    totpLastStep: { type: Number, default: 0 },
    /** SHA-256 of each unused recovery code; a code is removed as it is used. */
    recoveryCodes: { type: [String], default: [] },
  },
  { timestamps: true, strict: 'throw' },
);

// An organisation's colleagues, and who is told of its activity.
userSchema.index({ organisation: 1 });

export type UserRecord = InferSchemaType<typeof userSchema> & { _id: Types.ObjectId };

export function userModel(conn: Connection) {
  return modelOn(conn, 'User', userSchema);
}
export type UserModel = ReturnType<typeof userModel>;

/** Failed sign-in attempts per account and per address, counted in a fixed window. */
const loginAttemptSchema = new Schema({
  key: { type: String, required: true, unique: true },
  count: { type: Number, required: true, default: 0 },
  windowStart: { type: Date, required: true },
});

export function loginAttemptModel(conn: Connection) {
  return modelOn(conn, 'LoginAttempt', loginAttemptSchema);
}
export type LoginAttemptModel = ReturnType<typeof loginAttemptModel>;
