import mongoose, { type Connection } from 'mongoose';
import { isDuplicateKey } from '../db';
import { TooManyRequestsError } from '../platform/errors';
import { loginAttemptModel, type LoginAttemptModel } from './user.model';

export interface ThrottleLimits {
  perAccount: number;
  perAddress: number;
  windowMs: number;
}

export const DEFAULT_LIMITS: ThrottleLimits = { perAccount: 5, perAddress: 50, windowMs: 15 * 60_000 };

/** Registrations and invitations, which say whether an email has an account: per email and per address, in 15 minutes. */
export const EMAIL_CHECK_LIMITS: ThrottleLimits = { perAccount: 5, perAddress: 20, windowMs: 15 * 60_000 };

/**
 * Counts sign-in attempts in MongoDB, so every app server sees the same counts. Once an account or an
 * address has used its attempts, sign-in is refused with 429 until the window ends, even with the right password.
 */
export class LoginThrottle {
  constructor(
    private readonly attempts: LoginAttemptModel,
    private readonly limits: ThrottleLimits = DEFAULT_LIMITS,
    private readonly now: () => Date = () => new Date(),
    /** What is counted, when not sign-in: its keys are kept apart from sign-in's. */
    private readonly kind = '',
  ) {}

  private keys(email: string, ip: string) {
    return [
      { key: this.accountKey(email), max: this.limits.perAccount },
      { key: this.addressKey(ip), max: this.limits.perAddress },
    ];
  }

  private accountKey(email: string): string {
    return `${this.kind}account:${email.toLowerCase()}`;
  }

  private addressKey(ip: string): string {
    return `${this.kind}address:${ip}`;
  }

  private cutoff(): Date {
    return new Date(this.now().getTime() - this.limits.windowMs);
  }

  /**
   * Counts this attempt before its password is checked, in one atomic update per key, so parallel attempts
   * cannot all slip under the limit; refuses with 429 once a key is past its limit, even with the right password.
   */
  async attempt(email: string, ip: string): Promise<void> {
    let refusal: { windowStart: Date } | undefined;
    for (const { key, max } of this.keys(email, ip)) {
      // A window that has ended starts again; the condition in the filter makes the reset happen once.
      await this.attempts.updateOne(
        { key, windowStart: mongoose.trusted({ $lte: this.cutoff() }) },
        { $set: { count: 0, windowStart: this.now() } },
      );
      const counted = await this.count(key);
      if (counted && counted.count > max) refusal ??= counted;
    }
    if (refusal) {
      const retryAfterMs = refusal.windowStart.getTime() + this.limits.windowMs - this.now().getTime();
      throw new TooManyRequestsError(undefined, Math.max(1, Math.ceil(retryAfterMs / 1000)));
    }
  }

  private async count(key: string): Promise<{ count: number; windowStart: Date } | null> {
    const update = { $inc: { count: 1 }, $setOnInsert: { windowStart: this.now() } };
    try {
      return await this.attempts.findOneAndUpdate({ key }, update, { upsert: true, returnDocument: 'after' }).lean();
    } catch (err) {
      // Two first attempts at once may both try to insert the record; the loser counts on the winner's.
      if (!isDuplicateKey(err)) throw err;
      return this.attempts.findOneAndUpdate({ key }, { $inc: { count: 1 } }, { returnDocument: 'after' }).lean();
    }
  }

  /** A right password: the account starts afresh, and the attempt does not count against the address. */
  async recordSuccess(email: string, ip: string): Promise<void> {
    await this.attempts.deleteOne({ key: this.accountKey(email) });
    await this.attempts.updateOne({ key: this.addressKey(ip), count: mongoose.trusted({ $gt: 0 }) }, { $inc: { count: -1 } });
  }

  /** The account's counted failures are forgotten (its password was just reset by its owner). */
  async forgetAccount(email: string): Promise<void> {
    await this.attempts.deleteOne({ key: this.accountKey(email) });
  }

  /** Forgets windows that have ended (run from a timer: TTL indexes are not on every engine). */
  async sweep(): Promise<void> {
    await this.attempts.deleteMany({ windowStart: mongoose.trusted({ $lte: this.cutoff() }) });
  }
}

/** Requests that send an email to an address someone typed, counted per email and per address, apart from sign-in under `kind`. */
export function emailSendingThrottle(conn: Connection, kind: string, limits: ThrottleLimits, now?: () => Date): LoginThrottle {
  return new LoginThrottle(loginAttemptModel(conn), limits, now, kind);
}
