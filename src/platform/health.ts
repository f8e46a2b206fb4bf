import { Router } from 'express';
import { allowAnyone } from './roles';

/** `GET /healthz`: 200 while the database answers, 503 while it does not. */
export function healthRouter(isDatabaseUp: () => Promise<boolean>): Router {
  const router = Router();
  router.get('/healthz', allowAnyone(), async (_req, res) => {
    const up = await isDatabaseUp();
    res.setHeader('Cache-Control', 'no-store');
    res.status(up ? 200 : 503).json({ status: up ? 'ok' : 'unavailable', db: up ? 'up' : 'down' });
  });
  return router;
}
