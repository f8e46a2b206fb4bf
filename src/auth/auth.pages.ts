import { Router, type Request, type Response } from 'express';
import type { PassportInstance } from './passport';
import { AppError, ValidationError, type FieldErrors } from '../platform/errors';
import { allowAnyone } from '../platform/roles';
import { errorSummary, parseInput } from '../platform/validation';
import { loginSchema } from './auth.schemas';
import { signIn, signOut } from './passport';

/** Only same-site paths are followed after sign-in, never another host. */
export function safeNext(next: unknown): string {
  return typeof next === 'string' && /^\/(?![/\\])/.test(next) ? next : '/dashboard';
}

type FormBody = Record<string, unknown>;

export function authPages(passport: PassportInstance): Router {
  const router = Router();

  const renderLogin = (res: Response, status: number, values: FormBody, errors?: FieldErrors) => {
    res.status(status).render('auth/views/login.njk', {
      values: { email: values.email },
      next: typeof values.next === 'string' ? values.next : '',
      errors,
      errorList: errors ? errorSummary(errors) : undefined,
    });
  };

  router.get('/login', allowAnyone(), (req, res) => {
    if (req.user) return res.redirect(303, safeNext(req.query.next));
    renderLogin(res, 200, { next: req.query.next });
  });

  router.post('/login', allowAnyone(), async (req: Request, res) => {
    const body = req.body as FormBody;
    try {
      req.body = parseInput(loginSchema, body);
      await signIn(passport, req);
      res.redirect(303, safeNext(body.next));
    } catch (err) {
      if (err instanceof ValidationError) return renderLogin(res, 422, body, err.fields);
      if (err instanceof AppError && (err.status === 401 || err.status === 429)) {
        return renderLogin(res, err.status, body, { email: err.message });
      }
      throw err;
    }
  });

  router.post('/logout', allowAnyone(), async (req, res) => {
    await signOut(req);
    res.redirect(303, '/');
  });

  return router;
}
