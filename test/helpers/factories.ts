import type { AuthService, PublicUser } from '../../src/auth';
import { STRONG_PASSWORD } from './app';

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
