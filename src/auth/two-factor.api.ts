import { Router } from 'express';
import { storeSession } from '../platform/session';
import { csrf } from '../platform/csrf';
import { parseInput } from '../platform/validation';
import { allowAnyone, requireRole, signedInUser } from '../platform/roles';
import type { AuthService } from './auth.service';
import { TWO_FACTOR_ROLES } from './two-factor.service';
import { authenticatorCodeSchema, signInCodeSchema } from './two-factor.schemas';
import { completeSignIn, finishPendingSetup, isPendingSetup, requireTwoFactorAccount, twoFactorAccount } from './two-factor.sign-in';

/** Two-factor sign-in (TOTP) for officers, the programme team and admins: setting it up, signing in with it, turning it off. */
export function twoFactorApi(auth: AuthService): Router {
  const router = Router();
  const account = requireTwoFactorAccount(auth);

  router.post('/auth/login/2fa', allowAnyone(), async (req, res) => {
    const { code } = parseInput(signInCodeSchema, req.body);
    const { user } = await completeSignIn(auth, req, code);
    const csrfToken = csrf.generateToken(req, true);
    await storeSession(req);
    res.json({ user, csrfToken });
  });

  router.post('/auth/2fa/setup', account, async (req, res) => {
    const { secret, otpauthUrl } = await auth.twoFactor.setUp(twoFactorAccount(req), { fresh: true });
    res.json({ secret, otpauthUrl });
  });

  router.post('/auth/2fa/enable', account, async (req, res) => {
    const { code } = parseInput(authenticatorCodeSchema, req.body);
    const user = twoFactorAccount(req);
    const pendingSetup = isPendingSetup(req);
    const recoveryCodes = await auth.twoFactor.enable(user, code);
    if (!pendingSetup) return void res.json({ recoveryCodes });
    // A sign-in that had to set it up (REQUIRE_2FA) completes here, with a new session id and token.
    await finishPendingSetup(auth, req, user);
    const csrfToken = csrf.generateToken(req, true);
    await storeSession(req);
    res.json({ recoveryCodes, user, csrfToken });
  });

  router.post('/auth/2fa/disable', requireRole(...TWO_FACTOR_ROLES), async (req, res) => {
    const { code } = parseInput(authenticatorCodeSchema, req.body);
    await auth.twoFactor.disable(signedInUser(req), code, req.ip ?? 'unknown');
    res.status(204).end();
  });

  return router;
}
