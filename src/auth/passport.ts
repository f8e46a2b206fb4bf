import type { Request, RequestHandler } from 'express';
import { Passport } from 'passport';
import { Strategy as LocalStrategy } from 'passport-local';
import { UnauthenticatedError } from '../platform/errors';
import type { PublicUser } from '../platform/roles';
import type { AuthService } from './auth.service';

export interface SessionLimits {
  /** The longest a signed-in session lasts, however active. */
  absoluteMinutes: number;
}

/** Passport with email and password checked by the auth service; only the user id goes in the session. */
export type PassportInstance = InstanceType<typeof Passport>;

export function createPassport(auth: AuthService): PassportInstance {
  const passport = new Passport();
  passport.use(
    new LocalStrategy(
      { usernameField: 'email', passwordField: 'password', passReqToCallback: true, session: true },
      (req, email, password, done) => {
        auth.authenticate(email, password, req.ip ?? 'unknown').then(
          (user) => done(null, user),
          (err: unknown) => (err instanceof UnauthenticatedError ? done(null, false) : done(err)),
        );
      },
    ),
  );
  passport.serializeUser((user, done) => done(null, user.id));
  passport.deserializeUser((req: Request, id: string, done: (err: unknown, user?: PublicUser | false) => void) => {
    auth.findActiveUser(id, req.session?.signedInAt).then((user) => done(null, user ?? false), done);
  });
  return passport;
}

/** Runs the local strategy: the user whose email and password these are, not yet signed in (a second step may follow). */
export function checkCredentials(passport: PassportInstance, req: Request): Promise<PublicUser> {
  return new Promise((resolve, reject) => {
    const res = req.res;
    if (!res) {
      reject(new Error('checkCredentials needs a response'));
      return;
    }
    const authenticate = passport.authenticate('local', (err: unknown, user: PublicUser | false) => {
      if (err) return reject(err);
      if (!user) return reject(new UnauthenticatedError('The email address or password is not right'));
      resolve(user);
    }) as RequestHandler;
    void authenticate(req, res, (err?: unknown) => (err ? reject(err) : undefined));
  });
}

/** A new, empty session id for the same browser: what it held before is gone from the store. */
export function regenerateSession(req: Request): Promise<void> {
  return new Promise((resolve, reject) => req.session.regenerate((err) => (err ? reject(err as Error) : resolve())));
}

/** Signs in a user already verified (just registered, or past the second step), with a new session id. */
export function signInUser(req: Request, user: PublicUser): Promise<void> {
  return new Promise((resolve, reject) => {
    // passport regenerates the session here, so a session id seen before sign-in is worthless after it.
    req.logIn(user, (err) => {
      if (err) return reject(err);
      req.session.signedInAt = Date.now();
      resolve();
    });
  });
}

/** Signs out and destroys the session in the store, so the old cookie is worthless. */
export function signOut(req: Request): Promise<void> {
  return new Promise((resolve, reject) => {
    req.logout((err) => {
      if (err) return reject(err);
      req.session.destroy((destroyErr) => (destroyErr ? reject(destroyErr) : resolve()));
    });
  });
}

/** Ends a signed-in session past its absolute lifetime (the idle limit is the cookie's and the store's). */
export function enforceSessionLimits(limits: SessionLimits): RequestHandler {
  return (req, _res, next) => {
    const signedInAt = req.session?.signedInAt;
    if (req.user && (!signedInAt || Date.now() - signedInAt > limits.absoluteMinutes * 60_000)) {
      req.user = undefined;
      // A new, empty session: the old one is deleted from the store and the request goes on anonymous.
      req.session.regenerate((err) => next(err));
      return;
    }
    next();
  };
}
