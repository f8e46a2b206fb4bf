import { Router } from 'express';
import { storeSession } from '../platform/session';
import type { PassportInstance } from './passport';
import { csrf } from '../platform/csrf';
import { parseInput } from '../platform/validation';
import { allowAnyone, requireRole } from '../platform/roles';
import type { AuthService } from './auth.service';
import { loginSchema } from './auth.schemas';
import { signOut } from './passport';
import { signInWithPassword } from './two-factor.sign-in';

export function authApi(auth: AuthService, passport: PassportInstance): Router {
  const router = Router();

  router.get('/auth/session', allowAnyone(), async (req, res) => {
    const csrfToken = csrf.generateToken(req);
    // Saved before answering: a token the store never kept would fail on the next request.
    await new Promise<void>((resolve, reject) => req.session.save((err) => (err ? reject(err) : resolve())));
    res.json({ user: req.user ?? null, csrfToken });
  });

  router.post('/auth/login', allowAnyone(), async (req, res) => {
    req.body = parseInput(loginSchema, req.body);
    const outcome = await signInWithPassword(passport, auth, req);
    const csrfToken = csrf.generateToken(req, true);
    await storeSession(req);
    if ('user' in outcome) return void res.json({ user: outcome.user, csrfToken });
    // Nobody is signed in yet: POST /auth/login/2fa (or, to set it up, /auth/2fa/setup and /auth/2fa/enable) completes it.
    res.json({ twoFactorRequired: true, ...(outcome.setupRequired ? { setupRequired: true } : {}), csrfToken });
  });

  router.post('/auth/logout', allowAnyone(), async (req, res) => {
    await signOut(req);
    res.status(204).end();
  });

  router.post('/admin/users/:id/disable', requireRole('admin'), async (req, res) => {
    await auth.disableUser(String(req.params.id));
    res.status(204).end();
  });

  return router;
}
