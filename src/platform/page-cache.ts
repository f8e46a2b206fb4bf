import { randomBytes } from 'node:crypto';
import type { Request, Response } from 'express';

/*
 * Whole pages kept in this server's memory for people who are not signed in. Each page is kept under a key that
 * includes a version number read from the database on every request, so when any app server changes what the page
 * shows (and moves the number on), every server builds the page again. The page's CSP nonce differs per response:
 * pages are kept with a placeholder in its place.
 */

const NONCE_PLACEHOLDER = `nonce-placeholder-${randomBytes(8).toString('hex')}`;

export class PageCache {
  private readonly pages = new Map<string, string>();
  /** Pages being built now, by key, so that requests arriving meanwhile share the build. */
  readonly building = new Map<string, Promise<{ html?: string; locals: object }>>();

  constructor(private readonly most = 200) {}

  get(key: string): string | undefined {
    const html = this.pages.get(key);
    if (html !== undefined) {
      // The most recently used page goes to the back, so the one dropped is the least recently used.
      this.pages.delete(key);
      this.pages.set(key, html);
    }
    return html;
  }

  set(key: string, html: string): void {
    this.pages.set(key, html);
    if (this.pages.size > this.most) this.pages.delete(this.pages.keys().next().value as string);
  }

  get size(): number {
    return this.pages.size;
  }
}

/** Sends a kept page with this response's CSP nonce in it. */
export function sendKept(res: Response, html: string): void {
  res.setHeader('X-Page-Cache', 'hit');
  res.type('html').send(html.replaceAll(NONCE_PLACEHOLDER, String(res.locals.cspNonce ?? '')));
}

/** Whether a request may be answered from the cache: a GET from someone not signed in, with no message waiting for them. */
export function mayUseCache(req: Request, res: Response): boolean {
  return req.method === 'GET' && !req.user && !res.locals.flash;
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
  build: () => Promise<object>,
): Promise<void> {
  const kept = cache.get(key);
  if (kept !== undefined) return sendKept(res, kept);
  // Requests that miss together (a new version, the next minute) wait for one build rather than each doing it.
  let building = cache.building.get(key);
  if (!building) {
    building = renderForCache(res, cache, key, view, build).finally(() => cache.building.delete(key));
    cache.building.set(key, building);
  }
  const built = await building;
  if (built.html !== undefined) {
    res.setHeader('X-Page-Cache', 'miss');
    res.type('html').send(built.html.replaceAll(NONCE_PLACEHOLDER, String(res.locals.cspNonce ?? '')));
    return;
  }
  res.render(view, built.locals);
}

/** Renders the page with a placeholder nonce and keeps it; a page that handed out a CSRF token is not kept. */
async function renderForCache(
  res: Response,
  cache: PageCache,
  key: string,
  view: string,
  build: () => Promise<object>,
): Promise<{ html?: string; locals: object }> {
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
  cache.set(key, html);
  return { html, locals };
}
