import { createHmac, randomBytes } from 'node:crypto';
import mongoose, { Schema, Types, type Connection } from 'mongoose';
import nodemailer from 'nodemailer';
import type { Logger } from 'pino';
import { insertNew } from '../db/insert-new';
import { modelOn } from '../db/model-on';
import { pageWindow, type ListPage } from './pagination';
import type { Panel } from './panels';

/** In-app notifications, addressed to an organisation and seen by all its users. */
const notificationSchema = new Schema(
  {
    organisation: { type: Schema.Types.ObjectId, required: true },
    kind: { type: String, required: true },
    title: { type: String, required: true },
    body: { type: String, default: '' },
    link: { type: String, default: '' },
    createdAt: { type: Date, required: true },
    readAt: { type: Date, default: null },
  },
  { versionKey: false },
);

/** Emails waiting to be sent: written with the notification, sent by the SMTP sender when SMTP_URL is set. */
// The organisation's list, newest first: the filter then the sort, so a page is read from the index alone.
notificationSchema.index({ organisation: 1, createdAt: -1, _id: -1 });

/** How many notifications the dashboard shows, and how many a page of the full list. */
export const PANEL_NOTIFICATIONS = 10;
export const NOTIFICATION_PAGE_SIZE = 20;

const outboxSchema = new Schema(
  {
    to: { type: String, required: true },
    subject: { type: String, required: true },
    text: { type: String, required: true },
    status: { type: String, enum: ['pending', 'sending', 'sent', 'failed'], default: 'pending', index: true },
    attempts: { type: Number, default: 0 },
    lastError: { type: String, default: '' },
    createdAt: { type: Date, required: true },
    sentAt: { type: Date, default: null },
    /** An alert's link to stop alerts, sent as the List-Unsubscribe header too; empty for other emails. */
    unsubscribeUrl: { type: String, default: '' },
  },
  { versionKey: false },
);

const notificationModel = (conn: Connection) => modelOn(conn, 'Notification', notificationSchema);
const outboxModel = (conn: Connection) => modelOn(conn, 'OutboxMessage', outboxSchema);
export type NotificationModel = ReturnType<typeof notificationModel>;
export type OutboxModel = ReturnType<typeof outboxModel>;

export interface NotificationView {
  id: string;
  kind: string;
  title: string;
  body: string;
  link: string;
  createdAt: string;
  read: boolean;
}

export interface NewNotification {
  kind: string;
  title: string;
  body: string;
  link: string;
  /** One line: why this address got the email; by default, that the organisation takes part in the exercise. */
  why?: string;
}

/** One email to one address, before the footer every email gets. */
export interface OutgoingEmail {
  to: string;
  subject: string;
  /** Plain text, links in it already absolute (see absoluteUrl). */
  text: string;
  /** One line: why this address got the email. */
  why: string;
  /** An alert the person asked for (so the footer offers to stop alerts rather than explaining they cannot be stopped). */
  alert?: boolean;
  /** A fixed id, so that the same email queued twice (two servers, or a retry) is stored, and sent, once. */
  id?: Types.ObjectId;
}

/** Where the footer's link leads: the page that stops alert emails to one address. */
export const unsubscribeLink = (token: string): string => `/unsubscribe?token=${token}`;

const DEFAULT_WHY =
  'You are getting this email because you are a user of an organisation taking part in this exercise on the Library Market Engagement Portal.';

/** An email that confirms something the person's organisation did; it always ends by saying why it was sent. */
export interface ConfirmationEmail {
  subject: string;
  /** Plain-English paragraphs, links in them already absolute (see absoluteUrl). */
  paragraphs: string[];
  /** One line: why this address got the email. */
  why: string;
}

export class Notifier {
  readonly notifications: NotificationModel;
  readonly outbox: OutboxModel;

  constructor(
    conn: Connection,
    private readonly now: () => Date = () => new Date(),
    /** The portal's public address (BASE_URL): an email is read outside the portal, so its links must be whole. */
    private readonly baseUrl = 'http://localhost:3000',
    /** Keys the unsubscribe tokens (SESSION_SECRET): every server must make the same token for an address. */
    private readonly secret: string = randomBytes(32).toString('hex'),
  ) {
    this.notifications = notificationModel(conn);
    this.outbox = outboxModel(conn);
  }

  /** A path on the portal as an absolute link for an email; a link that is already absolute is kept. */
  absoluteUrl(link: string): string {
    return link.startsWith('/') ? `${this.baseUrl}${link}` : link;
  }

  /** The address's unsubscribe token: an HMAC of the address, so any email to it can carry the link without storing anything. */
  unsubscribeToken(address: string): string {
    return createHmac('sha256', this.secret).update(`unsubscribe:${address.trim().toLowerCase()}`).digest('base64url');
  }

  /**
   * Every email ends the same way: why it was sent, then the address's link to stop alert emails. Emails about the
   * person's account or their organisation's activity cannot be stopped, and say so.
   */
  private footer(email: OutgoingEmail, unsubscribeUrl: string): string {
    const stop = email.alert
      ? `To stop these alerts, unsubscribe: ${unsubscribeUrl}`
      : `Emails like this one, about your account or your organisation's activity, are always sent. To stop any alerts about new exercises sent to this address: ${unsubscribeUrl}`;
    return `\n\n---\n${email.why}\n${stop}`;
  }

