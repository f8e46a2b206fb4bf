import { Router } from 'express';
import { z } from 'zod';
import { allowAnyone, requireRole, signedInUser } from '../platform/roles';
import { parseInput } from '../platform/validation';
import type { ClarificationsService } from './clarifications.service';
import { toOcdsRelease } from './ocds';
import type { TendersService } from './tenders.service';

export const askSchema = z.object({
  question: z
    .string({ message: 'Enter your question' })
    .trim()
    .min(1, 'Enter your question')
    .max(2_000, 'Your question must be 2,000 characters or fewer'),
});

export const answerSchema = z.object({
  answer: z
    .string({ message: 'Enter the answer' })
    .trim()
    .min(1, 'Enter the answer')
    .max(10_000, 'The answer must be 10,000 characters or fewer'),
  publish: z.boolean({ message: 'Publish must be true or false' }).default(true),
});

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
