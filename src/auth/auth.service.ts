import { Types, type Connection } from 'mongoose';
import { isDuplicateKey } from '../db';
import { ConflictError, NotFoundError, UnauthenticatedError, ValidationError } from '../platform/errors';
import { SESSION_COLLECTION } from '../platform/session';
import type { SuppliersService } from '../suppliers';
import type { CreateUserInput, RegisterInput } from './auth.schemas';
import { decoyPasswordHash, hashPassword, verifyPassword } from './passwords';
import { LoginThrottle, type ThrottleLimits } from './throttle';
import { boroughModel, loginAttemptModel, userModel, type BoroughModel, type Role, type UserModel } from './user.model';
import londonAuthorities from './london-authorities.json';

export interface Borough {
  id: string;
  slug: string;
  name: string;
}

/** A user as the API shows it: never the password hash. */
export interface PublicUser {
  id: string;
  email: string;
  name: string;
  role: Role;
  borough: Borough | null;
  organisationId: string | null;
}

export const boroughSlugs: readonly string[] = londonAuthorities.authorities.map((a) => a.slug);

interface UserDoc {
  _id: { toString(): string };
  email: string;
  name: string;
  role: Role;
  borough?: { toString(): string } | null;
  organisation?: { toString(): string } | null;
  disabledAt?: Date | null;
}

export interface AuthServiceOptions {
  throttleLimits?: ThrottleLimits;
  now?: () => Date;
}

export class AuthService {
  readonly users: UserModel;
  readonly boroughs: BoroughModel;
  readonly throttle: LoginThrottle;
  private boroughsById = new Map<string, Borough>();

  constructor(
    private readonly conn: Connection,
    private readonly suppliers: SuppliersService,
    opts: AuthServiceOptions = {},
  ) {
    this.users = userModel(conn);
    this.boroughs = boroughModel(conn);
    this.throttle = new LoginThrottle(loginAttemptModel(conn), opts.throttleLimits, opts.now);
  }

  /** Makes sure every London authority exists (safe to run at every start) and caches them. */
  async loadBoroughs(): Promise<void> {
    await this.boroughs.bulkWrite(
      londonAuthorities.authorities.map((a) => ({
        updateOne: { filter: { slug: a.slug }, update: { $set: { name: a.name, onsCode: a.onsCode } }, upsert: true },
      })),
    );
    const all = await this.boroughs.find().lean();
    this.boroughsById = new Map(all.map((b) => [b._id.toString(), { id: b._id.toString(), slug: b.slug, name: b.name }]));
  }

  listBoroughs(): Borough[] {
    return [...this.boroughsById.values()].sort((a, b) => a.name.localeCompare(b.name));
  }

  boroughById(id: string): Borough | undefined {
    return this.boroughsById.get(id);
  }

  boroughBySlug(slug: string): Borough | undefined {
    return [...this.boroughsById.values()].find((b) => b.slug === slug);
  }

  toPublicUser(user: UserDoc): PublicUser {
    return {
      id: user._id.toString(),
      email: user.email,
      name: user.name,
      role: user.role,
      borough: user.borough ? (this.boroughsById.get(user.borough.toString()) ?? null) : null,
      organisationId: user.organisation ? user.organisation.toString() : null,
    };
  }

  private async assertEmailFree(email: string): Promise<void> {
    if (await this.users.exists({ email })) {
      throw new ConflictError('duplicate_email', 'An account with this email address already exists', {
        email: 'An account with this email address already exists',
      });
    }
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
      borough = this.boroughBySlug(input.borough);
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

  /** A supplier registers itself and its organisation. */
  async register(input: RegisterInput): Promise<PublicUser> {
    await this.assertEmailFree(input.email);
    const organisation = await this.suppliers.createOrganisation(input.organisation);
    try {
      return await this.insertUser({
        email: input.email,
        password: input.password,
        name: input.name,
        role: 'supplier',
        organisation: organisation.id,
      });
    } catch (err) {
      // No multi-document transactions on every engine: undo the organisation by hand.
      await this.suppliers.discardOrganisation(organisation.id);
      throw err;
    }
  }

  /** Checks a sign-in, counting failures; the message never says whether the email exists. */
  async authenticate(email: string, password: string, ip: string): Promise<PublicUser> {
    await this.throttle.attempt(email, ip);
    const user = await this.users.findOne({ email: email.toLowerCase() }).lean();
    const ok = await verifyPassword(user?.passwordHash ?? (await decoyPasswordHash()), password);
    if (!user || !ok || user.disabledAt) {
      throw new UnauthenticatedError('The email address or password is not right');
    }
    await this.throttle.recordSuccess(email, ip);
    return this.toPublicUser(user);
  }

  /** The signed-in user for a session, or null when the account is gone or disabled. */
  async findActiveUser(id: string): Promise<PublicUser | null> {
    const user = await this.users.findById(id).lean();
    return user && !user.disabledAt ? this.toPublicUser(user) : null;
  }

  async findByEmail(email: string): Promise<PublicUser | null> {
    const user = await this.users.findOne({ email: email.toLowerCase() }).lean();
    return user ? this.toPublicUser(user) : null;
  }

  /** The active users of one supplier organisation, by name. */
  async listOrganisationUsers(organisationId: string): Promise<PublicUser[]> {
    if (!Types.ObjectId.isValid(organisationId)) return [];
    const users = await this.users
      .find({ organisation: new Types.ObjectId(organisationId), disabledAt: null })
      .sort({ name: 1, email: 1 })
      .lean();
    return users.map((u) => this.toPublicUser(u));
  }

  /** Disables an account and ends all its sessions at once. */
  async disableUser(id: string): Promise<void> {
    const result = await this.users.updateOne({ _id: id }, { $set: { disabledAt: new Date() } });
    if (result.matchedCount === 0) throw new NotFoundError('There is no user with this id');
    await this.conn.collection(SESSION_COLLECTION).deleteMany({ 'session.passport.user': id });
  }

  async enableUser(id: string): Promise<void> {
    await this.users.updateOne({ _id: id }, { $set: { disabledAt: null } });
  }
}
