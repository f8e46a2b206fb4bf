import type { PublicUser } from '../platform/roles';
import { ConflictError, ValidationError } from '../platform/errors';
import { deadlineOrderProblems, type UpdateTenderInput } from './tenders.schemas';
import { displayValue, historyLabel } from './tender.presenter';
import type { TenderDoc } from './tender.store';

const DEADLINES = ['clarificationDeadline', 'eoiDeadline', 'questionnaireDeadline'] as const;

/** What an edit writes: the fields it sets and, once published, the change-history entries. */
export interface EditPlan {
  update: { $set: Record<string, unknown>; $push?: Record<string, unknown> };
  /** Fields of a published exercise whose shown value changed, with the values before and after, for the audit log. */
  changed: { field: string; old: string; new: string }[];
}

/** Changes as one line of the audit log: `field: "old" → "new"`, long texts cut short. */
export function changeDetail(changes: EditPlan['changed']): string {
  const short = (text: string) => JSON.stringify(text.length > 200 ? `${text.slice(0, 199)}…` : text);
  return changes.map((c) => `${c.field}: ${short(c.old)} → ${short(c.new)}`).join('; ');
}

/**
 * Works out an officer's edit of an exercise read as `doc` (which it changes in memory only): the rules for
 * its status, lot and event ids kept or given, deadlines in order, and once published a history entry for
 * each field whose shown value changed. `view` is the exercise as the API shows it.
 */
export async function planEdit(
  doc: TenderDoc,
  patch: UpdateTenderInput,
  actor: PublicUser,
  now: Date,
  view: (doc: TenderDoc) => Record<string, unknown>,
): Promise<EditPlan> {
  if (doc.status === 'closed' || doc.status === 'cancelled') {
    throw new ConflictError('wrong_status', `A ${doc.status} exercise cannot be changed`);
  }
  const published = doc.status === 'published';
  const before = view(doc);
  if (published) checkPublishedChange(doc, patch, now);
  const { lots, engagementEvents, ...simple } = patch;
  doc.set(simple);
  if (lots) {
    const ids = idsFor(
      doc.lots.map((l) => l.lotId),
      'lot-',
      lots,
    );
    doc.set(
      'lots',
      lots.map((lot, i) => ({
        lotId: ids[i],
        title: lot.title,
        description: lot.description,
        estimatedAnnualValue: lot.estimatedAnnualValue,
      })),
    );
  }
  if (engagementEvents) {
    const ids = idsFor(
      doc.engagementEvents.map((e) => e.eventId),
      'event-',
      engagementEvents,
    );
    doc.set(
      'engagementEvents',
      engagementEvents.map((e, i) => ({ eventId: ids[i], title: e.title, format: e.format, startsAt: e.startsAt, location: e.location })),
    );
  }
  const problems = deadlineOrderProblems(doc);
  if (Object.keys(problems).length) throw new ValidationError(problems);
  await doc.validate();

  const stored = doc.toObject() as unknown as Record<string, unknown>;
  const $set: Record<string, unknown> = {};
  for (const field of Object.keys(patch)) $set[field] = stored[field];
  const changed: EditPlan['changed'] = [];
  const history: Record<string, unknown>[] = [];
  const after = view(doc);
  for (const field of published ? Object.keys(patch) : []) {
    if (JSON.stringify(before[field] ?? null) === JSON.stringify(after[field] ?? null)) continue;
    const change = { field, old: displayValue(before[field]), new: displayValue(after[field]) };
    changed.push(change);
    history.push({ at: now, by: actor.id, byName: actor.name, ...change });
  }
  return { update: history.length ? { $set, $push: { history: { $each: history } } } : { $set }, changed };
}

/** Ids for an edited list: an item that names a known id keeps it; new items take the next free number. */
function idsFor(known: string[], prefix: string, items: { id?: string | undefined }[]): string[] {
  let next = Math.max(0, ...known.map((id) => Number(id.replace(prefix, '')) || 0));
  const kept = new Set(known);
  return items.map((item) => (item.id && kept.has(item.id) ? item.id : `${prefix}${(next += 1)}`));
}

/**
 * Rules for changing a published exercise, which organisations are relying on: a sealed exercise
 * stays sealed, and deadlines can only move later and stay in the future (by the server clock).
 */
function checkPublishedChange(doc: TenderDoc, patch: UpdateTenderInput, now: Date): void {
  if (doc.sealed && patch.sealed === false && now <= doc.questionnaireDeadline) {
    throw new ConflictError('sealed', 'A sealed exercise stays sealed until its questionnaire deadline');
  }
  const problems: Record<string, string> = {};
  for (const field of DEADLINES) {
    const next = patch[field];
    if (!next || next.getTime() === doc[field].getTime()) continue;
    if (next < doc[field]) problems[field] = `After publishing, the ${historyLabel(field).toLowerCase()} can only be moved later`;
    else if (next <= now) problems[field] = `${historyLabel(field)} must be in the future`;
  }
  if (Object.keys(problems).length) throw new ValidationError(problems);
}

/** Problems that stop a draft being published now: deadlines in the past or out of order. */
export function publishProblems(doc: TenderDoc, now: Date): Record<string, string> {
  const problems: Record<string, string> = {};
  for (const field of DEADLINES) {
    if (doc[field] <= now) problems[field] = `${historyLabel(field)} must be in the future to publish`;
  }
  return Object.assign(problems, deadlineOrderProblems(doc));
}
