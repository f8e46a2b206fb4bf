import { createHash, randomBytes } from 'node:crypto';
import mongoose, { type Connection } from 'mongoose';
import { emailSendingThrottle, type LoginThrottle, type PublicUser, type ThrottleLimits } from '../auth';
import { isDuplicateKey } from '../db';
import type { Boroughs } from '../platform/boroughs';
import { NotFoundError } from '../platform/errors';
import type { Notifier } from '../platform/notifications';
import type { Tender } from '../tenders';
import { deliveryModel, runModel, subscriptionModel, type DeliveryModel, type SubscriptionModel } from './alert.model';
import { AlertSender, boroughsInWords } from './alert-sending';

/** Sign-ups from the open form, per email (so nobody's inbox is flooded) and per address, in 15 minutes. */
export const ALERT_SIGNUP_LIMITS: ThrottleLimits = { perAccount: 3, perAddress: 20, windowMs: 15 * 60_000 };

/** How long the link that confirms a sign-up works. */
export const CONFIRM_LINK_DAYS = 7;

export const INVALID_CONFIRM_LINK =
  'This link to confirm email alerts is not valid. It may have been used already, or be more than 7 days old. Sign up again to get a new link.';

const sha256 = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');

/** The page where a sign-up is confirmed. */
export const confirmLink = (token: string): string => `/alerts/confirm?token=${token}`;

export interface AlertsServiceOptions {
  now?: () => Date;
  limits?: ThrottleLimits;
  /** Where a failure of alerts sent after publishing is reported (they never fail the publishing). */
  reportError?: (err: unknown) => void;
}

export interface AlertChoice {
  email: string;
  /** Borough slugs; empty for every London borough. */
  boroughs: string[];
  /** The boroughs in words ("every London borough", "Camden and Hackney"). */
  area: string;
  confirmed: boolean;
}

interface SubscriptionDoc {
  email: string;
  boroughs?: string[];
  confirmed: boolean;
  pendingBoroughs?: string[];
  pendingExpiresAt?: Date | null;
}

/**
 * Email alerts about newly published exercises. Someone without an account confirms through a link emailed to the
 * address before anything is sent; a signed-in user's own account address needs no link. Every answer is the same
 * whether or not the address already has alerts.
 */
export class AlertsService {
  readonly subscriptions: SubscriptionModel;
  readonly deliveries: DeliveryModel;
  readonly sender: AlertSender;
  private readonly throttle: LoginThrottle;
  private readonly now: () => Date;

  constructor(
    conn: Connection,
    private readonly notifier: Notifier,
    private readonly boroughs: Boroughs,
    /** An exercise as anyone sees it (NotFoundError if none): for resuming alerts a stopped server left unfinished. */
    tenderById: (id: string) => Promise<Tender>,
    opts: AlertsServiceOptions = {},
  ) {
    this.subscriptions = subscriptionModel(conn);
    this.deliveries = deliveryModel(conn);
    this.now = opts.now ?? (() => new Date());
    this.throttle = emailSendingThrottle(conn, 'alert-signup:', opts.limits ?? ALERT_SIGNUP_LIMITS, this.now);
    this.sender = new AlertSender(
      this.subscriptions,
      this.deliveries,
      runModel(conn),
      tenderById,
      notifier,
      boroughs,
      this.now,
      opts.reportError ?? (() => undefined),
    );
  }

  /** Called once an exercise is published: its alerts go out in the background. */
  exercisePublished(tender: Tender): void {
    this.sender.exercisePublished(tender);
  }

  /**
   * The open form: keeps the choice waiting and emails a link that confirms it. Counted against the email and the
   * address (429 past the limit). The choice of an address that already has alerts changes only through the link too.
   */
  async signUp(email: string, boroughs: string[], ip: string): Promise<void> {
    await this.throttle.attempt(email, ip);
    const token = randomBytes(32).toString('base64url');
    const expiresAt = new Date(this.now().getTime() + CONFIRM_LINK_DAYS * 24 * 60 * 60_000);
    await this.upsert(email, { pendingBoroughs: boroughs, pendingTokenHash: sha256(token), pendingExpiresAt: expiresAt });
    const area = boroughsInWords(boroughs, this.boroughs);
    await this.notifier.send([
      {
        to: email,
        subject: 'Confirm your email alerts from the Library Market Engagement Portal',
        text:
          `Someone asked for emails about new library exercises in ${area} to be sent to this address.\n\n` +
          `To start them, open this link within ${CONFIRM_LINK_DAYS} days and confirm:\n\n${this.notifier.absoluteUrl(confirmLink(token))}\n\n` +
          `If you did not ask for this, you can ignore this email. Nothing will be sent unless you confirm.`,
        why: 'You are getting this email because this address was entered on the portal to get alerts about new exercises.',
      },
    ]);
  }

