import { Router, type Request, type Response } from 'express';
import type { PassportInstance } from './passport';
import { TooManyRequestsError, UnauthenticatedError, ValidationError, type FieldErrors } from '../platform/errors';
import { formRoute } from '../platform/form-route';
import type { KeptPosts } from '../platform/kept-post';
import { allowAnyone } from '../platform/roles';
import { localPath } from '../platform/local-path';
import { errorSummary } from '../platform/validation';
import { loginSchema } from './auth.schemas';
import type { AuthService } from './auth.service';
import { signOut } from './passport';
import { signInWithPassword } from './two-factor.sign-in';

/** Only same-site paths are followed after sign-in, never another host. */
export function safeNext(next: unknown): string {
  return localPath(next) ?? '/dashboard';
}

/** Why the sign-in page was shown, from the page the person was going to; nothing when they came to sign in. */
export function signInReason(next: string | undefined): string | undefined {
  if (!next) return undefined;
  const path = next.split(/[?#]/)[0]!;
  if (/^\/tenders\/[^/]+\/interest$/.test(path)) return 'Sign in to express interest in this exercise';
  if (/^\/tenders\/[^/]+\/response(\/.*)?$/.test(path)) return 'Sign in to answer the questionnaire';
  return 'Sign in to continue';
}

type FormBody = Record<string, unknown>;

export function authPages(passport: PassportInstance, auth: AuthService, kept?: Pick<KeptPosts, 'take' | 'carry'>): Router {
  const router = Router();

  const renderLogin = (res: Response, status: number, values: FormBody, errors?: FieldErrors) => {
    // Only a local path is carried on, into the form and the registration link alike.
    const next = localPath(values.next);
    res.status(status).render('auth/views/login.njk', {
      values: { email: values.email },
      next: next ?? '',
      reason: signInReason(next),
      registerLink: next ? `/register?next=${encodeURIComponent(next)}` : '/register',
      errors,
      errorList: errors ? errorSummary(errors) : undefined,
    });
  };

  router.get('/login', allowAnyone(), (req, res) => {
    if (req.user) return res.redirect(303, safeNext(req.query.next));
    renderLogin(res, 200, { next: req.query.next });
  });

  router.post(
    '/login',
    allowAnyone(),
    formRoute({
      // passport reads the checked credentials from req.body; the form's own fields (next) are kept for the page.
      load: (req: Request) => ({ form: req.body as FormBody }),
      input: loginSchema,
      run: async (credentials, { req, ctx }) => {
        req.body = credentials;
        // Signing in starts a new session: a form kept from the ended one moves over only for the person who sent it.
        const keptPost = kept?.take(req);
        const next = localPath(ctx.form.next);
        const outcome = await signInWithPassword(passport, auth, req, { next, keptPost });
        if ('user' in outcome) kept?.carry(req, keptPost, outcome.user.id);
        return outcome;
      },
      done: (outcome, { res, ctx }) => {
        if ('user' in outcome) return res.redirect(303, safeNext(ctx.form.next));
        res.redirect(303, outcome.setupRequired ? '/account/two-factor' : '/login/two-factor');
      },
      rerender: (problem, { res, ctx }) =>
        problem.error instanceof ValidationError
          ? renderLogin(res, problem.status, ctx.form, problem.error.fields)
          : renderLogin(res, problem.status, ctx.form, { email: problem.message }),
      rerenderOn: (error) =>
        error instanceof ValidationError || error instanceof UnauthenticatedError || error instanceof TooManyRequestsError,
    }),
  );

  router.post('/logout', allowAnyone(), async (req, res) => {
    await signOut(req);
    res.redirect(303, '/');
  });

  return router;
}
