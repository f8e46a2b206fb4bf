/** What govukPagination needs for page `page` of `pageCount`, keeping the other query parameters in each link. */
export interface PaginationView {
  previous?: { href: string };
  next?: { href: string };
  items: ({ number: number; href: string; current: boolean } | { ellipsis: true })[];
}

export function paginationFor(
  list: { page: number; pageCount: number },
  query: Record<string, unknown>,
  path: string,
): PaginationView | null {
  if (list.pageCount <= 1) return null;
  const href = (page: number) => {
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(query)) {
      if (key !== 'page' && typeof value === 'string' && value !== '') params.set(key, value);
    }
    if (page > 1) params.set('page', String(page));
    const qs = params.toString();
    return qs ? `${path}?${qs}` : path;
  };
  // The first and last pages, and the pages either side of this one; gaps shown as an ellipsis.
  const shown = [...new Set([1, list.page - 1, list.page, list.page + 1, list.pageCount])]
    .filter((n) => n >= 1 && n <= list.pageCount)
    .sort((a, b) => a - b);
  const items: PaginationView['items'] = [];
  shown.forEach((n, i) => {
    if (i > 0 && n - shown[i - 1]! > 1) items.push({ ellipsis: true });
    items.push({ number: n, href: href(n), current: n === list.page });
  });
  return {
    previous: list.page > 1 ? { href: href(list.page - 1) } : undefined,
    next: list.page < list.pageCount ? { href: href(list.page + 1) } : undefined,
    items,
  };
}

/** One page of a list that grows: its items, and where it sits among the pages. */
export interface ListPage<T> {
  items: T[];
  total: number;
  page: number;
  pageSize: number;
  pageCount: number;
}

/**
 * Where page `requested` of `total` items starts. A page past the last shows the last one and a page before the
 * first shows the first, as the public list does, so a link kept from a longer list still lands somewhere useful.
 */
export function pageWindow(requested: number, total: number, pageSize: number): { page: number; pageCount: number; skip: number } {
  const pageCount = Math.max(1, Math.ceil(total / pageSize));
  const page = Math.min(Math.max(1, Math.floor(requested) || 1), pageCount);
  return { page, pageCount, skip: (page - 1) * pageSize };
}

/** A `?page=` value from a link: a whole number from 1 written in digits (past the last page shows the last), anything else the first page. */
export function pageParam(value: unknown): number {
  const n = typeof value === 'string' && /^\d{1,15}$/.test(value) ? Number(value) : 1;
  return n >= 1 ? n : 1;
}

/** How many items an API list gives a page: lists that once came whole still do up to this many, bounded beyond it. */
export const API_PAGE_SIZE = 500;