  /** A signed-in user's own account address: alerts start at once, for the boroughs chosen. */
  async subscribeAccount(user: PublicUser, boroughs: string[]): Promise<void> {
    await this.upsert(user.email, {
      boroughs,
      confirmed: true,
      confirmedAt: this.now(),
      pendingBoroughs: [],
      pendingTokenHash: null,
      pendingExpiresAt: null,
    });
  }

  /** Sets fields of the address's subscription, creating it unconfirmed if there is none (two at once: the unique email lets one create it). */
  private async upsert(email: string, fields: Record<string, unknown>): Promise<void> {
    const address = email.trim().toLowerCase();
    // The token follows the current secret, so a sign-up after the secret changed has a working link again.
    const set = { ...fields, unsubscribeHash: sha256(this.notifier.unsubscribeToken(address)) };
    const onInsert = { createdAt: this.now() };
    const write = () =>
      this.subscriptions.updateOne(
        { email: address },
        { $set: set, $setOnInsert: 'confirmed' in fields ? onInsert : { ...onInsert, confirmed: false } },
        { upsert: true },
      );
    try {
      await write();
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
      await write();
    }
  }

  /** The choice a confirmation link would start, for its page; 404 when the link is unknown, used or out of date. */
  async pendingChoice(token: string): Promise<AlertChoice> {
    const doc = await this.subscriptions.findOne({ pendingTokenHash: sha256(token) }).lean<SubscriptionDoc>();
    if (!doc?.pendingExpiresAt || doc.pendingExpiresAt.getTime() <= this.now().getTime()) throw new NotFoundError(INVALID_CONFIRM_LINK);
    return this.choice(doc, doc.pendingBoroughs ?? []);
  }

  /** Starts the alerts a link confirms; the link is used up by a conditional update, so of two uses at once one wins. */
  async confirm(token: string): Promise<AlertChoice> {
    const pending = await this.pendingChoice(token);
    const now = this.now();
    const done = await this.subscriptions.updateOne(
      { email: pending.email, pendingTokenHash: sha256(token), pendingExpiresAt: mongoose.trusted({ $gt: now }) },
      {
        $set: {
          boroughs: pending.boroughs,
          confirmed: true,
          confirmedAt: now,
          pendingBoroughs: [],
          pendingTokenHash: null,
          pendingExpiresAt: null,
        },
      },
    );
    if (done.modifiedCount !== 1) throw new NotFoundError(INVALID_CONFIRM_LINK);
    return { ...pending, confirmed: true };
  }

  /** The alerts an unsubscribe token stops (confirmed or waiting for confirmation), or null when its address has none. */
  async forUnsubscribeToken(token: string): Promise<AlertChoice | null> {
    const doc = await this.subscriptions.findOne({ unsubscribeHash: sha256(token) }).lean<SubscriptionDoc>();
    return doc ? this.choice(doc, doc.confirmed ? (doc.boroughs ?? []) : (doc.pendingBoroughs ?? [])) : null;
  }

  /** Stops every alert to the token's address and forgets it; safe to repeat. */
  async unsubscribe(token: string): Promise<void> {
    const doc = await this.subscriptions.findOneAndDelete({ unsubscribeHash: sha256(token) }).lean();
    if (doc) await this.deliveries.deleteMany({ subscription: doc._id });
  }

  /** The signed-in user's alerts, or null. */
  async forUser(user: PublicUser): Promise<AlertChoice | null> {
    const doc = await this.subscriptions.findOne({ email: user.email.toLowerCase(), confirmed: true }).lean<SubscriptionDoc>();
    return doc ? this.choice(doc, doc.boroughs ?? []) : null;
  }

  /** The token that stops the signed-in user's alerts, for the stop button on their own alerts page. */
  unsubscribeTokenFor(user: PublicUser): string {
    return this.notifier.unsubscribeToken(user.email);
  }

  /**
   * Run from a timer: forgets sign-ups never confirmed once their link has expired (TTL indexes are not on every
   * engine), and finishes alerts a stopped server left unfinished.
   */
  async sweep(): Promise<void> {
    await this.subscriptions.deleteMany({ confirmed: false, pendingExpiresAt: mongoose.trusted({ $lte: this.now() }) });
    await this.sender.resumeStalled();
  }

  private choice(doc: SubscriptionDoc, boroughs: string[]): AlertChoice {
    return { email: doc.email, boroughs, area: boroughsInWords(boroughs, this.boroughs), confirmed: doc.confirmed };
  }
}
