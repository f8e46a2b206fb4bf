/** The four sectors, in the order every report shows them. */
export const SECTORS = ['private', 'public', 'voluntary', 'social_enterprise'] as const;
export type Sector = (typeof SECTORS)[number];

export const SECTOR_LABELS: Record<Sector, string> = {
  private: 'Private sector',
  public: 'Public sector',
  voluntary: 'Voluntary and community sector',
  social_enterprise: 'Social enterprise (CICs, community benefit societies, co-operatives, mutuals)',
};

/** The sector in a tag or a table cell, where the full label would be cut short. */
export const SECTOR_SHORT_LABELS: Record<Sector, string> = {
  private: 'Private sector',
  public: 'Public sector',
  voluntary: 'Voluntary and community sector',
  social_enterprise: 'Social enterprise',
};

export const SECTOR_HINTS: Record<Sector, string> = {
  private: 'Businesses run for profit, such as companies, partnerships and sole traders.',
  public: 'Councils, NHS bodies, schools, colleges, universities and other public bodies.',
  voluntary: 'Charities, community groups, trusts and other not-for-profit groups run for a social purpose.',
  social_enterprise:
    'Businesses that trade for a social purpose and reinvest their profits, such as community interest companies and co-operatives.',
};

/** Voluntary, community and social enterprise (VCSE) organisations. */
export const THIRD_SECTOR: readonly Sector[] = ['voluntary', 'social_enterprise'];

export function isThirdSector(sector: Sector): boolean {
  return THIRD_SECTOR.includes(sector);
}

/** UK SME sizes by staff and turnover. */
export const SIZES = ['micro', 'small', 'medium', 'large'] as const;
export type OrganisationSize = (typeof SIZES)[number];

export const SIZE_LABELS: Record<OrganisationSize, string> = {
  micro: 'Micro (fewer than 10 staff and turnover up to £2 million)',
  small: 'Small (fewer than 50 staff and turnover up to £10 million)',
  medium: 'Medium (fewer than 250 staff and turnover up to £44 million)',
  large: 'Large (250 staff or more, or turnover over £44 million)',
};

interface LegalForm {
  label: string;
  /** The sector this legal form belongs to; null where the organisation chooses (consortium, other). */
  sector: Sector | null;
}

export const LEGAL_FORMS = {
  company: { label: 'Company (limited or public limited company)', sector: 'private' },
  partnership: { label: 'Partnership or limited liability partnership', sector: 'private' },
  sole_trader: { label: 'Sole trader', sector: 'private' },
  council: { label: 'Council or other local authority', sector: 'public' },
  nhs_body: { label: 'NHS body', sector: 'public' },
  education_body: { label: 'School, college or university', sector: 'public' },
  other_public_body: { label: 'Other public body', sector: 'public' },
  registered_charity: { label: 'Registered charity', sector: 'voluntary' },
  cio: { label: 'Charitable incorporated organisation (CIO)', sector: 'voluntary' },
  charitable_company: { label: 'Charitable company', sector: 'voluntary' },
  community_group: { label: 'Community group', sector: 'voluntary' },
  unincorporated_association: { label: 'Unincorporated association', sector: 'voluntary' },
  trust: { label: 'Trust', sector: 'voluntary' },
  cic: { label: 'Community interest company (CIC)', sector: 'social_enterprise' },
  community_benefit_society: { label: 'Community benefit society', sector: 'social_enterprise' },
  cooperative: { label: 'Co-operative', sector: 'social_enterprise' },
  public_service_mutual: { label: 'Public service mutual', sector: 'social_enterprise' },
  consortium: { label: 'Consortium', sector: null },
  other: { label: 'Other', sector: null },
} as const satisfies Record<string, LegalForm>;

export type LegalFormKey = keyof typeof LEGAL_FORMS;
export const LEGAL_FORM_KEYS = Object.keys(LEGAL_FORMS) as [LegalFormKey, ...LegalFormKey[]];

