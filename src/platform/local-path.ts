/**
 * A path on this portal to go to after signing in or registering, or undefined for anything else: it must start with
 * one "/" (not "//", which is another host), hold no backslash (browsers read it as "/") and no space or control
 * character (browsers drop tabs and newlines, so "/\t/evil.example" would become "//evil.example").
 */
export function localPath(value: unknown): string | undefined {
  if (typeof value !== 'string' || value.length > 2000) return undefined;
  const printable = [...value].every((c) => c > ' ' && c !== '\u007f' && c !== '\\');
  return printable && /^\/(?!\/)/.test(value) && !/\s/.test(value) ? value : undefined;
}
