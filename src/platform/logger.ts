import pino, { type Logger } from 'pino';
import { pinoHttp } from 'pino-http';
import { randomUUID } from 'node:crypto';
import type { RequestHandler } from 'express';

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
  return (url.split('?')[0] ?? '')
    .replace(/^\/invitations\/[^/]+/, '/invitations/[hidden]')
    .replace(/^\/password-reset\/(?!sent$)[^/]+/, '/password-reset/[hidden]');
}

/** Logs one line per request with a request id, which is also sent back as X-Request-Id. */
export function requestLogger(logger: Logger): RequestHandler {
  return pinoHttp({
    logger,
    genReqId: (req, res) => {
      const id = randomUUID();
      res.setHeader('X-Request-Id', id);
      return id;
    },
    customLogLevel: (_req, res, err) => (err || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info'),
    serializers: {
      req: (req: { id: unknown; method: string; url: string }) => ({ id: req.id, method: req.method, url: loggedPath(req.url) }),
      res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
    },
  });
}
