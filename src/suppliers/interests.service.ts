import mongoose, { Types, type Connection } from 'mongoose';
import { pageWindow, type ListPage } from '../platform/pagination';
import type { SharedReads } from '../platform/panels';
import type { PublicUser } from '../platform/roles';
import { isDuplicateKey } from '../db/connection';
import { streamCursor } from '../db/streamed-cursor';
import type { AuditLog } from '../platform/audit';
import { ukTime } from '../platform/london-time';
import type { Notifier } from '../platform/notifications';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../platform/errors';
import type { Actor, TenderRead, TendersService } from '../tenders';
import { interestModel, type InterestModel, type InterestRecord, type InterestStatus } from './interest.model';
import type { ExpressInterestInput, InterestFilters } from './interests.schemas';
import { SECTORS, THIRD_SECTOR, type OrganisationSize, type Sector } from './sectors';
import type { OrganisationCopy, SuppliersService } from './suppliers.service';
import type { Interest, InterestCounts, MyInterest, OfficerInterest, Partner, ReportInterest } from './interests.types';

export type { Interest, InterestCounts, MyInterest, OfficerInterest, Partner, ReportInterest, SectorCount } from './interests.types';

/** Interests on one page of the officer's list (the API's and the page's). */
export const INTEREST_PAGE_SIZE = 50;
/** How many of an organisation's interests its dashboard lists, newest first. */
export const MOST_ON_DASHBOARD = 100;
/** The most organisations a choice or a partner list offers: a bound on one request's work, far above any exercise seen. */
const MOST_LISTED = 5_000;

type ReportInterestDoc = Pick<
  InterestRecord,
  'organisation' | 'sector' | 'size' | 'status' | 'lotIds' | 'heardVia' | 'organisationName' | 'sectorWarnings'
>;

/** An exercise of the officer's own borough, as TendersService.findOwn returns it. */
type OwnTender = TenderRead;

export class InterestsService {
  readonly interests: InterestModel;

  constructor(
    conn: Connection,
    private readonly tenders: TendersService,
    private readonly suppliers: SuppliersService,
    private readonly audit: AuditLog,
    private readonly notifier: Notifier,
    /** The email addresses of organisations' active users (auth knows them). */
    private readonly organisationEmails: (organisationIds: string[]) => Promise<string[]>,
  ) {
    this.interests = interestModel(conn);
    // Interests carry the organisation's sector, size and name for counting and reports; they follow profile changes.
    suppliers.onUpdated((copy) => this.follow(copy));
  }

  /**
   * Brings the copies on the organisation's interests up to `copy`, unless they already come from a newer
   * revision: two profile changes finishing out of order (on two servers, say) leave the newer one.
   */
  private async follow(copy: OrganisationCopy): Promise<void> {
    // Records kept before copies carried a revision have no name either, and match `organisationName: null`.
    const older = mongoose.trusted({
      $or: [{ organisationRevision: mongoose.trusted({ $lt: copy.revision }) }, { organisationName: null }],
    });
    await this.interests.updateMany(
      { organisation: new Types.ObjectId(copy.id), ...older },
      {
        $set: {
          sector: copy.sector,
          size: copy.size,
          organisationName: copy.name,
          sectorWarnings: copy.sectorWarnings,
          organisationRevision: copy.revision,
        },
      },
    );
  }

  private toView(i: InterestRecord, name: string): Interest {
    return {
      id: i._id.toString(),
      tenderId: i.tender.toString(),
      organisation: { id: i.organisation.toString(), name, sector: i.sector, size: i.size },
      lotIds: [...i.lotIds],
      contactName: i.contactName,
      contactEmail: i.contactEmail,
      consortium: i.consortium,
      willingToPartner: i.willingToPartner,
      heardVia: i.heardVia,
      heardViaOther: i.heardViaOther,
      status: i.status,
      createdAt: i.createdAt.toISOString(),
      withdrawnAt: i.withdrawnAt ? i.withdrawnAt.toISOString() : null,
    };
  }

  private organisationOf(actor: PublicUser): Types.ObjectId {
    if (actor.role !== 'supplier' || !actor.organisationId) throw new NotFoundError();
    return new Types.ObjectId(actor.organisationId);
  }

