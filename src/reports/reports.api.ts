import { Router } from 'express';
import { requireRole, signedInUser } from '../platform/roles';
import { parseInput } from '../platform/validation';
import type { ReportsService } from './analysis.service';
import { decisionInputSchema, youSaidWeDidInputSchema } from './reports.schemas';

/** The officer's sector analysis, decision log and "you said, we did": `/api/v1/tenders/:id/...`. */
export function reportsApi(reports: ReportsService): Router {
  const router = Router();

  router.get('/tenders/:id/analysis', requireRole('officer'), async (req, res) => {
    res.json(await reports.analysisFor(String(req.params.id), signedInUser(req)));
  });

  router.get('/tenders/:id/decisions', requireRole('officer'), async (req, res) => {
    res.json({ items: await reports.listDecisions(String(req.params.id), signedInUser(req)) });
  });

  router.put('/tenders/:id/decisions/:barrier', requireRole('officer'), async (req, res) => {
    const input = parseInput(decisionInputSchema, req.body);
    res.json(await reports.recordDecision(String(req.params.id), String(req.params.barrier), input, signedInUser(req)));
  });

  router.post('/tenders/:id/you-said-we-did', requireRole('officer'), async (req, res) => {
    const input = parseInput(youSaidWeDidInputSchema, req.body);
    res.status(201).json(await reports.publishYouSaidWeDid(String(req.params.id), input, signedInUser(req)));
  });

  return router;
}
