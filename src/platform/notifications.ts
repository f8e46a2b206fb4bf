import mongoose, { Schema, Types, type Connection } from 'mongoose';
import nodemailer from 'nodemailer';
import type { Logger } from 'pino';
import { modelOn } from '../db/model-on';
import type { Panel } from './panels';

/** In-app notifications, addressed to an organisation and seen by all its users. */
const notificationSchema = new Schema(
  {
    organisation: { type: Schema.Types.ObjectId, required: true, index: true },
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
}

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
  ) {
    this.notifications = notificationModel(conn);
    this.outbox = outboxModel(conn);
  }

  /** A path on the portal as an absolute link for an email; a link that is already absolute is kept. */
  absoluteUrl(link: string): string {
    return link.startsWith('/') ? `${this.baseUrl}${link}` : link;
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
    if (addresses.length) {
      const text = `${message.body}\n\n${this.absoluteUrl(message.link)}`;
      await this.outbox.insertMany(addresses.map((to) => ({ to, subject: message.title, text, createdAt: at })));
    }
  }

  /** Emails a confirmation to each address once; nothing is shown in the app, the page the person is on already says it. */
  async email(addresses: string[], message: ConfirmationEmail): Promise<void> {
    const to = [...new Set(addresses.map((e) => e.toLowerCase()))];
    if (!to.length) return;
    const text = [...message.paragraphs, message.why].join('\n\n');
    const createdAt = this.now();
    await this.outbox.insertMany(to.map((address) => ({ to: address, subject: message.subject, text, createdAt })));
  }

  async listFor(organisationId: string, limit = 20): Promise<NotificationView[]> {
    const docs = await this.notifications
      .find({ organisation: new Types.ObjectId(organisationId) })
      .sort({ createdAt: -1 })
      .limit(limit)
      .lean();
    return docs.map((n) => ({
      id: n._id.toString(),
      kind: n.kind,
      title: n.title,
      body: n.body,
      link: n.link,
      createdAt: n.createdAt.toISOString(),
      read: Boolean(n.readAt),
    }));
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
        await this.transport.sendMail({ from: this.from, to: message.to, subject: message.subject, text: message.text });
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
    data: async (user) => (user.organisationId ? { notifications: await notifier.listFor(user.organisationId) } : null),
  };
}
