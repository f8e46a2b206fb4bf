import { once } from 'node:events';
import type { Response } from 'express';
import type { AuditFilter, AuditLog, AuditRecord } from './audit';
import { auditItem, type AuditItem, type AuditLookups } from './audit-query';
import { ukTime } from './london-time';

const HEADER = ['Time (UTC)', 'Time (UK)', 'Event', 'Outcome', 'User id', 'Role', 'Email', 'Exercise', 'Target', 'Details'];
/** Rows read before their people are looked up together: one lookup per batch, never one per row. */
const BATCH = 200;

/** One CSV cell: always quoted, and text a spreadsheet would run as a formula made plain with an apostrophe. */
export function csvCell(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return `"${safe.replace(/"/g, '""')}"`;
}

function csvRow(item: AuditItem, ukAt: string): string {
  const cells = [
    item.at,
    ukAt,
    item.event,
    item.details.outcome,
    item.actor?.id ?? '',
    item.actor?.role ?? '',
    item.actor?.email ?? '',
    item.tender ?? '',
    item.details.target,
    item.details.text,
  ];
  return `${cells.map(csvCell).join(',')}\r\n`;
}

/**
 * Streams every event the filter matches, newest first, as UTF-8 CSV with a byte-order mark (so spreadsheets read
 * it as UTF-8). Memory stays flat: rows go out as they are read, and the read stops if the client goes away.
 */
export async function streamAuditCsv(res: Response, audit: AuditLog, filter: AuditFilter, lookups: AuditLookups): Promise<void> {
  const stream = audit.stream(filter);
  let gone = false;
  res.on('close', () => {
    gone = true;
    void stream.close().catch(() => undefined);
  });
  res.setHeader('Content-Type', 'text/csv; charset=utf-8');
  res.setHeader('Content-Disposition', 'attachment; filename="audit-log.csv"');
  res.write(`\uFEFF${HEADER.map(csvCell).join(',')}\r\n`);
  const people = new Map<string, { email: string; name: string }>();
  let batch: AuditRecord[] = [];
  const flush = async () => {
    const unknown = [...new Set(batch.flatMap((e) => (e.actorId && !people.has(e.actorId) ? [e.actorId] : [])))];
    if (unknown.length) for (const u of await lookups.usersByIds(unknown)) people.set(u.id, u);
    const chunk = batch.map((e) => csvRow(auditItem(e, people), ukTime(e.at))).join('');
    batch = [];
    // Waits for the client to take what was sent before reading more.
    if (!res.write(chunk) && !gone) await Promise.race([once(res, 'drain'), once(res, 'close')]);
  };
  try {
    for await (const event of stream.events) {
      if (gone) break;
      batch.push(event);
      if (batch.length >= BATCH) await flush();
    }
    if (!gone && batch.length) await flush();
  } finally {
    await stream.close().catch(() => undefined);
  }
  if (!gone) res.end();
}
