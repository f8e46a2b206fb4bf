import { Router } from 'express';
import { requireRole } from '../platform/roles';
import { FINDINGS_ROLES } from './findings.api';
import type { FindingsService } from './findings.service';
import { findingsView } from './findings.view';

/** `/findings`: the programme team's home, also open to every borough's officers and to admins. */
export function findingsPages(findings: FindingsService): Router {
  const router = Router();

  router.get('/findings', requireRole(...FINDINGS_ROLES), async (_req, res) => {
    const report = await findings.report();
    res.render('reports/views/findings.njk', { report, view: findingsView(report) });
  });

  // The officer's sector analysis shows the exercise beside the London baseline, once the findings publish one.
  router.use('/tenders/:id/analysis', async (req, res, next) => {
    if (req.method === 'GET' && req.user?.role === 'officer') res.locals.londonBaseline = await findings.londonBaseline();
    next();
  });

  return router;
}
