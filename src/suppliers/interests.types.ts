import type { InterestStatus } from './interest.model';
import type { OrganisationSize, Sector } from './sectors';

/** Interests as the API, the pages and other features see them. */

export interface Interest {
  id: string;
  tenderId: string;
  organisation: { id: string; name: string; sector: Sector; size: string };
  lotIds: string[];
  contactName: string;
  contactEmail: string;
  consortium: boolean;
  willingToPartner: boolean;
  heardVia: string;
  heardViaOther: string;
  status: InterestStatus;
  createdAt: string;
  withdrawnAt: string | null;
}

/** What officers see: the interest with the organisation's sector-check warnings. */
export interface OfficerInterest extends Interest {
  sectorWarnings: string[];
}

export interface SectorCount {
  sector: Sector;
  interests: number;
}

export interface InterestCounts {
  bySector: SectorCount[];
  thirdSector: number;
  otherSectors: number;
  total: number;
  withdrawn: number;
}

/** An exercise the organisation is interested in, for its dashboard. */
export interface MyInterest {
  interest: Interest;
  tender: {
    id: string;
    title: string;
    reference: string;
    status: string;
    borough: string;
    eoiDeadline: string;
    questionnaireDeadline: string;
  };
}

/** One interest as reports count it: the organisation's name and sector-check warnings, never contact details. */
export interface ReportInterest {
  organisationId: string;
  organisationName: string;
  sector: Sector;
  size: OrganisationSize;
  status: InterestStatus;
  lotIds: string[];
  heardVia: string;
  sectorWarnings: number;
}

export interface Partner {
  organisationId: string;
  name: string;
  sector: Sector;
  lotIds: string[];
  contactName: string;
  contactEmail: string;
}
