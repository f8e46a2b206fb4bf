import type { Request, RequestHandler } from 'express';
import { PageCache, sendKept } from '../platform/page-cache';
import { SESSION_COOKIE } from '../platform/session';
import type { TendersService } from './tenders.service';

/**
 * The public list is the busiest page: kept whole for people not signed in, until any exercise changes (the key
 * holds the list's version number from the database, and the minute, as the closing tags count down). `serveKept`
 * answers a request with no session cookie from the kept pages before any session work is done.
 */
export interface PublicListCache {
  pages: PageCache;
  keyFor(req: Request): Promise<string>;
  serveKept: RequestHandler;
}

export function publicListCache(tenders: TendersService): PublicListCache {
  const pages = new PageCache();
  const keyFor = async (req: Request) =>
    `${await tenders.listVersion()}|${Math.floor(tenders.now().getTime() / 60_000)}|${req.originalUrl}`;
  const serveKept: RequestHandler = async (req, res, next) => {
    if (req.method !== 'GET' || req.path !== '/tenders' || (req.headers.cookie ?? '').includes(`${SESSION_COOKIE}=`)) return next();
    const kept = pages.get(await keyFor(req), tenders.now().getTime());
    if (kept === undefined) return next();
    sendKept(res, kept);
  };
  return { pages, keyFor, serveKept };
}
