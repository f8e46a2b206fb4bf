import mongoose, { Types, type Connection } from 'mongoose';
import { isDuplicateKey } from '../db';
import { AuditLog } from '../platform/audit';
import type { Borough, Boroughs } from '../platform/boroughs';
import { ConflictError, NotFoundError, TooManyRequestsError, UnauthenticatedError, ValidationError } from '../platform/errors';
import type { PublicUser, Role } from '../platform/roles';
import { SESSION_COLLECTION } from '../platform/session';
import type { CreateUserInput, NewUserInput } from './auth.schemas';
import { decoyPasswordHash, hashPassword, verifyPassword } from './passwords';
import { EMAIL_CHECK_LIMITS, LoginThrottle, type ThrottleLimits } from './throttle';
import { TwoFactorService, type TwoFactorOptions } from './two-factor.service';
import { loginAttemptModel, userModel, type UserModel } from './user.model';

interface UserDoc {
  _id: { toString(): string };
  email: string;
  name: string;
  role: Role;
  borough?: { toString(): string } | null;
  organisation?: { toString(): string } | null;
  disabledAt?: Date | null;
}

/** The most colleagues one organisation lists: far above any organisation's staff who use the portal. */
const MOST_COLLEAGUES = 500;

export interface AuthServiceOptions {
  throttleLimits?: ThrottleLimits;
  now?: () => Date;
  /** Two-factor sign-in: REQUIRE_2FA, the key's source, a clock; its attempts are limited like passwords unless told. */
  twoFactor?: TwoFactorOptions;
}

export class AuthService {
  /** Other features never read this model: they ask through the methods below. */
  readonly users: UserModel;
  readonly throttle: LoginThrottle;
  readonly twoFactor: TwoFactorService;
  private readonly emailChecks: LoginThrottle;
  private readonly audit: AuditLog;

  constructor(
    private readonly conn: Connection,
    private readonly boroughs: Boroughs,
    opts: AuthServiceOptions = {},
  ) {
    this.users = userModel(conn);
    this.throttle = new LoginThrottle(loginAttemptModel(conn), opts.throttleLimits, opts.now);
    this.emailChecks = new LoginThrottle(loginAttemptModel(conn), EMAIL_CHECK_LIMITS, opts.now, 'email-check:');
    this.audit = new AuditLog(conn, opts.now);
    this.twoFactor = new TwoFactorService(conn, this.users, { throttleLimits: opts.throttleLimits, ...opts.twoFactor });
  }

  /**
   * Runs work that may say whether an email has an account (a registration, an invitation), counted per email and
   * per address like sign-in: refused with 429 past the limit. Work that succeeds gives its attempts back, so only
   * refusals add up.
   */
  async guardEmailCheck<T>(email: string, ip: string, work: () => Promise<T>): Promise<T> {
    await this.emailChecks.attempt(email, ip);
    const result = await work();
    await this.emailChecks.recordSuccess(email, ip);
    return result;
  }

  toPublicUser(user: UserDoc): PublicUser {
    return {
      id: user._id.toString(),
      email: user.email,
      name: user.name,
      role: user.role,
      borough: user.borough ? (this.boroughs.findById(user.borough.toString()) ?? null) : null,
      organisationId: user.organisation ? user.organisation.toString() : null,
    };
  }

  private async insertUser(fields: Record<string, unknown> & { email: string; password: string }): Promise<PublicUser> {
    const { password, ...rest } = fields;
    try {
      const user = await this.users.create({ ...rest, passwordHash: await hashPassword(password) });
      return this.toPublicUser(user);
    } catch (err) {
      if (isDuplicateKey(err)) {
        throw new ConflictError('duplicate_email', 'An account with this email address already exists', {
          email: 'An account with this email address already exists',
        });
      }
      throw err;
    }
  }

  /** An operator creates an officer, programme, admin or supplier user. */
  async createUser(input: CreateUserInput): Promise<PublicUser> {
    let borough: Borough | undefined;
    if (input.borough) {
      borough = this.boroughs.findBySlug(input.borough);
      if (!borough) throw new ValidationError({ borough: `There is no London borough with the slug "${input.borough}"` });
    }
    await this.assertEmailFree(input.email);
    return this.insertUser({
      email: input.email,
      password: input.password,
      name: input.name,
      role: input.role,
      borough: borough?.id ?? null,
      organisation: input.organisationId ?? null,
    });
  }

  /** A supplier organisation's first user; the organisation is made (and undone) by the caller. */
  async createSupplierUser(input: NewUserInput, organisationId: string): Promise<PublicUser> {
    return this.insertUser({ ...input, role: 'supplier', organisation: organisationId });
  }

  /** Refuses an email address already in use, before anything else is created for it. */
  async assertEmailFree(email: string): Promise<void> {
    if (await this.users.exists({ email })) {
      throw new ConflictError('duplicate_email', 'An account with this email address already exists', {
        email: 'An account with this email address already exists',
      });
    }
  }

