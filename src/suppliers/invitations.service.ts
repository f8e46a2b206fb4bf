import { createHash, randomBytes } from 'node:crypto';
import mongoose, { Types, type Connection } from 'mongoose';
import { createUserSchema, type AuthService } from '../auth';
import type { PublicUser } from '../platform/roles';
import { ConflictError, ForbiddenError, NotFoundError } from '../platform/errors';
import type { Notifier } from '../platform/notifications';
import { parseInput } from '../platform/validation';
import { invitationModel, type InvitationModel } from './invitation.model';
import type { AcceptInvitationInput, InviteInput } from './invitations.schemas';
import type { SuppliersService } from './suppliers.service';

export const INVITATION_DAYS = 7;

/** An invitation as its organisation's users see it: never the token. */
export interface Invitation {
  id: string;
  email: string;
  name: string;
  createdAt: string;
  expiresAt: string;
}

/** A new invitation, with the link that only the inviter is shown (and the invitee is emailed). */
export interface NewInvitation extends Invitation {
  link: string;
  /** The link as a whole address on the portal (BASE_URL), as it is in the email. */
  url: string;
}

/** What the invitation page shows before someone accepts. */
export interface LiveInvitation {
  email: string;
  name: string;
  organisationName: string;
  expiresAt: string;
}

export interface InvitationsServiceOptions {
  now?: () => Date;
}

export const INVALID_INVITATION =
  'This invitation link is not valid. It may have been used already, or be more than 7 days old. Ask your colleague to invite you again.';

const hashToken = (token: string): string => createHash('sha256').update(token, 'utf8').digest('hex');

/** The page where an invitation is accepted. */
export const invitationLink = (token: string): string => `/invitations/${token}`;

interface InvitationDoc {
  _id: Types.ObjectId;
  organisation: Types.ObjectId;
  email: string;
  name: string;
  createdAt: Date;
  expiresAt: Date;
  acceptedAt?: Date | null;
}

function toInvitation(doc: InvitationDoc): Invitation {
  return {
    id: doc._id.toString(),
    email: doc.email,
    name: doc.name,
    createdAt: doc.createdAt.toISOString(),
    expiresAt: doc.expiresAt.toISOString(),
  };
}

/** Colleagues joining an organisation through a link that works once, for 7 days. */
export class InvitationsService {
  readonly invitations: InvitationModel;
  readonly now: () => Date;

  constructor(
    conn: Connection,
    private readonly auth: AuthService,
    private readonly suppliers: SuppliersService,
    private readonly notifier: Notifier,
    opts: InvitationsServiceOptions = {},
  ) {
    this.invitations = invitationModel(conn);
    this.now = opts.now ?? (() => new Date());
  }

  private organisationOf(actor: PublicUser): string {
    if (actor.role !== 'supplier' || !actor.organisationId) throw new ForbiddenError();
    return actor.organisationId;
  }

  /**
   * Invites someone into the actor's organisation; 409 when the email has an account or a live invitation. With `ip`,
   * counted against that address and the email, as the answer says whether the email has an account.
   */
  invite(input: InviteInput, actor: PublicUser, ip?: string): Promise<NewInvitation> {
    return ip === undefined ? this.create(input, actor) : this.auth.guardEmailCheck(input.email, ip, () => this.create(input, actor));
  }

