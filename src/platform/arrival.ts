import type { RequestHandler, Response } from 'express';

/**
 * When each request arrived, on the service's clock, taken before any other work: a deadline is judged by when
 * something was received, not by how long a busy server took to get to it.
 */
export function stampArrival(now: () => Date): RequestHandler {
  return (_req, res, next) => {
    res.locals.arrivedAt = now();
    next();
  };
}

/** The time the request arrived, once stamped. */
export function arrivedAt(res: Response): Date | undefined {
  const at: unknown = res.locals.arrivedAt;
  return at instanceof Date ? at : undefined;
}
