import { Types } from 'mongoose';
import { insertNew } from '../db';
import type { Boroughs } from '../platform/boroughs';
import { ukTime } from '../platform/london-time';
import type { Notifier, OutgoingEmail } from '../platform/notifications';
import type { Tender } from '../tenders';
import type { DeliveryModel, SubscriptionModel } from './alert.model';

/** Subscriptions read and alerts queued per round trip: one insert of deliveries and one of emails per batch. */
export const ALERT_BATCH = 500;

/** The boroughs a subscription covers, in words. */
export function boroughsInWords(slugs: string[], boroughs: Boroughs): string {
  if (!slugs.length) return 'every London borough';
  const names = slugs.map((slug) => boroughs.findBySlug(slug)?.name ?? slug).sort((a, b) => a.localeCompare(b));
  return names.length === 1 ? names[0]! : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]!}`;
}

interface Recipient {
  _id: Types.ObjectId;
  email: string;
  boroughs?: string[];
}

/**
 * Emails confirmed subscribers about a newly published exercise. Each subscriber's alert is claimed by inserting a
 * delivery under a unique (subscription, exercise) index, and the email takes the delivery's id (so a delivery without
 * its email is one a stopped server claimed): two servers or a retry queue it once. It runs after publishing has
 * answered, in batches, so many subscribers never slow publishing down.
 */
export class AlertSender {
  private readonly running = new Set<Promise<void>>();
  private failures: unknown[] = [];

  constructor(
    private readonly subscriptions: SubscriptionModel,
    private readonly deliveries: DeliveryModel,
    private readonly notifier: Notifier,
    private readonly boroughs: Boroughs,
    private readonly now: () => Date,
    private readonly reportError: (err: unknown) => void,
  ) {}

  /** Starts the alerts of an exercise that was just published, without waiting for them; a failure is reported, never thrown. */
  exercisePublished(tender: Tender): void {
    const run = this.sendFor(tender)
      .then(() => undefined)
      .catch((err: unknown) => {
        this.failures.push(err);
        this.reportError(err);
      })
      .finally(() => this.running.delete(run));
    this.running.add(run);
  }

  /** Waits for the alerts under way; throws the first failure since the last call (for tests and shutdown). */
  async settled(): Promise<void> {
    while (this.running.size) await Promise.all([...this.running]);
    const [first] = this.failures;
    this.failures = [];
    if (first) throw first;
  }

  /** Queues the exercise's alert for every confirmed subscriber of its borough not yet alerted; returns how many this call queued. */
  async sendFor(tender: Tender): Promise<number> {
    let queued = 0;
    let batch: Recipient[] = [];
    const cursor = this.subscriptions.find({ confirmed: true }, { email: 1, boroughs: 1 }).lean<Recipient[]>().cursor();
    for await (const subscription of cursor as AsyncIterable<Recipient>) {
      const slugs = subscription.boroughs ?? [];
      if (slugs.length && !slugs.includes(tender.borough.slug)) continue;
      batch.push(subscription);
      if (batch.length >= ALERT_BATCH) {
        queued += await this.queue(tender, batch);
        batch = [];
      }
    }
    return queued + (await this.queue(tender, batch));
  }

  private async queue(tender: Tender, recipients: Recipient[]): Promise<number> {
    const tenderId = new Types.ObjectId(tender.id);
    const createdAt = this.now();
    const claims = recipients.map((r) => ({ _id: new Types.ObjectId(), subscription: r._id, tender: tenderId, createdAt }));
    const claimed = await insertNew(this.deliveries as never, claims);
    if (!claimed.length) return 0;
    const byId = new Map(recipients.map((r) => [r._id.toString(), r]));
    await this.notifier.send(claimed.map((d) => this.email(tender, d, byId.get(d.subscription.toString())!)));
    return claimed.length;
  }

  private email(tender: Tender, delivery: { _id: Types.ObjectId }, recipient: Recipient): OutgoingEmail {
    const url = this.notifier.absoluteUrl(`/tenders/${tender.id}`);
    return {
      id: delivery._id,
      alert: true,
      to: recipient.email,
      subject: `New exercise from ${tender.borough.name}: ${tender.title}`,
      text: [
        `${tender.borough.name} has published a new library market engagement exercise on the Library Market Engagement Portal.`,
        `${tender.title} (${tender.reference})`,
        tender.summary,
        `Expressions of interest close: ${ukTime(new Date(tender.eoiDeadline))}\nQuestionnaires close: ${ukTime(new Date(tender.questionnaireDeadline))}`,
        `Read the exercise and tell the council you are interested:\n${url}`,
      ].join('\n\n'),
      why: `You are getting this email because you asked for alerts about new exercises in ${boroughsInWords(recipient.boroughs ?? [], this.boroughs)}.`,
    };
  }
}
