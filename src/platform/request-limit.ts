import type { RequestHandler, Response } from 'express';
import type { Logger } from 'pino';
import { isApiRequest } from './error-handler';
import { RETRY_AFTER_SECONDS, ServiceUnavailableError } from './errors';
import { loggedPath, requestIdOf } from './logger';

export interface RequestLimitOptions {
  /** The longest a request waits while the database does not answer. */
  limitMs: number;
  /** True when the database answers a ping within the time given. */
  isDatabaseUp: (timeoutMs: number) => Promise<boolean>;
  logger: Logger;
}

const UNAVAILABLE = new ServiceUnavailableError();

/**
 * Answers 503 with Retry-After when a request has sent nothing after `limitMs` and the database does not answer
 * a ping, so a hung database never keeps users waiting. A slow request on a healthy database (a large analysis,
 * an upload on a slow line) keeps going, and a response that has started (a streamed workbook) is never cut.
 */
export function requestTimeLimit(opts: RequestLimitOptions): RequestHandler {
  const pingMs = Math.min(1_000, Math.floor(opts.limitMs / 4));
  // The first check ends its ping a little before the limit, so the answer goes out within it.
  const firstCheckMs = opts.limitMs - pingMs - Math.min(750, Math.floor(opts.limitMs / 4));
  let pending: Promise<boolean> | undefined;
  // One ping at a time, shared by every waiting request, so a hung database is not flooded with them.
  const isDatabaseUp = () => {
    pending ??= opts.isDatabaseUp(pingMs).finally(() => {
      pending = undefined;
    });
    return pending;
  };

  return (req, res, next) => {
    // Taken before the session middleware wraps it, so this answer never waits on a session save.
    const end = res.end.bind(res) as (body: string) => Response;
    let timer: NodeJS.Timeout | undefined;
    const done = () => clearTimeout(timer);
    res.once('finish', done);
    res.once('close', done);

    const check = async () => {
      if (res.headersSent || res.writableEnded) return;
      const up = await isDatabaseUp();
      if (res.headersSent || res.writableEnded) return;
      if (up) {
        timer = setTimeout(() => void check(), opts.limitMs - pingMs);
        return;
      }
      opts.logger.warn({ reqId: requestIdOf(req), url: loggedPath(req.originalUrl) }, 'the database did not answer in time; answered 503');
      // The handler may still try to write when its database call fails; that must not become an unhandled error.
      res.on('error', () => undefined);
      await answerUnavailable(req, res, end);
      if (res.writableEnded) silenceLateAnswers(res);
    };
    timer = setTimeout(() => void check(), firstCheckMs);
    next();
  };
}

async function answerUnavailable(req: Parameters<RequestHandler>[0], res: Response, end: (body: string) => Response): Promise<void> {
  let body: string;
  let type: string;
  if (isApiRequest(req)) {
    body = JSON.stringify({ error: { code: UNAVAILABLE.code, message: UNAVAILABLE.message } });
    type = 'application/json; charset=utf-8';
  } else {
    const plain = '<h1>Sorry, the service is unavailable</h1>';
    body = await new Promise<string>((resolve) => {
      try {
        res.render(
          'platform/views/error.njk',
          { status: 503, title: 'Sorry, the service is unavailable', message: UNAVAILABLE.message },
          (err, html) => resolve(err ? plain : html),
        );
      } catch {
        resolve(plain);
      }
    });
    type = 'text/html; charset=utf-8';
  }
  if (res.headersSent || res.writableEnded) return;
  res.statusCode = 503;
  res.setHeader('Retry-After', String(RETRY_AFTER_SECONDS));
  res.setHeader('Content-Type', type);
  res.setHeader('Content-Length', String(Buffer.byteLength(body)));
  res.setHeader('Cache-Control', 'no-store');
  end(body);
}

/**
 * After the 503 has gone out, the handler may still finish and answer: a render's callback that sends would throw
 * ERR_HTTP_HEADERS_SENT outside any promise and stop the process. Its late answer is dropped instead.
 */
function silenceLateAnswers(res: Response): void {
  const dropped = function (this: Response) {
    return this;
  };
  res.send = dropped as Response['send'];
  res.json = dropped as Response['json'];
  res.redirect = dropped as Response['redirect'];
  res.sendStatus = dropped as Response['sendStatus'];
  res.setHeader = dropped as unknown as Response['setHeader'];
}

/** Goes no further with a request already answered 503 by the time limit (its session load was what hung). */
export const stopIfAnswered: RequestHandler = (_req, res, next) => {
  if (!res.headersSent) next();
};
