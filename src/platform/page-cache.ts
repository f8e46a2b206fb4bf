import { randomBytes } from 'node:crypto';
import type { Request, Response } from 'express';

/*
 * Whole pages kept in this server's memory for people who are not signed in. Each page is kept under a key that
 * includes a version number read from the database on every request, so when any app server changes what the page
 * shows (and moves the number on), every server builds the page again. The page's CSP nonce differs per response:
 * pages are kept with a placeholder in its place.
 */

const NONCE_PLACEHOLDER = `nonce-placeholder-${randomBytes(8).toString('hex')}`;

/** A kept page, cut where the nonce goes, as bytes ready to send; served only before `until` (a time in ms). */
export interface KeptPage {
  parts: Buffer[];
  until: number;
}

/** Cuts a page rendered with the placeholder nonce into the bytes around each place the nonce goes. */
function keep(html: string, until: number): KeptPage {
  return { parts: html.split(NONCE_PLACEHOLDER).map((part) => Buffer.from(part, 'utf8')), until };
}

/**
 * What a cached page's view data may add: the instant from which the page would be built differently with nothing
 * stored having changed (a deadline passing), after which the kept page is not served.
 */
export interface CacheHints {
  keptUntil?: Date | null;
}

export class PageCache {
  private readonly pages = new Map<string, KeptPage>();
  /** Pages being built now, by key, so that requests arriving meanwhile share the build. */
  readonly building = new Map<string, Promise<{ page?: KeptPage; locals: object }>>();

  constructor(private readonly most = 200) {}

  /** The page kept under `key`, unless its time has run out at `now` (ms). */
  get(key: string, now = Date.now()): KeptPage | undefined {
    const page = this.pages.get(key);
    if (page !== undefined && page.until <= now) {
      this.pages.delete(key);
      return undefined;
    }
    if (page !== undefined) {
      // The most recently used page goes to the back, so the one dropped is the least recently used.
      this.pages.delete(key);
      this.pages.set(key, page);
    }
    return page;
  }

  set(key: string, html: string, until = Infinity): KeptPage {
    const page = keep(html, until);
    this.pages.set(key, page);
    if (this.pages.size > this.most) this.pages.delete(this.pages.keys().next().value as string);
    return page;
  }

  get size(): number {
    return this.pages.size;
  }
}

/**
 * Sends a kept page with this response's CSP nonce in it. The bytes are joined around the nonce and sent as they
 * are: no ETag is worked out, as no two answers are the same (each has its own nonce).
 */
export function sendKept(res: Response, page: KeptPage, hit = true): void {
  const nonce = Buffer.from(String(res.locals.cspNonce ?? ''), 'utf8');
  const body = Buffer.concat(page.parts.flatMap((part, i) => (i === 0 ? [part] : [nonce, part])));
  res.setHeader('X-Page-Cache', hit ? 'hit' : 'miss');
  res.setHeader('Content-Type', 'text/html; charset=utf-8');
  res.setHeader('Content-Length', body.length);
  res.end(res.req.method === 'HEAD' ? undefined : body);
}

/** Whether a request may be answered from the cache: a GET from someone not signed in, with no message waiting for them. */
export function mayUseCache(req: Request, res: Response): boolean {
  return req.method === 'GET' && !req.user && !res.locals.flash && !res.locals.notice;
}

/**
 * Sends the page kept under `key`, or builds the view's data, renders it, keeps it and sends it. A page that hands out a CSRF token is
 * tied to one session: it is rendered as usual and never kept.
 */
export async function renderCached(
  res: Response,
  cache: PageCache,
  key: string,
  view: string,
  build: () => Promise<object & CacheHints>,
  now = Date.now(),
): Promise<void> {
  const kept = cache.get(key, now);
  if (kept !== undefined) return sendKept(res, kept);
  // Requests that miss together (a new version, the next minute) wait for one build rather than each doing it.
  let building = cache.building.get(key);
  if (!building) {
    building = renderForCache(res, cache, key, view, build).finally(() => cache.building.delete(key));
    cache.building.set(key, building);
  }
  const built = await building;
  if (built.page !== undefined) return sendKept(res, built.page, false);
  res.render(view, built.locals);
}

/** Renders the page with a placeholder nonce and keeps it; a page that handed out a CSRF token is not kept. */
async function renderForCache(
  res: Response,
  cache: PageCache,
  key: string,
  view: string,
  build: () => Promise<object & CacheHints>,
): Promise<{ page?: KeptPage; locals: object }> {
  const locals = await build();
  let tokenIssued = false;
  const html = await new Promise<string>((resolve, reject) => {
    res.render(
      view,
      {
        ...locals,
        cspNonce: NONCE_PLACEHOLDER,
        csrfToken: () => {
          tokenIssued = true;
          return '';
        },
      },
      (err: Error | null, out: string) => (err ? reject(err) : resolve(out)),
    );
  });
  if (tokenIssued) return { locals };
  return { page: cache.set(key, html, locals.keptUntil?.getTime() ?? Infinity), locals };
}
