import type { RequestHandler } from 'express';
import { ForbiddenError, UnauthenticatedError } from '../platform/errors';
import type { Role } from './user.model';

/** Lets the request through only for a signed-in user with one of the roles; 401 or 403 otherwise. */
export function requireRole(...roles: Role[]): RequestHandler {
  const handler: RequestHandler = (req, _res, next) => {
    if (!req.user) return next(new UnauthenticatedError());
    if (!roles.includes(req.user.role)) return next(new ForbiddenError());
    next();
  };
  return Object.assign(handler, { roles });
}

/** Marks a route as open to everyone, so the route audit can tell it was a decision, not an omission. */
export function allowAnyone(): RequestHandler {
  const handler: RequestHandler = (_req, _res, next) => next();
  return Object.assign(handler, { roles: ['anyone'] });
}
