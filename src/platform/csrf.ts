import type { Request } from 'express';
import { csrfSync } from 'csrf-sync';

/** Synchroniser-token CSRF protection: the token lives in the session and comes back as `_csrf` or `X-CSRF-Token`. */
export const csrf = csrfSync({
  getTokenFromRequest: (req: Request) => {
    const header = req.headers['x-csrf-token'];
    if (typeof header === 'string') return header;
    const body = req.body as Record<string, unknown> | undefined;
    if (body && typeof body._csrf === 'string') return body._csrf;
    const query = req.query?._csrf;
    return typeof query === 'string' ? query : undefined;
  },
  errorConfig: { statusCode: 403, message: 'The security token is missing or out of date', code: 'invalid_csrf_token' },
});
