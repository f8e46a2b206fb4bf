import mongoose, { Types, type Connection } from 'mongoose';
import type { AuthService } from '../auth';
import type { PublicUser } from '../platform/roles';
import { isDuplicateKey } from '../db';
import type { AuditLog } from '../platform/audit';
import { ConflictError, NotFoundError } from '../platform/errors';
import type { Notifier } from '../platform/notifications';
import { BARRIER_CODES, BARRIERS, allQuestions, type QuestionnairesService } from '../questionnaires';
import type { InterestsService, Sector } from '../suppliers';
import type { TendersService } from '../tenders';
import { SectorAnalysisBuilder, displayAnswers } from './analysis';
import type { DecisionView, RespondentRow, ResponseRow, SectorAnalysis } from './analysis.types';
import { decisionModel, youSaidWeDidModel, type DecisionModel, type YouSaidWeDidModel } from './reports.model';
import type { DecisionInput, YouSaidWeDidInput } from './reports.schemas';

/** The published "you said, we did" summary of an exercise; it never names an organisation. */
export interface YouSaidWeDid {
  tenderId: string;
  youSaid: string;
  weDid: string;
  publishedAt: string;
}

export interface ReportsServiceOptions {
  now?: () => Date;
}

type OwnTender = Awaited<ReturnType<QuestionnairesService['officerReadable']>>;

/**
 * The sector analysis of one exercise and what the borough does about it. Data comes through the other
 * features' services as streamed cursors; access is the questionnaire's: own borough, and sealed answers refused.
 */
export class ReportsService {
  readonly decisions: DecisionModel;
  readonly youSaidWeDid: YouSaidWeDidModel;
  readonly now: () => Date;

  constructor(
    conn: Connection,
    private readonly tenders: TendersService,
    private readonly interests: InterestsService,
    private readonly questionnaires: QuestionnairesService,
    private readonly auth: AuthService,
    private readonly notifier: Notifier,
    private readonly audit: AuditLog,
    opts: ReportsServiceOptions = {},
  ) {
    this.decisions = decisionModel(conn);
    this.youSaidWeDid = youSaidWeDidModel(conn);
    this.now = opts.now ?? questionnaires.now;
  }

  /** The exercise, if the officer may read figures made from its answers (404 or 403, both audited). */
  private readable(tenderId: string, actor: PublicUser, what: string): Promise<OwnTender> {
    return this.questionnaires.officerReadable(tenderId, actor, `reports.${what}`);
  }

  /** An analysis builder for an exercise the caller may read, with its questions and recorded decisions loaded. */
  async builderFor(tender: OwnTender): Promise<SectorAnalysisBuilder> {
    const [definition, decisions] = await Promise.all([this.questionnaires.definitionOrNull(tender._id), this.decisionsOf(tender._id)]);
    return new SectorAnalysisBuilder({
      exercise: {
        id: tender._id.toString(),
        status: tender.status,
        lots: tender.lots.map((l) => ({ id: l.lotId, title: l.title, estimatedAnnualValue: l.estimatedAnnualValue ?? null })),
        thirdSectorTarget: tender.thirdSectorTarget ?? null,
        eoiDeadline: tender.eoiDeadline,
      },
      definition,
      now: this.now(),
      decisions,
    });
  }

  /** The analysis of one exercise: one pass over the interests, one over the responses. */
  async analysisFor(tenderId: string, actor: PublicUser): Promise<SectorAnalysis> {
    const tender = await this.readable(tenderId, actor, 'analysis');
    const builder = await this.builderFor(tender);
    for await (const i of this.interests.streamForReport(tender)) builder.addInterest(i);
    for await (const r of this.questionnaires.streamForReport(tender, { answers: true })) builder.addResponse(r);
    return builder.result();
  }

  /** Every organisation that expressed interest, with how far it got: no contact details. */
  async *respondents(tenderId: string, actor: PublicUser): AsyncGenerator<RespondentRow> {
    const tender = await this.readable(tenderId, actor, 'respondents');
    const progress = new Map<string, { status: 'draft' | 'submitted'; recorded: boolean }>();
    for await (const r of this.questionnaires.streamForReport(tender, { answers: false })) {
      progress.set(r.organisationId, { status: r.status, recorded: r.recorded });
    }
    for await (const i of this.interests.streamForReport(tender)) {
      const p = progress.get(i.organisationId);
      yield {
        organisation: i.organisationName,
        sector: i.sector,
        size: i.size,
        interestStatus: i.status,
        questionnaire: p ? (p.status === 'submitted' ? 'submitted' : 'draft') : 'not started',
        recorded: p?.recorded ?? false,
        sectorWarnings: i.sectorWarnings,
      };
    }
  }

