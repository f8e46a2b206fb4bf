import { Router, type Request, type Response } from 'express';
import { ConflictError, TooManyRequestsError, UnauthenticatedError, ValidationError, type FieldErrors } from '../platform/errors';
import { formRoute } from '../platform/form-route';
import type { KeptPosts } from '../platform/kept-post';
import { allowAnyone } from '../platform/roles';
import { errorSummary } from '../platform/validation';
import type { AuthService } from './auth.service';
import { safeNext } from './auth.pages';
import { authenticatorCodeSchema, recoveryCodeSchema } from './two-factor.schemas';
import { completeSignIn, pendingSignIn } from './two-factor.sign-in';

/** The two ways through the second step of sign-in: a code from the app, or a recovery code. */
const KINDS = {
  'two-factor': { schema: authenticatorCodeSchema, template: 'auth/views/login-two-factor.njk' },
  'recovery-code': { schema: recoveryCodeSchema, template: 'auth/views/login-recovery-code.njk' },
} as const;

/** After the password, for accounts with two-factor sign-in: the code page, and the recovery code page. */
export function twoFactorSignInPages(auth: AuthService, kept?: Pick<KeptPosts, 'carry'>): Router {
  const router = Router();

  const render = (res: Response, template: string, status: number, errors?: FieldErrors) => {
    res.status(status).render(template, { errors, errorList: errors ? errorSummary(errors) : undefined });
  };

  /** The pending sign-in, or a trip back to the password (or on to set-up) when there is none to complete. */
  const pendingOrRedirect = async (req: Request, res: Response) => {
    const found = await pendingSignIn(auth, req);
    if (!found) {
      req.session.flash = 'Your sign-in timed out. Sign in again.';
      res.redirect(303, '/login');
      return null;
    }
    if (found.pending.setupRequired) {
      res.redirect(303, '/account/two-factor');
      return null;
    }
    return found;
  };

  for (const [path, { schema, template }] of Object.entries(KINDS)) {
    router.get(`/login/${path}`, allowAnyone(), async (req, res) => {
      if (req.user) return res.redirect(303, '/dashboard');
      if (await pendingOrRedirect(req, res)) render(res, template, 200);
    });

    router.post(
      `/login/${path}`,
      allowAnyone(),
      formRoute({
        load: pendingOrRedirect,
        input: schema,
        run: async ({ code }, { req }) => {
          const { user, pending } = await completeSignIn(auth, req, code);
          kept?.carry(req, pending.keptPost, user.id);
          return pending;
        },
        done: (pending, { res }) => res.redirect(303, safeNext(pending.next)),
        rerender: (problem, { res }) => {
          if (problem.error instanceof TooManyRequestsError && problem.error.retryAfterSeconds) {
            res.setHeader('Retry-After', String(problem.error.retryAfterSeconds));
          }
          render(res, template, problem.status, problem.error instanceof ValidationError ? problem.fields : { code: problem.message });
        },
        rerenderOn: (error) =>
          error instanceof ValidationError ||
          error instanceof UnauthenticatedError ||
          error instanceof TooManyRequestsError ||
          error instanceof ConflictError,
      }),
    );
  }

  return router;
}
