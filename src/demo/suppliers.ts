import type { OrganisationDraft } from '../suppliers';

/** The demo suppliers who sign in, each with the organisation they registered. */
export const DEMO_SUPPLIERS: { email: string; name: string; organisation: OrganisationDraft }[] = [
  {
    email: 'bookwise@example.org',
    name: 'Priya Shah',
    organisation: {
      name: 'Bookwise Library Services Ltd',
      sector: 'private',
      legalForm: 'company',
      size: 'large',
      identifiers: [{ scheme: 'GB-COH', id: '04567890' }],
      postcode: 'EC1A 1BB',
      areas: ['camden', 'barnet'],
    },
  },
  {
    email: 'shared-services@example.org',
    name: 'Tom Okafor',
    organisation: {
      name: 'North London Shared Services',
      sector: 'public',
      legalForm: 'council',
      size: 'large',
      identifiers: [],
      postcode: 'N1 1XR',
      areas: ['hackney', 'camden'],
    },
  },
  {
    email: 'friends@example.org',
    name: 'Margaret Ellis',
    organisation: {
      name: 'Friends of Kentish Town Library',
      sector: 'voluntary',
      legalForm: 'registered_charity',
      size: 'micro',
      identifiers: [{ scheme: 'GB-CHC', id: '1123456' }],
      postcode: 'NW5 2TU',
      areas: ['camden'],
    },
  },
  {
    email: 'readers-coop@example.org',
    name: 'Adebayo Cole',
    organisation: {
      name: 'Brixton Readers Co-operative',
      sector: 'social_enterprise',
      legalForm: 'community_benefit_society',
      size: 'small',
      identifiers: [{ scheme: 'GB-MPR', id: '31234R' }],
      postcode: 'SW9 8JX',
      areas: ['lambeth'],
    },
  },
];
