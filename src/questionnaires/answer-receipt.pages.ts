import type { Request, Response, Router } from 'express';
import { requireRole, signedInUser } from '../platform/roles';
import { NotFoundError } from '../platform/errors';
import { contentDisposition } from '../platform/upload';
import { receiptText, RECEIPT_EXPLANATION, RECEIPT_METHOD, sentAnswersText, shortReference } from './answer.summary';
import type { Answering } from './answering-page';
import type { QuestionnairesService } from './questionnaires.service';

const base = (id: string) => `/tenders/${id}/response`;

/** The receipt after sending: the page, a copy of the answers sent, and the receipt as a text file. */
export function receiptRoutes(
  router: Router,
  questionnaires: QuestionnairesService,
  load: (req: Request, res: Response) => Promise<Answering | null>,
): void {
  router.get('/tenders/:id/response/receipt', requireRole('supplier'), async (req, res) => {
    const ctx = await load(req, res);
    if (!ctx) return;
    if (!ctx.response?.receipt) return res.redirect(303, base(ctx.tender.id));
    res.render('questionnaires/views/answer-receipt.njk', {
      tender: ctx.tender,
      response: ctx.response,
      receipt: ctx.response.receipt,
      revisions: [...ctx.response.revisions].reverse().map((r, i, all) => ({ ...r, number: all.length - i })),
      open: ctx.open,
      reference: shortReference(ctx.response.receipt.sha256),
      explanation: RECEIPT_EXPLANATION,
      method: RECEIPT_METHOD,
    });
  });

  router.get('/tenders/:id/response/answers.txt', requireRole('supplier'), async (req, res) => {
    const ctx = await load(req, res);
    if (!ctx) return;
    const sent = await questionnaires.sentAnswers(ctx.tender.id, signedInUser(req));
    if (!sent || !ctx.response?.receipt) throw new NotFoundError('Your organisation has not sent its answers yet');
    const heading = {
      exercise: ctx.tender.title,
      reference: ctx.tender.reference,
      organisation: ctx.response.organisation.name,
      receipt: ctx.response.receipt,
    };
    res.setHeader('Content-Type', 'text/plain; charset=utf-8');
    res.setHeader('Content-Disposition', contentDisposition(`answers-${ctx.tender.reference}.txt`));
    res.setHeader('Cache-Control', 'private, no-store');
    res.send(sentAnswersText(heading, sent.definition, sent.answers, sent.fileNames));
  });

  router.get('/tenders/:id/response/receipt.txt', requireRole('supplier'), async (req, res) => {
    const ctx = await load(req, res);
    if (!ctx) return;
    const response = ctx.response;
    if (!response?.receipt) throw new NotFoundError('Your organisation has not sent its answers yet');
    const text = receiptText({
      exercise: { title: ctx.tender.title, reference: ctx.tender.reference, borough: ctx.tender.borough.name },
      organisationName: response.organisation.name,
      receipt: response.receipt,
      revisions: response.revisions,
    });
    res.setHeader('Content-Type', 'text/plain; charset=utf-8');
    res.setHeader('Content-Disposition', contentDisposition(`receipt-${ctx.tender.reference}.txt`));
    res.setHeader('Cache-Control', 'private, no-store');
    res.send(text);
  });
}
