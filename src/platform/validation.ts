import { z } from 'zod';
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

/** A filter left on its "any" choice comes as an empty value: it means the filter is not set. */
export const blankAsUnset = (value: unknown): unknown => (typeof value === 'string' && value.trim() === '' ? undefined : value);

/** An optional filter whose empty value means "any". */
export function optionalFilter<T extends z.ZodType>(schema: T) {
  return z.preprocess(blankAsUnset, schema.optional());
}

/**
 * Filters from a page's query string: each choice that makes sense is kept, and each that does not is left out with
 * a message for its field, so one bad value (a link edited by hand) does not throw away the others.
 */
export function parseFilters<S extends z.ZodObject>(schema: S, query: unknown): { filters: Partial<z.infer<S>>; errors?: FieldErrors } {
  const first = schema.safeParse(query);
  if (first.success) return { filters: first.data };
  const errors = fieldErrors(first.error);
  const kept = Object.fromEntries(
    Object.entries(typeof query === 'object' && query !== null ? query : {}).filter(([key]) => !Object.hasOwn(errors, key)),
  );
  const again = schema.safeParse(kept);
  return { filters: again.success ? again.data : {}, errors };
}
