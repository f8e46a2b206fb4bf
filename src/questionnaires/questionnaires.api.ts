import { Router } from 'express';
import { arrivedAt } from '../platform/arrival';
import { API_PAGE_SIZE, pageParam } from '../platform/pagination';
import { allowAnyone, requireRole, signedInUser } from '../platform/roles';
import { sendStoredFile, type FileStore } from '../platform/file-store';
import { receiveUpload } from '../platform/upload';
import { parseInput } from '../platform/validation';
import { draftAnswersSchema, recordedResponseSchema, setQuestionnaireSchema } from './questionnaires.schemas';
import type { QuestionnairesService } from './questionnaires.service';
import type { Answers } from './types';

/** Questionnaires and responses: `/api/v1/tenders/:id/questionnaire`, `/response…`, `/responses…`. */
export function questionnairesApi(questionnaires: QuestionnairesService, files: FileStore): Router {
  const router = Router();

  router.put('/tenders/:id/questionnaire', requireRole('officer'), async (req, res) => {
    const { definition, template } = parseInput(setQuestionnaireSchema, req.body);
    res.json(await questionnaires.setQuestionnaire(String(req.params.id), definition, template, signedInUser(req)));
  });

  router.get('/tenders/:id/questionnaire', allowAnyone(), async (req, res) => {
    res.json(await questionnaires.getQuestionnaire(String(req.params.id), req.user));
  });

  router.put('/tenders/:id/response', requireRole('supplier'), async (req, res) => {
    const { answers } = parseInput(draftAnswersSchema, req.body);
    res.json(await questionnaires.saveDraft(String(req.params.id), answers as Answers, signedInUser(req)));
  });

  router.get('/tenders/:id/response', requireRole('supplier'), async (req, res) => {
    res.json(await questionnaires.ownResponse(String(req.params.id), signedInUser(req)));
  });

  router.post('/tenders/:id/response/files', requireRole('supplier'), async (req, res) => {
    // The body is read only once the organisation may upload (see uploadFile).
    res.status(201).json(await questionnaires.uploadFile(String(req.params.id), () => receiveUpload(req, res), signedInUser(req)));
  });

  router.get('/tenders/:id/response/files/:fileId', requireRole('supplier'), async (req, res) => {
    const { key, meta } = await questionnaires.ownFile(String(req.params.id), String(req.params.fileId), signedInUser(req));
    await sendStoredFile(res, files, key, meta);
  });

  router.post('/tenders/:id/response/submit', requireRole('supplier'), async (req, res) => {
    const key = req.get('Idempotency-Key');
    const { receipt } = await questionnaires.submit(String(req.params.id), key, signedInUser(req), null, arrivedAt(res));
    res.status(201).json({ receipt });
  });

  router.get('/tenders/:id/responses', requireRole('officer'), async (req, res) => {
    const list = await questionnaires.listResponses(String(req.params.id), signedInUser(req), pageParam(req.query.page), API_PAGE_SIZE);
    res.json({ items: list.items, page: list.page, pageSize: list.pageSize, total: list.total, pageCount: list.pageCount });
  });

  router.post('/tenders/:id/responses', requireRole('officer'), async (req, res) => {
    const input = parseInput(recordedResponseSchema, req.body);
    res
      .status(201)
      .json(await questionnaires.recordResponse(String(req.params.id), { ...input, answers: input.answers as Answers }, signedInUser(req)));
  });

  router.get('/tenders/:id/responses/:responseId', requireRole('officer'), async (req, res) => {
    res.json(await questionnaires.oneResponse(String(req.params.id), String(req.params.responseId), signedInUser(req)));
  });

  router.get('/tenders/:id/responses/:responseId/files/:fileId', requireRole('officer'), async (req, res) => {
    const { key, meta } = await questionnaires.officerFile(
      String(req.params.id),
      String(req.params.responseId),
      String(req.params.fileId),
      signedInUser(req),
    );
    await sendStoredFile(res, files, key, meta);
  });

  return router;
}
