import mongoose, { type Connection } from 'mongoose';
import { AuditLog } from '../platform/audit';
import { ConflictError, ForbiddenError, NotFoundError, UnauthenticatedError, ValidationError } from '../platform/errors';
import type { PublicUser, Role } from '../platform/roles';
import { DEFAULT_LIMITS, LoginThrottle, type ThrottleLimits } from './throttle';
import {
  SecretBox,
  groupedKey,
  matchingStep,
  newAuthenticatorKey,
  newRecoveryCodes,
  otpauthUrl,
  recoveryCodeHash,
  sixDigits,
} from './totp';
import { loginAttemptModel, type UserModel } from './user.model';

/** Who signs in with a second factor: everyone at the councils and the programme, never suppliers. */
export const TWO_FACTOR_ROLES: readonly Role[] = ['officer', 'programme', 'admin'];

export interface TwoFactorOptions {
  /** REQUIRE_2FA: those roles must set it up before their sign-in completes, and cannot turn it off. */
  required?: boolean;
  /** SESSION_SECRET, from which the key that encrypts authenticator keys is derived. */
  secret?: string;
  now?: () => Date;
  throttleLimits?: ThrottleLimits;
}

/** What a right password still needs: nothing, a code, or setting two-factor sign-in up first. */
export type SecondStep = 'none' | 'code' | 'setup';

export interface PendingSetup {
  secret: string;
  otpauthUrl: string;
  /** The key in groups of 4, for typing. */
  groupedSecret: string;
}

const WRONG_CODE = 'The code is not right. Check your authenticator app and try again';

export class TwoFactorService {
  readonly required: boolean;
  private readonly box: SecretBox;
  private readonly now: () => Date;
  private readonly throttle: LoginThrottle;
  private readonly audit: AuditLog;

  constructor(
    conn: Connection,
    private readonly users: UserModel,
    opts: TwoFactorOptions = {},
  ) {
    this.required = opts.required ?? false;
    this.box = new SecretBox(opts.secret);
    this.now = opts.now ?? (() => new Date());
    // Counted apart from passwords: a right password must not give code guesses back.
    this.throttle = new LoginThrottle(loginAttemptModel(conn), opts.throttleLimits ?? DEFAULT_LIMITS, this.now, 'two-factor:');
    this.audit = new AuditLog(conn, this.now);
  }

  appliesTo(role: Role): boolean {
    return TWO_FACTOR_ROLES.includes(role);
  }

  /** The clock the codes are judged by, also for how long a half-finished sign-in lasts. */
  time(): Date {
    return this.now();
  }

  private async load(userId: string) {
    const user = await this.users.findById(userId).lean();
    if (!user || user.disabledAt) throw new NotFoundError('There is no user with this id');
    return user;
  }

  async isEnabled(userId: string): Promise<boolean> {
    return Boolean((await this.load(userId)).twoFactorEnabledAt);
  }

  async secondStep(user: PublicUser): Promise<SecondStep> {
    if (!this.appliesTo(user.role)) return 'none';
    if (await this.isEnabled(user.id)) return 'code';
    return this.required ? 'setup' : 'none';
  }

  /**
   * The key being set up: a new one (the API, or a page asking again), or the one already pending so that a page
   * shown twice shows the same QR code. Refused once two-factor sign-in is on: turn it off first.
   */
  async setUp(user: PublicUser, opts: { fresh: boolean }): Promise<PendingSetup> {
    if (!this.appliesTo(user.role))
      throw new ForbiddenError('two_factor_not_offered', 'Two-factor sign-in is for council and programme accounts');
    const record = await this.load(user.id);
    if (record.twoFactorEnabledAt) throw new ConflictError('two_factor_on', 'Two-factor sign-in is already on for this account');
    let key = !opts.fresh && record.twoFactorPendingSecret ? this.box.open(record.twoFactorPendingSecret) : null;
    if (!key) {
      key = newAuthenticatorKey();
      await this.users.updateOne({ _id: user.id, twoFactorEnabledAt: null }, { $set: { twoFactorPendingSecret: this.box.seal(key) } });
    }
    return { secret: key, otpauthUrl: otpauthUrl(key, user.email), groupedSecret: groupedKey(key) };
  }

