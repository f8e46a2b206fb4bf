import type { OrganisationInput } from './suppliers';
import type { Services } from './services';

/** Everyone in the demo signs in with this password. Demo data is for trying the portal, never for live use. */
export const DEMO_PASSWORD = 'library demo 2026';

export const DEMO_BOROUGHS = ['camden', 'hackney', 'lambeth', 'barnet'] as const;

export const DEMO_SUPPLIERS: { email: string; name: string; organisation: OrganisationInput }[] = [
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

export interface DemoLogin {
  role: string;
  email: string;
  detail: string;
}

/** Adds the demo accounts; running it again changes nothing. Returns the logins to print. */
export async function seedDemo({ auth }: Services): Promise<DemoLogin[]> {
  const logins: DemoLogin[] = [];
  const ensure = async (email: string, create: () => Promise<unknown>) => {
    if (!(await auth.findByEmail(email))) await create();
  };
  for (const slug of DEMO_BOROUGHS) {
    const email = `officer@${slug}.example.org`;
    await ensure(email, () =>
      auth.createUser({
        role: 'officer',
        email,
        password: DEMO_PASSWORD,
        name: `${auth.boroughBySlug(slug)?.name} officer`,
        borough: slug,
      }),
    );
    logins.push({ role: 'officer', email, detail: auth.boroughBySlug(slug)?.name ?? slug });
  }
  await ensure('programme@example.org', () =>
    auth.createUser({
      role: 'programme',
      email: 'programme@example.org',
      password: DEMO_PASSWORD,
      name: 'London Library Change Programme',
    }),
  );
  logins.push({ role: 'programme', email: 'programme@example.org', detail: 'cross-borough findings' });
  for (const supplier of DEMO_SUPPLIERS) {
    await ensure(supplier.email, () =>
      auth.register({ email: supplier.email, password: DEMO_PASSWORD, name: supplier.name, organisation: supplier.organisation }),
    );
    logins.push({ role: 'supplier', email: supplier.email, detail: `${supplier.organisation.name} (${supplier.organisation.sector})` });
  }
  return logins;
}
