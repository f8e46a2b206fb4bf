import { Router, type Request, type Response } from 'express';
import { requireRole, signedInUser } from '../platform/roles';
import { ForbiddenError, NotFoundError, ValidationError, type AppError, type FieldErrors } from '../platform/errors';
import { attempt, formRoute } from '../platform/form-route';
import { pageParam, paginationFor } from '../platform/pagination';
import { sendStoredFile, type FileStore } from '../platform/file-store';
import { errorSummary, fieldErrors } from '../platform/validation';
import { SECTOR_LABELS, type InterestsService, type Sector } from '../suppliers';
import type { Tender, TendersService } from '../tenders';
import { answerFieldId, answersFromForm, noneWithOthers } from './answers.form';
import { conditionInWords } from './builder.form';
import { allQuestions, answerCheck, visibleQuestions } from './answer-rules';
import { answerText } from './answer.summary';
import { recordedResponseSchema } from './questionnaires.schemas';
import type { QuestionnaireView, QuestionnairesService, RecordedResponseInput } from './questionnaires.service';
import type { Answers, Question, QuestionnaireDefinition } from './types';

type FormBody = Record<string, unknown>;

/** How a recorded response reached the officer. */
export const RECORD_METHODS = {
  phone: { label: 'By phone', short: 'phone' },
  event: { label: 'At an event', short: 'at an event' },
  email: { label: 'By email', short: 'email' },
  other: { label: 'Another way', short: 'other' },
} as const;

const methodShort = (method: string) => RECORD_METHODS[method as keyof typeof RECORD_METHODS]?.short ?? method;
const methodLabel = (method: string) => RECORD_METHODS[method as keyof typeof RECORD_METHODS]?.label ?? method;

const isSealedError = (err: AppError) => err instanceof ForbiddenError && err.code === 'sealed';

