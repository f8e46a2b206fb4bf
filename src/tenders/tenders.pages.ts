import type { z } from 'zod';
import { Router, type Request, type Response } from 'express';
import type { Boroughs } from '../platform/boroughs';
import { allowAnyone, requireRole, type PublicUser, signedInUser } from '../platform/roles';
import { ValidationError, type FieldErrors } from '../platform/errors';
import { daysUntil } from '../platform/london-time';
import { mayUseCache, renderCached } from '../platform/page-cache';
import { RESTORED_NOTICE, type KeptPosts } from '../platform/kept-post';
import { publicListCache, type PublicListCache } from './list-cache';
import { paginationFor } from '../platform/pagination';
import { formRoute, isUploadProblem, isValidationProblem } from '../platform/form-route';
import { errorSummary, fieldErrors, parseFilters, parseInput } from '../platform/validation';
import { askSchema } from './clarifications.schemas';
import type { ClarificationsService } from './clarifications.service';
import { fleschReadingEase, GLOSSARY, PLAIN_ENGLISH_THRESHOLD } from './readability';
import { STATUS_LABELS } from './statuses';
import { DEADLINES, DEADLINE_LABELS, EVENT_ROWS, LOT_ROWS, formFieldId, formFromTender, openParts, tenderFromForm } from './tenders.form';
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

/** How soon interest closes, as a tag on the list and the exercise page: null unless published. */
export function closingTag(t: Pick<Tender, 'status' | 'eoiDeadline'>, now: Date): { text: string; colour: string } | null {
  if (t.status !== 'published') return null;
  const deadline = new Date(t.eoiDeadline);
  if (deadline < now) return { text: 'Closed for interest', colour: 'grey' };
  const days = daysUntil(deadline, now);
  if (days === 0) return { text: 'Closes today', colour: 'red' };
  if (days === 1) return { text: 'Closes tomorrow', colour: 'orange' };
  if (days <= 7) return { text: `Closing soon: ${days} days left`, colour: 'orange' };
  return { text: `Closes in ${days} days`, colour: 'turquoise' };
}