  /** Checks a sign-in, counting failures; the message never says whether the email exists. */
  async authenticate(email: string, password: string, ip: string): Promise<PublicUser> {
    try {
      await this.throttle.attempt(email, ip);
    } catch (err) {
      if (err instanceof TooManyRequestsError) await this.recordFailure(email, null, 'too many attempts, password not checked');
      throw err;
    }
    const user = await this.users.findOne({ email: email.toLowerCase() }).lean();
    const ok = await verifyPassword(user?.passwordHash ?? (await decoyPasswordHash()), password);
    if (!user || !ok || user.disabledAt) {
      await this.recordFailure(email, user ?? null, user?.disabledAt ? 'account disabled' : '');
      throw new UnauthenticatedError('The email address or password is not right');
    }
    await this.throttle.recordSuccess(email, ip);
    return this.toPublicUser(user);
  }

  /** A failed sign-in: the email tried is kept (never the password), and the account when there is one. */
  private async recordFailure(email: string, user: { _id: { toString(): string }; role: Role } | null, why: string): Promise<void> {
    const id = user?._id.toString();
    await this.audit.record({
      action: 'auth.sign_in.failed',
      outcome: 'denied',
      actor: user && id ? { id, role: user.role } : undefined,
      target: id ? `user:${id}` : 'sign-in',
      detail: `email tried: ${email.slice(0, 254)}${why ? ` (${why})` : ''}`,
    });
  }

  /** A completed sign-in, for the audit log: `how` says which steps it took. */
  async recordSignIn(user: PublicUser, how: string): Promise<void> {
    await this.audit.record({ action: 'auth.sign_in', outcome: 'allowed', actor: user, target: `user:${user.id}`, detail: how });
  }

  /**
   * The signed-in user for a session, or null when the account is gone or disabled, or when the session was
   * signed in (`signedInAt`, epoch ms) before the password was last reset.
   */
  async findActiveUser(id: string, signedInAt?: number): Promise<PublicUser | null> {
    const user = await this.users.findById(id).lean();
    if (!user || user.disabledAt) return null;
    if (signedInAt !== undefined && user.passwordChangedAt && signedInAt < user.passwordChangedAt.getTime()) return null;
    return this.toPublicUser(user);
  }

  /** The account an email belongs to, unless it is disabled. */
  async findActiveByEmail(email: string): Promise<PublicUser | null> {
    const user = await this.users.findOne({ email: email.toLowerCase(), disabledAt: null }).lean();
    return user ? this.toPublicUser(user) : null;
  }

  async findByEmail(email: string): Promise<PublicUser | null> {
    const user = await this.users.findOne({ email: email.toLowerCase() }).lean();
    return user ? this.toPublicUser(user) : null;
  }

  /** Users by id, disabled ones too: for showing who did what. */
  async usersByIds(ids: string[]): Promise<PublicUser[]> {
    const valid = ids.filter((id) => Types.ObjectId.isValid(id)).map((id) => new Types.ObjectId(id));
    if (!valid.length) return [];
    return (await this.users.find({ _id: mongoose.trusted({ $in: valid }) }).lean()).map((u) => this.toPublicUser(u));
  }

  /** The active users of one supplier organisation, by name. */
  async listOrganisationUsers(organisationId: string): Promise<PublicUser[]> {
    if (!Types.ObjectId.isValid(organisationId)) return [];
    const users = await this.users
      .find({ organisation: new Types.ObjectId(organisationId), disabledAt: null })
      .sort({ name: 1, email: 1 })
      .limit(MOST_COLLEAGUES)
      .lean();
    return users.map((u) => this.toPublicUser(u));
  }

  /** Disables an account and ends all its sessions at once. */
  async disableUser(id: string): Promise<void> {
    const result = await this.users.updateOne({ _id: id }, { $set: { disabledAt: new Date() } });
    if (result.matchedCount === 0) throw new NotFoundError('There is no user with this id');
    await this.endSessions(id);
  }

  /**
   * Gives an account a new password (already checked by the caller) and ends every session it has, wherever it
   * signed in; sign-in failures counted against the account are forgotten.
   */
  async setPassword(id: string, password: string): Promise<void> {
    // The server's own clock, as a session's signedInAt is; a session that outlives the delete below is refused by it.
    const changes = { passwordHash: await hashPassword(password), passwordChangedAt: new Date() };
    const user = await this.users.findOneAndUpdate({ _id: id }, { $set: changes }).lean();
    if (!user) throw new NotFoundError('There is no user with this id');
    await this.endSessions(id);
    await this.throttle.forgetAccount(user.email);
  }

  /** Deletes the account's sessions from the store: passport keeps the user's id in each one. */
  private async endSessions(id: string): Promise<void> {
    await this.conn.collection(SESSION_COLLECTION).deleteMany({ 'session.passport.user': id });
  }

  /** The email addresses of the active users of these organisations, to tell them of news. */
  async activeEmailsOfOrganisations(organisationIds: string[]): Promise<string[]> {
    const ids = organisationIds.filter((id) => Types.ObjectId.isValid(id)).map((id) => new Types.ObjectId(id));
    if (!ids.length) return [];
    // bounded: the users of the organisations named, only their addresses, and every one of them is told.
    const users = await this.users.find({ organisation: mongoose.trusted({ $in: ids }), disabledAt: null }, { email: 1 }).lean();
    return users.map((u) => u.email);
  }

  async enableUser(id: string): Promise<void> {
    await this.users.updateOne({ _id: id }, { $set: { disabledAt: null } });
  }
}
