/** Readers for urlencoded form fields, shared by every page form that feeds a JSON-API schema. */

/** A text field, trimmed; anything that is not text is empty. */
export function textField(value: unknown): string {
  return typeof value === 'string' ? value.trim() : '';
}

/** A field that may come once (a string) or many times (an array), as a list. */
export function asList(value: unknown): string[] {
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string');
  return typeof value === 'string' && value !== '' ? [value] : [];
}

/**
 * A number typed into a form: blank is null, "£1,200" is 1200; anything else goes on as text, so the
 * schema reports it against its field.
 */
export function numberFromForm(value: unknown): number | string | null {
  const compact = textField(value).replace(/[£,\s]/g, '');
  if (compact === '') return null;
  return /^-?\d+(\.\d+)?$/.test(compact) ? Number(compact) : textField(value);
}
