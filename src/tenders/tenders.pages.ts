import type { z } from 'zod';
import { Router, type Request, type Response } from 'express';
import { allowAnyone, requireRole, type AuthService, type PublicUser } from '../auth';
import { AppError, ValidationError, type FieldErrors } from '../platform/errors';
import { errorSummary, fieldErrors, parseInput } from '../platform/validation';
import { answerSchema, askSchema } from './clarifications.api';
import type { ClarificationsService } from './clarifications.service';
import { fleschReadingEase, GLOSSARY, PLAIN_ENGLISH_THRESHOLD } from './readability';
import { STATUS_LABELS } from './statuses';
import { DEADLINES, DEADLINE_LABELS, EVENT_ROWS, LOT_ROWS, formFieldId, formFromTender, tenderFromForm } from './tenders.form';
import { createTenderSchema, listTendersQuery, updateTenderSchema } from './tenders.schemas';
import {
  documentTitleKey,
  historyLabel,
  isOwnBoroughOfficer,
  type Tender,
  type TenderDocument,
  type TendersService,
} from './tenders.service';
import { MAX_EVENTS, MAX_LOTS, documentTitleSchema } from './tenders.schemas';
import { sendStoredFile } from '../platform/file-store';
import { defaultUploadLimits, formatBytes, receiveUpload } from '../platform/upload';

type FormBody = Record<string, unknown>;

/** Documents grouped by title: the newest version first, earlier ones kept for reference. */
export function documentGroups(documents: TenderDocument[]): { latest: TenderDocument; earlier: TenderDocument[] }[] {
  const groups = new Map<string, TenderDocument[]>();
  for (const d of documents) {
    const key = documentTitleKey(d.title);
    groups.set(key, [...(groups.get(key) ?? []), d]);
  }
  return [...groups.values()].map((versions) => {
    const sorted = [...versions].sort((a, b) => b.version - a.version);
    return { latest: sorted[0]!, earlier: sorted.slice(1) };
  });
}

/** The form's input checked by the API's schema; every problem, the form's own and the schema's, is reported at once. */
function checkForm<S extends z.ZodType>(schema: S, input: unknown, formErrors: FieldErrors): z.infer<S> {
  const parsed = schema.safeParse(input);
  const problems = { ...(parsed.success ? {} : fieldErrors(parsed.error)), ...formErrors };
  if (!parsed.success || Object.keys(problems).length) throw new ValidationError(problems);
  return parsed.data;
}

function flash(req: Request, message: string): void {
  req.session.flash = message;
}

const ACTIONS = {
  publish: {
    title: 'Publish this exercise',
    explain:
      'Everyone will be able to see it, ask questions and express interest. You can still change it afterwards, and every change will be shown on the exercise page.',
    button: 'Publish',
    done: 'The exercise is published',
  },
  close: {
    title: 'Close this exercise',
    explain: 'Nobody will be able to express interest, ask questions or send questionnaires after you close it. This cannot be undone.',
    button: 'Close exercise',
    done: 'The exercise is closed',
  },
  cancel: {
    title: 'Cancel this exercise',
    explain: 'The exercise will be marked as cancelled for everyone. This cannot be undone.',
    button: 'Cancel exercise',
    done: 'The exercise is cancelled',
  },
} as const;
type Action = keyof typeof ACTIONS;

/** More for the exercise page from other features (a supplier's own interest, an officer's counts). */
export type ExercisePageExtras = (tender: Tender, user: PublicUser | undefined) => Promise<Record<string, unknown>>;

