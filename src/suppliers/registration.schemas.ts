import { z } from 'zod';
import { checkPassword, newUserFields } from '../auth';
import { organisationInputSchema } from './suppliers.schemas';

/** A supplier registering: its first user and its organisation, in one body (POST /api/v1/auth/register). */
export function registerSchema(boroughSlugs: readonly string[]) {
  return z.object({ ...newUserFields, organisation: organisationInputSchema(boroughSlugs) }).superRefine(checkPassword);
}

export type RegisterInput = z.infer<ReturnType<typeof registerSchema>>;
