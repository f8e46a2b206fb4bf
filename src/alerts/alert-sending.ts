import mongoose, { Types } from 'mongoose';
import { insertNew, streamCursor } from '../db';
import type { Boroughs } from '../platform/boroughs';
import { NotFoundError } from '../platform/errors';
import { ukTime } from '../platform/london-time';
import type { Notifier, OutgoingEmail } from '../platform/notifications';
import type { Tender } from '../tenders';
import type { DeliveryModel, RunModel, SubscriptionModel } from './alert.model';

/** Subscriptions read and alerts queued per round trip: one insert of deliveries and one of emails per batch. */
export const ALERT_BATCH = 500;

/** How long an exercise's alerts may take before another server takes them as left unfinished by a server that stopped. */
export const STALLED_AFTER_MS = 5 * 60_000;

/** The boroughs a subscription covers, in words. */
export function boroughsInWords(slugs: string[], boroughs: Boroughs): string {
  if (!slugs.length) return 'every London borough';
  const names = slugs.map((slug) => boroughs.findBySlug(slug)?.name ?? slug).sort((a, b) => a.localeCompare(b));
  return names.length === 1 ? names[0]! : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]!}`;
}

interface Claim {
  _id: Types.ObjectId;
  subscription: Types.ObjectId;
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
    private readonly runs: RunModel,
    /** An exercise as anyone sees it (NotFoundError if none); for resuming alerts left unfinished. */
    private readonly tenderById: (id: string) => Promise<Tender>,
    private readonly notifier: Notifier,
    private readonly boroughs: Boroughs,
    private readonly now: () => Date,
    private readonly reportError: (err: unknown) => void,
  ) {}

  /** Starts the alerts of an exercise that was just published, without waiting for them; a failure is reported, never thrown. */
  exercisePublished(tender: Tender): void {
    const run = this.run(tender)
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

  /** One exercise's alerts from start to end, recorded so that alerts a stopped server left unfinished are resumed. */
  private async run(tender: Tender): Promise<void> {
    const startedAt = this.now();
    const tenderId = new Types.ObjectId(tender.id);
    await insertNew(this.runs as never, [{ _id: new Types.ObjectId(), tender: tenderId, startedAt, finishedAt: null }]);
    await this.sendFor(tender);
    await this.runs.updateOne({ tender: tenderId, startedAt }, { $set: { finishedAt: this.now() } });
  }

  /**
   * Finishes the alerts of exercises whose run a server left unfinished: each run is taken by a conditional update of its
   * start time (so one server resumes it), then unclaimed subscribers are claimed and claimed alerts missing from the
   * outbox are queued under their claim's id. Returns how many runs it finished.
   */
  async resumeStalled(): Promise<number> {
    const cutoff = new Date(this.now().getTime() - STALLED_AFTER_MS);
    // A sweep takes a bounded number of runs; any more are taken by the next sweep a minute later.
    const stalled = await this.runs
      .find({ finishedAt: null, startedAt: mongoose.trusted({ $lte: cutoff }) })
      .sort({ startedAt: 1 })
      .limit(50)
      .lean();
    let resumed = 0;
    for (const run of stalled) {
      const startedAt = this.now();
      const taken = await this.runs.updateOne({ _id: run._id, startedAt: run.startedAt, finishedAt: null }, { $set: { startedAt } });
      if (taken.modifiedCount !== 1) continue;
      const tender = await this.tenderById(run.tender.toString()).catch((err: unknown) => {
        if (err instanceof NotFoundError) return null;
        throw err;
      });
      if (tender?.status === 'published') {
        await this.sendFor(tender);
        await this.requeueClaimed(tender);
      }
      await this.runs.updateOne({ _id: run._id, startedAt }, { $set: { finishedAt: this.now() } });
      resumed += 1;
    }
    return resumed;
  }

  private async requeueClaimed(tender: Tender): Promise<void> {
    let batch: Claim[] = [];
    const cursor = this.deliveries
      .find({ tender: new Types.ObjectId(tender.id) }, { subscription: 1 })
      .lean<Claim[]>()
      .cursor();
    for await (const claim of streamCursor(cursor) as AsyncIterable<Claim>) {
      batch.push(claim);
      if (batch.length >= ALERT_BATCH) {
        await this.requeue(tender, batch);
        batch = [];
      }
    }
    await this.requeue(tender, batch);
  }

  /** Queues the claims' emails not yet in the outbox; an email queued meanwhile has the same id, so it is not stored twice. */
  private async requeue(tender: Tender, claims: Claim[]): Promise<void> {
    if (!claims.length) return;
    const inOutbox = await this.notifier.outbox.find({ _id: mongoose.trusted({ $in: claims.map((c) => c._id) }) }, { _id: 1 }).lean();
    const queued = new Set(inOutbox.map((m) => m._id.toString()));
    const missing = claims.filter((c) => !queued.has(c._id.toString()));
    if (!missing.length) return;
    const recipients = await this.subscriptions
      .find({ _id: mongoose.trusted({ $in: missing.map((c) => c.subscription) }), confirmed: true }, { email: 1, boroughs: 1 })
      .lean<Recipient[]>();
    const byId = new Map(recipients.map((r) => [r._id.toString(), r]));
    await this.notifier.send(
      missing.flatMap((claim) => {
        const recipient = byId.get(claim.subscription.toString());
        return recipient ? [this.email(tender, claim, recipient)] : [];
      }),
    );
  }

  /** Queues the exercise's alert for every confirmed subscriber of its borough not yet alerted; returns how many this call queued. */
  async sendFor(tender: Tender): Promise<number> {
    let queued = 0;
    let batch: Recipient[] = [];
    const cursor = this.subscriptions.find({ confirmed: true }, { email: 1, boroughs: 1 }).lean<Recipient[]>().cursor();
    for await (const subscription of streamCursor(cursor) as AsyncIterable<Recipient>) {
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
