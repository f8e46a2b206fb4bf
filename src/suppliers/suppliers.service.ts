import type { Connection } from 'mongoose';
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

  /** Removes an organisation created moments ago whose first user could not be created. */
  async discardOrganisation(id: string): Promise<void> {
    await this.organisations.deleteOne({ _id: id });
  }
}
