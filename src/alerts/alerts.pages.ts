import { Router, type Request, type Response } from 'express';
import type { Boroughs } from '../platform/boroughs';
import { NotFoundError, TooManyRequestsError, ValidationError, type FieldErrors } from '../platform/errors';
import { attempt, formRoute, type FormProblem } from '../platform/form-route';
import { allowAnyone } from '../platform/roles';
import { errorSummary, parseInput } from '../platform/validation';
import { accountAlertsSchema, alertSignUpSchema, tokenSchema } from './alerts.schemas';
import type { AlertsService } from './alerts.service';

type FormBody = Record<string, unknown>;

/** A token from a link's query string; anything else (missing, repeated) is no token. */
const linkToken = (req: Request): string => (typeof req.query.token === 'string' ? req.query.token : '');

/** Ticked boroughs as posted: one value or several. */
const ticked = (value: unknown): string[] => (Array.isArray(value) ? value.map(String) : typeof value === 'string' ? [value] : []);

/**
 * Email alerts: the sign-up page (open to everyone; a signed-in user's own address needs no confirmation), the
 * confirmation link's page and the unsubscribe page. A link's GET only shows a page: a button posts the change, as
 * mail scanners open links.
 */
export function alertsPages(alerts: AlertsService, boroughs: Boroughs): Router {
  const router = Router();

  const renderSignUp = async (req: Request, res: Response, status: number, values: FormBody, errors?: FieldErrors) => {
    const current = req.user ? await alerts.forUser(req.user) : null;
    const chosen = errors || !current ? ticked(values.boroughs) : current.boroughs;
    res.status(status).render('alerts/views/alerts.njk', {
      current,
      stopToken: req.user && current ? alerts.unsubscribeTokenFor(req.user) : undefined,
      values: { email: values.email },
      boroughItems: boroughs.list().map((b) => ({ value: b.slug, text: b.name, checked: chosen.includes(b.slug) })),
      errors,
      errorList: errors ? errorSummary(errors) : undefined,
    });
  };

  const rerenderSignUp = (problem: FormProblem, { req, res }: { req: Request; res: Response }) => {
    if (problem.error instanceof TooManyRequestsError && problem.error.retryAfterSeconds) {
      res.setHeader('Retry-After', String(problem.error.retryAfterSeconds));
    }
    const fields = problem.error instanceof ValidationError ? problem.fields : { email: problem.message };
    return renderSignUp(req, res, problem.status, req.body as FormBody, fields);
  };

  const renderInvalid = (res: Response, message: string, status = 404) =>
    res.status(status).render('alerts/views/link-invalid.njk', { message });

  router.get('/alerts', allowAnyone(), async (req, res) => {
    await renderSignUp(req, res, 200, {});
  });

  router.post(
    '/alerts',
    allowAnyone(),
    formRoute({
      input: ({ req }) =>
        req.user ? { ...parseInput(accountAlertsSchema, req.body), email: '' } : parseInput(alertSignUpSchema, req.body),
      run: async (input, { req }) => {
        if (req.user) await alerts.subscribeAccount(req.user, input.boroughs);
        else await alerts.signUp(input.email, input.boroughs, req.ip ?? 'unknown');
      },
      done: (_nothing, { req, res }) => res.redirect(303, req.user ? '/alerts/started' : '/alerts/check-email'),
      rerender: rerenderSignUp,
      rerenderOn: (error) => error instanceof ValidationError || error instanceof TooManyRequestsError,
    }),
  );

  router.get('/alerts/check-email', allowAnyone(), (_req, res) => {
    res.render('alerts/views/check-email.njk');
  });

  router.get('/alerts/started', allowAnyone(), (_req, res) => {
    res.render('alerts/views/started.njk');
  });

  router.get('/alerts/confirm', allowAnyone(), async (req, res) => {
    const token = linkToken(req);
    const pending = await attempt(alerts.pendingChoice(token));
    if (!pending.ok) {
      if (pending.error instanceof NotFoundError) return renderInvalid(res, pending.error.message);
      throw pending.error;
    }
    res.render('alerts/views/confirm.njk', { token, choice: pending.value });
  });

  router.post(
    '/alerts/confirm',
    allowAnyone(),
    formRoute({
      input: tokenSchema,
      run: (input) => alerts.confirm(input.token),
      done: (_choice, { res }) => res.redirect(303, '/alerts/started'),
      rerender: (problem, { res }) =>
        renderInvalid(res, problem.error instanceof NotFoundError ? problem.message : 'The link is not complete.', problem.status),
      rerenderOn: (error) => error instanceof ValidationError || error instanceof NotFoundError,
    }),
  );

  router.get('/unsubscribe', allowAnyone(), async (req, res) => {
    const token = linkToken(req);
    const choice = token ? await alerts.forUnsubscribeToken(token) : null;
    res.render('alerts/views/unsubscribe.njk', { token, choice });
  });

  router.post(
    '/unsubscribe',
    allowAnyone(),
    formRoute({
      input: tokenSchema,
      run: (input) => alerts.unsubscribe(input.token),
      done: (_nothing, { res }) => res.redirect(303, '/unsubscribe/done'),
      rerender: (problem, { res }) => renderInvalid(res, 'The link is not complete. Open it again from the email.', problem.status),
      rerenderOn: (error) => error instanceof ValidationError,
    }),
  );

  router.get('/unsubscribe/done', allowAnyone(), (_req, res) => {
    res.render('alerts/views/unsubscribed.njk');
  });

  return router;
}
