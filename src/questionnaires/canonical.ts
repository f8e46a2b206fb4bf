import { createHash } from 'node:crypto';

/** JSON with object keys sorted at every level and no spaces: the same data always gives the same text. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v)).join(',')}]`;
  const entries = Object.keys(value as Record<string, unknown>)
    .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`);
  return `{${entries.join(',')}}`;
}

export interface CanonicalResponse {
  tenderId: string;
  organisationId: string;
  answers: Record<string, unknown>;
  /** Each file answer's question key with the SHA-256 of the file's content. */
  attachments: { key: string; fileId: string; sha256: string }[];
}

/**
 * The receipt hash: SHA-256 (hex) of the canonical JSON of the exercise id, the organisation id, the
 * submitted answers and the hashes of attached files. Anyone holding the stored data can recompute it.
 */
export function responseSha256(response: CanonicalResponse): string {
  const attachments = [...response.attachments].sort((a, b) => a.key.localeCompare(b.key));
  return createHash('sha256')
    .update(canonicalJson({ ...response, attachments }))
    .digest('hex');
}
