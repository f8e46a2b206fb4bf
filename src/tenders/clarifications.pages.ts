import { Router, type Request } from 'express';
import { requireRole, signedInUser } from '../platform/roles';
import type { FieldErrors } from '../platform/errors';
import { formRoute, isValidationProblem } from '../platform/form-route';
import { errorSummary, parseInput } from '../platform/validation';
import { answerSchema } from './clarifications.schemas';
import type { ClarificationsService } from './clarifications.service';
import type { TendersService } from './tenders.service';

type FormBody = Record<string, unknown>;

/** The officer's page of questions from organisations: answer each, change its published wording, publish. */
export function clarificationPages(tenders: TendersService, clarifications: ClarificationsService): Router {
  const router = Router();
  const flash = (req: Request, message: string) => {
    req.session.flash = message;
  };

  router.get('/tenders/:id/questions', requireRole('officer'), async (req, res) => {
    const tender = tenders.toApi(await tenders.findOwn(String(req.params.id), signedInUser(req)), req.user);
    res.render('tenders/views/questions.njk', { tender, questions: await clarifications.list(tender.id, req.user) });
  });

  router.post(
    '/tenders/:id/questions/:cid/answer',
    requireRole('officer'),
    formRoute({
      input: ({ req }) => {
        const body = req.body as FormBody;
        const input = parseInput(answerSchema, { answer: body.answer, publish: body.publish === 'yes', question: body.question });
        return { ...input, confirmed: body.confirmed === 'yes' };
      },
      run: async ({ confirmed, ...input }, { req }) => {
        const id = String(req.params.id);
        const cid = String(req.params.cid);
        // Publishing tells every organisation taking part, so a first publication is confirmed on a page of its own.
        if (input.publish && !confirmed) {
          const tender = tenders.toApi(await tenders.findOwn(id, signedInUser(req)), req.user);
          const stored = (await clarifications.list(id, req.user)).find((c) => c.id === cid);
          if (stored && stored.status !== 'published') return { ...input, confirm: { tender, question: stored.question } };
        }
        await clarifications.answer(id, cid, input, signedInUser(req));
        return { ...input, confirm: null };
      },
      done: (input, { req, res }) => {
        if (input.confirm) {
          const { tender, question } = input.confirm;
          return res.render('tenders/views/publish-answer.njk', {
            tender,
            cid: String(req.params.cid),
            shown: input.question ?? question,
            values: input,
          });
        }
        flash(req, input.publish ? 'The answer is published to everyone.' : 'The answer is saved but not published.');
        res.redirect(303, `/tenders/${String(req.params.id)}/questions`);
      },
      rerender: async (problem, { req, res }) => {
        const id = String(req.params.id);
        const tender = tenders.toApi(await tenders.findOwn(id, signedInUser(req)), req.user);
        const cid = String(req.params.cid);
        const errors: FieldErrors = {};
        if (problem.fields.question) errors[`wording-${cid}`] = problem.fields.question;
        if (problem.fields.answer || !problem.fields.question) errors[`answer-${cid}`] = problem.fields.answer ?? problem.message;
        res.status(problem.status).render('tenders/views/questions.njk', {
          tender,
          questions: await clarifications.list(id, req.user),
          errors,
          errorList: errorSummary(errors),
          values: { [cid]: (req.body as FormBody).answer },
          questionValues: { [cid]: (req.body as FormBody).question },
        });
      },
      rerenderOn: isValidationProblem,
    }),
  );

  return router;
}
