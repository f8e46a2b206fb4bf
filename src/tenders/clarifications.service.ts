import mongoose, { Types, type Connection } from 'mongoose';
import type { PublicUser } from '../platform/roles';
import { ConflictError, NotFoundError } from '../platform/errors';
import type { Notifier } from '../platform/notifications';
import { clarificationModel, type ClarificationModel, type ClarificationRecord, type ClarificationStatus } from './clarification.model';
import type { PublishedEnquiry } from './ocds';
import { isOwnBoroughOfficer, type Actor, type TendersService } from './tenders.service';

/** The most questions one exercise lists: far above any exercise seen, and a bound on one request's work. */
const MOST_QUESTIONS = 2_000;

export interface Clarification {
  id: string;
  /** The question as everyone sees it: as published, when the officer changed its wording. */
  question: string;
  /** Officers only: the question exactly as it was asked. */
  askedQuestion?: string;
  answer: string | null;
  status: ClarificationStatus;
  askedAt: string;
  answeredAt: string | null;
  publishedAt: string | null;
  /** Only the borough's officers see which organisation asked. */
  askedBy?: { organisationId: string; organisationName: string };
  /** True on the asking organisation's own questions. */
  mine?: boolean;
}

/** Organisations with an interest in an exercise: told when answers are published. Features add sources. */
export type InterestSource = (tenderId: string) => Promise<string[]>;

export class ClarificationsService {
  readonly clarifications: ClarificationModel;
  private readonly interestSources: InterestSource[] = [];

  constructor(
    conn: Connection,
    private readonly tenders: TendersService,
    /** The email addresses of organisations' active users (auth knows them). */
    private readonly organisationEmails: (organisationIds: string[]) => Promise<string[]>,
    private readonly notifier: Notifier,
    private readonly organisationNames: (ids: string[]) => Promise<Map<string, string>>,
  ) {
    this.clarifications = clarificationModel(conn);
    // Anyone who asked a question on the exercise has an interest in the answers.
    this.addInterestSource(async (tenderId) => {
      // bounded: one id per organisation that asked, and every one of them is told.
      const ids = await this.clarifications.distinct('organisation', { tender: new Types.ObjectId(tenderId) });
      return ids.map(String);
    });
  }

  addInterestSource(source: InterestSource): void {
    this.interestSources.push(source);
  }

  private toView(c: ClarificationRecord, opts: { officer: boolean; mine: boolean; names?: Map<string, string> }): Clarification {
    const view: Clarification = {
      id: c._id.toString(),
      // Until published, only the council and the asker see the question, as asked; then everyone sees the wording published.
      question: c.status === 'published' || opts.officer ? (c.publishedQuestion ?? c.question) : c.question,
      answer: c.status === 'published' || opts.officer ? c.answer || null : null,
      status: c.status,
      askedAt: c.askedAt.toISOString(),
      answeredAt: c.answeredAt ? c.answeredAt.toISOString() : null,
      publishedAt: c.publishedAt ? c.publishedAt.toISOString() : null,
    };
    if (opts.officer) view.askedQuestion = c.question;
    if (opts.officer)
      view.askedBy = { organisationId: c.organisation.toString(), organisationName: opts.names?.get(c.organisation.toString()) ?? '' };
    if (opts.mine) view.mine = true;
    return view;
  }

  async ask(tenderId: string, question: string, actor: PublicUser): Promise<Clarification> {
    const tender = await this.tenders.findVisible(tenderId, actor);
    if (tender.status !== 'published') throw new ConflictError('not_open', 'Questions can only be asked while the exercise is open');
    const now = this.tenders.now();
    if (now > tender.clarificationDeadline) throw new ConflictError('deadline_passed', 'The deadline for questions has passed');
    if (!actor.organisationId) throw new NotFoundError();
    const doc = await this.clarifications.create({
      tender: tender._id,
      borough: tender.borough,
      organisation: new Types.ObjectId(actor.organisationId),
      askedBy: actor.id,
      question,
      askedAt: now,
    });
    return this.toView(doc, { officer: false, mine: true });
  }

  /** Published answers to everyone; every question to the borough's officers; a supplier also sees its own. */
  async list(tenderId: string, actor: Actor): Promise<Clarification[]> {
    return this.listOf(await this.tenders.findVisible(tenderId, actor), actor);
  }

