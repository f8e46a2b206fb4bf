import { randomUUID } from 'node:crypto';
import { Router, type Request, type Response } from 'express';
import { requireRole, signedInUser } from '../platform/roles';
import { AppError, ConflictError, NotFoundError, ValidationError, type FieldErrors } from '../platform/errors';
import type { KeptPosts } from '../platform/kept-post';
import { arrivedAt } from '../platform/arrival';
import type { Notice } from '../platform/session';
import { formRoute, isUploadProblem } from '../platform/form-route';
import { sendStoredFile, type FileStore } from '../platform/file-store';
import { checkUpload, defaultUploadLimits, formatBytes, receiveForm, receiveUpload } from '../platform/upload';
import type { TendersService } from '../tenders';
import { checkAnswers, londonTime, sectionErrorList, sectionProgress } from './answer.summary';
import { answersFromForm, fieldName, formValues, noneWithOthers } from './answers.form';
import { isAnswered, visibleQuestions } from './answer-rules';
import type { QuestionnairesService, ResponseView } from './questionnaires.service';
import type { Answers } from './types';
import {
  ACCEPTED_TYPES,
  byField,
  merged,
  SECTION_FORM_FIELDS,
  uploadField,
  withPageHints,
  type Answering,
  type SectionPost,
} from './answering-page';
import { receiptRoutes } from './answer-receipt.pages';

type FormBody = Record<string, unknown>;

/**
 * The supplier's pages for answering an exercise's questionnaire: a start page with progress, one page
 * per section, file answers, check your answers, send, and the receipt. They work without JavaScript;
 * with it, questions that depend on an answer on the same page appear and disappear as it changes.
 */
