/** What govukPagination needs for page `page` of `pageCount`, keeping the other query parameters in each link. */
export interface PaginationView {
  previous?: { href: string };
  next?: { href: string };
  items: ({ number: number; href: string; current: boolean } | { ellipsis: true })[];
}

export function paginationFor(list: { page: number; pageCount: number }, query: Record<string, unknown>, path = ''): PaginationView | null {
  if (list.pageCount <= 1) return null;
  const href = (page: number) => {
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(query)) {
      if (key !== 'page' && typeof value === 'string' && value !== '') params.set(key, value);
    }
    if (page > 1) params.set('page', String(page));
    const qs = params.toString();
    return `${path}?${qs}`;
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
