import { z } from 'zod';
import { AUDIT_MAX_PAGE, type AuditFilter, type AuditRecord } from './audit';
import { fromLondon } from './london-time';
import { blankAsUnset } from './validation';

/** The events the portal records, with what an admin reads for each; the filter's select offers these. */
export const KNOWN_AUDIT_EVENTS: { name: string; label: string }[] = [
  { name: 'auth.', label: 'Any sign-in event' },
  { name: 'auth.sign_in', label: 'Signed in' },
  { name: 'auth.sign_in.failed', label: 'Sign-in failed' },
  { name: 'auth.two_factor.', label: 'Any two-factor sign-in event' },
  { name: 'auth.two_factor.enabled', label: 'Two-factor sign-in turned on' },
  { name: 'auth.two_factor.disabled', label: 'Two-factor sign-in turned off' },
  { name: 'auth.two_factor.failed', label: 'Two-factor code wrong' },
  { name: 'auth.two_factor.recovery_code_used', label: 'Recovery code used' },
  { name: 'tender.', label: 'Any exercise event' },
  { name: 'tender.publish', label: 'Exercise published' },
  { name: 'tender.close', label: 'Exercise closed' },
  { name: 'tender.cancel', label: 'Exercise cancelled' },
  { name: 'tender.integrity.change', label: 'Deadline or sealing changed after publishing' },
  { name: 'tender.specification.change', label: 'Specification changed after publishing' },
  { name: 'tender.document.add', label: 'Document added' },
  { name: 'tender.sharing.change', label: 'Sharing with the programme team changed' },
  { name: 'tender.read', label: 'Exercise read (refused)' },
  { name: 'tender.change', label: 'Exercise change (refused)' },
  { name: 'responses.', label: 'Any read of responses (sealed or another organisation’s)' },
  { name: 'reports.', label: 'Any report or export of an exercise' },
  { name: 'reports.workbook', label: 'Workbook downloaded' },
  { name: 'reports.decision', label: 'Barrier decision recorded' },
  { name: 'reports.you_said_we_did', label: '“You said, we did” published' },
  { name: 'findings.export', label: 'Findings downloaded' },
];

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;
// An ISO time with its offset, so it means one instant wherever it is read.
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/;

/** A London day (`YYYY-MM-DD`) or an ISO time; `end` gives the instant just after that day (for "to"). */
function instant(text: string, end: boolean): Date | null {
  const day = DAY.exec(text);
  if (day) {
    const [year, month, date] = [Number(day[1]), Number(day[2]), Number(day[3])];
    const start = fromLondon({ year, month, day: date, hour: 0, minute: 0 });
    if (!start || !end) return start;
    const next = new Date(Date.UTC(year, month - 1, date + 1));
    return fromLondon({ year: next.getUTCFullYear(), month: next.getUTCMonth() + 1, day: next.getUTCDate(), hour: 0, minute: 0 });
  }
  if (!INSTANT.test(text)) return null;
  const at = new Date(text);
  if (Number.isNaN(at.getTime())) return null;
  // An ISO "to" is inclusive like a day, so the event at that very millisecond is in.
  return end ? new Date(at.getTime() + 1) : at;
}

const text = (max: number, message: string) => z.preprocess(blankAsUnset, z.string({ message }).trim().max(max, message).optional());
const EVENT_MESSAGE = 'Choose an event from the list, or give an event name such as auth.sign_in, or auth. for all of them';
const TIME_MESSAGE = (which: string) => `Enter the ${which} date as a real date, like 2027-01-31, or an ISO time like 2027-01-31T09:00:00Z`;

