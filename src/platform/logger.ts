import pino, { type Logger } from 'pino';
import { randomUUID } from 'node:crypto';
import type { Request, RequestHandler } from 'express';

export type { Logger };

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  const options = {
    level,
    redact: { paths: ['req.headers.cookie', 'req.headers["x-csrf-token"]', 'res.headers["set-cookie"]', '*.password'], censor: '[hidden]' },
  };
  return destination ? pino(options, destination) : pino(options);
}

/** The path of a request as logged: no query string, and no secret that a path carries (an invitation or reset link's token). */
export function loggedPath(url: string): string {
  // Paths match whatever their case, and extra slashes, as the router takes them.
  return (url.split('?')[0] ?? '')
    .replace(/^\/+invitations\/+[^/]+/i, '/invitations/[hidden]')
    .replace(/^\/+password-reset\/+(?!sent\/?$)[^/]+/i, '/password-reset/[hidden]');
}

/** The id the request log gave this request (also sent back as X-Request-Id), for other log lines about it. */
export function requestIdOf(req: Request): string | undefined {
  return (req as { id?: string }).id;
}

/**
 * Logs one line per request with a request id, which is also sent back as X-Request-Id: `info` for answers below
 * 400, `warn` for 4xx and for requests the client gave up on before the answer was complete, `error` for 5xx. The line is only built when its level
 * is logged, so a busy server logging warnings and above does no work for the requests that went well.
 */
export function requestLogger(logger: Logger): RequestHandler {
  return (req, res, next) => {
    const id = randomUUID();
    const started = process.hrtime.bigint();
    (req as { id?: string }).id = id;
    res.setHeader('X-Request-Id', id);
    const done = () => {
      res.off('finish', done);
      res.off('close', done);
      // Gone before the answer was complete: the client gave up (a closed tab, a cut download), not a fault here.
      const aborted = !res.writableEnded;
      const level = res.statusCode >= 500 ? 'error' : aborted || res.statusCode >= 400 ? 'warn' : 'info';
      if (!logger.isLevelEnabled(level)) return;
      logger[level](
        {
          req: { id, method: req.method, url: loggedPath(req.originalUrl) },
          res: { statusCode: res.statusCode },
          responseTime: Math.round(Number(process.hrtime.bigint() - started) / 1e6),
        },
        aborted ? 'request aborted' : 'request completed',
      );
    };
    res.on('finish', done);
    res.on('close', done);
    next();
  };
}
