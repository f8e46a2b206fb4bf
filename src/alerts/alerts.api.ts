import { Router } from 'express';
import { allowAnyone, requireRole, ROLES, signedInUser } from '../platform/roles';
import { parseInput } from '../platform/validation';
import { accountAlertsSchema, alertSignUpSchema } from './alerts.schemas';
import type { AlertChoice, AlertsService } from './alerts.service';

const view = (choice: AlertChoice | null) => (choice ? { email: choice.email, boroughs: choice.boroughs } : null);

/** Email alerts over JSON: the same rules as the pages (a link to confirm without an account, the same answer for every address). */
export function alertsApi(alerts: AlertsService): Router {
  const router = Router();

  router.get('/alerts', requireRole(...ROLES), async (req, res) => {
    res.json({ alerts: view(await alerts.forUser(signedInUser(req))) });
  });

  router.post('/alerts', allowAnyone(), async (req, res) => {
    if (req.user) {
      const input = parseInput(accountAlertsSchema, req.body);
      await alerts.subscribeAccount(req.user, input.boroughs);
      res.json({ alerts: view(await alerts.forUser(req.user)) });
      return;
    }
    const input = parseInput(alertSignUpSchema, req.body);
    await alerts.signUp(input.email, input.boroughs, req.ip ?? 'unknown');
    res.status(202).json({ status: 'confirmation_sent' });
  });

  router.delete('/alerts', requireRole(...ROLES), async (req, res) => {
    await alerts.unsubscribe(alerts.unsubscribeTokenFor(signedInUser(req)));
    res.status(204).end();
  });

  return router;
}