  /** Puts emails in the outbox, each with its footer, in one batch; an email with a fixed id already there is skipped. */
  async send(emails: OutgoingEmail[]): Promise<void> {
    const createdAt = this.now();
    const docs = emails.map((email) => {
      const to = email.to.trim().toLowerCase();
      const unsubscribeUrl = this.absoluteUrl(unsubscribeLink(this.unsubscribeToken(to)));
      const text = `${email.text}${this.footer(email, unsubscribeUrl)}`;
      const doc = { to, subject: email.subject, text, status: 'pending', attempts: 0, lastError: '', createdAt, sentAt: null };
      // Only alerts are offered for unsubscribing by mail programs: an account's emails cannot be stopped.
      return { _id: email.id ?? new Types.ObjectId(), ...doc, unsubscribeUrl: email.alert ? unsubscribeUrl : '' };
    });
    await insertNew(this.outbox as never, docs);
  }

  /** Tells every organisation at once: one in-app notification each, one email per address. */
  async notify(organisationIds: string[], message: NewNotification, emails: string[]): Promise<void> {
    const at = this.now();
    const orgs = [...new Set(organisationIds)];
    if (orgs.length) {
      await this.notifications.insertMany(
        orgs.map((organisation) => ({ organisation: new Types.ObjectId(organisation), ...message, createdAt: at })),
      );
    }
    const addresses = [...new Set(emails.map((e) => e.toLowerCase()))];
    const text = `${message.body}\n\n${this.absoluteUrl(message.link)}`;
    await this.send(addresses.map((to) => ({ to, subject: message.title, text, why: message.why ?? DEFAULT_WHY })));
  }

  /** Emails a confirmation to each address once; nothing is shown in the app, the page the person is on already says it. */
  async email(addresses: string[], message: ConfirmationEmail): Promise<void> {
    const to = [...new Set(addresses.map((e) => e.toLowerCase()))];
    const text = message.paragraphs.join('\n\n');
    await this.send(to.map((address) => ({ to: address, subject: message.subject, text, why: message.why })));
  }

  /** The organisation's newest notifications, for its dashboard. */
  async listFor(organisationId: string, limit = PANEL_NOTIFICATIONS): Promise<NotificationView[]> {
    return (await this.page(organisationId, 1, limit)).items;
  }

  /** One page of the organisation's notifications, newest first (then by id, so pages never overlap). */
  async page(organisationId: string, requested: number, pageSize = NOTIFICATION_PAGE_SIZE): Promise<ListPage<NotificationView>> {
    const query = { organisation: new Types.ObjectId(organisationId) };
    const total = await this.notifications.countDocuments(query);
    const { page, pageCount, skip } = pageWindow(requested, total, pageSize);
    const docs = await this.notifications.find(query).sort({ createdAt: -1, _id: -1 }).skip(skip).limit(pageSize).lean();
    const items = docs.map((n) => ({
      id: n._id.toString(),
      kind: n.kind,
      title: n.title,
      body: n.body,
      link: n.link,
      createdAt: n.createdAt.toISOString(),
      read: Boolean(n.readAt),
    }));
    return { items, total, page, pageSize, pageCount };
  }

  async markRead(organisationId: string, id: string): Promise<void> {
    if (!Types.ObjectId.isValid(id)) return;
    await this.notifications.updateOne(
      { _id: new Types.ObjectId(id), organisation: new Types.ObjectId(organisationId) },
      { $set: { readAt: this.now() } },
    );
  }
}

const MAX_ATTEMPTS = 5;

/** Sends pending outbox emails over SMTP. Each message is claimed first, so two senders never send it twice. */
export class OutboxSender {
  private readonly transport: nodemailer.Transporter;

  constructor(
    private readonly outbox: OutboxModel,
    smtpUrl: string,
    private readonly from: string,
    private readonly logger?: Logger,
  ) {
    this.transport = nodemailer.createTransport(smtpUrl);
  }

  async sendPending(batch = 20): Promise<number> {
    let sent = 0;
    for (let i = 0; i < batch; i += 1) {
      const message = await this.outbox.findOneAndUpdate(
        { status: 'pending', attempts: mongoose.trusted({ $lt: MAX_ATTEMPTS }) },
        { $inc: { attempts: 1 }, $set: { status: 'sending' } },
        { sort: { createdAt: 1 }, returnDocument: 'after', runValidators: false, strict: false },
      );
      if (!message) break;
      try {
        // Mail programs offer their own unsubscribe button from this header.
        const headers = message.unsubscribeUrl ? { 'List-Unsubscribe': `<${message.unsubscribeUrl}>` } : undefined;
        await this.transport.sendMail({ from: this.from, to: message.to, subject: message.subject, text: message.text, headers });
        await this.outbox.updateOne(
          { _id: message._id },
          { $set: { status: 'sent', sentAt: new Date(), lastError: '' } },
          { strict: false },
        );
        sent += 1;
      } catch (err) {
        const failed = message.attempts >= MAX_ATTEMPTS;
        await this.outbox.updateOne(
          { _id: message._id },
          { $set: { status: failed ? 'failed' : 'pending', lastError: String((err as Error).message).slice(0, 500) } },
          { strict: false },
        );
        this.logger?.warn({ err, to: message.to }, 'sending an email failed');
      }
    }
    return sent;
  }

  close(): void {
    this.transport.close();
  }
}

/** An organisation's notifications, on the dashboard of each of its users. */
export function notificationsPanel(notifier: Notifier): Panel {
  return {
    id: 'notifications',
    template: 'platform/views/notifications-panel.njk',
    data: async (user) => {
      if (!user.organisationId) return null;
      const newest = await notifier.page(user.organisationId, 1, PANEL_NOTIFICATIONS);
      return { notifications: newest.items, total: newest.total };
    },
  };
}
