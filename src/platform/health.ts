import { Router } from 'express';
import { allowAnyone } from './roles';

/** `GET /healthz`: 200 while the database answers, 503 while it does not or while the server is shutting down. */
export function healthRouter(isDatabaseUp: () => Promise<boolean>, isShuttingDown: () => boolean = () => false): Router {
  const router = Router();
  router.get('/healthz', allowAnyone(), async (_req, res) => {
    res.setHeader('Cache-Control', 'no-store');
    if (isShuttingDown()) {
      res.status(503).json({ status: 'stopping' });
      return;
    }
    const up = await isDatabaseUp();
    res.status(up ? 200 : 503).json({ status: up ? 'ok' : 'unavailable', db: up ? 'up' : 'down' });
  });
  return router;
}