/** The officer's pages for questionnaire responses: the list, one response with its files, and recording a response. */
export function responsesPages(
  questionnaires: QuestionnairesService,
  tenders: TendersService,
  interests: InterestsService,
  files: FileStore,
): Router {
  const router = Router();

  /** The officer's own exercise; another borough's is 404 (and audited by the exercises service). */
  const ownTender = async (req: Request): Promise<Tender> =>
    tenders.toApi(await tenders.findOwn(String(req.params.id), signedInUser(req)), req.user);

  const sealedNow = (tender: Tender) => tender.sealed && questionnaires.now() <= new Date(tender.questionnaireDeadline);

  const renderSealed = (res: Response, tender: Tender) => res.status(403).render('questionnaires/views/responses-sealed.njk', { tender });

  const renderUnavailable = (res: Response, tender: Tender, title: string, message: string, status = 409) =>
    res.status(status).render('questionnaires/views/responses-unavailable.njk', { tender, title, message });

  async function questionnaireOf(tender: Tender, req: Request): Promise<QuestionnaireView | null> {
    const found = await attempt(questionnaires.getQuestionnaire(tender.id, req.user));
    if (found.ok) return found.value;
    if (found.error instanceof NotFoundError) return null;
    throw found.error;
  }

  router.get('/tenders/:id/responses', requireRole('officer'), async (req, res) => {
    const tender = await ownTender(req);
    const listed = await attempt(questionnaires.listResponses(tender.id, signedInUser(req), pageParam(req.query.page)));
    if (!listed.ok) {
      if (isSealedError(listed.error)) return renderSealed(res, tender);
      if (listed.error instanceof NotFoundError)
        return res.render('questionnaires/views/responses-list.njk', { tender, noQuestionnaire: true });
      throw listed.error;
    }
    const list = listed.value;
    res.render('questionnaires/views/responses-list.njk', {
      tender,
      list,
      pagination: paginationFor(list, {}, `/tenders/${tender.id}/responses`),
      items: list.items.map((r) => ({
        ...r,
        sectorLabel: SECTOR_LABELS[r.organisation.sector as Sector] ?? r.organisation.sector,
        recordedVia: r.recordedBy ? methodShort(r.recordedBy.method) : null,
      })),
      submitted: list.submitted,
      started: list.started,
      canRecord: tender.status === 'published',
    });
  });

  // -------------------------------------------------------------------------------------------
  // Recording a response given by phone, at an event or by email (before `/:rid`, which would take "record")

  interface RecordContext {
    tender: Tender;
    definition: QuestionnaireDefinition;
    questions: Question[];
    organisations: { id: string; name: string }[];
    sealed: boolean;
  }

  /** What the record form needs, or null once a page explaining why it cannot be used has been sent. */
  async function recordContext(req: Request, res: Response): Promise<RecordContext | null> {
    const tender = await ownTender(req);
    const questionnaire = await questionnaireOf(tender, req);
    if (!questionnaire) {
      renderUnavailable(res, tender, 'There is no questionnaire yet', 'Set up the questionnaire before recording responses to it.');
      return null;
    }
    if (tender.status !== 'published') {
      renderUnavailable(res, tender, 'Responses cannot be recorded now', 'Responses can only be recorded while the exercise is open.');
      return null;
    }
    const sealed = sealedNow(tender);
    const interested = await interests.activeOrganisations(tender.id, signedInUser(req));
    // While answers are sealed nobody may see who has answered, so the list is not narrowed: a duplicate is refused on saving.
    const answered = sealed ? new Set<string>() : await questionnaires.respondedOrganisations(tender.id, signedInUser(req));
    const definition = { sections: questionnaire.sections };
    return {
      tender,
      definition,
      questions: allQuestions(definition).filter((q) => q.type !== 'file'),
      organisations: interested.filter((o) => !answered.has(o.id)).sort((a, b) => a.name.localeCompare(b.name, 'en-GB')),
      sealed,
    };
  }

  function renderRecord(res: Response, status: number, ctx: RecordContext, values: FormBody, errors?: FieldErrors) {
    res.status(status).render('questionnaires/views/responses-record.njk', {
      tender: ctx.tender,
      sealed: ctx.sealed,
      organisationItems: [
        { value: '', text: 'Choose an organisation' },
        ...ctx.organisations.map((o) => ({ value: o.id, text: o.name, selected: values.organisationId === o.id })),
      ],
      organisationCount: ctx.organisations.length,
      methodItems: Object.entries(RECORD_METHODS).map(([value, m]) => ({ value, text: m.label, checked: values.method === value })),
      sections: ctx.definition.sections.map((section) => ({
        title: section.title,
        questions: section.questions.filter((q) => q.type !== 'file').map((q) => ({ q, condition: conditionInWords(q, ctx.definition) })),
        files: section.questions.filter((q) => q.type === 'file'),
      })),
      values,
      errors,
      errorList: errors ? errorSummary(errors) : undefined,
    });
  }

  router.get('/tenders/:id/responses/record', requireRole('officer'), async (req, res) => {
    const ctx = await recordContext(req, res);
    if (ctx) renderRecord(res, 200, ctx, {});
  });

  /** The record form's input in the API's shape; every problem at once: the form's own, and the answers' values as the service would check them. */
  function recordedFromForm(ctx: RecordContext, body: FormBody): RecordedResponseInput {
    const read = answersFromForm(ctx.questions, body);
    const answers = Object.fromEntries(Object.entries(read).filter(([, v]) => v !== null)) as Answers;
    const parsed = recordedResponseSchema.safeParse({
      organisationId: body.organisationId ?? '',
      method: body.method,
      note: typeof body.note === 'string' ? body.note : '',
      answers,
    });
    const conflicts = noneWithOthers(ctx.questions, body);
    if (parsed.success && !Object.keys(conflicts).length) return { ...parsed.data, answers };
    const errors: FieldErrors = parsed.success ? {} : { ...fieldErrors(parsed.error) };
    for (const q of ctx.questions) {
      const problem = answers[q.key] === undefined ? null : answerCheck(q, answers[q.key]);
      if (problem) errors[answerFieldId(`answers.${q.key}`)] = problem;
    }
    for (const [path, message] of Object.entries(conflicts)) errors[answerFieldId(path)] = message;
    throw new ValidationError(errors);
  }

  router.post(
    '/tenders/:id/responses/record',
    requireRole('officer'),
    formRoute({
      load: recordContext,
      input: ({ req, ctx }) => recordedFromForm(ctx, req.body as FormBody),
      run: (input, { req, ctx }) => questionnaires.recordResponse(ctx.tender.id, input, signedInUser(req)),
      done: (recorded, { req, res, ctx }) => {
        if (ctx.sealed) {
          req.session.flash = `The response from ${recorded.organisation.name} is recorded. Like every answer, it is sealed until the questionnaire deadline.`;
          return res.redirect(303, `/tenders/${ctx.tender.id}`);
        }
        req.session.flash = `The response from ${recorded.organisation.name} is recorded. It counts as submitted and is marked as recorded by you.`;
        res.redirect(303, `/tenders/${ctx.tender.id}/responses/${recorded.id}`);
      },
      rerender: (problem, { req, res, ctx }) => {
        const body = req.body as FormBody;
        if (problem.error instanceof ValidationError) {
          const errors: FieldErrors = {};
          for (const [path, message] of Object.entries(problem.fields)) errors[answerFieldId(path)] ??= message;
          return renderRecord(res, problem.status, ctx, body, errors);
        }
        if (problem.code === 'duplicate') return renderRecord(res, problem.status, ctx, body, { organisationId: problem.message });
        renderUnavailable(res, ctx.tender, 'Responses cannot be recorded now', problem.message);
      },
    }),
  );

  // -------------------------------------------------------------------------------------------
  // One response and its files

  router.get('/tenders/:id/responses/:rid', requireRole('officer'), async (req, res) => {
    const tender = await ownTender(req);
    const found = await attempt(questionnaires.oneResponse(tender.id, String(req.params.rid), signedInUser(req)));
    if (!found.ok) {
      if (isSealedError(found.error)) return renderSealed(res, tender);
      throw found.error;
    }
    const response = found.value;
    const questionnaire = await questionnaireOf(tender, req);
    const definition = { sections: questionnaire?.sections ?? [] };
    const shown = new Set(visibleQuestions(definition, response.answers).map((q) => q.key));
    const fileById = new Map(response.files.map((f) => [f.id, f]));
    const fileNames = new Map(response.files.map((f) => [f.id, f.filename]));
    const sections = definition.sections
      .map((section) => ({
        title: section.title,
        rows: section.questions
          .filter((q) => shown.has(q.key))
          .map((q) => {
            const value = response.answers[q.key];
            const file = q.type === 'file' && typeof value === 'string' ? fileById.get(value) : undefined;
            return {
              key: q.key,
              label: q.label,
              text: q.type === 'file' && !file ? 'No file' : (answerText(q, value, fileNames) ?? 'Not answered'),
              file: file ? { ...file, href: `/tenders/${tender.id}/responses/${response.id}/files/${file.id}/download` } : null,
            };
          }),
      }))
      .filter((s) => s.rows.length > 0);
    res.render('questionnaires/views/responses-one.njk', {
      tender,
      response,
      sectorLabel: SECTOR_LABELS[response.organisation.sector as Sector] ?? response.organisation.sector,
      recordedVia: response.recordedBy ? methodLabel(response.recordedBy.method) : null,
      sections,
    });
  });

  router.get('/tenders/:id/responses/:rid/files/:fileId/download', requireRole('officer'), async (req, res) => {
    const tender = await ownTender(req);
    const found = await attempt(
      questionnaires.officerFile(tender.id, String(req.params.rid), String(req.params.fileId), signedInUser(req)),
    );
    if (!found.ok) {
      if (isSealedError(found.error)) return renderSealed(res, tender);
      throw found.error;
    }
    await sendStoredFile(res, files, found.value.key, found.value.meta);
  });

  return router;
}