  /** A supplier's organisation says it is interested. One per organisation per exercise; 409 after the deadline. */
  async express(tenderId: string, input: ExpressInterestInput, actor: PublicUser): Promise<Interest> {
    const organisation = this.organisationOf(actor);
    const tender = await this.tenders.findVisible(tenderId, actor);
    if (tender.status !== 'published') {
      throw new ConflictError('not_open', 'This exercise is not open for expressions of interest');
    }
    const now = this.tenders.now();
    if (now > tender.eoiDeadline) throw new ConflictError('deadline_passed', 'The deadline for expressions of interest has passed');
    const lotIds = tender.lots.map((l) => l.lotId);
    const unknown = input.lotIds.filter((id) => !lotIds.includes(id));
    if (unknown.length) throw new ValidationError({ lotIds: `Choose lots of this exercise: ${unknown.join(', ')} is not one of them` });
    if (lotIds.length && !input.lotIds.length) throw new ValidationError({ lotIds: 'Choose at least one lot you are interested in' });
    const org = await this.suppliers.copyFor(organisation.toString());
    if (await this.interests.exists({ tender: tender._id, organisation })) throw this.duplicate();
    let doc: InterestRecord;
    try {
      doc = await this.interests.create({
        ...input,
        heardViaOther: input.heardVia === 'other' ? input.heardViaOther : '',
        tender: tender._id,
        borough: tender.borough,
        organisation,
        sector: org.sector,
        size: org.size as OrganisationSize,
        organisationName: org.name,
        sectorWarnings: org.sectorWarnings,
        organisationRevision: org.revision,
        status: 'active',
        createdBy: actor.id,
        createdAt: now,
      });
    } catch (err) {
      if (isDuplicateKey(err)) throw this.duplicate();
      throw err;
    }
    // A profile change that landed between reading the organisation and storing the interest did not reach it.
    const latest = await this.suppliers.copyFor(organisation.toString());
    if (latest.revision !== org.revision) await this.follow(latest);
    await this.confirm(tender, organisation.toString(), latest.name, actor);
    return this.toView(doc, latest.name);
  }

  /** Tells the organisation's users their interest is recorded, with the way to the exercise and its questionnaire. */
  private async confirm(tender: TenderRead, organisationId: string, organisationName: string, actor: PublicUser): Promise<void> {
    const id = tender._id.toString();
    const council = this.tenders.toApi(tender, actor).borough.name;
    const url = (path: string) => this.notifier.absoluteUrl(path);
    await this.notifier.email(await this.organisationEmails([organisationId]), {
      subject: `Your interest is recorded: ${tender.title}`,
      paragraphs: [
        `${actor.name} has told ${council || 'the council'} that ${organisationName} is interested in ${tender.title} (${tender.reference}).`,
        `See the exercise, its documents and the answers to questions:\n${url(`/tenders/${id}`)}`,
        `Answer the questionnaire by ${ukTime(tender.questionnaireDeadline)}. If the council has not published it yet, it will be at the same address:\n${url(`/tenders/${id}/response`)}`,
      ],
      why: `You are getting this email because you are a user of ${organisationName} on the Library Market Engagement Portal, and your organisation expressed interest in this exercise.`,
    });
  }

  private duplicate(): ConflictError {
    return new ConflictError('duplicate', 'Your organisation has already expressed interest in this exercise');
  }

  /** The organisation's own interest in an exercise, or null. */
  async mine(tenderId: string, actor: PublicUser): Promise<Interest | null> {
    return this.mineIn((await this.tenders.findVisible(tenderId, actor))._id.toString(), actor);
  }

  /** The same, for an exercise the actor has just been found able to see (the exercise page reads it once). */
  async mineIn(visibleTenderId: string, actor: PublicUser): Promise<Interest | null> {
    const organisation = this.organisationOf(actor);
    const doc = await this.interests.findOne({ tender: new Types.ObjectId(visibleTenderId), organisation }).lean();
    if (!doc) return null;
    const org = await this.suppliers.getOrganisation(organisation.toString());
    return this.toView(doc as InterestRecord, org.name);
  }

  /** Withdraws the organisation's interest; the record stays, marked withdrawn. */
  async withdraw(tenderId: string, actor: PublicUser): Promise<void> {
    const organisation = this.organisationOf(actor);
    const tender = await this.tenders.findVisible(tenderId, actor);
    const updated = await this.interests.findOneAndUpdate(
      { tender: tender._id, organisation, status: 'active' },
      { $set: { status: 'withdrawn', withdrawnAt: this.tenders.now(), withdrawnBy: actor.id } },
      { returnDocument: 'after' },
    );
    if (!updated) throw new NotFoundError('Your organisation has no interest in this exercise to withdraw');
  }

  /** The active interests' organisations in one of the officer's own exercises, by name (for choosing one); another borough's exercise is 404. */
  async activeOrganisations(tenderId: string, actor: PublicUser): Promise<{ id: string; name: string }[]> {
    const tender = await this.tenders.findOwn(tenderId, actor);
    const docs = await this.interests
      .find({ tender: tender._id, borough: tender.borough, status: 'active' }, { organisation: 1, organisationName: 1 })
      .sort({ createdAt: 1, _id: 1 })
      .limit(MOST_LISTED)
      .lean();
    const older = docs.filter((d) => d.organisationName == null).map((d) => d.organisation.toString());
    const names = older.length ? await this.suppliers.byIds(older) : new Map<string, { name: string }>();
    return docs.map((d) => {
      const id = d.organisation.toString();
      return { id, name: d.organisationName ?? names.get(id)?.name ?? '' };
    });
  }

