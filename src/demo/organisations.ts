import type { OrganisationDraft } from '../suppliers';

/**
 * About thirty demo organisations across the four sectors, each with the demo boroughs whose
 * exercises it expresses interest in. Hackney's exercise deliberately draws few third-sector
 * organisations, so the weak-response analysis has something to show.
 */
export interface DemoOrganisation {
  email: string;
  name: string;
  organisation: OrganisationDraft;
  interestedIn: string[];
  willingToPartner: boolean;
  heardVia: 'council_website' | 'contracts_finder' | 'find_a_tender' | 'cvs_network' | 'newsletter' | 'event' | 'word_of_mouth';
}

type Row = [
  name: string,
  sector: 'private' | 'public' | 'voluntary' | 'social_enterprise',
  legalForm: string,
  size: 'micro' | 'small' | 'medium' | 'large',
  identifier: [scheme: string, id: string] | null,
  postcode: string,
  interestedIn: string,
  heardVia: DemoOrganisation['heardVia'],
];

const ROWS: Row[] = [
  [
    'Libraries Plus Ltd',
    'private',
    'company',
    'large',
    ['GB-COH', '03456781'],
    'EC2A 4NE',
    'camden hackney lambeth barnet',
    'find_a_tender',
  ],
  [
    'Civic Learning Services Ltd',
    'private',
    'company',
    'medium',
    ['GB-COH', '07812345'],
    'WC1X 8HB',
    'camden hackney lambeth',
    'contracts_finder',
  ],
  ['Shelf Life Facilities Ltd', 'private', 'company', 'medium', ['GB-COH', '09123456'], 'E14 5AB', 'hackney barnet', 'find_a_tender'],
  ['Page Turner Partners LLP', 'private', 'partnership', 'small', ['GB-COH', '08765432'], 'N1 9GU', 'camden lambeth', 'contracts_finder'],
  ['Digital Reading Rooms Ltd', 'private', 'company', 'small', ['GB-COH', '11234567'], 'SE1 9SG', 'lambeth hackney', 'council_website'],
  ['Quiet Spaces Management Ltd', 'private', 'company', 'large', ['GB-COH', '02345678'], 'W1T 3JH', 'barnet camden', 'find_a_tender'],
  ['Ana Ruiz Storytelling', 'private', 'sole_trader', 'micro', null, 'SW9 7AB', 'lambeth', 'word_of_mouth'],
  ['Metro Mobile Libraries Ltd', 'private', 'company', 'medium', ['GB-COH', '06543210'], 'E8 3RL', 'hackney', 'contracts_finder'],
  ['London Borough Library Consortium', 'public', 'council', 'large', null, 'NW1 2DB', 'camden barnet', 'event'],
  ['North Thames College', 'public', 'education_body', 'large', null, 'N7 0SP', 'camden hackney', 'newsletter'],
  ['Whittington Health Library', 'public', 'nhs_body', 'medium', null, 'N19 5NF', 'camden', 'council_website'],
  ['South London Learning Trust (academies)', 'public', 'education_body', 'large', null, 'SE5 8AZ', 'lambeth', 'event'],
  ['Friends of Highgate Library', 'voluntary', 'registered_charity', 'micro', ['GB-CHC', '1134567'], 'N6 5JL', 'camden', 'cvs_network'],
  ['Belsize Community Library', 'voluntary', 'cio', 'micro', ['GB-CHC', '1167890'], 'NW3 4NR', 'camden', 'word_of_mouth'],
  ['Kentish Town Readers Association', 'voluntary', 'unincorporated_association', 'micro', null, 'NW5 1TR', 'camden', 'cvs_network'],
  ['Brixton Book Club Trust', 'voluntary', 'trust', 'small', ['GB-CHC', '1098123'], 'SW2 1RW', 'lambeth', 'cvs_network'],
  ['Age Well Lambeth', 'voluntary', 'charitable_company', 'medium', ['GB-CHC', '1045678'], 'SE11 5DP', 'lambeth', 'newsletter'],
  ['Streatham Stories', 'voluntary', 'community_group', 'micro', null, 'SW16 1AB', 'lambeth', 'event'],
  ['Barnet Volunteers Network', 'voluntary', 'registered_charity', 'small', ['GB-CHC', '1123987'], 'EN5 4QT', 'barnet', 'cvs_network'],
  ['Edgware Community Hub', 'voluntary', 'cio', 'small', ['GB-CHC', '1176543'], 'HA8 7BD', 'barnet', 'council_website'],
  ['Hackney Literacy Project', 'voluntary', 'registered_charity', 'small', ['GB-CHC', '1087654'], 'E5 0LL', 'hackney', 'cvs_network'],
  ['Reading for Carers', 'voluntary', 'charitable_company', 'micro', ['GB-CHC', '1190123'], 'NW1 0JH', 'camden barnet', 'newsletter'],
  ['Library Lab CIC', 'social_enterprise', 'cic', 'small', ['GB-COH', '12345678'], 'SE1 7PB', 'lambeth camden', 'event'],
  ['Story Bus Co-operative', 'social_enterprise', 'cooperative', 'micro', ['GB-MPR', '31876R'], 'E8 1DY', 'hackney', 'word_of_mouth'],
  [
    'Community Libraries Mutual',
    'social_enterprise',
    'public_service_mutual',
    'medium',
    ['GB-COH', '10987654'],
    'NW4 4BT',
    'barnet camden',
    'council_website',
  ],
  [
    'Learning Together Community Benefit Society',
    'social_enterprise',
    'community_benefit_society',
    'small',
    ['GB-MPR', 'RS007654'],
    'SW9 8EJ',
    'lambeth',
    'cvs_network',
  ],
];

const slug = (name: string) =>
  name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');

export const DEMO_ORGANISATIONS: DemoOrganisation[] = ROWS.map(
  ([name, sector, legalForm, size, identifier, postcode, interestedIn, heardVia], i) => ({
    email: `${slug(name)}@demo.example.org`,
    name: `Contact at ${name}`,
    organisation: {
      name,
      sector,
      legalForm: legalForm as OrganisationDraft['legalForm'],
      size,
      identifiers: identifier ? [{ scheme: identifier[0] as 'GB-COH', id: identifier[1] }] : [],
      postcode,
      areas: interestedIn.split(' '),
      staffCount: { micro: 4, small: 25, medium: 120, large: 900 }[size],
    },
    interestedIn: interestedIn.split(' '),
    willingToPartner: i % 2 === 0,
    heardVia,
  }),
);
