import type { AuthService, PublicUser } from '../../src/auth';
import type { Express } from 'express';
import type supertest from 'supertest';
import { apiClient, STRONG_PASSWORD } from './app';

let counter = 0;

/** A unique email address for a test. */
export function uniqueEmail(prefix = 'user'): string {
  counter += 1;
  return `${prefix}-${process.pid}-${counter}@example.org`;
}

export function createOfficer(auth: AuthService, borough = 'camden', email = uniqueEmail('officer')): Promise<PublicUser> {
  return auth.createUser({ role: 'officer', email, password: STRONG_PASSWORD, name: 'Olive Officer', borough });
}

export function createAdmin(auth: AuthService, email = uniqueEmail('admin')): Promise<PublicUser> {
  return auth.createUser({ role: 'admin', email, password: STRONG_PASSWORD, name: 'Ada Admin' });
}

/** A valid registration body for POST /api/v1/auth/register. */
export function registration(overrides: { organisation?: Record<string, unknown> } & Record<string, unknown> = {}) {
  const { organisation, ...rest } = overrides;
  return {
    email: uniqueEmail('supplier'),
    password: STRONG_PASSWORD,
    name: 'Sam Supplier',
    organisation: {
      name: 'Friends of the Library',
      sector: 'voluntary',
      legalForm: 'registered_charity',
      size: 'small',
      identifiers: [{ scheme: 'GB-CHC', id: '1123456' }],
      postcode: 'se1 7pb',
      areas: ['southwark', 'lambeth'],
      ...organisation,
    },
    ...rest,
  };
}

/** A valid body for POST /api/v1/tenders, with deadlines after the test clock's start (2027-01-10). */
export function tenderBody(overrides: Record<string, unknown> = {}) {
  return {
    title: 'Community library services in the north of the borough',
    summary: 'We want to hear from groups who could run three small libraries. Tell us what would help you take part.',
    specification: 'The provider will run three branch libraries, open at least 40 hours a week, with a home library service.',
    lots: [
      { title: 'Branch libraries', description: 'Three branches', estimatedAnnualValue: 450000 },
      { title: 'Home library service', description: 'Deliveries to housebound residents', estimatedAnnualValue: 60000 },
    ],
    estimatedValue: { min: 1500000, max: 2500000 },
    contractTermMonths: 60,
    tupe: 'yes',
    clarificationDeadline: '2027-02-01T12:00:00Z',
    eoiDeadline: '2027-02-15T12:00:00Z',
    questionnaireDeadline: '2027-03-01T12:00:00Z',
    sealed: false,
    shareFindings: true,
    thirdSectorTarget: 0.3,
    ...overrides,
  };
}

/** A new supplier organisation, registered through the API and signed in, with its CSRF token and email. */
export async function registeredSupplier(
  app: Express,
  overrides: Parameters<typeof registration>[0] = {},
): Promise<{ agent: supertest.Agent; csrfToken: string; email: string; organisationId: string }> {
  const client = await apiClient(app);
  const body = registration(overrides);
  const res = await client.agent.post('/api/v1/auth/register').set('X-CSRF-Token', client.csrfToken).send(body);
  if (res.status !== 201) throw new Error(`registration failed: ${res.status} ${JSON.stringify(res.body)}`);
  return {
    agent: client.agent,
    csrfToken: res.body.csrfToken as string,
    email: body.email,
    organisationId: res.body.user.organisationId as string,
  };
}

/** tenderBody() with deadlines in February and March of next year, for tests that run on the real clock. */
export function tenderBodyNextYear(overrides: Record<string, unknown> = {}) {
  const year = new Date().getFullYear() + 1;
  return tenderBody({
    clarificationDeadline: `${year}-02-01T12:00:00.000Z`,
    eoiDeadline: `${year}-02-15T12:00:00.000Z`,
    questionnaireDeadline: `${year}-03-01T12:00:00.000Z`,
    ...overrides,
  });
}