  /** The same, for an exercise the actor has just been found able to see (the exercise page reads it once). */
  async listOf(tender: { _id: Types.ObjectId; borough: Types.ObjectId }, actor: Actor): Promise<Clarification[]> {
    const officer = isOwnBoroughOfficer(actor, tender.borough.toString());
    const ownOrg = actor?.role === 'supplier' ? actor.organisationId : null;
    const docs = await this.clarifications.find({ tender: tender._id }).sort({ askedAt: 1, _id: 1 }).limit(MOST_QUESTIONS).lean();
    const visible = docs.filter((c) => officer || c.status === 'published' || (ownOrg && c.organisation.toString() === ownOrg));
    const names = officer ? await this.organisationNames(visible.map((c) => c.organisation.toString())) : undefined;
    return visible.map((c) => this.toView(c, { officer, mine: Boolean(ownOrg && c.organisation.toString() === ownOrg), names }));
  }

  /** Published questions and answers, for the OCDS release (never the asker). */
  async publishedEnquiries(tenderId: string): Promise<PublishedEnquiry[]> {
    const docs = await this.clarifications
      .find({ tender: new Types.ObjectId(tenderId), status: 'published' })
      .sort({ publishedAt: 1, _id: 1 })
      .limit(MOST_QUESTIONS)
      .lean();
    return docs.map((c) => ({
      id: c._id.toString(),
      question: c.publishedQuestion ?? c.question,
      answer: c.answer,
      askedAt: c.askedAt.toISOString(),
      answeredAt: (c.publishedAt ?? c.answeredAt ?? c.askedAt).toISOString(),
    }));
  }

  /** An officer answers; publishing shows the answer to everyone at once and tells every interested organisation. */
  async answer(
    tenderId: string,
    clarificationId: string,
    input: { answer: string; publish: boolean; question?: string | undefined },
    actor: PublicUser,
  ): Promise<Clarification> {
    const tender = await this.tenders.findOwn(tenderId, actor);
    if (!Types.ObjectId.isValid(clarificationId)) throw new NotFoundError('Question not found');
    if (tender.status === 'cancelled') throw new ConflictError('wrong_status', 'The exercise has been cancelled');
    const id = new Types.ObjectId(clarificationId);
    for (let attempt = 1; attempt <= 8; attempt++) {
      const doc = await this.clarifications.findOne({ _id: id, tender: tender._id }).lean();
      if (!doc) throw new NotFoundError('Question not found');
      const now = this.tenders.now();
      const wasPublished = doc.status === 'published';
      const wording =
        input.question === undefined ? (doc.publishedQuestion ?? null) : input.question === doc.question ? null : input.question;
      const changed = doc.answer !== input.answer || wording !== (doc.publishedQuestion ?? null);
      // A published answer stays published; saving it again only changes its wording.
      const publish = input.publish || wasPublished;
      const version = doc.version ?? 0;
      const saved = await this.clarifications.findOneAndUpdate(
        { _id: id, version: version === 0 ? mongoose.trusted({ $in: [0, null] }) : version },
        {
          $set: {
            answer: input.answer,
            publishedQuestion: wording,
            answeredAt: now,
            answeredBy: actor.id,
            status: publish ? 'published' : 'answered',
            publishedAt: publish ? (doc.publishedAt ?? now) : doc.publishedAt,
          },
          $inc: { version: 1 },
        },
        { returnDocument: 'after' },
      );
      if (!saved) {
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 10 * attempt));
        continue;
      }
      // Everyone hears of a newly published answer, and of any change to one already published: once, by whoever saved it.
      if ((input.publish && !wasPublished) || (wasPublished && changed)) {
        await this.tellInterestedOrganisations(tenderId, tender.title, tender.reference, wasPublished);
      }
      return this.toView(saved, { officer: true, mine: false });
    }
    throw new ConflictError('busy', 'The answer changed while you were saving it. Reload and try again');
  }

  private async tellInterestedOrganisations(tenderId: string, title: string, reference: string, updated: boolean): Promise<void> {
    const lists = await Promise.all(this.interestSources.map((source) => source(tenderId)));
    const organisations = [...new Set(lists.flat())];
    if (!organisations.length) return;
    const emails = await this.organisationEmails(organisations);
    await this.notifier.notify(
      organisations,
      {
        kind: 'clarification_published',
        title: updated ? `An answer was updated: ${title}` : `New answer to a question: ${title}`,
        body: `The council has published ${updated ? 'an updated' : 'a new'} answer to a question about ${title} (${reference}). Everyone taking part sees the same answer.`,
        link: `/tenders/${tenderId}#questions`,
      },
      emails,
    );
  }
}