  /** Turns it on with a code from the key being set up; answers the recovery codes, which are never shown again. */
  async enable(user: PublicUser, code: string): Promise<string[]> {
    const digits = sixDigits(code);
    if (!digits) throw new ValidationError({ code: 'Enter the 6-digit code from your authenticator app' });
    const record = await this.load(user.id);
    if (record.twoFactorEnabledAt) throw new ConflictError('two_factor_on', 'Two-factor sign-in is already on for this account');
    const sealed = record.twoFactorPendingSecret;
    const key = sealed ? this.box.open(sealed) : null;
    if (!sealed || !key) throw new ConflictError('two_factor_not_set_up', 'Start setting up two-factor sign-in first');
    const step = matchingStep(key, digits, this.now());
    if (step === null) throw new ValidationError({ code: WRONG_CODE });
    const codes = newRecoveryCodes();
    // Only the key this code was checked against is turned on, once: a second enable or a new set-up in between loses.
    const result = await this.users.updateOne(
      { _id: user.id, twoFactorEnabledAt: null, twoFactorPendingSecret: sealed },
      {
        $set: {
          twoFactorSecret: sealed,
          twoFactorPendingSecret: null,
          twoFactorEnabledAt: this.now(),
          totpLastStep: step,
          recoveryCodes: codes.map(recoveryCodeHash),
        },
      },
    );
    if (result.modifiedCount !== 1)
      throw new ConflictError('two_factor_changed', 'Two-factor sign-in was changed at the same time. Start again');
    await this.record('auth.two_factor.enabled', 'allowed', user);
    return codes;
  }

  /**
   * Checks a second-factor code (an authenticator code or a recovery code) and uses it up, counted per account and per
   * address like passwords; a wrong, reused or throttled code throws 401 or 429.
   */
  async useCode(user: PublicUser, code: string, ip: string): Promise<'authenticator' | 'recovery'> {
    await this.throttle.attempt(user.email, ip);
    const record = await this.load(user.id);
    const used = record.twoFactorEnabledAt ? await this.consume(user.id, record.twoFactorSecret, record.totpLastStep, code) : null;
    if (!used) {
      await this.record('auth.two_factor.failed', 'denied', user);
      throw new UnauthenticatedError(WRONG_CODE);
    }
    if (used === 'recovery') await this.record('auth.two_factor.recovery_code_used', 'allowed', user);
    await this.throttle.recordSuccess(user.email, ip);
    return used;
  }

  private async consume(userId: string, sealed: string | null | undefined, lastStep: number, code: string) {
    const digits = sixDigits(code);
    if (digits) {
      const key = sealed ? this.box.open(sealed) : null;
      const step = key ? matchingStep(key, digits, this.now()) : null;
      if (step === null || step <= lastStep) return null;
      // The step is taken in the database: the same code sent twice at once, to one server or two, is accepted once.
      const taken = await this.users.updateOne(
        { _id: userId, twoFactorSecret: sealed, totpLastStep: mongoose.trusted({ $lt: step }) },
        { $set: { totpLastStep: step } },
      );
      return taken.modifiedCount === 1 ? ('authenticator' as const) : null;
    }
    const hash = recoveryCodeHash(code);
    const pulled = await this.users.updateOne(
      { _id: userId, twoFactorEnabledAt: mongoose.trusted({ $ne: null }), recoveryCodes: hash },
      { $pull: { recoveryCodes: hash } },
    );
    return pulled.modifiedCount === 1 ? ('recovery' as const) : null;
  }

  /** Turns it off with a current code, unless REQUIRE_2FA says the account must keep it. */
  async disable(user: PublicUser, code: string, ip: string): Promise<void> {
    if (this.required && this.appliesTo(user.role)) {
      throw new ConflictError('two_factor_required', 'Two-factor sign-in is required for your account, so it cannot be turned off');
    }
    if (!(await this.isEnabled(user.id))) throw new ConflictError('two_factor_off', 'Two-factor sign-in is not on for this account');
    try {
      await this.useCode(user, code, ip);
    } catch (err) {
      if (err instanceof UnauthenticatedError) throw new ValidationError({ code: WRONG_CODE });
      throw err;
    }
    await this.users.updateOne(
      { _id: user.id },
      { $set: { twoFactorSecret: null, twoFactorPendingSecret: null, twoFactorEnabledAt: null, recoveryCodes: [] } },
    );
    await this.record('auth.two_factor.disabled', 'allowed', user);
  }

  /** How many recovery codes are left, for the account page. */
  async recoveryCodesLeft(userId: string): Promise<number> {
    return (await this.load(userId)).recoveryCodes?.length ?? 0;
  }

  private async record(action: string, outcome: 'allowed' | 'denied', user: PublicUser): Promise<void> {
    await this.audit.record({ action, outcome, actor: { id: user.id, role: user.role }, target: `user:${user.id}` });
  }
}
