import { Router } from 'express';
import { allowAnyone, requireRole, signedInUser } from '../platform/roles';
import { sendStoredFile } from '../platform/file-store';
import { receiveUpload } from '../platform/upload';
import { parseInput } from '../platform/validation';
import { createTenderSchema, documentTitleSchema, listTendersQuery, sharingSchema, updateTenderSchema } from './tenders.schemas';
import type { TendersService } from './tenders.service';

export function tendersApi(tenders: TendersService): Router {
  const router = Router();

  router.get('/tenders', allowAnyone(), async (req, res) => {
    const query = parseInput(listTendersQuery, req.query);
    const list = await tenders.list(query, req.user);
    res.json({ items: list.items, page: list.page, pageSize: list.pageSize, total: list.total, pageCount: list.pageCount });
  });

  router.post('/tenders', requireRole('officer'), async (req, res) => {
    const input = parseInput(createTenderSchema, req.body);
    res.status(201).json(await tenders.create(input, signedInUser(req)));
  });

  router.get('/tenders/:id', allowAnyone(), async (req, res) => {
    res.json(await tenders.get(String(req.params.id), req.user));
  });

  router.patch('/tenders/:id', requireRole('officer'), async (req, res) => {
    const patch = parseInput(updateTenderSchema, req.body);
    res.json(await tenders.update(String(req.params.id), patch, signedInUser(req)));
  });

  router.put('/tenders/:id/sharing', requireRole('officer'), async (req, res) => {
    const { shareFindings } = parseInput(sharingSchema, req.body);
    res.json(await tenders.setSharing(String(req.params.id), shareFindings, signedInUser(req)));
  });

  router.post('/tenders/:id/publish', requireRole('officer'), async (req, res) => {
    res.json(await tenders.publish(String(req.params.id), signedInUser(req)));
  });

  router.post('/tenders/:id/close', requireRole('officer'), async (req, res) => {
    res.json(await tenders.close(String(req.params.id), signedInUser(req)));
  });

  router.post('/tenders/:id/cancel', requireRole('officer'), async (req, res) => {
    res.json(await tenders.cancel(String(req.params.id), signedInUser(req)));
  });

  router.post('/tenders/:id/documents', requireRole('officer'), async (req, res) => {
    const id = String(req.params.id);
    // Another borough's exercise is refused before any of the upload is read.
    await tenders.findOwn(id, signedInUser(req));
    const upload = await receiveUpload(req, res);
    const { title } = parseInput(documentTitleSchema, req.body);
    res.status(201).json(await tenders.addDocument(id, { title, upload }, signedInUser(req)));
  });

  router.get('/tenders/:id/documents/:docId', allowAnyone(), async (req, res) => {
    const { key, meta } = await tenders.documentFile(String(req.params.id), String(req.params.docId), req.user);
    await sendStoredFile(res, tenders.files, key, meta);
  });

  return router;
}
