import { Router } from 'express';
import { NotFoundError } from './errors';
import type { Notifier } from './notifications';
import { pageParam, paginationFor } from './pagination';
import { requireRole, signedInUser } from './roles';

/** Every notification of the user's organisation, a page at a time (the dashboard shows only the newest). */
export function notificationsPages(notifier: Notifier): Router {
  const router = Router();

  router.get('/notifications', requireRole('supplier'), async (req, res) => {
    const organisationId = signedInUser(req).organisationId;
    if (!organisationId) throw new NotFoundError('Your account has no organisation');
    const list = await notifier.page(organisationId, pageParam(req.query.page));
    res.render('platform/views/notifications.njk', { list, pagination: paginationFor(list, {}, '/notifications') });
  });

  return router;
}