/** Organisation identifier schemes (org-id.guide) with the formats their registers publish. */
export const IDENTIFIER_SCHEMES = {
  'GB-COH': { label: 'Companies House number', pattern: /^(\d{8}|[A-Z]{2}\d{6})$/, example: '01234567 or SC123456' },
  'GB-CHC': { label: 'Charity Commission (England and Wales) number', pattern: /^\d{6,7}$/, example: '1123456' },
  'GB-SC': { label: 'Scottish Charity Regulator (OSCR) number', pattern: /^SC\d{6}$/, example: 'SC012345' },
  'GB-NIC': { label: 'Charity Commission for Northern Ireland number', pattern: /^1\d{5}$/, example: '100123' },
  'GB-MPR': { label: 'FCA Mutuals Public Register number', pattern: /^(IP|RS)?\d{1,6}R?$/, example: '31234R or RS007654' },
} as const;

export type IdentifierScheme = keyof typeof IDENTIFIER_SCHEMES;
export const IDENTIFIER_SCHEME_KEYS = Object.keys(IDENTIFIER_SCHEMES) as [IdentifierScheme, ...IdentifierScheme[]];

const CHARITY_REGISTERS: readonly IdentifierScheme[] = ['GB-CHC', 'GB-SC', 'GB-NIC'];

/**
 * Register identifiers that contradict the chosen sector. These are warnings for officers to look at,
 * never a reason to refuse a registration.
 */
export function sectorCheckWarnings(sector: Sector, identifiers: { scheme: IdentifierScheme }[]): string[] {
  const warnings: string[] = [];
  const charity = identifiers.find((i) => CHARITY_REGISTERS.includes(i.scheme));
  if (charity && !isThirdSector(sector)) {
    warnings.push(`A ${IDENTIFIER_SCHEMES[charity.scheme].label} is given, but the sector is ${SECTOR_LABELS[sector]}.`);
  }
  if (sector === 'voluntary' && identifiers.length > 0 && identifiers.every((i) => i.scheme === 'GB-COH')) {
    warnings.push('Only a Companies House number is given for a voluntary organisation: check it is a charity or not-for-profit company.');
  }
  return warnings;
}

/** Yearly income bands, for officers to judge what size of contract an organisation could take on. */
export const TURNOVER_BANDS = ['under_100k', '100k_500k', '500k_2m', '2m_10m', '10m_44m', 'over_44m'] as const;
export type TurnoverBand = (typeof TURNOVER_BANDS)[number];

export const TURNOVER_LABELS: Record<TurnoverBand, string> = {
  under_100k: 'Less than £100,000',
  '100k_500k': '£100,000 to £500,000',
  '500k_2m': '£500,000 to £2 million',
  '2m_10m': '£2 million to £10 million',
  '10m_44m': '£10 million to £44 million',
  over_44m: 'More than £44 million',
};

/** Plain-English explanations of each legal form, shown while registering. */
export const LEGAL_FORM_HINTS: Record<LegalFormKey, string> = {
  company: 'Registered at Companies House and owned by shareholders.',
  partnership: 'Two or more people or firms running a business together.',
  sole_trader: 'One self-employed person running their own business.',
  council: 'A London borough, district or county council.',
  nhs_body: 'An NHS trust, integrated care board or other NHS organisation.',
  education_body: 'A school, academy trust, college or university.',
  other_public_body: 'Another body run by or for the government.',
  registered_charity: 'Registered with the Charity Commission or another charity regulator.',
  cio: 'A charity with its own legal identity, registered only with the Charity Commission.',
  charitable_company: 'A company limited by guarantee that is also a registered charity.',
  community_group: 'A local group run by volunteers, such as a friends of the library group.',
  unincorporated_association: 'A group of people with a constitution but no separate legal identity.',
  trust: 'A charitable trust run by trustees.',
  cic: 'A company that uses its profits and assets for the community, registered with the CIC regulator.',
  community_benefit_society: 'A society run for the benefit of the community, registered with the FCA.',
  cooperative: 'An organisation owned and run by its members, registered with the FCA.',
  public_service_mutual: 'An organisation that has left the public sector and is owned by its staff.',
  consortium: 'Several organisations bidding together. Choose the sector that describes most of you.',
  other: 'None of these. Choose the sector that describes you best.',
};
