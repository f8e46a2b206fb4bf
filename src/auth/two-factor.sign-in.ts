import type { Request, RequestHandler } from 'express';
import { ConflictError, ForbiddenError, UnauthenticatedError } from '../platform/errors';
import type { KeptPost } from '../platform/kept-post';
import type { PublicUser } from '../platform/roles';
import type { AuthService } from './auth.service';
import { checkCredentials, regenerateSession, signInUser, type PassportInstance } from './passport';
import { TWO_FACTOR_ROLES } from './two-factor.service';

/** A sign-in past its password, waiting for its second step; it holds no signed-in user. */
export interface PendingSignIn {
  userId: string;
  /** When it lapses (ms since the epoch, by the two-factor clock). */
  until: number;
  /** When the password was checked (the server's clock, as signedInAt): a password reset since then voids it. */
  passwordAt: number;
  /** REQUIRE_2FA and no two-factor sign-in yet: it must be set up before the sign-in completes. */
  setupRequired: boolean;
  /** Where the sign-in page was going to send the person, and a form kept from an ended session. */
  next?: string;
  keptPost?: KeptPost;
}

declare module 'express-session' {
  interface SessionData {
    twoFactorPending?: PendingSignIn;
    /** When this session passed its second step (ms since the epoch). */
    secondFactorAt?: number;
  }
}

/** How long a password stays good for its second step: a code, or setting two-factor sign-in up. */
export const PENDING_CODE_MINUTES = 5;
export const PENDING_SETUP_MINUTES = 15;

export type PasswordOutcome = { user: PublicUser } | { twoFactorRequired: true; setupRequired: boolean };

/**
 * Checks the email and password; signs in at once when no second step is needed. Otherwise a new session holds
 * only the pending sign-in, for a few minutes, and nobody is signed in until the code (or the set-up) comes.
 */
export async function signInWithPassword(
  passport: PassportInstance,
  auth: AuthService,
  req: Request,
  carry: Pick<PendingSignIn, 'next' | 'keptPost'> = {},
): Promise<PasswordOutcome> {
  const user = await checkCredentials(passport, req);
  const second = await auth.twoFactor.secondStep(user);
  if (second === 'none') {
    await signInUser(req, user);
    await auth.recordSignIn(user, 'password');
    return { user };
  }
  await regenerateSession(req);
  const minutes = second === 'setup' ? PENDING_SETUP_MINUTES : PENDING_CODE_MINUTES;
  req.session.twoFactorPending = {
    userId: user.id,
    until: auth.twoFactor.time().getTime() + minutes * 60_000,
    passwordAt: Date.now(),
    setupRequired: second === 'setup',
    ...carry,
  };
  return { twoFactorRequired: true, setupRequired: second === 'setup' };
}

/** The pending sign-in and its user while it lasts; null when there is none, it lapsed or the account went. */
export async function pendingSignIn(auth: AuthService, req: Request): Promise<{ pending: PendingSignIn; user: PublicUser } | null> {
  const pending = req.session?.twoFactorPending;
  if (!pending) return null;
  if (pending.until < auth.twoFactor.time().getTime()) {
    delete req.session.twoFactorPending;
    return null;
  }
  const user = await auth.findActiveUser(pending.userId, pending.passwordAt);
  return user ? { pending, user } : null;
}

/** Completes a pending sign-in with a code or a recovery code: 401 for a wrong one, 429 when throttled. */
export async function completeSignIn(auth: AuthService, req: Request, code: string): Promise<{ user: PublicUser; pending: PendingSignIn }> {
  const found = await pendingSignIn(auth, req);
  if (!found) throw new UnauthenticatedError('Your sign-in has timed out. Sign in again with your email address and password');
  if (found.pending.setupRequired) {
    throw new ConflictError('two_factor_setup_required', 'Set up two-factor sign-in for your account before signing in');
  }
  await auth.twoFactor.useCode(found.user, code, req.ip ?? 'unknown');
  await signInUser(req, found.user);
  req.session.secondFactorAt = Date.now();
  await auth.recordSignIn(found.user, 'password and two-factor code');
  return found;
}

/** Signs in the pending user once two-factor sign-in is set up (REQUIRE_2FA); the session gets a new id. */
export async function finishPendingSetup(auth: AuthService, req: Request, user: PublicUser): Promise<PendingSignIn | undefined> {
  const pending = req.session.twoFactorPending;
  await signInUser(req, user);
  req.session.secondFactorAt = Date.now();
  await auth.recordSignIn(user, 'password and new two-factor set-up');
  return pending;
}

/**
 * With REQUIRE_2FA, a session of an officer, programme user or admin that never passed a second step (signed in before
 * the setting was turned on) is ended: the person signs in again, and sets it up.
 */
export function requireSecondFactor(auth: AuthService): RequestHandler {
  return (req, _res, next) => {
    const user = req.user;
    if (!auth.twoFactor.required || !user || !auth.twoFactor.appliesTo(user.role) || req.session.secondFactorAt) return next();
    req.user = undefined;
    req.session.regenerate((err) => next(err));
  };
}

const accountOf = new WeakMap<Request, PublicUser>();

/**
 * Lets through a signed-in officer, programme user or admin, and a pending sign-in that must set up two-factor
 * sign-in first (REQUIRE_2FA); 401 for anyone else, 403 for suppliers. The account is then `twoFactorAccount(req)`.
 */
export function requireTwoFactorAccount(auth: AuthService): RequestHandler {
  const handler: RequestHandler = async (req, _res, next) => {
    if (req.user) {
      if (!auth.twoFactor.appliesTo(req.user.role)) return next(new ForbiddenError());
      accountOf.set(req, req.user);
      return next();
    }
    const found = await pendingSignIn(auth, req);
    if (!found?.pending.setupRequired) return next(new UnauthenticatedError());
    accountOf.set(req, found.user);
    next();
  };
  return Object.assign(handler, { roles: [...TWO_FACTOR_ROLES] });
}

export function twoFactorAccount(req: Request): PublicUser {
  const user = accountOf.get(req);
  if (!user) throw new UnauthenticatedError();
  return user;
}

/** True when the request comes from a pending sign-in setting up two-factor sign-in, not a signed-in user. */
export function isPendingSetup(req: Request): boolean {
  return !req.user && Boolean(req.session?.twoFactorPending?.setupRequired);
}