export function tendersPages(
  tenders: TendersService,
  clarifications: ClarificationsService,
  auth: AuthService,
  extras: ExercisePageExtras = async () => ({}),
): Router {
  const router = Router();

  const renderForm = (res: Response, status: number, opts: { tender?: Tender; values: FormBody; errors?: FieldErrors }) => {
    const summary = typeof opts.values.summary === 'string' ? opts.values.summary : '';
    res.status(status).render('tenders/views/form.njk', {
      tender: opts.tender,
      values: opts.values,
      errors: opts.errors,
      errorList: opts.errors ? errorSummary(opts.errors) : undefined,
      readability: fleschReadingEase(summary),
      threshold: PLAIN_ENGLISH_THRESHOLD,
      glossary: GLOSSARY,
      lotRows: Array.from({ length: Math.min(MAX_LOTS, Math.max(LOT_ROWS, (opts.tender?.lots.length ?? 0) + 2)) }, (_, i) => i),
      eventRows: Array.from(
        { length: Math.min(MAX_EVENTS, Math.max(EVENT_ROWS, (opts.tender?.engagementEvents.length ?? 0) + 1)) },
        (_, i) => i,
      ),
      deadlines: DEADLINES.map((name) => ({ name, label: DEADLINE_LABELS[name] })),
    });
  };

  /** Validation problems from the form and from the schema, keyed by the form's field ids. */
  const formProblems = (formErrors: FieldErrors, err?: unknown): FieldErrors => {
    const fields: FieldErrors = {};
    const fromSchema = err instanceof AppError ? (err.fields ?? {}) : {};
    for (const [path, message] of Object.entries({ ...fromSchema, ...formErrors })) fields[formFieldId(path)] ??= message;
    return fields;
  };

  router.get('/tenders', allowAnyone(), async (req, res) => {
    const parsed = listTendersQuery.safeParse(req.query);
    const query = parsed.success ? parsed.data : {};
    const items = await tenders.list(query, req.user);
    res.render('tenders/views/list.njk', {
      items,
      query,
      queryErrors: parsed.success ? undefined : fieldErrors(parsed.error),
      statusLabels: STATUS_LABELS,
      boroughs: auth.listBoroughs(),
    });
  });

  router.get('/tenders/new', requireRole('officer'), (_req, res) => {
    renderForm(res, 200, { values: { tupe: 'unknown', shareFindings: 'yes', thirdSectorTargetPercent: '25' } });
  });

  router.post('/tenders/new', requireRole('officer'), async (req, res) => {
    const body = req.body as FormBody;
    const { input, formErrors } = tenderFromForm(body);
    try {
      const tender = await tenders.create(checkForm(createTenderSchema, input, formErrors), req.user!);
      flash(req, `Draft saved. Its reference is ${tender.reference}.`);
      res.redirect(303, `/tenders/${tender.id}`);
    } catch (err) {
      if (err instanceof ValidationError) return renderForm(res, 422, { values: body, errors: formProblems(formErrors, err) });
      throw err;
    }
  });

  router.get('/tenders/:id', allowAnyone(), async (req, res) => {
    const tender = await tenders.get(String(req.params.id), req.user);
    const own = isOwnBoroughOfficer(req.user, tender.borough.id);
    const questions = await clarifications.list(tender.id, req.user);
    const now = tenders.now();
    res.render('tenders/views/show.njk', {
      tender: { ...tender, history: tender.history.map((h) => ({ ...h, label: historyLabel(h.field) })) },
      documentGroups: documentGroups(tender.documents),
      own,
      questions: questions.filter((q) => q.status === 'published'),
      myQuestions: questions.filter((q) => q.mine && q.status !== 'published'),
      openQuestions: own ? questions.filter((q) => q.status !== 'published').length : 0,
      canAsk: req.user?.role === 'supplier' && tender.status === 'published' && now <= new Date(tender.clarificationDeadline),
      eoiOpen: tender.status === 'published' && now <= new Date(tender.eoiDeadline),
      statusLabel: STATUS_LABELS[tender.status],
      glossary: GLOSSARY,
      readability: own ? fleschReadingEase(tender.summary) : null,
      threshold: PLAIN_ENGLISH_THRESHOLD,
      ...(await extras(tender, req.user)),
    });
  });

  router.get('/tenders/:id/edit', requireRole('officer'), async (req, res) => {
    const tender = tenders.toApi(await tenders.findOwn(String(req.params.id), req.user!), req.user);
    renderForm(res, 200, { tender, values: formFromTender(tender) });
  });

  router.post('/tenders/:id/edit', requireRole('officer'), async (req, res) => {
    const id = String(req.params.id);
    const tender = tenders.toApi(await tenders.findOwn(id, req.user!), req.user);
    const body = req.body as FormBody;
    const { input, formErrors } = tenderFromForm(body);
    try {
      await tenders.update(id, checkForm(updateTenderSchema, input, formErrors), req.user!);
      flash(req, tender.status === 'published' ? 'Your changes are saved and shown in the list of changes.' : 'Your changes are saved.');
      res.redirect(303, `/tenders/${id}`);
    } catch (err) {
      if (err instanceof ValidationError) return renderForm(res, 422, { tender, values: body, errors: formProblems(formErrors, err) });
      throw err;
    }
  });

  // The form on the exercise page sends the setting it switches to; anything but "yes" or "no" is refused.
  router.post('/tenders/:id/sharing', requireRole('officer'), async (req, res) => {
    const id = String(req.params.id);
    const value = (req.body as FormBody).shareFindings;
    if (value !== 'yes' && value !== 'no') throw new ValidationError({ shareFindings: 'Choose whether to share anonymised findings' });
    const tender = await tenders.setSharing(id, value === 'yes', req.user!);
    flash(
      req,
      tender.shareFindings
        ? 'This exercise now counts towards the London findings, once its expression of interest stage has ended.'
        : 'This exercise no longer counts towards the London findings.',
    );
    res.redirect(303, `/tenders/${id}#sharing`);
  });

  for (const action of Object.keys(ACTIONS) as Action[]) {
    router.get(`/tenders/:id/${action}`, requireRole('officer'), async (req, res) => {
      const tender = tenders.toApi(await tenders.findOwn(String(req.params.id), req.user!), req.user);
      res.render('tenders/views/confirm.njk', { tender, action, ...ACTIONS[action] });
    });

    router.post(`/tenders/:id/${action}`, requireRole('officer'), async (req, res) => {
      const id = String(req.params.id);
      try {
        await tenders[action](id, req.user!);
        flash(req, ACTIONS[action].done);
        res.redirect(303, `/tenders/${id}`);
      } catch (err) {
        if (err instanceof AppError && (err.status === 409 || err.status === 422)) {
          const tender = tenders.toApi(await tenders.findOwn(id, req.user!), req.user);
          const errors = err.fields ?? { confirm: err.message };
          return res.status(err.status).render('tenders/views/confirm.njk', {
            tender,
            action,
            ...ACTIONS[action],
            errors,
            errorList: Object.entries(errors).map(([field, text]) => ({
              text,
              href: field === 'confirm' ? '#confirm' : `/tenders/${id}/edit#${field}`,
            })),
          });
        }
        throw err;
      }
    });
  }

  const renderDocuments = (res: Response, status: number, tender: Tender, values: FormBody = {}, errors?: FieldErrors) =>
    res.status(status).render('tenders/views/documents.njk', {
      tender,
      values,
      errors,
      errorList: errors ? errorSummary(errors) : undefined,
      maxSize: formatBytes(defaultUploadLimits.maxFileBytes),
    });

  router.get('/tenders/:id/documents', requireRole('officer'), async (req, res) => {
    renderDocuments(res, 200, tenders.toApi(await tenders.findOwn(String(req.params.id), req.user!), req.user));
  });

  router.post('/tenders/:id/documents', requireRole('officer'), async (req, res) => {
    const id = String(req.params.id);
    const tender = tenders.toApi(await tenders.findOwn(id, req.user!), req.user);
    try {
      const upload = await receiveUpload(req, res);
      const { title } = parseInput(documentTitleSchema, req.body);
      const doc = await tenders.addDocument(id, { title, upload }, req.user!);
      flash(req, `${doc.title} (version ${doc.version}) is uploaded.`);
      res.redirect(303, `/tenders/${id}/documents`);
    } catch (err) {
      if (err instanceof AppError && [400, 409, 413, 415, 422].includes(err.status)) {
        const body = (req.body ?? {}) as FormBody;
        const errors: FieldErrors = err.fields ? { ...err.fields } : { file: err.message };
        return renderDocuments(res, err.status, tender, { title: typeof body.title === 'string' ? body.title : '' }, errors);
      }
      throw err;
    }
  });

  router.get('/tenders/:id/documents/:docId/download', allowAnyone(), async (req, res) => {
    const { key, meta } = await tenders.documentFile(String(req.params.id), String(req.params.docId), req.user);
    await sendStoredFile(res, tenders.files, key, meta);
  });

  router.post('/tenders/:id/questions', requireRole('supplier'), async (req, res) => {
    const id = String(req.params.id);
    try {
      const { question } = parseInput(askSchema, req.body);
      await clarifications.ask(id, question, req.user!);
      flash(req, 'Your question has been sent. The council will publish the answer to everyone, without saying who asked.');
      res.redirect(303, `/tenders/${id}#questions`);
    } catch (err) {
      if (err instanceof AppError && (err.status === 422 || err.status === 409)) {
        flash(req, err.fields?.question ?? err.message);
        return res.redirect(303, `/tenders/${id}#ask`);
      }
      throw err;
    }
  });

  router.get('/tenders/:id/questions', requireRole('officer'), async (req, res) => {
    const tender = tenders.toApi(await tenders.findOwn(String(req.params.id), req.user!), req.user);
    res.render('tenders/views/questions.njk', { tender, questions: await clarifications.list(tender.id, req.user) });
  });

  router.post('/tenders/:id/questions/:cid/answer', requireRole('officer'), async (req, res) => {
    const id = String(req.params.id);
    const body = req.body as FormBody;
    try {
      const input = parseInput(answerSchema, { answer: body.answer, publish: body.publish === 'yes' });
      await clarifications.answer(id, String(req.params.cid), input, req.user!);
      flash(req, input.publish ? 'The answer is published to everyone.' : 'The answer is saved but not published.');
      res.redirect(303, `/tenders/${id}/questions`);
    } catch (err) {
      if (err instanceof ValidationError) {
        const tender = tenders.toApi(await tenders.findOwn(id, req.user!), req.user);
        const errors = { [`answer-${String(req.params.cid)}`]: err.fields?.answer ?? err.message };
        return res.status(422).render('tenders/views/questions.njk', {
          tender,
          questions: await clarifications.list(id, req.user),
          errors,
          errorList: errorSummary(errors),
          values: { [String(req.params.cid)]: body.answer },
        });
      }
      throw err;
    }
  });

  return router;
}

/** The officer's part of the dashboard: their borough's exercises, drafts included. */
export async function officerDashboard(tenders: TendersService, user: PublicUser) {
  const items = await tenders.list({}, user);
  return { exercises: items.filter((t) => t.borough.id === user.borough?.id), statusLabels: STATUS_LABELS };
}