  /** One row per submitted response counted in the analysis, its answers as display text keyed by question key. */
  async *responseRows(tenderId: string, actor: PublicUser): AsyncGenerator<ResponseRow> {
    const tender = await this.readable(tenderId, actor, 'responses');
    const definition = await this.questionnaires.definitionOrNull(tender._id);
    if (!definition) return;
    const questions = allQuestions(definition);
    const organisations = new Map<string, { name: string; sector: Sector }>();
    for await (const i of this.interests.streamForReport(tender)) {
      if (i.status === 'active') organisations.set(i.organisationId, { name: i.organisationName, sector: i.sector });
    }
    for await (const r of this.questionnaires.streamForReport(tender, { answers: true, submittedOnly: true })) {
      const org = organisations.get(r.organisationId);
      if (!org || !r.submittedAnswers) continue;
      yield {
        organisation: org.name,
        sector: org.sector,
        receivedAt: r.receivedAt ?? '',
        recorded: r.recorded,
        answers: displayAnswers(questions, r.submittedAnswers),
      };
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Decision log

  private async decisionsOf(tender: Types.ObjectId): Promise<DecisionView[]> {
    // bounded: one decision per barrier code at most (a unique index).
    const docs = await this.decisions.find({ tender }).lean();
    const order = (code: string) => BARRIER_CODES.indexOf(code as (typeof BARRIER_CODES)[number]);
    return docs
      .map((d) => ({ barrier: d.barrier, decision: d.decision, text: d.text, byName: d.byName, at: d.at.toISOString() }))
      .sort((a, b) => order(a.barrier) - order(b.barrier));
  }

  async listDecisions(tenderId: string, actor: PublicUser): Promise<DecisionView[]> {
    const tender = await this.readable(tenderId, actor, 'decisions');
    return this.decisionsOf(tender._id);
  }

  /** Records (or replaces) what the borough will do about one barrier; who and when are kept, and audited. */
  async recordDecision(tenderId: string, barrier: string, input: DecisionInput, actor: PublicUser): Promise<DecisionView> {
    const tender = await this.readable(tenderId, actor, 'decision');
    if (!(BARRIER_CODES as readonly string[]).includes(barrier)) throw new NotFoundError('There is no such barrier in the barrier bank');
    const at = this.now();
    const fields = { borough: tender.borough, decision: input.decision, text: input.text, by: actor.id, byName: actor.name, at };
    const upsert = () => this.decisions.updateOne({ tender: tender._id, barrier }, { $set: fields }, { upsert: true });
    try {
      await upsert();
    } catch (err) {
      // Two officers deciding at once: the unique index refused the second insert, which now updates.
      if (!isDuplicateKey(err)) throw err;
      await upsert();
    }
    await this.audit.record({
      action: 'reports.decision',
      outcome: 'allowed',
      actor,
      target: `tender:${tender._id.toString()}`,
      detail: `${barrier}: ${input.decision}`,
    });
    return { barrier, decision: input.decision, text: input.text, byName: actor.name, at: at.toISOString() };
  }

  // ---------------------------------------------------------------------------------------------
  // You said, we did

  /** Publishes (or updates) the summary and tells every organisation with an interest, in the app and by email. */
  async publishYouSaidWeDid(tenderId: string, input: YouSaidWeDidInput, actor: PublicUser): Promise<YouSaidWeDid> {
    const tender = await this.readable(tenderId, actor, 'you_said_we_did');
    if (tender.status !== 'published' && tender.status !== 'closed') {
      throw new ConflictError('wrong_status', 'You can publish “You said, we did” once the exercise is published');
    }
    const publishedAt = this.now();
    const fields = { borough: tender.borough, youSaid: input.youSaid, weDid: input.weDid, by: actor.id, byName: actor.name, publishedAt };
    const upsert = () => this.youSaidWeDid.updateOne({ tender: tender._id }, { $set: fields }, { upsert: true });
    let firstPublication: boolean;
    try {
      firstPublication = (await upsert()).upsertedCount === 1;
    } catch (err) {
      // Two first publications at once: the unique index lets one insert; the other is a correction.
      if (!isDuplicateKey(err)) throw err;
      await upsert();
      firstPublication = false;
    }
    await this.audit.record({ action: 'reports.you_said_we_did', outcome: 'allowed', actor, target: `tender:${tender._id.toString()}` });
    // Organisations hear once, when it is first published; a correction later is shown but not sent again.
    const organisations = firstPublication ? await this.interests.interestedOrganisations(tenderId) : [];
    if (organisations.length) {
      const emails = await this.auth.activeEmailsOfOrganisations(organisations);
      await this.notifier.notify(
        organisations,
        {
          kind: 'you_said_we_did',
          title: `You said, we did: ${tender.title}`,
          body: `The council has published what it heard about ${tender.title} (${tender.reference}) and what it will change as a result.`,
          link: `/tenders/${tenderId}#you-said-we-did`,
        },
        emails,
      );
    }
    return { tenderId, youSaid: input.youSaid, weDid: input.weDid, publishedAt: publishedAt.toISOString() };
  }

  /** The published summary of an exercise, for everyone who can see the exercise; null when there is none. */
  async youSaidWeDidFor(tenderId: string): Promise<YouSaidWeDid | null> {
    if (!Types.ObjectId.isValid(tenderId)) return null;
    const doc = await this.youSaidWeDid.findOne({ tender: new Types.ObjectId(tenderId) }).lean();
    return doc ? { tenderId, youSaid: doc.youSaid, weDid: doc.weDid, publishedAt: doc.publishedAt.toISOString() } : null;
  }

  /** Summaries of several exercises at once, for an organisation's dashboard. */
  async youSaidWeDidForMany(tenderIds: string[]): Promise<Map<string, YouSaidWeDid>> {
    const ids = tenderIds.filter((id) => Types.ObjectId.isValid(id)).map((id) => new Types.ObjectId(id));
    if (!ids.length) return new Map();
    const docs = await this.youSaidWeDid.find({ tender: mongoose.trusted({ $in: ids }) }).lean();
    return new Map(
      docs.map((d) => [
        d.tender.toString(),
        { tenderId: d.tender.toString(), youSaid: d.youSaid, weDid: d.weDid, publishedAt: d.publishedAt.toISOString() },
      ]),
    );
  }
}

/** Barrier labels and remedies for the decision pages. */
export function barrierOf(code: string): { label: string; remedy: string } | null {
  return (BARRIER_CODES as readonly string[]).includes(code) ? BARRIERS[code as (typeof BARRIER_CODES)[number]] : null;
}
