import type { ErrorRequestHandler, Request, RequestHandler } from 'express';
import type { Logger } from 'pino';
import { AppError, NotFoundError, ServiceUnavailableError, ConflictError, type FieldErrors } from './errors';
import { loggedPath, requestIdOf } from './logger';

/** Hands database-level failures to the handler as typed errors, without importing the db layer here. */
export interface ErrorClassifiers {
  isDatabaseUnavailable(err: unknown): boolean;
  isDuplicateKey(err: unknown): boolean;
}

interface HttpishError {
  status?: number;
  statusCode?: number;
  type?: string;
  code?: string;
  name?: string;
}

/** Maps anything thrown to an AppError; unknown errors become a plain 500 with nothing leaked. */
export function toAppError(err: unknown, classify: ErrorClassifiers): AppError {
  if (err instanceof AppError) return err;
  const e = (typeof err === 'object' && err !== null ? err : {}) as HttpishError;
  if (e.type === 'entity.parse.failed') return new AppError(400, 'malformed_json', 'The request body is not valid JSON');
  if (e.type === 'entity.too.large') return new AppError(413, 'too_large', 'The request body is too large');
  if (e.type === 'encoding.unsupported' || e.type === 'charset.unsupported') {
    return new AppError(415, 'unsupported_encoding', 'The request body encoding is not supported');
  }
  if (e.code === 'invalid_csrf_token') {
    return new AppError(403, 'invalid_csrf_token', 'The security token is missing or out of date. Reload the page and try again');
  }
  if (classify.isDatabaseUnavailable(err)) return new ServiceUnavailableError();
  if (classify.isDuplicateKey(err)) return new ConflictError('duplicate', 'This already exists');
  // A malformed id in a path names nothing that exists; other cast failures are bugs, reported as 500.
  if (e.name === 'CastError' && (err as { path?: string }).path === '_id') return new NotFoundError();
  const status = e.status ?? e.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return new AppError(status, 'bad_request', 'The request could not be handled');
  }
  return new AppError(500, 'internal_error', 'Sorry, there is a problem with the service. Try again later');
}

export function isApiRequest(req: Request): boolean {
  return req.originalUrl.startsWith('/api/');
}

const pageTitles: Record<number, string> = {
  400: 'There is a problem with your request',
  401: 'You need to sign in',
  403: 'You do not have permission to see this page',
  404: 'Page not found',
  409: 'This cannot be done now',
  413: 'What you sent is too large',
  415: 'This type of file is not allowed',
  422: 'There is a problem with what you entered',
  429: 'Too many attempts',
  503: 'Sorry, the service is unavailable',
};

export function errorHandler(logger: Logger, classify: ErrorClassifiers): ErrorRequestHandler {
  return (err, req, res, next) => {
    const appError = toAppError(err, classify);
    // Already answered (the request time limit gave up on it): a late failure has nobody left to tell.
    if (res.writableEnded) {
      logger.warn({ err, reqId: requestIdOf(req), url: loggedPath(req.originalUrl) }, 'request failed after it was answered');
      return;
    }
    if (appError.status >= 500) {
      logger.error({ err, reqId: requestIdOf(req), url: loggedPath(req.originalUrl) }, 'request failed');
    }
    if (res.headersSent) {
      next(err);
      return;
    }
    if (
      (appError.status === 429 || appError.status === 503) &&
      'retryAfterSeconds' in appError &&
      typeof appError.retryAfterSeconds === 'number'
    ) {
      res.setHeader('Retry-After', String(appError.retryAfterSeconds));
    }
    res.status(appError.status);
    if (isApiRequest(req)) {
      const body: { code: string; message: string; fields?: FieldErrors } = { code: appError.code, message: appError.message };
      if (appError.fields) body.fields = appError.fields;
      res.json({ error: body });
      return;
    }
    if (appError.status === 401) {
      res.redirect(303, `/login?next=${encodeURIComponent(req.originalUrl)}`);
      return;
    }
    let title = pageTitles[appError.status] ?? 'Sorry, there is a problem with the service';
    const page: Record<string, unknown> = { status: appError.status, message: appError.message };
    if (appError.code === 'invalid_csrf_token') {
      const expired = expiredForm(req);
      title = expired.title ?? title;
      Object.assign(page, expired);
    }
    res.render('platform/views/error.njk', { ...page, title }, (renderErr, html) => {
      // A broken error page must not fall through to a default page that could show internals.
      if (renderErr) logger.error({ err: renderErr }, 'error page failed to render');
      res.type('html').send(renderErr ? `<h1>${title}</h1>` : html);
    });
  };
}

/** The page to go back to: the form's own page when the browser said where it was (same site only). */
function formPage(req: Request): string {
  const referer = req.headers.referer;
  if (typeof referer === 'string') {
    try {
      const url = new URL(referer);
      if (url.host === req.headers.host && /^\/(?![/\\])/.test(url.pathname)) return url.pathname + url.search;
    } catch {
      // Not an address: fall back to the page the form was sent to.
    }
  }
  return req.method === 'GET' ? req.originalUrl : '/dashboard';
}

/** What an out-of-date form says: signed out after a quiet spell, or a page left open too long, and how to go on. */
function expiredForm(req: Request): Record<string, string> {
  const back = formPage(req);
  // Registering needs no account: its answers live in a session that has ended, so there is nobody to sign in as.
  if (!req.user && /^\/register(\/|$)/.test(req.path)) {
    return {
      title: 'Your answers were cleared',
      message:
        'The form was out of date. This happens when the page was open for a long time without anything being sent: the answers you gave were cleared to keep them private. Start again to create your account.',
      retryHref: '/register',
      retryText: 'Start again',
    };
  }
  if (!req.user) {
    return {
      title: 'What you sent was not saved',
      message:
        'The form was out of date. This happens when you were signed out because you did nothing for a while. Sign in again, then send it again.',
      signInHref: `/login?next=${encodeURIComponent(back)}`,
    };
  }
  return {
    title: 'What you sent was not saved',
    message:
      'The form was out of date. This happens when the page was open from before you last signed in. Go back to the page, then send it again.',
    retryHref: back,
  };
}

export const notFound: RequestHandler = (_req, _res, next) => {
  next(new NotFoundError());
};
