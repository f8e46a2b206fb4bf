import { errorSummaryInPageOrder } from './error-order';
import type { Request, RequestHandler } from 'express';
import { csrfSync } from 'csrf-sync';

/** Synchroniser-token CSRF protection: the token lives in the session and comes back as `_csrf` or `X-CSRF-Token`. */
export const csrf = csrfSync({
  getTokenFromRequest: (req: Request) => {
    const header = req.headers['x-csrf-token'];
    if (typeof header === 'string') return header;
    const body = req.body as Record<string, unknown> | undefined;
    if (body && typeof body._csrf === 'string') return body._csrf;
    // A file upload form's body is read only after the checks, so its token comes in the address; nothing else may.
    if (!req.is('multipart/form-data')) return undefined;
    const query = req.query?._csrf;
    return typeof query === 'string' ? query : undefined;
  },
  errorConfig: { statusCode: 403, message: 'The security token is missing or out of date', code: 'invalid_csrf_token' },
});

/**
 * Gives templates the signed-in user and a `csrfToken()` for forms. A page that hands out a token is
 * sent only once its session (holding the token) is stored, so a form never carries a token the
 * store lost; a failed save becomes a 503 like any other database failure.
 */
export const pageLocals: RequestHandler = (req, res, next) => {
  let tokenIssued = false;
  const tokenBefore = req.session?.csrfToken;
  res.locals.currentUser = req.user;
  // A one-time message from the previous request (after a redirect), shown once: on the next page a person sees, not
  // used up by a call from a page's script, a request for a missing file or a page that answers with an error.
  const forPage = req.method === 'GET' && !req.path.startsWith('/api/');
  if (forPage && req.session?.flash) res.locals.flash = req.session.flash;
  if (forPage && req.session?.notice) res.locals.notice = req.session.notice;
  res.locals.csrfToken = () => {
    tokenIssued = true;
    return csrf.generateToken(req);
  };
  const render = res.render.bind(res);
  res.render = ((view: string, options?: object, callback?: (err: Error, html: string) => void) => {
    if (typeof options === 'function') {
      render(view, options as object);
      return;
    }
    if (callback) {
      // An error page (or a page kept whole) leaves a waiting message for the next page.
      render(view, res.statusCode < 400 ? options : { flash: undefined, notice: undefined, ...options }, callback);
      return;
    }
    const shown = res.statusCode < 400;
    if (shown && forPage) {
      if (res.locals.flash !== undefined && req.session?.flash === res.locals.flash) delete req.session.flash;
      if (res.locals.notice !== undefined && req.session?.notice === res.locals.notice) delete req.session.notice;
    }
    const pageOptions = shown ? (options ?? {}) : { flash: undefined, notice: undefined, ...options };
    render(view, pageOptions, (err: Error | null, rendered: string) => {
      if (err) return next(err);
      const html = errorSummaryInPageOrder(rendered);
      // A token made for this page is stored before the page is sent; one the session already had needs no write.
      if (!tokenIssued || req.session.csrfToken === tokenBefore) return void res.send(html);
      req.session.save((saveErr) => (saveErr ? next(saveErr) : res.send(html)));
    });
  }) as typeof res.render;
  next();
};
