import { Router } from 'express';
import { allowAnyone, requireRole, signedInUser } from '../platform/roles';
import { parseInput } from '../platform/validation';
import { answerSchema, askSchema } from './clarifications.schemas';
import type { ClarificationsService } from './clarifications.service';
import { toOcdsRelease } from './ocds';
import type { TendersService } from './tenders.service';

export function clarificationsApi(clarifications: ClarificationsService, tenders: TendersService): Router {
  const router = Router();

  router.get('/tenders/:id/clarifications', allowAnyone(), async (req, res) => {
    res.json({ items: await clarifications.list(String(req.params.id), req.user) });
  });

  router.post('/tenders/:id/clarifications', requireRole('supplier'), async (req, res) => {
    const { question } = parseInput(askSchema, req.body);
    const created = await clarifications.ask(String(req.params.id), question, signedInUser(req));
    res.status(201).json({ id: created.id, question: created.question, status: created.status });
  });

  router.post('/tenders/:id/clarifications/:cid/answer', requireRole('officer'), async (req, res) => {
    const input = parseInput(answerSchema, req.body);
    res.json(await clarifications.answer(String(req.params.id), String(req.params.cid), input, signedInUser(req)));
  });

  router.get('/tenders/:id/ocds', allowAnyone(), async (req, res) => {
    const tender = await tenders.get(String(req.params.id), req.user);
    const enquiries = await clarifications.publishedEnquiries(tender.id);
    res.json(toOcdsRelease(tender, enquiries, { now: tenders.now() }));
  });

  return router;
}
