import fs from 'node:fs';
import path from 'node:path';
import { AuditLog, REFUSED_AUDIT_CHANGES } from '../src/platform/audit';

/**
 * The audit log is append-only from the portal's side: nothing under src/ can change or remove an event. Checked on
 * the source, so a new path cannot slip in unnoticed (the model also refuses them at run time; see the API tests).
 */

const SRC = path.resolve(__dirname, '..', 'src');
const AUDIT_FILE = path.join(SRC, 'platform', 'audit.ts');

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') ? [full] : [];
  });
}

const WRITES = /\.(update\w*|replace\w*|delete\w*|findOneAnd\w+|findByIdAnd\w+|bulkWrite|insertMany|drop\w*|remove\w*)\s*\(/;

test('only platform/audit.ts knows the collection, and nothing reaches it through AuditLog.events to write', () => {
  const problems: string[] = [];
  for (const file of sourceFiles(SRC)) {
    const text = fs.readFileSync(file, 'utf8');
    const name = path.relative(SRC, file);
    if (file !== AUDIT_FILE && /['"`](AuditEvent|auditevents)['"`]/i.test(text)) problems.push(`${name} names the audit collection`);
    for (const [n, line] of text.split('\n').entries()) {
      if (/audit\w*\.events\b/i.test(line) && WRITES.test(line)) problems.push(`${name}:${n + 1} ${line.trim()}`);
    }
  }
  expect(problems).toEqual([]);
});

test('platform/audit.ts itself only creates and reads events', () => {
  // Chained calls are joined onto one line, so `this.model\n  .find(...)` reads as `this.model.find(...)`.
  const text = fs.readFileSync(AUDIT_FILE, 'utf8').replace(/\s*\n\s*\./g, '.');
  const used = [...text.matchAll(/this\.model\.(\w+)/g)].map((m) => m[1]);
  expect([...new Set(used)].sort()).toEqual(['create', 'find']);
  expect(REFUSED_AUDIT_CHANGES).toEqual(
    expect.arrayContaining(['updateOne', 'updateMany', 'deleteOne', 'deleteMany', 'findOneAndUpdate', 'replaceOne']),
  );
});

test('AuditLog offers record() and reads, nothing else', () => {
  const methods = Object.getOwnPropertyNames(AuditLog.prototype).filter((name) => name !== 'constructor');
  expect(methods.sort()).toEqual(['page', 'query', 'record', 'stream']);
});
