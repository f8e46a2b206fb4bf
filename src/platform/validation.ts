import type { z } from 'zod';
import { ValidationError, type FieldErrors } from './errors';

/** Turns zod issues into one message per field, the first issue for a field winning. */
export function fieldErrors(error: z.ZodError): FieldErrors {
  const fields: FieldErrors = {};
  for (const issue of error.issues) {
    const key = issue.path.length > 0 ? issue.path.map(String).join('.') : '_';
    fields[key] ??= issue.message;
  }
  return fields;
}

/** Parses input against a schema, throwing a 422 ValidationError with per-field messages. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  const result = schema.safeParse(input);
  if (!result.success) throw new ValidationError(fieldErrors(result.error));
  return result.data;
}

/** A GOV.UK error summary list from field errors, linking each message to its field. */
export function errorSummary(fields: FieldErrors): { text: string; href: string }[] {
  return Object.entries(fields).map(([field, text]) => ({ text, href: `#${field.replace(/\./g, '-')}` }));
}
