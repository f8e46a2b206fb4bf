import mongoose from 'mongoose';
import { isDuplicateKey } from '../db';
import { TooManyRequestsError } from '../platform/errors';
import type { LoginAttemptModel } from './user.model';

export interface ThrottleLimits {
  perAccount: number;
  perAddress: number;
  windowMs: number;
}

export const DEFAULT_LIMITS: ThrottleLimits = { perAccount: 5, perAddress: 50, windowMs: 15 * 60_000 };

/**
 * Counts failed sign-ins in MongoDB, so every app server sees the same counts. Once an account or an
 * address reaches its limit, sign-in is refused with 429 until the window ends, even with the right password.
 */
export class LoginThrottle {
  constructor(
    private readonly attempts: LoginAttemptModel,
    private readonly limits: ThrottleLimits = DEFAULT_LIMITS,
    private readonly now: () => Date = () => new Date(),
  ) {}

  private keys(email: string, ip: string) {
    return [
      { key: `account:${email.toLowerCase()}`, max: this.limits.perAccount },
      { key: `address:${ip}`, max: this.limits.perAddress },
    ];
  }

  private cutoff(): Date {
    return new Date(this.now().getTime() - this.limits.windowMs);
  }

  async check(email: string, ip: string): Promise<void> {
    const keys = this.keys(email, ip);
    const records = await this.attempts
      .find({ key: mongoose.trusted({ $in: keys.map((k) => k.key) }), windowStart: mongoose.trusted({ $gt: this.cutoff() }) })
      .lean();
    for (const record of records) {
      const limit = keys.find((k) => k.key === record.key);
      if (limit && record.count >= limit.max) {
        const retryAfterMs = record.windowStart.getTime() + this.limits.windowMs - this.now().getTime();
        throw new TooManyRequestsError(undefined, Math.max(1, Math.ceil(retryAfterMs / 1000)));
      }
    }
  }

  async recordFailure(email: string, ip: string): Promise<void> {
    for (const { key } of this.keys(email, ip)) {
      await this.attempts.updateOne(
        { key, windowStart: mongoose.trusted({ $lte: this.cutoff() }) },
        { $set: { count: 0, windowStart: this.now() } },
      );
      try {
        await this.attempts.updateOne({ key }, { $inc: { count: 1 }, $setOnInsert: { windowStart: this.now() } }, { upsert: true });
      } catch (err) {
        // Two failures at once may both try to insert the first record; the loser just counts.
        if (!isDuplicateKey(err)) throw err;
        await this.attempts.updateOne({ key }, { $inc: { count: 1 } });
      }
    }
  }

  async recordSuccess(email: string): Promise<void> {
    await this.attempts.deleteOne({ key: `account:${email.toLowerCase()}` });
  }

  /** Forgets windows that have ended (run from a timer: TTL indexes are not on every engine). */
  async sweep(): Promise<void> {
    await this.attempts.deleteMany({ windowStart: mongoose.trusted({ $lte: this.cutoff() }) });
  }
}
