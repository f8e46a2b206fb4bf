import { z } from 'zod';
import { emailAddress } from '../auth';
import { boroughSlugs } from '../platform/boroughs';

const email = emailAddress;

/** Ticked boroughs: one value or several from a form, a list from JSON; none means every London borough. */
const boroughs = z
  .union([z.string(), z.array(z.string())], { message: 'Choose boroughs from the list' })
  .optional()
  .transform((value) => [...new Set(value === undefined ? [] : Array.isArray(value) ? value : [value])].sort())
  .refine((slugs) => slugs.every((slug) => boroughSlugs.includes(slug)), 'Choose boroughs from the list');

/** Someone without an account (or signed out) asks for alerts to an address. */
export const alertSignUpSchema = z.object({ email, boroughs });

/** A signed-in user asks for alerts to their own account address. */
export const accountAlertsSchema = z.object({ boroughs });

const token = z.string({ message: 'The link is not complete' }).min(1, 'The link is not complete').max(200, 'The link is not valid');

/** The token a confirmation or unsubscribe link carries, posted back from its page. */
export const tokenSchema = z.object({ token });