export function tendersPages(
  tenders: TendersService,
  clarifications: ClarificationsService,
  boroughs: Boroughs,
  extras: ExercisePageExtras = async () => ({}),
  listCache: PublicListCache = publicListCache(tenders),
  kept?: KeptPosts,
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
      open: openParts(opts.values, opts.errors),
    });
  };

  /** Validation problems from the form and from the schema, keyed by the form's field ids. */
  const formProblems = (problems: FieldErrors): FieldErrors => {
    const fields: FieldErrors = {};
    for (const [path, message] of Object.entries(problems)) fields[formFieldId(path)] ??= message;
    return fields;
  };

  /** The exercise form's input in the API's shape, checked by the API's schema together with the form's own checks. */
  const checkedTender = <S extends z.ZodType>(schema: S, req: Request): z.infer<S> => {
    const { input, formErrors } = tenderFromForm(req.body as FormBody);
    return checkForm(schema, input, formErrors);
  };

  router.get('/tenders', allowAnyone(), async (req, res) => {
    const { filters: query, errors: queryErrors } = parseFilters(listTendersQuery, req.query);
    const now = tenders.now();
    const cacheKey =
      mayUseCache(req, res) && !queryErrors
        ? `${await tenders.listVersion()}|${Math.floor(now.getTime() / 60_000)}|${req.originalUrl}`
        : null;
    const render = async () => {
      const list = await tenders.listPage(query, req.user, query.page ?? 1);
      return {
        items: list.items.map((t) => ({ ...t, closing: closingTag(t, now) })),
        total: list.total,
        page: list.page,
        pageCount: list.pageCount,
        pagination: paginationFor(list, req.query as Record<string, unknown>, '/tenders'),
        query,
        queryErrors,
        statusLabels: STATUS_LABELS,
        boroughs: boroughs.list(),
        // A deadline passing changes the tags and the closing order: a kept copy is not served from then.
        keptUntil: list.changesAt,
      };
    };
    if (cacheKey) return renderCached(res, listCache.pages, cacheKey, 'tenders/views/list.njk', render, now.getTime());
    res.render('tenders/views/list.njk', await render());
  });

  router.get('/tenders/new', requireRole('officer'), (_req, res) => {
    renderForm(res, 200, { values: { tupe: 'unknown', shareFindings: 'yes', thirdSectorTargetPercent: '25' } });
  });

  router.post(
    '/tenders/new',
    requireRole('officer'),
    formRoute({
      input: ({ req }) => checkedTender(createTenderSchema, req),
      run: (input, { req }) => tenders.create(input, signedInUser(req)),
      done: (tender, { req, res }) => {
        flash(req, `Draft saved. Its reference is ${tender.reference}.`);
        res.redirect(303, `/tenders/${tender.id}`);
      },
      rerender: (problem, { req, res }) =>
        renderForm(res, problem.status, { values: req.body as FormBody, errors: formProblems(problem.fields) }),
      rerenderOn: isValidationProblem,
    }),
  );

  /** The exercise page; `ask` re-shows the question form with what was typed and its problem. */
  async function renderExercise(req: Request, res: Response, status = 200, ask?: { value: string; error?: string; notice?: string }) {
    // The exercise is read once: its questions and the other features' parts of the page are read alongside.
    const doc = await tenders.findVisible(String(req.params.id), req.user);
    const tender = tenders.toApi(doc, req.user);
    const own = isOwnBoroughOfficer(req.user, tender.borough.id);
    const [questions, more] = await Promise.all([clarifications.listOf(doc, req.user), extras(tender, req.user)]);
    const now = tenders.now();
    const errors = ask?.error ? { question: ask.error } : undefined;
    res.status(status).render('tenders/views/show.njk', {
      tender: { ...tender, history: tender.history.map((h) => ({ ...h, label: historyLabel(h.field) })) },
      documentGroups: documentGroups(tender.documents),
      own,
      questions: questions.filter((q) => q.status === 'published'),
      myQuestions: questions.filter((q) => q.mine && q.status !== 'published'),
      openQuestions: own ? questions.filter((q) => q.status !== 'published').length : 0,
      canAsk: req.user?.role === 'supplier' && tender.status === 'published' && now <= new Date(tender.clarificationDeadline),
      eoiOpen: tender.status === 'published' && now <= new Date(tender.eoiDeadline),
      statusLabel: STATUS_LABELS[tender.status],
      closing: closingTag(tender, now),
      glossary: GLOSSARY,
      readability: own ? fleschReadingEase(tender.summary) : null,
      threshold: PLAIN_ENGLISH_THRESHOLD,
      askValue: ask?.value,
      errors,
      errorList: errors ? errorSummary(errors) : undefined,
      notice: ask?.notice,
      ...more,
    });
  }

  router.get('/tenders/:id', allowAnyone(), (req, res) => {
    // A question sent after its session ended, by the one now signed in: shown again in the box, to send.
    const restored = req.user ? kept?.claim(req, `/tenders/${String(req.params.id)}/questions`) : undefined;
    const typed = restored?.fields.question;
    if (typeof typed === 'string') return renderExercise(req, res, 200, { value: typed, notice: RESTORED_NOTICE });
    return renderExercise(req, res);
  });

  router.get('/tenders/:id/edit', requireRole('officer'), async (req, res) => {
    const tender = tenders.toApi(await tenders.findOwn(String(req.params.id), signedInUser(req)), req.user);
    renderForm(res, 200, { tender, values: formFromTender(tender) });
  });

  router.post(
    '/tenders/:id/edit',
    requireRole('officer'),
    formRoute({
      load: async (req) => tenders.toApi(await tenders.findOwn(String(req.params.id), signedInUser(req)), req.user),
      input: ({ req }) => checkedTender(updateTenderSchema, req),
      run: (input, { req }) => tenders.update(String(req.params.id), input, signedInUser(req)),
      done: (_updated, { req, res, ctx: tender }) => {
        flash(req, tender.status === 'published' ? 'Your changes are saved and shown in the list of changes.' : 'Your changes are saved.');
        res.redirect(303, `/tenders/${String(req.params.id)}`);
      },
      rerender: (problem, { req, res, ctx: tender }) =>
        renderForm(res, problem.status, { tender, values: req.body as FormBody, errors: formProblems(problem.fields) }),
      rerenderOn: isValidationProblem,
    }),
  );

  // The form on the exercise page sends the setting it switches to; anything but "yes" or "no" is refused.
  router.post('/tenders/:id/sharing', requireRole('officer'), async (req, res) => {
    const id = String(req.params.id);
    const value = (req.body as FormBody).shareFindings;
    if (value !== 'yes' && value !== 'no') throw new ValidationError({ shareFindings: 'Choose whether to share anonymised findings' });
    const tender = await tenders.setSharing(id, value === 'yes', signedInUser(req));
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
      const tender = tenders.toApi(await tenders.findOwn(String(req.params.id), signedInUser(req)), req.user);
      res.render('tenders/views/confirm.njk', {
        tender,
        action,
        ...ACTIONS[action],
        ...(action === 'publish' ? await extras(tender, req.user) : {}),
      });
    });

    router.post(
      `/tenders/:id/${action}`,
      requireRole('officer'),
      formRoute({
        input: ({ req }) => String(req.params.id),
        run: (id, { req }) => tenders[action](id, signedInUser(req)),
        done: (_tender, { req, res }) => {
          flash(req, ACTIONS[action].done);
          res.redirect(303, `/tenders/${String(req.params.id)}`);
        },
        rerender: async (problem, { req, res }) => {
          const id = String(req.params.id);
          const tender = tenders.toApi(await tenders.findOwn(id, signedInUser(req)), req.user);
          const errors = problem.error.fields ?? { confirm: problem.message };
          res.status(problem.status).render('tenders/views/confirm.njk', {
            tender,
            action,
            ...ACTIONS[action],
            errors,
            errorList: Object.entries(errors).map(([field, text]) => ({
              text,
              href: field === 'confirm' ? '#confirm' : `/tenders/${id}/edit#${field}`,
            })),
          });
        },
      }),
    );
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
    renderDocuments(res, 200, tenders.toApi(await tenders.findOwn(String(req.params.id), signedInUser(req)), req.user));
  });

  router.post(
    '/tenders/:id/documents',
    requireRole('officer'),
    formRoute({
      load: async (req) => tenders.toApi(await tenders.findOwn(String(req.params.id), signedInUser(req)), req.user),
      input: async ({ req, res }) => {
        const upload = await receiveUpload(req, res);
        const { title } = parseInput(documentTitleSchema, req.body);
        return { title, upload };
      },
      run: (input, { req }) => tenders.addDocument(String(req.params.id), input, signedInUser(req)),
      done: (doc, { req, res }) => {
        flash(req, `${doc.title} (version ${doc.version}) is uploaded.`);
        res.redirect(303, `/tenders/${String(req.params.id)}/documents`);
      },
      rerender: (problem, { req, res, ctx: tender }) => {
        const body = (req.body ?? {}) as FormBody;
        const errors: FieldErrors = problem.error.fields ? { ...problem.fields } : { file: problem.message };
        renderDocuments(res, problem.status, tender, { title: typeof body.title === 'string' ? body.title : '' }, errors);
      },
      rerenderOn: isUploadProblem,
    }),
  );

  router.get('/tenders/:id/documents/:docId/download', allowAnyone(), async (req, res) => {
    const { key, meta } = await tenders.documentFile(String(req.params.id), String(req.params.docId), req.user);
    await sendStoredFile(res, tenders.files, key, meta);
  });

  router.post(
    '/tenders/:id/questions',
    requireRole('supplier'),
    formRoute({
      input: askSchema,
      run: ({ question }, { req }) => clarifications.ask(String(req.params.id), question, signedInUser(req)),
      done: (_asked, { req, res }) => {
        flash(req, 'Your question has been sent. The council will publish the answer to everyone, without saying who asked.');
        res.redirect(303, `/tenders/${String(req.params.id)}#questions`);
      },
      // The question box is on the exercise page: it is shown again with the problem and what was typed.
      rerender: (problem, { req, res }) => {
        const typed = (req.body as FormBody).question;
        return renderExercise(req, res, problem.status, {
          value: typeof typed === 'string' ? typed : '',
          error: problem.fields.question ?? problem.message,
        });
      },
    }),
  );

  return router;
}
