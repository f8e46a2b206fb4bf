import { Router, type Request, type Response } from 'express';
import { requireRole, type PublicUser } from '../platform/roles';
import { ConflictError, NotFoundError, type FieldErrors } from '../platform/errors';
import { attempt, formRoute } from '../platform/form-route';
import { errorSummary, fieldErrors } from '../platform/validation';
import type { Tender, TendersService } from '../tenders';
import {
  TYPE_LABELS,
  conditionInWords,
  conditionTargets,
  draftKey,
  formFromQuestion,
  possibleValues,
  problemOnQuestion,
  problemPlace,
  questionFromForm,
  typeItems,
  type DraftSection,
} from './builder.form';
import { allQuestions } from './answer-rules';
import { questionnaireInputSchema } from './questionnaire.schema';
import type { QuestionnaireView, QuestionnairesService } from './questionnaires.service';
import { TEMPLATES, estimatedMinutes } from './template';
import type { Question, QuestionnaireDefinition } from './types';

type FormBody = Record<string, unknown>;
type ErrorLink = { text: string; href: string };

const TEMPLATE = 'library-smt-v1' as const;

interface BuilderContext {
  tender: Tender;
  questionnaire: QuestionnaireView | null;
  definition: QuestionnaireDefinition;
  /** Why nothing can change now (closed exercise, submitted answers), or null. */
  readOnly: string | null;
}

/** Where the question form puts its question: a new one at the end of a section or of a new section, or a stored one. */
type Place = { mode: 'new'; section: number } | { mode: 'section' } | { mode: 'edit'; section: number; index: number };

const asDraft = (definition: QuestionnaireDefinition): DraftSection[] => structuredClone(definition.sections) as unknown as DraftSection[];

const keyParam = (req: Request) => String(req.params.key);

function sectionIndex(req: Request, definition: QuestionnaireDefinition): number {
  const raw = String(req.params.s);
  const s = /^\d{1,3}$/.test(raw) ? Number(raw) - 1 : -1;
  if (s < 0 || s >= definition.sections.length) throw new NotFoundError('Section not found');
  return s;
}

function findQuestion(definition: QuestionnaireDefinition, key: string): { section: number; index: number; question: Question } {
  for (const [section, s] of definition.sections.entries()) {
    const index = s.questions.findIndex((q) => q.key === key);
    if (index >= 0) return { section, index, question: s.questions[index]! };
  }
  throw new NotFoundError('Question not found');
}