// The exercises service stays in the signature for the app's wiring; the answering service reads the exercise itself.
export function answerPages(
  questionnaires: QuestionnairesService,
  _tenders: TendersService,
  files: FileStore,
  kept?: Pick<KeptPosts, 'claim'>,
): Router {
  const router = Router();
  const base = (id: string) => `/tenders/${id}/response`;

  /** Loads the context once for the request, or renders the page that says why there is none (no questionnaire yet, no interest). */
  const load = async (req: Request, res: Response): Promise<Answering | null> => {
    const page = await questionnaires.answeringPage(String(req.params.id), signedInUser(req));
    if (!page.questionnaire) {
      res.status(404).render('questionnaires/views/answer-no-questionnaire.njk', { tender: page.tender });
      return null;
    }
    if (page.noInterest) {
      res.status(403).render('questionnaires/views/answer-no-interest.njk', { tender: page.tender, message: page.noInterest });
      return null;
    }
    return {
      tender: page.tender,
      questionnaire: page.questionnaire,
      definition: { sections: page.questionnaire.sections },
      response: page.response,
      answers: page.response?.answers ?? {},
      open: page.open,
      context: page.context,
    };
  };

  const renderClosed = (res: Response, ctx: Answering, message?: string) =>
    res.status(409).render('questionnaires/views/answer-closed.njk', { tender: ctx.tender, response: ctx.response, message });

  const sectionNumber = (req: Request, ctx: Answering): number => {
    const n = Number(req.params.n);
    if (!Number.isInteger(n) || n < 1 || n > ctx.definition.sections.length) throw new NotFoundError('There is no such section');
    return n;
  };

  const fileLinks = (ctx: Answering) =>
    Object.fromEntries(
      (ctx.response?.files ?? []).map((f) => [f.id, { filename: f.filename, href: `${base(ctx.tender.id)}/files/${f.id}/download` }]),
    );

  const renderSection = (
    res: Response,
    status: number,
    ctx: Answering,
    n: number,
    opts: { values: FormBody; answers: Answers; errors?: FieldErrors; restored?: boolean; fromCheck?: boolean },
  ) => {
    const section = ctx.definition.sections[n - 1]!;
    const shown = new Set(visibleQuestions(ctx.definition, opts.answers).map((q) => q.key));
    const errors = opts.errors;
    const hinted = withPageHints(ctx.definition);
    res.status(status).render('questionnaires/views/answer-section.njk', {
      tender: ctx.tender,
      n,
      sectionCount: ctx.definition.sections.length,
      section,
      // Without JavaScript only the questions shown for the answers count; the others are on the page, hidden, for the script.
      questions: section.questions.map((q) => ({ q: hinted(q), shown: shown.has(q.key) || Boolean(errors?.[fieldName(q.key)]) })),
      fileQuestions: section.questions.filter((q) => q.type === 'file'),
      values: opts.values,
      files: fileLinks(ctx),
      errors,
      errorList: errors ? sectionErrorList(section.questions, errors) : undefined,
      maxFileSize: formatBytes(defaultUploadLimits.maxFileBytes),
      acceptedTypes: ACCEPTED_TYPES,
      fromCheck: opts.fromCheck ?? opts.values.from === 'check',
      ...(opts.restored ? { flash: 'You are signed in again. Check the answers you sent before you were signed out.' } : {}),
    });
  };

  const renderCheck = (res: Response, status: number, ctx: Answering, problems?: FieldErrors, notice?: string) => {
    const check = checkAnswers(ctx.definition, ctx.answers, ctx.response?.files ?? [], base(ctx.tender.id), problems);
    res.status(status).render('questionnaires/views/answer-check.njk', {
      tender: ctx.tender,
      response: ctx.response,
      open: ctx.open,
      sections: check.sections,
      missingCount: check.missingCount,
      idempotencyKey: randomUUID(),
      errors: problems,
      errorList: check.errorList,
      notice,
    });
  };

  router.get('/tenders/:id/response', requireRole('supplier'), async (req, res) => {
    const ctx = await load(req, res);
    if (!ctx) return;
    const id = ctx.tender.id;
    const progress = sectionProgress(ctx.definition, ctx.answers);
    const shown = visibleQuestions(ctx.definition, ctx.answers);
    const next = progress.find((s) => s.status !== 'completed');
    // Counted as the progress is: the questions shown before any answer, then those an answer may bring up.
    const alwaysShown = visibleQuestions(ctx.definition, {}).length;
    res.render('questionnaires/views/answer-start.njk', {
      tender: ctx.tender,
      questionnaire: ctx.questionnaire,
      response: ctx.response,
      open: ctx.open,
      sections: progress.map((s) => ({ ...s, href: `${base(id)}/sections/${s.number}` })),
      questionCounts: { alwaysShown, more: ctx.questionnaire.questionCount - alwaysShown },
      answered: shown.filter((q) => isAnswered(ctx.answers[q.key])).length,
      shownCount: shown.length,
      continueHref: next ? `${base(id)}/sections/${next.number}` : `${base(id)}/check`,
    });
  });

  router.get('/tenders/:id/response/sections/:n', requireRole('supplier'), async (req, res) => {
    const ctx = await load(req, res);
    if (!ctx) return;
    const n = sectionNumber(req, ctx);
    if (!ctx.open) return renderClosed(res, ctx);
    const section = ctx.definition.sections[n - 1]!;
    const restored = kept?.claim(req, `${base(ctx.tender.id)}/sections/${n}`);
    if (restored) return saveRestored(req, res, ctx, n, restored.fields as FormBody, restored.droppedFile ?? false);
    renderSection(res, 200, ctx, n, {
      values: formValues(section.questions, ctx.answers),
      answers: ctx.answers,
      fromCheck: req.query.from === 'check',
    });
  });

  /** Saves a section sent just before its session ended, once its sender has signed in again, through the same checks as Save. */
  async function saveRestored(req: Request, res: Response, ctx: Answering, n: number, fields: FormBody, droppedFile: boolean) {
    const section = ctx.definition.sections[n - 1]!;
    const posted = answersFromForm(section.questions, fields);
    try {
      const conflicts = noneWithOthers(section.questions, fields);
      if (Object.keys(conflicts).length) throw new ValidationError(conflicts, 'Some answers need changing');
      await questionnaires.saveDraft(ctx.tender.id, posted as Answers, signedInUser(req), { merge: true, context: ctx.context });
    } catch (err) {
      if (err instanceof ValidationError) {
        const answers = merged(ctx.answers, posted);
        return renderSection(res, 422, ctx, n, { values: fields, answers, errors: byField(err.fields ?? {}), restored: true });
      }
      if (err instanceof ConflictError) return renderClosed(res, ctx, err.message);
      throw err;
    }
    req.session.flash = droppedFile
      ? 'You are signed in again and the answers you sent are saved. The file you chose was not kept: choose it again.'
      : 'You are signed in again and the answers you sent are saved.';
    res.redirect(303, `${base(ctx.tender.id)}/sections/${n}`);
  }

  /** The section being answered, once the questionnaire is known to be open; null once a page explaining why not has been sent. */
  const openSection = async (req: Request, res: Response) => {
    const ctx = await load(req, res);
    if (!ctx) return null;
    const n = sectionNumber(req, ctx);
    if (!ctx.open) {
      renderClosed(res, ctx);
      return null;
    }
    return { ...ctx, n, section: ctx.definition.sections[n - 1]! };
  };

  router.post(
    '/tenders/:id/response/sections/:n',
    requireRole('supplier'),
    formRoute({
      load: openSection,
      input: async ({ req, res, ctx }): Promise<SectionPost> => {
        const fileKeys = ctx.section.questions.filter((q) => q.type === 'file').map((q) => q.key);
        // A section with a file question is one multipart form, so uploading a file also saves what was typed.
        const arrived = req.is('multipart/form-data')
          ? await receiveForm(req, res, { fileFields: fileKeys.map(uploadField), maxFields: SECTION_FORM_FIELDS })
          : null;
        const body = req.body as FormBody;
        const conflicts = noneWithOthers(ctx.section.questions, body);
        if (Object.keys(conflicts).length) throw new ValidationError(conflicts, 'Some answers need changing');
        const action = typeof body.action === 'string' ? body.action : '';
        const pressed = action.startsWith('upload:') && fileKeys.includes(action.slice(7)) ? action.slice(7) : null;
        const fileKey = pressed ?? (arrived ? arrived.field.slice(uploadField('').length) : null);
        return { posted: answersFromForm(ctx.section.questions, body), arrived, fileKey };
      },
      // Blank answers are sent as null, which clears them; required ones are only insisted on when sending.
      run: async ({ posted, arrived, fileKey }, { req, ctx }) => {
        const user = signedInUser(req);
        const saved = await questionnaires.saveDraft(ctx.tender.id, posted as Answers, user, { merge: true, context: ctx.context });
        if (!fileKey) return { saved, file: null };
        // The typed answers are saved above whatever becomes of the file.
        if (!arrived || arrived.field !== uploadField(fileKey))
          throw new ValidationError({ [fieldName(fileKey)]: 'Select a file to upload' });
        const check = () => checkUpload(arrived.file, { fieldName: fieldName(fileKey) });
        const file = await questionnaires.uploadFile(ctx.tender.id, check, user, ctx.context);
        const withFile = await questionnaires.saveDraft(ctx.tender.id, { [fileKey]: file.id }, user, { merge: true, context: ctx.context });
        return { saved: withFile, file: { key: fileKey, filename: file.filename } };
      },
      done: ({ saved, file }, { req, res, ctx }) => {
        if (!file) return afterSave(req, res, ctx, ctx.n, saved);
        req.session.flash = `${file.filename} is uploaded and saved as your answer. Your other answers in this section are saved too.`;
        res.redirect(303, `${base(ctx.tender.id)}/sections/${ctx.n}#${fieldName(file.key)}`);
      },
      rerender: (problem, { req, res, ctx }) => {
        if (problem.error instanceof ConflictError) return renderClosed(res, ctx, problem.message);
        const body = req.body as FormBody;
        const posted = answersFromForm(ctx.section.questions, body);
        const action = typeof body.action === 'string' ? body.action : '';
        const fileKeys = ctx.section.questions.filter((q) => q.type === 'file').map((q) => q.key);
        const fileKey = fileKeys.find((key) => action === `upload:${key}`) ?? fileKeys[0];
        const fileProblem = !(problem.error instanceof ValidationError) || Boolean(fileKey && problem.fields[fieldName(fileKey)]);
        // A problem with the file (its type, its size) is shown on its question; the answers stay as typed.
        const errors =
          fileProblem && fileKey ? { [fieldName(fileKey)]: Object.values(problem.fields)[0] ?? problem.message } : byField(problem.fields);
        renderSection(res, problem.status, ctx, ctx.n, { values: body, answers: merged(ctx.answers, posted), errors });
      },
      rerenderOn: (error: AppError) => isUploadProblem(error) || error instanceof ConflictError,
    }),
  );

  /** Where a supplier goes after saving a section: back to the start, to a question just brought up, or on. */
  function afterSave(req: Request, res: Response, ctx: Answering, n: number, saved: ResponseView) {
    const id = ctx.tender.id;
    const section = ctx.definition.sections[n - 1]!;
    const body = req.body as FormBody;
    if (body.action === 'later') {
      req.session.flash = `Your answers are saved. You can come back and change them until ${londonTime(ctx.tender.questionnaireDeadline)}.`;
      return res.redirect(303, base(id));
    }
    // Without JavaScript a question an answer has just brought up was not on the screen: show it before moving on.
    const before = new Set(visibleQuestions(ctx.definition, ctx.answers).map((q) => q.key));
    const after = new Set(visibleQuestions(ctx.definition, saved.answers).map((q) => q.key));
    const revealed = section.questions.find((q) => after.has(q.key) && !before.has(q.key) && !isAnswered(saved.answers[q.key]));
    if (revealed) {
      req.session.flash = 'Your answers are saved. Your answer brought up another question in this section.';
      return res.redirect(303, `${base(id)}/sections/${n}#${fieldName(revealed.key)}`);
    }
    // A change made from the check page goes back there, where anything still to answer is listed.
    if (body.from === 'check') return res.redirect(303, `${base(id)}/check`);
    const unanswered = section.questions.filter((q) => q.required && after.has(q.key) && !isAnswered(saved.answers[q.key]));
    if (unanswered.length) req.session.notice = leftUnanswered(section.title, unanswered, `${base(id)}/sections/${n}`);
    res.redirect(303, n < ctx.definition.sections.length ? `${base(id)}/sections/${n + 1}` : `${base(id)}/check`);
  }

  router.post(
    '/tenders/:id/response/sections/:n/files/:key',
    requireRole('supplier'),
    formRoute({
      load: async (req, res) => {
        const ctx = await load(req, res);
        if (!ctx) return null;
        const n = sectionNumber(req, ctx);
        const section = ctx.definition.sections[n - 1]!;
        const question = section.questions.find((q) => q.key === String(req.params.key) && q.type === 'file');
        if (!question) throw new NotFoundError('There is no such file question in this section');
        if (!ctx.open) {
          renderClosed(res, ctx);
          return null;
        }
        return { ...ctx, n, section, question };
      },
      // The body is read only once the organisation may upload (see uploadFile).
      input:
        ({ req, res }) =>
        () =>
          receiveUpload(req, res),
      run: async (receive, { req, ctx }) => {
        const file = await questionnaires.uploadFile(ctx.tender.id, receive, signedInUser(req), ctx.context);
        await questionnaires.saveDraft(ctx.tender.id, { [ctx.question.key]: file.id }, signedInUser(req), {
          merge: true,
          context: ctx.context,
        });
        return file;
      },
      done: (file, { req, res, ctx }) => {
        req.session.flash = `${file.filename} is uploaded and saved as your answer.`;
        res.redirect(303, `${base(ctx.tender.id)}/sections/${ctx.n}#${fieldName(ctx.question.key)}`);
      },
      rerender: (problem, { res, ctx }) => {
        if (problem.error instanceof ConflictError) return renderClosed(res, ctx, problem.message);
        renderSection(res, problem.status, ctx, ctx.n, {
          values: formValues(ctx.section.questions, ctx.answers),
          answers: ctx.answers,
          errors: { [fieldName(ctx.question.key)]: Object.values(problem.fields)[0] ?? problem.message },
        });
      },
      rerenderOn: isUploadProblem,
    }),
  );

  router.get('/tenders/:id/response/files/:fileId/download', requireRole('supplier'), async (req, res) => {
    const { key, meta } = await questionnaires.ownFile(String(req.params.id), String(req.params.fileId), signedInUser(req));
    await sendStoredFile(res, files, key, meta);
  });

  router.get('/tenders/:id/response/check', requireRole('supplier'), async (req, res) => {
    const ctx = await load(req, res);
    if (!ctx) return;
    // "Send answers" pressed after the session ended: the draft is safe, and the answers are not sent yet.
    const unsent = kept?.claim(req, `${base(ctx.tender.id)}/submit`);
    renderCheck(res, 200, ctx, undefined, unsent ? NOT_SENT_NOTICE : undefined);
  });

  router.post(
    '/tenders/:id/response/submit',
    requireRole('supplier'),
    formRoute({
      load,
      input: ({ req }) => {
        const body = req.body as FormBody;
        return typeof body.idempotencyKey === 'string' ? body.idempotencyKey : undefined;
      },
      // The same key (a double click, a retry) gets the same receipt, even after the deadline.
      run: (key, { req, res, ctx }) => questionnaires.submit(ctx.tender.id, key, signedInUser(req), ctx.context, arrivedAt(res)),
      done: (_sent, { res, ctx }) => res.redirect(303, `${base(ctx.tender.id)}/receipt`),
      rerender: (problem, { res, ctx }) =>
        problem.error instanceof ValidationError
          ? renderCheck(res, problem.status, ctx, problem.fields)
          : renderClosed(res, ctx, problem.message),
    }),
  );

  receiptRoutes(router, questionnaires, load);

  return router;
}

const NOT_SENT_NOTICE = 'You are signed in again. Your answers are saved, but they are not sent yet: check them, then send them.';

/** What a supplier is told on moving on from a section with required questions still blank: saved, which ones wait, and where. */
export function leftUnanswered(sectionTitle: string, questions: { label: string }[], sectionHref: string): Notice {
  const named = questions.slice(0, 3).map((q) => `“${q.label}”`);
  const more = questions.length - named.length;
  const list =
    more > 0
      ? `${named.join(', ')} and ${more} more`
      : named.length > 1
        ? `${named.slice(0, -1).join(', ')} and ${named.at(-1)}`
        : named[0];
  const count = questions.length === 1 ? '1 question' : `${questions.length} questions`;
  return {
    heading: 'Your answers are saved',
    text: `${count} in “${sectionTitle}” still ${questions.length === 1 ? 'needs' : 'need'} an answer: ${list}`,
    link: { href: sectionHref, text: `Go back to “${sectionTitle}”` },
  };
}
