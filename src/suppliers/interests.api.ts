import { Router } from 'express';
import { API_PAGE_SIZE, pageParam } from '../platform/pagination';
import { requireRole, signedInUser } from '../platform/roles';
import { NotFoundError } from '../platform/errors';
import { parseInput } from '../platform/validation';
import { expressInterestSchema, interestFiltersSchema } from './interests.schemas';
import type { InterestsService } from './interests.service';

/** Expressions of interest: `/api/v1/tenders/:id/interests…`. */
export function interestsApi(interests: InterestsService): Router {
  const router = Router();

  router.post('/tenders/:id/interests', requireRole('supplier'), async (req, res) => {
    const input = parseInput(expressInterestSchema, req.body);
    res.status(201).json(await interests.express(String(req.params.id), input, signedInUser(req)));
  });

  router.get('/tenders/:id/interests/mine', requireRole('supplier'), async (req, res) => {
    const mine = await interests.mine(String(req.params.id), signedInUser(req));
    if (!mine) throw new NotFoundError('Your organisation has not expressed interest in this exercise');
    res.json(mine);
  });

  router.delete('/tenders/:id/interests/mine', requireRole('supplier'), async (req, res) => {
    await interests.withdraw(String(req.params.id), signedInUser(req));
    res.status(204).end();
  });

  router.get('/tenders/:id/interests', requireRole('officer'), async (req, res) => {
    const { page: requested, ...query } = req.query;
    const filters = parseInput(interestFiltersSchema, query);
    const id = String(req.params.id);
    const { items, counts } = await interests.officerView(id, filters, signedInUser(req), pageParam(requested), API_PAGE_SIZE);
    res.json({ items: items.items, counts, page: items.page, pageSize: items.pageSize, total: items.total, pageCount: items.pageCount });
  });

  router.get('/tenders/:id/partners', requireRole('supplier'), async (req, res) => {
    res.json({ items: await interests.partners(String(req.params.id), signedInUser(req)) });
  });

  return router;
}
