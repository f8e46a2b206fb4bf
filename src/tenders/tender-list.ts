import mongoose, { Types } from 'mongoose';
import { isDuplicateKey } from '../db/connection';
import type { Borough, Boroughs } from '../platform/boroughs';
import { FreshRead } from '../platform/fresh-read';
import type { TenderStatus } from './statuses';
import type { CounterModel, TenderModel } from './tender.model';

/** One exercise as the public list shows it: only what the list needs is read. */
export interface TenderListItem {
  id: string;
  reference: string;
  status: TenderStatus;
  borough: Borough;
  title: string;
  summary: string;
  eoiDeadline: string;
  questionnaireDeadline: string;
}

export interface TenderListPage {
  items: TenderListItem[];
  total: number;
  page: number;
  pageSize: number;
  pageCount: number;
  /**
   * The first instant at which a deadline of a listed exercise will have passed (its tags and the closing order then
   * change without any exercise changing), or null when no published exercise has one still to come.
   */
  changesAt: Date | null;
}

export const LIST_PAGE_SIZE = 20;
/** The most exercises one search orders; far more than London publishes, and a bound on the work of one request. */
const MOST_ORDERED = 5_000;

const LIST_VERSION_ID = 'tender-list-version';

interface OrderKey {
  _id: Types.ObjectId;
  status: TenderStatus;
  eoiDeadline: Date;
  questionnaireDeadline: Date;
  publishedAt?: Date | null;
  createdAt: Date;
}

/**
 * Exercises still taking interest first, soonest expression-of-interest deadline first; then those still taking
 * questionnaires, soonest deadline first; then the rest, newest first.
 */
export function closingOrder<T extends { status: string; eoiDeadline: Date | string; questionnaireDeadline: Date | string }>(
  items: T[],
  now: Date,
): T[] {
  const next = (t: T): number => {
    if (t.status !== 'published') return Infinity;
    for (const deadline of [t.eoiDeadline, t.questionnaireDeadline]) if (new Date(deadline) >= now) return new Date(deadline).getTime();
    return Infinity;
  };
  return items
    .map((t, i) => ({ t, i, at: next(t) }))
    .sort((a, b) => a.at - b.at || a.i - b.i)
    .map(({ t }) => t);
}

const newestFirst = (a: OrderKey, b: OrderKey) =>
  (b.publishedAt?.getTime() ?? 0) - (a.publishedAt?.getTime() ?? 0) ||
  b.createdAt.getTime() - a.createdAt.getTime() ||
  // Then by id, so that exercises made in the same instant keep one order from page to page.
  b._id.toString().localeCompare(a._id.toString());

/** A narrow read of every exercise matching `filter`: ids and dates only, enough to order them. */
function orderKeys(tenders: TenderModel, filter: Record<string, unknown>): Promise<OrderKey[]> {
  return tenders
    .find(mongoose.trusted(filter), { status: 1, eoiDeadline: 1, questionnaireDeadline: 1, publishedAt: 1, createdAt: 1 })
    .limit(MOST_ORDERED)
    .lean() as Promise<OrderKey[]>;
}

function inOrder(keys: OrderKey[], opts: { sort: 'newest' | 'closing'; now: Date }): Types.ObjectId[] {
  const ordered = opts.sort === 'closing' ? closingOrder([...keys].sort(newestFirst), opts.now) : [...keys].sort(newestFirst);
  return ordered.map((k) => k._id);
}

/** The ids of the exercises matching `filter`, in the list's order, from a narrow read of every match (ids and dates only). */
export async function orderedIds(
  tenders: TenderModel,
  filter: Record<string, unknown>,
  opts: { sort: 'newest' | 'closing'; now: Date },
): Promise<Types.ObjectId[]> {
  return inOrder(await orderKeys(tenders, filter), opts);
}

/** The first instant after `now` at which a published exercise's deadline will have passed (1 ms after the deadline). */
export function nextDeadlinePassing(keys: Pick<OrderKey, 'status' | 'eoiDeadline' | 'questionnaireDeadline'>[], now: Date): Date | null {
  let first = Infinity;
  for (const k of keys) {
    if (k.status !== 'published') continue;
    for (const deadline of [k.eoiDeadline, k.questionnaireDeadline]) {
      const passes = new Date(deadline).getTime() + 1;
      if (passes > now.getTime() && passes < first) first = passes;
    }
  }
  return Number.isFinite(first) ? new Date(first) : null;
}

/**
 * One page of the exercises matching `filter`. The order is worked out from a narrow read of every match (ids and
 * dates only), then only the page's exercises are read, with only the fields the list shows.
 */
export async function listPage(
  tenders: TenderModel,
  boroughs: Boroughs,
  filter: Record<string, unknown>,
  opts: { sort: 'newest' | 'closing'; page: number; now: Date },
): Promise<TenderListPage> {
  const keys = await orderKeys(tenders, filter);
  const ordered = inOrder(keys, opts);
  const pageCount = Math.max(1, Math.ceil(ordered.length / LIST_PAGE_SIZE));
  const page = Math.min(Math.max(1, opts.page), pageCount);
  const ids = ordered.slice((page - 1) * LIST_PAGE_SIZE, page * LIST_PAGE_SIZE);
  const docs = ids.length
    ? await tenders
        .find(
          { _id: mongoose.trusted({ $in: ids }) },
          { reference: 1, status: 1, borough: 1, title: 1, summary: 1, eoiDeadline: 1, questionnaireDeadline: 1 },
        )
        .lean()
    : [];
  const byId = new Map(docs.map((d) => [d._id.toString(), d]));
  const items = ids.flatMap((id) => {
    const d = byId.get(id.toString());
    if (!d) return [];
    const boroughId = d.borough.toString();
    return [
      {
        id: d._id.toString(),
        reference: d.reference,
        status: d.status,
        borough: boroughs.findById(boroughId) ?? { id: boroughId, slug: '', name: '' },
        title: d.title,
        summary: d.summary,
        eoiDeadline: d.eoiDeadline.toISOString(),
        questionnaireDeadline: d.questionnaireDeadline.toISOString(),
      },
    ];
  });
  return { items, total: ordered.length, page, pageSize: LIST_PAGE_SIZE, pageCount, changesAt: nextDeadlinePassing(keys, opts.now) };
}

/**
 * A number kept in the database that moves on after every change to any exercise, so a page built from the list
 * can be kept and served again by any app server until the number moves (see the public list's page cache).
 */
export class ListVersion {
  /** Requests at once share reads of the number: at most one runs, and each caller gets one started after it asked. */
  private readonly fresh: FreshRead<number>;

  constructor(private readonly counters: CounterModel) {
    this.fresh = new FreshRead(async () => {
      const doc = await this.counters.findById(LIST_VERSION_ID).lean();
      return doc?.seq ?? 0;
    });
  }

  current(): Promise<number> {
    return this.fresh.get();
  }

  /** Called after a change is stored: a reader that saw the old number read the list from before the change. */
  async moveOn(): Promise<void> {
    try {
      await this.counters.updateOne({ _id: LIST_VERSION_ID }, { $inc: { seq: 1 } }, { upsert: true });
    } catch (err) {
      // Two first moves at once: the other created it, so this one only adds.
      if (!isDuplicateKey(err)) throw err;
      await this.counters.updateOne({ _id: LIST_VERSION_ID }, { $inc: { seq: 1 } });
    }
  }
}
