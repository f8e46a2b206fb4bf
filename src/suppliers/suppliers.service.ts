import mongoose, { Types, type Connection } from 'mongoose';
import { NotFoundError } from '../platform/errors';
import { organisationModel, type OrganisationModel } from './organisation.model';
import type { OrganisationInput } from './suppliers.schemas';
import { sectorCheckWarnings, type Sector } from './sectors';

export interface OrganisationSummary {
  id: string;
  name: string;
  sector: Sector;
  size: string;
  sectorWarnings: string[];
}

/** The whole profile, as its own users see it (and officers of exercises it is interested in). */
export interface Organisation extends OrganisationSummary {
  legalForm: string;
  identifiers: { scheme: string; id: string }[];
  postcode: string;
  areas: string[];
  address: string;
  staffCount: number | null;
  turnoverBand: string | null;
  largestContractValue: number | null;
  contact: { name: string; email: string; phone: string } | null;
  updatedAt: string;
}

/** An organisation as read from the database (lean). */
interface OrganisationDoc {
  _id: { toString(): string };
  name: string;
  sector: Sector;
  size: string;
  sectorWarnings: string[];
  legalForm: string;
  identifiers: { scheme: string; id: string }[];
  postcode: string;
  areas: string[];
  address?: string | null;
  staffCount?: number | null;
  turnoverBand?: string | null;
  largestContractValue?: number | null;
  contact?: { name?: string | null; email?: string | null; phone?: string | null } | null;
  updatedAt?: Date;
}

function toOrganisation(o: OrganisationDoc): Organisation {
  return {
    id: o._id.toString(),
    name: o.name,
    sector: o.sector,
    size: o.size,
    sectorWarnings: [...o.sectorWarnings],
    legalForm: o.legalForm,
    identifiers: o.identifiers.map((i) => ({ scheme: i.scheme, id: i.id })),
    postcode: o.postcode,
    areas: [...o.areas],
    address: o.address ?? '',
    staffCount: o.staffCount ?? null,
    turnoverBand: o.turnoverBand ?? null,
    largestContractValue: o.largestContractValue ?? null,
    contact: o.contact ? { name: o.contact.name ?? '', email: o.contact.email ?? '', phone: o.contact.phone ?? '' } : null,
    updatedAt: (o.updatedAt ?? new Date(0)).toISOString(),
  };
}

/** What other records copy of an organisation (interests, for counting and reports), with the profile revision it came from. */
export interface OrganisationCopy {
  id: string;
  name: string;
  sector: Sector;
  size: string;
  sectorWarnings: number;
  revision: number;
}

const copyOf = (o: OrganisationDoc & { revision?: number | null }): OrganisationCopy => ({
  id: o._id.toString(),
  name: o.name,
  sector: o.sector,
  size: o.size,
  sectorWarnings: o.sectorWarnings?.length ?? 0,
  revision: o.revision ?? 0,
});

export class SuppliersService {
  readonly organisations: OrganisationModel;
  private readonly updateListeners: ((copy: OrganisationCopy) => Promise<void>)[] = [];

  constructor(conn: Connection) {
    this.organisations = organisationModel(conn);
  }

  async createOrganisation(input: OrganisationInput): Promise<OrganisationSummary> {
    const org = await this.organisations.create({ ...input, sectorWarnings: sectorCheckWarnings(input.sector, input.identifiers) });
    return { id: org.id as string, name: org.name, sector: org.sector, size: org.size, sectorWarnings: org.sectorWarnings };
  }

  async getOrganisation(id: string): Promise<Organisation> {
    if (!Types.ObjectId.isValid(id)) throw new NotFoundError('Organisation not found');
    const org = await this.organisations.findById(id).lean();
    if (!org) throw new NotFoundError('Organisation not found');
    return toOrganisation(org as unknown as OrganisationDoc);
  }

  /** What interests copy of an organisation, with its profile revision. */
  async copyFor(id: string): Promise<OrganisationCopy> {
    if (!Types.ObjectId.isValid(id)) throw new NotFoundError('Organisation not found');
    const org = await this.organisations.findById(id, { name: 1, sector: 1, size: 1, sectorWarnings: 1, revision: 1 }).lean();
    if (!org) throw new NotFoundError('Organisation not found');
    return copyOf(org as unknown as OrganisationDoc);
  }

  /** Organisations by id, for officers' views of those interested in their exercises. */
  async byIds(ids: string[]): Promise<Map<string, Organisation>> {
    const unique = [...new Set(ids)].filter((id) => Types.ObjectId.isValid(id));
    if (!unique.length) return new Map();
    const docs = await this.organisations.find({ _id: mongoose.trusted({ $in: unique }) }).lean();
    return new Map(docs.map((d) => [d._id.toString(), toOrganisation(d as unknown as OrganisationDoc)]));
  }

  /** Names and the number of sector-check warnings by id, for reports (a projection: no contact details are read). */
  async reportSummaries(ids: string[]): Promise<Map<string, { name: string; sectorWarnings: number }>> {
    const unique = [...new Set(ids)].filter((id) => Types.ObjectId.isValid(id));
    if (!unique.length) return new Map();
    const docs = await this.organisations.find({ _id: mongoose.trusted({ $in: unique }) }, { name: 1, sectorWarnings: 1 }).lean();
    return new Map(docs.map((d) => [d._id.toString(), { name: d.name, sectorWarnings: d.sectorWarnings?.length ?? 0 }]));
  }

  /** Replaces the profile. The sector check runs again; its warnings never block the change. */
  async updateOrganisation(id: string, input: OrganisationInput): Promise<Organisation> {
    if (!Types.ObjectId.isValid(id)) throw new NotFoundError('Organisation not found');
    const updated = await this.organisations
      .findOneAndUpdate(
        { _id: new Types.ObjectId(id) },
        { $set: { ...input, sectorWarnings: sectorCheckWarnings(input.sector, input.identifiers) }, $inc: { revision: 1 } },
        { returnDocument: 'after', runValidators: true },
      )
      .lean();
    if (!updated) throw new NotFoundError('Organisation not found');
    const org = toOrganisation(updated as unknown as OrganisationDoc);
    for (const listener of this.updateListeners) await listener(copyOf(updated as unknown as OrganisationDoc));
    return org;
  }

  /**
   * Other features that keep copies of an organisation's details register here to hear of changes. Changes can
   * arrive out of order from several app servers: a copy should be replaced only by one of a newer revision.
   */
  onUpdated(listener: (copy: OrganisationCopy) => Promise<void>): void {
    this.updateListeners.push(listener);
  }

  /** Organisation names by id, for officers' views. */
  async namesByIds(ids: string[]): Promise<Map<string, string>> {
    const unique = [...new Set(ids)];
    if (!unique.length) return new Map();
    const docs = await this.organisations.find({ _id: mongoose.trusted({ $in: unique }) }, { name: 1 }).lean();
    return new Map(docs.map((d) => [d._id.toString(), d.name]));
  }

  /** Removes an organisation created moments ago whose first user could not be created. */
  async discardOrganisation(id: string): Promise<void> {
    await this.organisations.deleteOne({ _id: id });
  }
}
