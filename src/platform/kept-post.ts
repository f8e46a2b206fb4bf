import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Request, RequestHandler, Response } from 'express';
import multer from 'multer';
import { defaultUploadLimits } from './upload';

/** A form post that arrived after its session had ended, kept until the same person signs in again. */
export interface KeptPost {
  /** The path it was posted to, without the query string. */
  path: string;
  /** The form's fields, without its security token. */
  fields: Record<string, unknown>;
  /** Who sent the form, as the tag the form carried. */
  owner: string;
  /** When it arrived (ms since the epoch). */
  at: number;
  /** Whether the form came with a file, which is not kept: it has to be chosen again. */
  droppedFile?: boolean;
}

declare module 'express-session' {
  interface SessionData {
    keptPost?: KeptPost;
  }
}

/** The hidden field a keepable form carries: a tag of the user it was shown to. */
export const OWNER_FIELD = '_owner';
/** What a page says above a form sent after its session ended, shown again, filled in, once its sender signed in. */
export const RESTORED_NOTICE = 'You are signed in again. What you typed is below. It is not sent yet: check it, then send it.';
/** A kept post older than this is thrown away rather than saved. */
export const KEEP_MINUTES = 60;

export interface KeptPosts {
  /** Before the CSRF check: keeps a keepable post that arrived without a signed-in user and says what happened. */
  keepAfterExpiry: RequestHandler;
  /** Gives pages `postOwner`, the tag keepable forms carry in OWNER_FIELD. */
  locals: RequestHandler;
  /** Reads the kept post before sign-in starts a new session (a failed sign-in leaves it where it is). */
  take(req: Request): KeptPost | undefined;
  /** Puts a kept post back after sign-in, only if the one signed in is the one who sent it. */
  carry(req: Request, kept: KeptPost | undefined, userId: string): void;
  /** The post kept for this path, once, for the signed-in user; undefined when there is none. */
  claim(req: Request, path: string): KeptPost | undefined;
}

/** Where a kept form's sender goes on signing in again, and whether the form is then saved there or shown to send. */
export interface Keepable {
  returnTo: string;
  saves: boolean;
}

export interface KeptPostOptions {
  secret: string;
  idleMinutes: number;
  /**
   * Which paths may be kept, and where their sender goes after signing in: only forms whose page there either saves
   * them through their service's own checks or shows them filled in to send.
   */
  keepable: (path: string) => Keepable | null;
}

// A cross-site post could otherwise plant answers in a browser for its owner to save on signing in.
function sameSite(req: Request): boolean {
  const site = req.headers['sec-fetch-site'];
  if (typeof site === 'string') return site === 'same-origin';
  const origin = req.headers.origin;
  if (typeof origin !== 'string') return true;
  try {
    return new URL(origin).host === req.headers.host;
  } catch {
    return false;
  }
}

/** The text fields of a multipart form onto req.body; its file, if any, is read and dropped (true when there was one). */
function readFields(req: Request, res: Response): Promise<boolean> {
  const parse = multer({
    storage: multer.memoryStorage(),
    limits: { fileSize: defaultUploadLimits.maxFileBytes, files: 1, fields: 200, fieldSize: defaultUploadLimits.maxFieldBytes },
  }).any();
  return new Promise((resolve, reject) =>
    parse(req, res, (err?: unknown) => (err ? reject(err as Error) : resolve(Array.isArray(req.files) && req.files.length > 0))),
  );
}

export function keptPosts(opts: KeptPostOptions): KeptPosts {
  const tag = (userId: string) => createHmac('sha256', opts.secret).update(`kept-post:${userId}`).digest('base64url');
  const sameTag = (a: string, b: string) => a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));
  const fresh = (kept: KeptPost) => Date.now() - kept.at < KEEP_MINUTES * 60_000;

  const keepAfterExpiry: RequestHandler = async (req, res, next) => {
    const keepable = req.method === 'POST' && !req.user ? opts.keepable(req.path) : null;
    if (!keepable || !sameSite(req)) return next();
    let droppedFile = false;
    try {
      // A multipart form has not been read yet; its file, if any, is not kept.
      if (req.is('multipart/form-data')) droppedFile = await readFields(req, res);
    } catch {
      return next();
    }
    const body = (req.body ?? {}) as Record<string, unknown>;
    const owner = body[OWNER_FIELD];
    if (typeof owner !== 'string' || !owner) return next();
    const fields = Object.fromEntries(Object.entries(body).filter(([k]) => k !== '_csrf' && k !== OWNER_FIELD));
    req.session.keptPost = { path: req.path, fields, owner, at: Date.now(), ...(droppedFile ? { droppedFile } : {}) };
    res.status(401).render('platform/views/signed-out.njk', {
      idleMinutes: opts.idleMinutes,
      saves: keepable.saves,
      droppedFile,
      signInHref: `/login?next=${encodeURIComponent(keepable.returnTo)}`,
    });
  };

  const locals: RequestHandler = (req, res, next) => {
    if (req.user) res.locals.postOwner = tag(req.user.id);
    next();
  };

  return {
    keepAfterExpiry,
    locals,
    take(req) {
      return req.session?.keptPost;
    },
    carry(req, kept, userId) {
      if (kept && fresh(kept) && sameTag(kept.owner, tag(userId))) req.session.keptPost = kept;
    },
    claim(req, path) {
      const kept = req.session?.keptPost;
      if (!kept || !req.user || kept.path !== path) return undefined;
      delete req.session.keptPost;
      return fresh(kept) && sameTag(kept.owner, tag(req.user.id)) ? kept : undefined;
    },
  };
}
