import { Router, type Request } from 'express';
import { AUDIT_PAGE_SIZE, type AuditLog } from './audit';
import { streamAuditCsv } from './audit-csv';
import { KNOWN_AUDIT_EVENTS, auditFilter, auditItems, auditQuerySchema, auditQueryString, type AuditLookups } from './audit-query';
import type { Panel } from './panels';
import { requireRole } from './roles';
import { errorSummary, fieldErrors, parseInput } from './validation';

const DATE_PARTS = ['day', 'month', 'year'] as const;

/**
 * The page's query: its from and to come as GOV.UK date inputs (`from-day`, `from-month`, `from-year`) and are
 * joined into the API's `YYYY-MM-DD`; a part missing or not a number is left for the schema to refuse.
 */
function pageQuery(req: Request): Record<string, unknown> {
  const query: Record<string, unknown> = { ...req.query };
  for (const which of ['from', 'to'] as const) {
    const parts = DATE_PARTS.map((p) => String(query[`${which}-${p}`] ?? '').trim());
    for (const p of DATE_PARTS) delete query[`${which}-${p}`];
    if (parts.every((p) => p === '')) continue;
    const [day, month, year] = parts;
    query[which] =
      /^\d{1,2}$/.test(day!) && /^\d{1,2}$/.test(month!) && /^\d{4}$/.test(year!)
        ? `${year}-${month!.padStart(2, '0')}-${day!.padStart(2, '0')}`
        : 'not a date';
  }
  return query;
}

/** The date input's values: as typed, or from a `YYYY-MM-DD` filter (a link from the pagination or elsewhere). */
function dateParts(req: Request, which: 'from' | 'to', value: unknown): { day: string; month: string; year: string } {
  const typed = DATE_PARTS.map((p) => req.query[`${which}-${p}`]);
  if (typed.some((p) => typeof p === 'string' && p !== '')) {
    const [day, month, year] = typed.map((p) => (typeof p === 'string' ? p : ''));
    return { day: day!, month: month!, year: year! };
  }
  const match = typeof value === 'string' ? /^(\d{4})-(\d{2})-(\d{2})$/.exec(value) : null;
  return match ? { year: match[1]!, month: String(Number(match[2])), day: String(Number(match[3])) } : { day: '', month: '', year: '' };
}

/** The audit log for admins: the JSON API, the page with its filters, and the same filters as a CSV download. */
export function auditRoutes(audit: AuditLog, lookups: AuditLookups): Router {
  const router = Router();

  router.get('/api/v1/admin/audit', requireRole('admin'), async (req, res) => {
    const query = parseInput(auditQuerySchema, req.query);
    const { items } = await audit.page(await auditFilter(query, lookups), query.page);
    res.json({ items: await auditItems(items, lookups), page: query.page, pageSize: AUDIT_PAGE_SIZE });
  });

  router.get('/admin/audit', requireRole('admin'), async (req, res) => {
    const raw = pageQuery(req);
    const parsed = auditQuerySchema.safeParse(raw);
    const view = {
      events: KNOWN_AUDIT_EVENTS,
      eventLabels: Object.fromEntries(KNOWN_AUDIT_EVENTS.map((e) => [e.name, e.label])),
      values: { ...raw, from: dateParts(req, 'from', raw.from), to: dateParts(req, 'to', raw.to) },
    };
    if (!parsed.success) {
      const errors = fieldErrors(parsed.error);
      const errorList = errorSummary(errors).map((e) => (e.href === '#from' || e.href === '#to' ? { ...e, href: `${e.href}-day` } : e));
      return void res.status(422).render('platform/views/audit.njk', { ...view, errors, errorList });
    }
    const query = parsed.data;
    const { items, hasNext } = await audit.page(await auditFilter(query, lookups), query.page);
    const link = (page: number) => `/admin/audit?${auditQueryString(query, page)}`.replace(/\?$/, '');
    res.render('platform/views/audit.njk', {
      ...view,
      items: await auditItems(items, lookups),
      page: query.page,
      pagination: {
        previous: query.page > 1 ? { href: link(query.page - 1) } : undefined,
        next: hasNext ? { href: link(query.page + 1) } : undefined,
        items:
          query.page > 1 || hasNext
            ? pageNumbers(query.page, hasNext).map((n) => ({ number: n, href: link(n), current: n === query.page }))
            : [],
      },
      csvHref: `/admin/audit.csv${auditQueryString(query) ? `?${auditQueryString(query)}` : ''}`,
      filtered: auditQueryString(query) !== '',
    });
  });

  router.get('/admin/audit.csv', requireRole('admin'), async (req, res) => {
    const query = parseInput(auditQuerySchema, req.query);
    await streamAuditCsv(res, audit, await auditFilter(query, lookups), lookups);
  });

  return router;
}

/** Page numbers around the current one: the pages before it and, when there is one, the next. */
function pageNumbers(current: number, hasNext: boolean): number[] {
  const first = Math.max(1, current - 2);
  const last = hasNext ? current + 1 : current;
  return Array.from({ length: last - first + 1 }, (_, i) => first + i);
}

/** A link to the audit log on an admin's dashboard. */
export function auditPanel(): Panel {
  return {
    id: 'audit-link',
    template: 'platform/views/audit-panel.njk',
    async data(user) {
      return user.role === 'admin' ? {} : null;
    },
  };
}