/** The officer's questionnaire builder: sections and questions, checked as a whole by the questionnaire's own schema. */
export function builderPages(questionnaires: QuestionnairesService, tenders: TendersService): Router {
  const router = Router();
  const base = (id: string) => `/tenders/${id}/questionnaire`;

  async function load(req: Request): Promise<BuilderContext> {
    const user = req.user!;
    const id = String(req.params.id);
    const tender = tenders.toApi(await tenders.findOwn(id, user), user);
    const found = await attempt(questionnaires.getQuestionnaire(id, user));
    if (!found.ok && !(found.error instanceof NotFoundError)) throw found.error;
    const questionnaire = found.ok ? found.value : null;
    let readOnly: string | null = null;
    if (tender.status === 'closed' || tender.status === 'cancelled') {
      readOnly = `This exercise is ${tender.status}, so its questionnaire can no longer change.`;
    } else if (questionnaire?.locked) {
      readOnly = 'An organisation has submitted answers, so the questions can no longer change. This keeps every response comparable.';
    }
    return { tender, questionnaire, definition: { sections: questionnaire?.sections ?? [] }, readOnly };
  }

  const renderConflict = (res: Response, ctx: BuilderContext, message: string) =>
    res.status(409).render('questionnaires/views/builder-locked.njk', { tender: ctx.tender, message });

  /** Checks the whole new questionnaire and saves it; the problems (by schema path) or the reason it cannot change. */
  async function save(
    ctx: BuilderContext,
    sections: DraftSection[],
    user: PublicUser,
  ): Promise<{ problems?: FieldErrors; conflict?: string }> {
    const parsed = questionnaireInputSchema.safeParse({ sections });
    if (!parsed.success) return { problems: fieldErrors(parsed.error) };
    const saved = await attempt(questionnaires.setQuestionnaire(ctx.tender.id, parsed.data, ctx.questionnaire?.template ?? null, user));
    if (saved.ok) return {};
    if (saved.error instanceof ConflictError) return { conflict: saved.error.message };
    throw saved.error;
  }

  function renderBuilder(res: Response, status: number, ctx: BuilderContext, errors?: FieldErrors, errorList?: ErrorLink[]) {
    const { definition, questionnaire } = ctx;
    let number = 0;
    const sections = definition.sections.map((section, s) => ({
      number: s + 1,
      title: section.title,
      description: section.description,
      questions: section.questions.map((q, i) => ({
        ...q,
        number: (number += 1),
        typeLabel: TYPE_LABELS[q.type].label,
        condition: conditionInWords(q, definition),
        first: i === 0,
        last: i === section.questions.length - 1,
      })),
    }));
    const all = allQuestions(definition);
    const template = TEMPLATES[TEMPLATE];
    res.status(status).render('questionnaires/views/builder-edit.njk', {
      tender: ctx.tender,
      questionnaire,
      sections,
      readOnly: ctx.readOnly,
      counts: { questions: all.length, required: all.filter((q) => q.required).length, core: all.filter((q) => q.core).length },
      minutes: estimatedMinutes(definition),
      template: {
        name: TEMPLATE,
        title: template.title,
        description: template.description,
        minutes: estimatedMinutes(template.definition),
        questionCount: template.definition.sections.reduce((n, s) => n + s.questions.length, 0),
        sections: template.definition.sections.map((s) => ({ title: s.title, questionCount: s.questions.length })),
      },
      errors,
      errorList,
    });
  }

  /** Problems found after a change made on the builder page (moving, removing), each linked to its question there. */
  function builderProblems(problems: FieldErrors, attempted: DraftSection[]): { errors: FieldErrors; errorList: ErrorLink[] } {
    const errors: FieldErrors = {};
    const errorList: ErrorLink[] = [];
    for (const [path, message] of Object.entries(problems)) {
      const place = problemPlace(path);
      if (place.kind === 'question') {
        const key = draftKey(attempted, place.section, place.index);
        const text = problemOnQuestion(attempted, place.section, place.index, message);
        if (key) errors[`q-${key}`] ??= message;
        errorList.push({ text, href: key ? `#q-${key}` : '#sections' });
      } else {
        errorList.push({ text: message, href: place.kind === 'section' ? `#section-${place.section + 1}` : '#sections' });
      }
    }
    return { errors, errorList };
  }

  // -------------------------------------------------------------------------------------------
  // The builder page, the template and the preview

  router.get('/tenders/:id/questionnaire/edit', requireRole('officer'), async (req, res) => {
    renderBuilder(res, 200, await load(req));
  });

  router.post(
    '/tenders/:id/questionnaire/template',
    requireRole('officer'),
    formRoute({
      load: async (req, res) => {
        const ctx = await load(req);
        const conflict =
          ctx.readOnly ??
          (ctx.questionnaire ? 'This exercise already has a questionnaire. Change its questions on the questionnaire page instead.' : null);
        if (!conflict) return ctx;
        renderConflict(res, ctx, conflict);
        return null;
      },
      input: ({ req }) => {
        if ((req.body as FormBody).template !== TEMPLATE) throw new NotFoundError('Template not found');
        return questionnaireInputSchema.parse({ template: TEMPLATE });
      },
      run: (definition, { req, ctx }) => questionnaires.setQuestionnaire(ctx.tender.id, definition, TEMPLATE, req.user!),
      done: (saved, { req, res, ctx }) => {
        req.session.flash = `The library services template is in place: ${saved.questionCount} questions in ${saved.sections.length} sections. Change any of them below.`;
        res.redirect(303, `${base(ctx.tender.id)}/edit`);
      },
      rerender: (problem, { res, ctx }) => renderConflict(res, ctx, problem.message),
      rerenderOn: (error) => error instanceof ConflictError,
    }),
  );

  router.get('/tenders/:id/questionnaire/preview', requireRole('officer'), async (req, res) => {
    const ctx = await load(req);
    if (!ctx.questionnaire) {
      req.session.flash = 'There is no questionnaire to preview yet. Use the template or add a section first.';
      return res.redirect(303, `${base(ctx.tender.id)}/edit`);
    }
    res.render('questionnaires/views/builder-preview.njk', {
      tender: ctx.tender,
      questionnaire: ctx.questionnaire,
      sections: ctx.definition.sections.map((section) => ({
        ...section,
        questions: section.questions.map((q) => ({ q, condition: conditionInWords(q, ctx.definition) })),
      })),
    });
  });

  // -------------------------------------------------------------------------------------------
  // Moving and removing a question

  const moves = { 'move-up': -1, 'move-down': 1 } as const;
  for (const [action, step] of Object.entries(moves)) {
    router.post(`/tenders/:id/questionnaire/questions/:key/${action}`, requireRole('officer'), async (req, res) => {
      const ctx = await load(req);
      if (ctx.readOnly) return renderConflict(res, ctx, ctx.readOnly);
      const { section, index, question } = findQuestion(ctx.definition, keyParam(req));
      const attempted = asDraft(ctx.definition);
      const list = attempted[section]!.questions;
      const to = index + step;
      if (to >= 0 && to < list.length) [list[index], list[to]] = [list[to]!, list[index]!];
      const outcome = await save(ctx, attempted, req.user!);
      if (outcome.conflict) return renderConflict(res, ctx, outcome.conflict);
      if (outcome.problems) {
        const { errors, errorList } = builderProblems(outcome.problems, attempted);
        return renderBuilder(res, 422, ctx, errors, errorList);
      }
      req.session.flash = `“${question.label}” moved ${step < 0 ? 'up' : 'down'}.`;
      res.redirect(303, `${base(ctx.tender.id)}/edit#q-${question.key}`);
    });
  }

  router.post('/tenders/:id/questionnaire/questions/:key/remove', requireRole('officer'), async (req, res) => {
    const ctx = await load(req);
    if (ctx.readOnly) return renderConflict(res, ctx, ctx.readOnly);
    const { section, index, question } = findQuestion(ctx.definition, keyParam(req));
    if (ctx.definition.sections.reduce((n, s) => n + s.questions.length, 0) === 1) {
      const errors = { [`q-${question.key}`]: 'A questionnaire needs at least one question' };
      return renderBuilder(res, 422, ctx, errors, [
        {
          text: 'A questionnaire needs at least one question: add another question before you remove this one',
          href: `#q-${question.key}`,
        },
      ]);
    }
    const attempted = asDraft(ctx.definition);
    attempted[section]!.questions.splice(index, 1);
    // A section without questions goes with its last question.
    const emptied = attempted[section]!.questions.length === 0;
    if (emptied) attempted.splice(section, 1);
    const outcome = await save(ctx, attempted, req.user!);
    if (outcome.conflict) return renderConflict(res, ctx, outcome.conflict);
    if (outcome.problems) {
      const { errors, errorList } = builderProblems(outcome.problems, attempted);
      return renderBuilder(res, 422, ctx, errors, [
        { text: `“${question.label}” cannot be removed while other questions depend on it`, href: `#q-${question.key}` },
        ...errorList,
      ]);
    }
    req.session.flash = `“${question.label}” is removed${emptied ? ', with its section, which had no other questions' : ''}.`;
    res.redirect(303, `${base(ctx.tender.id)}/edit`);
  });

  // -------------------------------------------------------------------------------------------
  // Sections

  router.get('/tenders/:id/questionnaire/sections/:s/edit', requireRole('officer'), async (req, res) => {
    const ctx = await load(req);
    if (ctx.readOnly) return renderConflict(res, ctx, ctx.readOnly);
    const s = sectionIndex(req, ctx.definition);
    const section = ctx.definition.sections[s]!;
    res.render('questionnaires/views/builder-section.njk', {
      tender: ctx.tender,
      number: s + 1,
      values: { title: section.title, description: section.description },
    });
  });

  router.post('/tenders/:id/questionnaire/sections/:s/edit', requireRole('officer'), async (req, res) => {
    const ctx = await load(req);
    if (ctx.readOnly) return renderConflict(res, ctx, ctx.readOnly);
    const s = sectionIndex(req, ctx.definition);
    const body = req.body as FormBody;
    const attempted = asDraft(ctx.definition);
    attempted[s]!.title = typeof body.title === 'string' ? body.title : '';
    attempted[s]!.description = typeof body.description === 'string' ? body.description : '';
    const outcome = await save(ctx, attempted, req.user!);
    if (outcome.conflict) return renderConflict(res, ctx, outcome.conflict);
    if (outcome.problems) {
      const errors: FieldErrors = {};
      for (const [path, message] of Object.entries(outcome.problems)) {
        const place = problemPlace(path);
        const field = place.kind === 'section' && place.section === s && place.field !== 'questions' ? place.field : 'title';
        errors[field] ??= message;
      }
      return res.status(422).render('questionnaires/views/builder-section.njk', {
        tender: ctx.tender,
        number: s + 1,
        values: body,
        errors,
        errorList: errorSummary(errors),
      });
    }
    req.session.flash = `Section ${s + 1} is renamed.`;
    res.redirect(303, `${base(ctx.tender.id)}/edit#section-${s + 1}`);
  });

  // -------------------------------------------------------------------------------------------
  // The question form: a new question in a section, a new section with its first question, or a change

  /** The questions before the place, which a condition may depend on, and the keys other questions use. */
  function around(definition: QuestionnaireDefinition, place: Place) {
    const all = allQuestions(definition);
    if (place.mode === 'section') return { earlier: all, taken: all.map((q) => q.key) };
    if (place.mode === 'new') {
      const earlier = definition.sections.slice(0, place.section + 1).flatMap((s) => s.questions);
      return { earlier, taken: all.map((q) => q.key) };
    }
    const before = definition.sections.slice(0, place.section).flatMap((s) => s.questions);
    const own = definition.sections[place.section]!.questions;
    const editedKey = own[place.index]!.key;
    return { earlier: [...before, ...own.slice(0, place.index)], taken: all.map((q) => q.key).filter((k) => k !== editedKey) };
  }

  function formUrl(tenderId: string, place: Place, key?: string): string {
    if (place.mode === 'section') return `${base(tenderId)}/sections/new`;
    if (place.mode === 'new') return `${base(tenderId)}/sections/${place.section + 1}/questions/new`;
    return `${base(tenderId)}/sections/${place.section + 1}/questions/${key}/edit`;
  }

  function renderQuestionForm(
    res: Response,
    status: number,
    ctx: BuilderContext,
    place: Place,
    values: FormBody,
    problems?: { errors: FieldErrors; errorList: ErrorLink[] },
  ) {
    const { earlier } = around(ctx.definition, place);
    const targets = conditionTargets(earlier);
    const chosenKey = typeof values.showIfKey === 'string' ? values.showIfKey : '';
    const conditionItems = [
      { value: '', text: 'Always show this question' },
      ...targets.map((q) => ({ value: q.key, text: q.label, selected: q.key === chosenKey })),
    ];
    // A condition on a question that is no longer earlier stays chosen, so its problem can be seen and fixed.
    if (chosenKey && !targets.some((q) => q.key === chosenKey)) conditionItems.push({ value: chosenKey, text: chosenKey, selected: true });
    const editedKey = place.mode === 'edit' ? ctx.definition.sections[place.section]!.questions[place.index]!.key : undefined;
    res.status(status).render('questionnaires/views/builder-question.njk', {
      tender: ctx.tender,
      mode: place.mode,
      sectionNumber: place.mode === 'section' ? ctx.definition.sections.length + 1 : place.section + 1,
      sectionTitle: place.mode === 'section' ? '' : ctx.definition.sections[place.section]!.title,
      action: formUrl(ctx.tender.id, place, editedKey),
      values,
      typeItems: typeItems(values.type),
      conditionItems,
      targets: targets.map((q) => ({ key: q.key, label: q.label, values: possibleValues(q) })),
      errors: problems?.errors,
      errorList: problems?.errorList,
    });
  }

  /** Problems with the new questionnaire: those of the edited question on its form fields, the others linked on the builder page. */
  function formProblems(
    problems: FieldErrors,
    formErrors: FieldErrors,
    attempted: DraftSection[],
    at: { section: number; index: number },
    tenderId: string,
    keyTyped: boolean,
  ): { errors: FieldErrors; errorList: ErrorLink[] } {
    const errors: FieldErrors = { ...formErrors };
    const others: ErrorLink[] = [];
    const ownKey = draftKey(attempted, at.section, at.index);
    for (const [path, message] of Object.entries(problems)) {
      const place = problemPlace(path);
      if (place.kind === 'question' && place.section === at.section && place.index === at.index) {
        errors[place.field] ??= place.option === null ? message : `Option ${place.option + 1}: ${message}`;
      } else if (
        place.kind === 'question' &&
        place.field === 'key' &&
        ownKey &&
        draftKey(attempted, place.section, place.index) === ownKey
      ) {
        // The schema blames the later of two questions with one key; on this form, the key typed here is the one to change.
        errors.key ??= `The key "${ownKey}" is already used by another question`;
      } else if (place.kind === 'question') {
        const key = draftKey(attempted, place.section, place.index);
        others.push({
          text: problemOnQuestion(attempted, place.section, place.index, message),
          href: key ? `${base(tenderId)}/edit#q-${key}` : `${base(tenderId)}/edit`,
        });
      } else if (place.kind === 'section' && place.section === at.section && place.field !== 'questions') {
        errors[place.field === 'title' ? 'sectionTitle' : 'sectionDescription'] ??= message;
      } else {
        errors.form ??= message;
      }
    }
    // With no question text there is no key to make either: asking for both would say the same thing twice.
    if (!keyTyped && errors.label) delete errors.key;
    const order = [
      'form',
      'sectionTitle',
      'sectionDescription',
      'label',
      'hint',
      'key',
      'type',
      'options',
      'min',
      'max',
      'maxLength',
      'required',
    ];
    const ordered = Object.fromEntries(
      Object.entries(errors).sort(([a], [b]) => (order.indexOf(a) + 1 || 99) - (order.indexOf(b) + 1 || 99)),
    ) as FieldErrors;
    const own = errorSummary(ordered).map((e) => (e.href === '#form' ? { ...e, href: '#question-form' } : e));
    return { errors: ordered, errorList: [...own, ...others] };
  }

  async function handleQuestionPost(req: Request, res: Response, ctx: BuilderContext, place: Place) {
    const body = req.body as FormBody;
    const { earlier, taken } = around(ctx.definition, place);
    const { question, formErrors } = questionFromForm(body, { earlier, taken });
    const attempted = asDraft(ctx.definition);
    let at: { section: number; index: number };
    if (place.mode === 'section') {
      attempted.push({ title: body.sectionTitle ?? '', description: body.sectionDescription ?? '', questions: [question] });
      at = { section: attempted.length - 1, index: 0 };
    } else if (place.mode === 'new') {
      at = { section: place.section, index: attempted[place.section]!.questions.push(question) - 1 };
    } else {
      at = place;
      const oldKey = ctx.definition.sections[place.section]!.questions[place.index]!.key;
      attempted[place.section]!.questions[place.index] = question;
      // Conditions follow a question whose key changes.
      if (question.key && question.key !== oldKey) {
        for (const q of attempted.flatMap((s) => s.questions)) {
          const showIf = q.showIf as { key: string } | null | undefined;
          if (q !== question && showIf?.key === oldKey) q.showIf = { ...showIf, key: question.key };
        }
      }
    }
    const parsed = questionnaireInputSchema.safeParse({ sections: attempted });
    const problems = parsed.success ? {} : fieldErrors(parsed.error);
    if (!parsed.success || Object.keys(formErrors).length) {
      return renderQuestionForm(
        res,
        422,
        ctx,
        place,
        body,
        formProblems(problems, formErrors, attempted, at, ctx.tender.id, typeof body.key === 'string' && body.key.trim() !== ''),
      );
    }
    const outcome = await save(ctx, attempted, req.user!);
    if (outcome.conflict) return renderConflict(res, ctx, outcome.conflict);
    const label = String(question.label);
    req.session.flash =
      place.mode === 'edit'
        ? `“${label}” is changed.`
        : place.mode === 'section'
          ? `Section added, with “${label}”.`
          : `“${label}” is added.`;
    res.redirect(303, `${base(ctx.tender.id)}/edit#q-${String(question.key)}`);
  }

  router.get('/tenders/:id/questionnaire/sections/new', requireRole('officer'), async (req, res) => {
    const ctx = await load(req);
    if (ctx.readOnly) return renderConflict(res, ctx, ctx.readOnly);
    renderQuestionForm(res, 200, ctx, { mode: 'section' }, { required: 'yes' });
  });

  router.post('/tenders/:id/questionnaire/sections/new', requireRole('officer'), async (req, res) => {
    const ctx = await load(req);
    if (ctx.readOnly) return renderConflict(res, ctx, ctx.readOnly);
    await handleQuestionPost(req, res, ctx, { mode: 'section' });
  });

  router.get('/tenders/:id/questionnaire/sections/:s/questions/new', requireRole('officer'), async (req, res) => {
    const ctx = await load(req);
    if (ctx.readOnly) return renderConflict(res, ctx, ctx.readOnly);
    renderQuestionForm(res, 200, ctx, { mode: 'new', section: sectionIndex(req, ctx.definition) }, { required: 'yes' });
  });

  router.post('/tenders/:id/questionnaire/sections/:s/questions/new', requireRole('officer'), async (req, res) => {
    const ctx = await load(req);
    if (ctx.readOnly) return renderConflict(res, ctx, ctx.readOnly);
    await handleQuestionPost(req, res, ctx, { mode: 'new', section: sectionIndex(req, ctx.definition) });
  });

  /** A stored question named by section number and key; 404 when the key is not in that section. */
  function editPlace(req: Request, ctx: BuilderContext): Place & { mode: 'edit' } {
    const s = sectionIndex(req, ctx.definition);
    const index = ctx.definition.sections[s]!.questions.findIndex((q) => q.key === keyParam(req));
    if (index < 0) throw new NotFoundError('Question not found');
    return { mode: 'edit', section: s, index };
  }

  router.get('/tenders/:id/questionnaire/sections/:s/questions/:key/edit', requireRole('officer'), async (req, res) => {
    const ctx = await load(req);
    if (ctx.readOnly) return renderConflict(res, ctx, ctx.readOnly);
    const place = editPlace(req, ctx);
    renderQuestionForm(res, 200, ctx, place, formFromQuestion(ctx.definition.sections[place.section]!.questions[place.index]!));
  });

  router.post('/tenders/:id/questionnaire/sections/:s/questions/:key/edit', requireRole('officer'), async (req, res) => {
    const ctx = await load(req);
    if (ctx.readOnly) return renderConflict(res, ctx, ctx.readOnly);
    await handleQuestionPost(req, res, ctx, editPlace(req, ctx));
  });

  return router;
}
