import mongoose, { type Connection } from 'mongoose';
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

export class SuppliersService {
  readonly organisations: OrganisationModel;

  constructor(conn: Connection) {
    this.organisations = organisationModel(conn);
  }

  async createOrganisation(input: OrganisationInput): Promise<OrganisationSummary> {
    const org = await this.organisations.create({ ...input, sectorWarnings: sectorCheckWarnings(input.sector, input.identifiers) });
    return { id: org.id as string, name: org.name, sector: org.sector, size: org.size, sectorWarnings: org.sectorWarnings };
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