/** The filters of `GET /api/v1/admin/audit`, the page and the CSV alike. */
export const auditQuerySchema = z
  .object({
    event: z.preprocess(
      blankAsUnset,
      z
        .string()
        .trim()
        .max(100, EVENT_MESSAGE)
        .regex(/^[a-z_]+(\.[a-z_]+)*\.?$/, EVENT_MESSAGE)
        .optional(),
    ),
    actor: text(254, 'Enter the email address or user id of the person, up to 254 characters'),
    tender: text(100, 'Enter the exercise id or its reference, up to 100 characters'),
    from: text(40, TIME_MESSAGE('from')),
    to: text(40, TIME_MESSAGE('to')),
    page: z.preprocess(
      blankAsUnset,
      z.coerce
        .number({ message: 'Enter a page number' })
        .int('Enter a whole page number')
        .min(1, 'Pages start at 1')
        .max(AUDIT_MAX_PAGE, `Only the first ${AUDIT_MAX_PAGE} pages can be shown. Narrow the filters or download the CSV`)
        .default(1),
    ),
  })
  .superRefine((q, ctx) => {
    const from = q.from === undefined ? undefined : instant(q.from, false);
    const to = q.to === undefined ? undefined : instant(q.to, true);
    if (from === null) ctx.addIssue({ code: 'custom', path: ['from'], message: TIME_MESSAGE('from') });
    if (to === null) ctx.addIssue({ code: 'custom', path: ['to'], message: TIME_MESSAGE('to') });
    if (from && to && to <= from)
      ctx.addIssue({ code: 'custom', path: ['to'], message: 'The to date must be the same as or after the from date' });
  });
export type AuditQuery = z.infer<typeof auditQuerySchema>;

/** How names in a filter become ids: the features that own users and exercises answer, so platform imports neither. */
export interface AuditLookups {
  /** The user id of an account's email, or null when no account has it. */
  userIdByEmail(email: string): Promise<string | null>;
  /** Ids of exercises with this reference (one per borough at most). */
  tenderIdsByReference(reference: string): Promise<string[]>;
  /** Email and name of users, for showing who did what. */
  usersByIds(ids: string[]): Promise<{ id: string; email: string; name: string }[]>;
}

const OBJECT_ID = /^[0-9a-f]{24}$/i;

/** The stored-event filter for a checked query: an email and a reference are looked up (none found matches nothing). */
export async function auditFilter(query: AuditQuery, lookups: AuditLookups): Promise<AuditFilter> {
  const filter: AuditFilter = {};
  if (query.event) filter.event = query.event;
  if (query.actor) {
    if (OBJECT_ID.test(query.actor)) filter.actorIds = [query.actor.toLowerCase()];
    else {
      const id = await lookups.userIdByEmail(query.actor.toLowerCase());
      filter.actorIds = id ? [id] : [];
    }
  }
  if (query.tender) {
    const ids = OBJECT_ID.test(query.tender) ? [query.tender.toLowerCase()] : await lookups.tenderIdsByReference(query.tender);
    filter.targets = ids.map((id) => `tender:${id}`);
  }
  if (query.from) filter.from = instant(query.from, false) ?? undefined;
  if (query.to) filter.before = instant(query.to, true) ?? undefined;
  return filter;
}

/** The query string of a filter, for pagination and the CSV link: only what was given. */
export function auditQueryString(query: AuditQuery, page?: number): string {
  const params = new URLSearchParams();
  for (const key of ['event', 'actor', 'tender', 'from', 'to'] as const) {
    const value = query[key];
    if (value) params.set(key, value);
  }
  if (page && page > 1) params.set('page', String(page));
  return params.toString();
}

/** An event as the API shows it: `actor` null when nobody was signed in; `tender` the exercise id or null. */
export interface AuditItem {
  at: string;
  event: string;
  actor: { id: string; role: string | null; email?: string; name?: string } | null;
  tender: string | null;
  details: { outcome: 'allowed' | 'denied'; text: string; target: string };
}

/** `people` holds the email and name of the actors that still have an account. */
export function auditItem(event: AuditRecord, people: Map<string, { email: string; name: string }>): AuditItem {
  const person = event.actorId ? people.get(event.actorId) : undefined;
  return {
    at: event.at.toISOString(),
    event: event.action,
    actor: event.actorId
      ? { id: event.actorId, role: event.actorRole, ...(person ? { email: person.email, name: person.name } : {}) }
      : null,
    tender: event.target.startsWith('tender:') ? event.target.slice('tender:'.length) : null,
    details: { outcome: event.outcome, text: event.detail, target: event.target },
  };
}

/** The API's items for a page of events, with the actors' emails and names looked up at once. */
export async function auditItems(events: AuditRecord[], lookups: AuditLookups): Promise<AuditItem[]> {
  const ids = [...new Set(events.flatMap((e) => (e.actorId ? [e.actorId] : [])))];
  const people = new Map((ids.length ? await lookups.usersByIds(ids) : []).map((u) => [u.id, u]));
  return events.map((e) => auditItem(e, people));
}