  /** Interests not withdrawn, by sector, with the third-sector roll-up. */
  async counts(tenderId: string, actor: PublicUser): Promise<InterestCounts> {
    return this.countsFor(await this.tenders.findOwn(tenderId, actor));
  }

  /** The officer's page and API: the exercise (checked once), one page of the filtered interests and the counts. */
  async officerView(tenderId: string, filters: InterestFilters, actor: PublicUser, page = 1, pageSize = INTEREST_PAGE_SIZE) {
    const tender = await this.tenders.findOwn(tenderId, actor);
    const [items, counts] = await Promise.all([this.pageFor(tender, filters, page, pageSize), this.countsFor(tender)]);
    return { tender, items, counts };
  }

  /** One page, oldest first (then by id, so the order never changes between pages); only the page's organisations are read. */
  private async pageFor(
    tender: OwnTender,
    filters: InterestFilters,
    requested: number,
    pageSize: number,
  ): Promise<ListPage<OfficerInterest>> {
    const query: Record<string, unknown> = { tender: tender._id, borough: tender.borough };
    if (filters.sector) query.sector = filters.sector;
    if (filters.size) query.size = filters.size;
    if (filters.status) query.status = filters.status;
    if (filters.lot) query.lotIds = filters.lot;
    // The copy of the organisation's warnings on each interest is kept up to date with its profile.
    if (filters.sectorCheck === 'warning') query.sectorWarnings = mongoose.trusted({ $gt: 0 });
    const total = await this.interests.countDocuments(query);
    const { page, pageCount, skip } = pageWindow(requested, total, pageSize);
    const docs = (await this.interests.find(query).sort({ createdAt: 1, _id: 1 }).skip(skip).limit(pageSize).lean()) as InterestRecord[];
    const orgs = await this.suppliers.byIds(docs.map((d) => d.organisation.toString()));
    const items = docs.map((d) => {
      const org = orgs.get(d.organisation.toString());
      return { ...this.toView(d, org?.name ?? ''), sectorWarnings: org?.sectorWarnings ?? [] };
    });
    return { items, total, page, pageSize, pageCount };
  }

  private async countsFor(tender: OwnTender): Promise<InterestCounts> {
    // Streamed with a narrow projection: memory stays flat however many interests there are.
    const active = new Map<Sector, number>(SECTORS.map((sector) => [sector, 0]));
    let withdrawn = 0;
    for await (const d of streamCursor(this.interests.find({ tender: tender._id }, { sector: 1, status: 1 }).lean().cursor())) {
      if (d.status === 'active') active.set(d.sector, (active.get(d.sector) ?? 0) + 1);
      else withdrawn += 1;
    }
    const bySector = SECTORS.map((sector) => ({ sector, interests: active.get(sector) ?? 0 }));
    const total = bySector.reduce((sum, s) => sum + s.interests, 0);
    const thirdSector = bySector.filter((s) => THIRD_SECTOR.includes(s.sector)).reduce((sum, s) => sum + s.interests, 0);
    return { bySector, thirdSector, otherSectors: total - thirdSector, total, withdrawn };
  }

  /**
   * Organisations that opted in to partnering on this exercise, for a supplier whose own organisation
   * opted in too. Nobody else is listed, and nobody else may look.
   */
  async partners(tenderId: string, actor: PublicUser): Promise<Partner[]> {
    const organisation = this.organisationOf(actor);
    const tender = await this.tenders.findVisible(tenderId, actor);
    const own = await this.interests.findOne({ tender: tender._id, organisation, status: 'active' }).lean();
    if (!own?.willingToPartner) {
      throw new ForbiddenError('not_opted_in', 'Only organisations that are interested and willing to partner can see each other');
    }
    const docs = (await this.interests
      .find({ tender: tender._id, status: 'active', willingToPartner: true, organisation: mongoose.trusted({ $ne: organisation }) })
      .sort({ createdAt: 1, _id: 1 })
      .limit(MOST_LISTED)
      .lean()) as InterestRecord[];
    const orgs = await this.suppliers.byIds(docs.map((d) => d.organisation.toString()));
    return docs.map((d) => ({
      organisationId: d.organisation.toString(),
      name: orgs.get(d.organisation.toString())?.name ?? '',
      sector: d.sector,
      lotIds: [...d.lotIds],
      contactName: d.contactName,
      contactEmail: d.contactEmail,
    }));
  }

