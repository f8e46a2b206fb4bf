import { Router } from 'express';
import { allowAnyone } from './roles';

export interface HelpPagesOptions {
  /** The session cookie's name, as the cookies page lists it. */
  sessionCookie: string;
  /** How long the cookie lasts without use, and at most after signing in. */
  idleMinutes: number;
  absoluteMinutes: number;
  /** Whether the database answers, for the service status page. */
  isDatabaseUp: () => Promise<boolean>;
}

/** Pages anyone can read: the accessibility statement, privacy notice, cookies, contact and service status. */
export function helpPages(opts: HelpPagesOptions): Router {
  const router = Router();
  router.get('/accessibility', allowAnyone(), (_req, res) => {
    res.render('platform/views/help/accessibility.njk');
  });
  router.get('/privacy', allowAnyone(), (_req, res) => {
    res.render('platform/views/help/privacy.njk');
  });
  router.get('/cookies', allowAnyone(), (_req, res) => {
    res.render('platform/views/help/cookies.njk', {
      sessionCookie: opts.sessionCookie,
      idleMinutes: opts.idleMinutes,
      absoluteHours: opts.absoluteMinutes / 60,
    });
  });
  router.get('/contact', allowAnyone(), (_req, res) => {
    res.render('platform/views/help/contact.njk');
  });
  router.get('/status', allowAnyone(), async (_req, res) => {
    const up = await opts.isDatabaseUp();
    res.setHeader('Cache-Control', 'no-store');
    res.status(up ? 200 : 503).render('platform/views/help/status.njk', { up });
  });
  return router;
}