  private async create(input: InviteInput, actor: PublicUser): Promise<NewInvitation> {
    const organisationId = this.organisationOf(actor);
    const organisation = await this.suppliers.getOrganisation(organisationId);
    const now = this.now();
    if (await this.auth.findByEmail(input.email)) {
      throw new ConflictError('duplicate_email', 'An account with this email address already exists', {
        email: 'An account with this email address already exists',
      });
    }
    // Only this organisation's own invitations are looked at, so nothing is learnt about others'.
    const live = {
      organisation: new Types.ObjectId(organisationId),
      email: input.email,
      acceptedAt: null,
      expiresAt: mongoose.trusted({ $gt: now }),
    };
    const pending = () =>
      new ConflictError('invitation_pending', 'This person has already been invited and their link still works', {
        email: 'This person has already been invited and their link still works',
      });
    if (await this.invitations.exists(live)) throw pending();
    const token = randomBytes(32).toString('base64url');
    const doc = await this.invitations.create({
      organisation: new Types.ObjectId(organisationId),
      email: input.email,
      name: input.name,
      tokenHash: hashToken(token),
      invitedBy: new Types.ObjectId(actor.id),
      createdAt: now,
      expiresAt: new Date(now.getTime() + INVITATION_DAYS * 24 * 60 * 60_000),
    });
    // Two invitations of one person made at once (on any servers) both get here: the first stored stands, the other goes.
    const [first] = await this.invitations.find(live, { _id: 1 }).sort({ _id: 1 }).limit(1).lean();
    if (first && !first._id.equals(doc._id)) {
      await this.invitations.deleteOne({ _id: doc._id });
      throw pending();
    }
    const link = invitationLink(token);
    const url = this.notifier.absoluteUrl(link);
    await this.notifier.send([
      {
        to: input.email,
        subject: `${actor.name} has invited you to join ${organisation.name} on the Library Market Engagement Portal`,
        text:
          `Hello ${input.name},\n\n${actor.name} has invited you to join ${organisation.name} on the Library Market Engagement Portal, ` +
          `where London councils look for organisations to help run library services.\n\n` +
          `To create your account, open this link on the portal within ${INVITATION_DAYS} days:\n\n${url}\n\n` +
          `If you were not expecting this, you can ignore this email.`,
        why: `You are getting this email because ${actor.name} of ${organisation.name} entered this email address to invite you.`,
      },
    ]);
    return { ...toInvitation(doc as unknown as InvitationDoc), link, url };
  }

  /** Invitations of the organisation not yet accepted and not expired, newest first. */
  async listPending(organisationId: string): Promise<Invitation[]> {
    const docs = await this.invitations
      .find({ organisation: new Types.ObjectId(organisationId), acceptedAt: null, expiresAt: mongoose.trusted({ $gt: this.now() }) })
      .sort({ createdAt: -1 })
      // Invitations are counted per organisation and address, so far fewer are ever waiting.
      .limit(200)
      .lean();
    return docs.map((d) => toInvitation(d as unknown as InvitationDoc));
  }

  /** The invitation a token opens, when it can still be accepted; 404 otherwise. */
  private async findLiveDoc(token: string): Promise<InvitationDoc> {
    const doc = (await this.invitations.findOne({ tokenHash: hashToken(token) }).lean()) as InvitationDoc | null;
    if (!doc || doc.acceptedAt || doc.expiresAt.getTime() <= this.now().getTime()) throw new NotFoundError(INVALID_INVITATION);
    return doc;
  }

  async findLive(token: string): Promise<LiveInvitation> {
    const doc = await this.findLiveDoc(token);
    const organisation = await this.suppliers.getOrganisation(doc.organisation.toString());
    return { email: doc.email, name: doc.name, organisationName: organisation.name, expiresAt: doc.expiresAt.toISOString() };
  }

  /** Creates the invited person's supplier account in the organisation; the link then stops working. */
  async accept(input: AcceptInvitationInput): Promise<PublicUser> {
    const doc = await this.findLiveDoc(input.token);
    const user = parseInput(createUserSchema, {
      role: 'supplier',
      email: doc.email,
      password: input.password,
      name: input.name,
      organisationId: doc.organisation.toString(),
    });
    // Not yet accepted, in the filter: of two acceptances at once only one claims the invitation.
    const claimed = await this.invitations.updateOne({ _id: doc._id, acceptedAt: null }, { $set: { acceptedAt: this.now() } });
    if (claimed.modifiedCount !== 1) throw new NotFoundError(INVALID_INVITATION);
    try {
      return await this.auth.createUser(user);
    } catch (err) {
      // No multi-document transactions on every engine: give the invitation back by hand.
      await this.invitations.updateOne({ _id: doc._id }, { $set: { acceptedAt: null } });
      throw err;
    }
  }
}