  /**
   * Every interest in one exercise (withdrawn ones too), streamed with a projection for reports; organisations
   * are looked up a batch at a time (large batches: the embedded engine scans for each lookup), so memory stays bounded.
   */
  async *streamForReport(tender: { _id: Types.ObjectId; borough: Types.ObjectId }, batchSize = 5_000): AsyncGenerator<ReportInterest> {
    const projection = { organisation: 1, sector: 1, size: 1, status: 1, lotIds: 1, heardVia: 1, organisationName: 1, sectorWarnings: 1 };
    const cursor = this.interests.find({ tender: tender._id, borough: tender.borough }, projection).sort({ createdAt: 1 }).lean().cursor();
    let batch: ReportInterestDoc[] = [];
    for await (const doc of streamCursor(cursor)) {
      batch.push(doc as ReportInterestDoc);
      if (batch.length >= batchSize) {
        yield* await this.withOrganisations(batch);
        batch = [];
      }
    }
    if (batch.length) yield* await this.withOrganisations(batch);
  }

  /** The batch with names: copied on the interest, or looked up for records kept before names were copied. */
  private async withOrganisations(batch: ReportInterestDoc[]): Promise<ReportInterest[]> {
    const older = batch.filter((d) => d.organisationName == null).map((d) => d.organisation.toString());
    const looked = older.length ? await this.suppliers.reportSummaries(older) : new Map<string, { name: string; sectorWarnings: number }>();
    return batch.map((d) => {
      const org =
        d.organisationName == null
          ? looked.get(d.organisation.toString())
          : { name: d.organisationName, sectorWarnings: d.sectorWarnings ?? 0 };
      return {
        organisationId: d.organisation.toString(),
        organisationName: org?.name ?? '',
        sector: d.sector,
        size: d.size,
        status: d.status,
        lotIds: [...(d.lotIds ?? [])],
        heardVia: d.heardVia,
        sectorWarnings: org?.sectorWarnings ?? 0,
      };
    });
  }

  /**
   * Every interest in one exercise, streamed for the shared findings: only what they count (no names, no contacts).
   * The caller decides which exercises may be counted.
   */
  async *streamForFindings(
    tenderId: string,
  ): AsyncGenerator<{ organisationId: string; sector: Sector; heardVia: string; createdAt: Date; status: InterestStatus }> {
    if (!Types.ObjectId.isValid(tenderId)) return;
    const projection = { organisation: 1, sector: 1, heardVia: 1, createdAt: 1, status: 1 };
    const cursor = this.interests
      .find({ tender: new Types.ObjectId(tenderId) }, projection)
      .lean()
      .cursor();
    for await (const d of streamCursor(cursor)) {
      yield { organisationId: d.organisation.toString(), sector: d.sector, heardVia: d.heardVia, createdAt: d.createdAt, status: d.status };
    }
  }

  /** Organisations with an interest that is not withdrawn: they hear about published answers. */
  async interestedOrganisations(tenderId: string): Promise<string[]> {
    if (!Types.ObjectId.isValid(tenderId)) return [];
    // bounded: one id per interested organisation, and every one of them is told.
    const ids = await this.interests.distinct('organisation', { tender: new Types.ObjectId(tenderId), status: 'active' });
    return ids.map(String);
  }

  /** The same, read once for all the panels of a page that show them. */
  forOrganisationOnce(actor: PublicUser, shared: SharedReads): Promise<MyInterest[]> {
    return shared.once(`interests-of:${actor.id}`, () => this.forOrganisation(actor));
  }

  /** The organisation's interests with their exercises, newest first, for its dashboard. */
  async forOrganisation(actor: PublicUser): Promise<MyInterest[]> {
    const organisation = this.organisationOf(actor);
    const docs = (await this.interests.find({ organisation }).sort({ createdAt: -1 }).limit(MOST_ON_DASHBOARD).lean()) as InterestRecord[];
    if (!docs.length) return [];
    const [org, tenders] = await Promise.all([
      this.suppliers.getOrganisation(organisation.toString()),
      this.tenders.byIds(docs.map((d) => d.tender)),
    ]);
    const byId = new Map(tenders.map((t) => [t._id.toString(), this.tenders.toApi(t, actor as Actor)]));
    return docs.flatMap((d) => {
      const view = byId.get(d.tender.toString());
      if (!view) return [];
      return [
        {
          interest: this.toView(d, org.name),
          tender: {
            id: view.id,
            title: view.title,
            reference: view.reference,
            status: view.status,
            borough: view.borough.name,
            eoiDeadline: view.eoiDeadline,
            questionnaireDeadline: view.questionnaireDeadline,
          },
        },
      ];
    });
  }
}
