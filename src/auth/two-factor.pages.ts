import { Router, type Request, type Response } from 'express';
import QRCode from 'qrcode';
import { ConflictError, TooManyRequestsError, ValidationError, type FieldErrors } from '../platform/errors';
import { formRoute } from '../platform/form-route';
import type { KeptPosts } from '../platform/kept-post';
import { requireRole, signedInUser, type PublicUser } from '../platform/roles';
import { errorSummary } from '../platform/validation';
import type { AuthService } from './auth.service';
import { safeNext } from './auth.pages';
import { TWO_FACTOR_ROLES } from './two-factor.service';
import { authenticatorCodeSchema } from './two-factor.schemas';
import { finishPendingSetup, isPendingSetup, requireTwoFactorAccount, twoFactorAccount } from './two-factor.sign-in';

/** The QR code as inline SVG made on the server: the CSP allows no inline script, and the page works without any. */
async function qrCodeSvg(url: string): Promise<string> {
  const svg = await QRCode.toString(url, { type: 'svg', margin: 2, errorCorrectionLevel: 'M' });
  return svg.replace('<svg ', '<svg role="img" aria-label="QR code for your authenticator app" width="200" height="200" ');
}

/** The account's two-factor sign-in page: set it up (QR code, key, code), see the recovery codes once, turn it off. */
export function twoFactorPages(auth: AuthService, kept?: Pick<KeptPosts, 'carry'>): Router {
  const router = Router();
  const account = requireTwoFactorAccount(auth);

  const renderSetUp = async (req: Request, res: Response, status: number, errors?: FieldErrors) => {
    const setUp = await auth.twoFactor.setUp(twoFactorAccount(req), { fresh: false });
    res.status(status).render('auth/views/two-factor-set-up.njk', {
      qrCode: await qrCodeSvg(setUp.otpauthUrl),
      groupedSecret: setUp.groupedSecret,
      mustSetUp: isPendingSetup(req),
      errors,
      errorList: errors ? errorSummary(errors) : undefined,
    });
  };

  const renderStatus = async (user: PublicUser, res: Response, status: number, errors?: FieldErrors) => {
    res.status(status).render('auth/views/two-factor-on.njk', {
      recoveryCodesLeft: await auth.twoFactor.recoveryCodesLeft(user.id),
      canTurnOff: !auth.twoFactor.required,
      errors,
      errorList: errors ? errorSummary(errors) : undefined,
    });
  };

  router.get('/account/two-factor', account, async (req, res) => {
    const user = twoFactorAccount(req);
    if (await auth.twoFactor.isEnabled(user.id)) return renderStatus(user, res, 200);
    await renderSetUp(req, res, 200);
  });

  router.post(
    '/account/two-factor',
    account,
    formRoute({
      input: authenticatorCodeSchema,
      run: async ({ code }, { req }) => {
        const user = twoFactorAccount(req);
        const pendingSetup = isPendingSetup(req);
        const recoveryCodes = await auth.twoFactor.enable(user, code);
        // A sign-in that had to set it up (REQUIRE_2FA) completes now; the codes are shown on the way in.
        if (!pendingSetup) return { recoveryCodes, next: '/dashboard' };
        const pending = await finishPendingSetup(auth, req, user);
        kept?.carry(req, pending?.keptPost, user.id);
        return { recoveryCodes, next: safeNext(pending?.next) };
      },
      // Shown in this answer and never again: the codes are kept only as hashes.
      done: ({ recoveryCodes, next }, { res }) => res.render('auth/views/two-factor-recovery-codes.njk', { recoveryCodes, next }),
      rerender: async (problem, { req, res }) => {
        const user = twoFactorAccount(req);
        if (await auth.twoFactor.isEnabled(user.id)) return renderStatus(user, res, problem.status);
        await renderSetUp(req, res, problem.status, problem.error instanceof ValidationError ? problem.fields : { code: problem.message });
      },
    }),
  );

  router.post(
    '/account/two-factor/turn-off',
    requireRole(...TWO_FACTOR_ROLES),
    formRoute({
      input: authenticatorCodeSchema,
      run: ({ code }, { req }) => auth.twoFactor.disable(signedInUser(req), code, req.ip ?? 'unknown'),
      done: (_nothing, { req, res }) => {
        req.session.flash = 'Two-factor sign-in is off. You sign in with your email address and password only.';
        res.redirect(303, '/account/two-factor');
      },
      rerender: async (problem, { req, res }) => {
        if (problem.error instanceof TooManyRequestsError && problem.error.retryAfterSeconds) {
          res.setHeader('Retry-After', String(problem.error.retryAfterSeconds));
        }
        await renderStatus(
          signedInUser(req),
          res,
          problem.status,
          problem.error instanceof ValidationError ? problem.fields : { code: problem.message },
        );
      },
      rerenderOn: (error) => error instanceof ValidationError || error instanceof ConflictError || error instanceof TooManyRequestsError,
    }),
  );

  return router;
}
