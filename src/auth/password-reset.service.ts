import { createHash, randomBytes } from 'node:crypto';
import mongoose, { Types, type Connection } from 'mongoose';
import { NotFoundError, ValidationError } from '../platform/errors';
import type { Notifier } from '../platform/notifications';
import type { AuthService } from './auth.service';
import { passwordProblem } from './passwords';
import { passwordResetModel, type PasswordResetModel } from './password-reset.model';
import { LoginThrottle, type ThrottleLimits } from './throttle';
import { loginAttemptModel } from './user.model';

export const RESET_LINK_MINUTES = 60;

/** Requests for a link, per email (so nobody's inbox is flooded) and per address, in 15 minutes. */
export const PASSWORD_RESET_LIMITS: ThrottleLimits = { perAccount: 3, perAddress: 20, windowMs: 15 * 60_000 };

export const INVALID_RESET_LINK =
  'This link to reset your password is not valid. It may have been used already, or be more than an hour old. Ask for a new link.';

const hashToken = (token: string): string => createHash('sha256').update(token, 'utf8').digest('hex');

/** The page where a new password is chosen. */
export const passwordResetLink = (token: string): string => `/password-reset/${token}`;

export interface PasswordResetServiceOptions {
  now?: () => Date;
  limits?: ThrottleLimits;
}

interface ResetDoc {
  _id: Types.ObjectId;
  user: Types.ObjectId;
  expiresAt: Date;
  usedAt?: Date | null;
}

/** Forgotten passwords: a link that works once, for an hour, sent to the account's email. */
export class PasswordResetService {
  readonly resets: PasswordResetModel;
  private readonly throttle: LoginThrottle;
  private readonly now: () => Date;

  constructor(
    conn: Connection,
    private readonly auth: AuthService,
    private readonly notifier: Notifier,
    opts: PasswordResetServiceOptions = {},
  ) {
    this.resets = passwordResetModel(conn);
    this.now = opts.now ?? (() => new Date());
    this.throttle = new LoginThrottle(loginAttemptModel(conn), opts.limits ?? PASSWORD_RESET_LIMITS, this.now, 'password-reset:');
  }

  /**
   * Emails a link when an active account uses this email, and does nothing otherwise: the caller answers the same
   * either way. Every request counts against the email and the address (429 past the limit), whether or not it has an account.
   */
  async request(email: string, ip: string): Promise<void> {
    await this.throttle.attempt(email, ip);
    const user = await this.auth.findActiveByEmail(email);
    if (!user) return;
    const now = this.now();
    const token = randomBytes(32).toString('base64url');
    await this.resets.create({
      user: new Types.ObjectId(user.id),
      tokenHash: hashToken(token),
      createdAt: now,
      expiresAt: new Date(now.getTime() + RESET_LINK_MINUTES * 60_000),
    });
    const url = this.notifier.absoluteUrl(passwordResetLink(token));
    await this.notifier.send([
      {
        to: user.email,
        subject: 'Reset your password for the Library Market Engagement Portal',
        text:
          `Hello ${user.name},\n\nSomeone asked to reset the password of your account on the Library Market Engagement Portal.\n\n` +
          `To choose a new password, open this link within 1 hour. It works once:\n\n${url}\n\n` +
          `If you did not ask for this, you can ignore this email. Your password has not changed.`,
        why: 'You are getting this email because someone asked to reset the password of the account that uses this email address.',
      },
    ]);
  }

  /** The live reset a token opens; 404 when it is unknown, used or out of date. */
  private async findLiveDoc(token: string): Promise<ResetDoc> {
    const doc = (await this.resets.findOne({ tokenHash: hashToken(token) }).lean()) as ResetDoc | null;
    if (!doc || doc.usedAt || doc.expiresAt.getTime() <= this.now().getTime()) throw new NotFoundError(INVALID_RESET_LINK);
    return doc;
  }

  /** The email of the account a live link is for, to show on the page; 404 otherwise. */
  async findLive(token: string): Promise<{ email: string }> {
    const doc = await this.findLiveDoc(token);
    const user = await this.auth.findActiveUser(doc.user.toString());
    if (!user) throw new NotFoundError(INVALID_RESET_LINK);
    return { email: user.email };
  }

  /**
   * Sets the new password and ends every session of the account. The link is claimed by a conditional update first,
   * so of two uses at once only one wins; the account's other links stop working too.
   */
  async reset(token: string, password: string): Promise<void> {
    const doc = await this.findLiveDoc(token);
    const user = await this.auth.findActiveUser(doc.user.toString());
    if (!user) throw new NotFoundError(INVALID_RESET_LINK);
    const problem = passwordProblem(password, user.email);
    if (problem) throw new ValidationError({ password: problem });
    const now = this.now();
    const claimed = await this.resets.updateOne(
      { _id: doc._id, usedAt: null, expiresAt: mongoose.trusted({ $gt: now }) },
      { $set: { usedAt: now } },
    );
    if (claimed.modifiedCount !== 1) throw new NotFoundError(INVALID_RESET_LINK);
    await this.resets.updateMany({ user: doc.user, usedAt: null }, { $set: { usedAt: now } });
    await this.auth.setPassword(user.id, password);
  }
}
