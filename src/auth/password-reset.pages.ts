import { Router, type Request, type Response } from 'express';
import { NotFoundError, TooManyRequestsError, ValidationError, type AppError, type FieldErrors } from '../platform/errors';
import { attempt, formRoute } from '../platform/form-route';
import { allowAnyone } from '../platform/roles';
import { errorSummary } from '../platform/validation';
import { newPasswordSchema, passwordResetRequestSchema } from './auth.schemas';
import type { PasswordResetService } from './password-reset.service';

type FormBody = Record<string, unknown>;

/** A new session with nothing in it: the old one (signed in, perhaps) was just ended in the store. */
function freshSession(req: Request): Promise<void> {
  return new Promise((resolve, reject) => req.session.regenerate((err) => (err ? reject(err) : resolve())));
}

/** Forgotten password: ask for a link by email, then choose a new password through it. */
export function passwordResetPages(resets: PasswordResetService): Router {
  const router = Router();

  const renderRequest = (res: Response, status: number, values: FormBody, errors?: FieldErrors) => {
    res.status(status).render('auth/views/password-reset-request.njk', {
      values: { email: values.email },
      errors,
      errorList: errors ? errorSummary(errors) : undefined,
    });
  };

  const renderInvalid = (res: Response, error: AppError) => {
    res.status(error.status).render('auth/views/password-reset-invalid.njk', { message: error.message });
  };

  const renderNewPassword = async (res: Response, token: string, status: number, errors?: FieldErrors) => {
    const live = await attempt(resets.findLive(token));
    if (!live.ok) {
      if (live.error instanceof NotFoundError) return renderInvalid(res, live.error);
      throw live.error;
    }
    res.status(status).render('auth/views/password-reset-new.njk', {
      token,
      email: live.value.email,
      errors,
      errorList: errors ? errorSummary(errors) : undefined,
    });
  };

  router.get('/password-reset', allowAnyone(), (_req, res) => {
    renderRequest(res, 200, {});
  });

  router.post(
    '/password-reset',
    allowAnyone(),
    formRoute({
      input: passwordResetRequestSchema,
      run: (input, { req }) => resets.request(input.email, req.ip ?? 'unknown'),
      done: (_nothing, { res }) => res.redirect(303, '/password-reset/sent'),
      rerender: (problem, { req, res }) => {
        if (problem.error instanceof TooManyRequestsError && problem.error.retryAfterSeconds) {
          res.setHeader('Retry-After', String(problem.error.retryAfterSeconds));
        }
        renderRequest(
          res,
          problem.status,
          req.body as FormBody,
          problem.error instanceof ValidationError ? problem.fields : { email: problem.message },
        );
      },
      rerenderOn: (error) => error instanceof ValidationError || error instanceof TooManyRequestsError,
    }),
  );

  // Before the link's page, which would otherwise take "sent" for a token.
  router.get('/password-reset/sent', allowAnyone(), (_req, res) => {
    res.render('auth/views/password-reset-sent.njk');
  });

  router.get('/password-reset/:token', allowAnyone(), async (req, res) => {
    await renderNewPassword(res, String(req.params.token), 200);
  });

  router.post(
    '/password-reset/:token',
    allowAnyone(),
    formRoute({
      input: newPasswordSchema,
      run: (input, { req }) => resets.reset(String(req.params.token), input.password),
      done: async (_nothing, { req, res }) => {
        await freshSession(req);
        req.session.flash = 'Your password has been changed. Sign in with your new password.';
        res.redirect(303, '/login');
      },
      rerender: (problem, { req, res }) =>
        problem.error instanceof NotFoundError
          ? renderInvalid(res, problem.error)
          : renderNewPassword(res, String(req.params.token), problem.status, problem.fields),
      rerenderOn: (error) => error instanceof ValidationError || error instanceof NotFoundError,
    }),
  );

  return router;
}
