import type { Request, RequestHandler } from 'express';
import type { Borough } from './boroughs';
import { ForbiddenError, UnauthenticatedError } from './errors';

export const ROLES = ['supplier', 'officer', 'programme', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** The signed-in user as every feature sees it (and as the API shows it): never the password hash. */
export interface PublicUser {
  id: string;
  email: string;
  name: string;
  role: Role;
  borough: Borough | null;
  organisationId: string | null;
}

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    // eslint-disable-next-line @typescript-eslint/no-empty-object-type
    interface User extends PublicUser {}
  }
}

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

/** The signed-in user behind `requireRole`; a route without that guard gets a 401 rather than a crash. */
export function signedInUser(req: Request): PublicUser {
  if (!req.user) throw new UnauthenticatedError();
  return req.user;
}
