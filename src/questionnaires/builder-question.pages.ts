import { Router, type Request, type Response } from 'express';
import { requireRole, signedInUser } from '../platform/roles';
import { NotFoundError, type FieldErrors } from '../platform/errors';
import { errorSummary, fieldErrors } from '../platform/validation';
import { allQuestions } from './answer-rules';
import {
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
import {
  asDraft,
  builderBase,
  keyParam,
  sectionIndex,
  type BuilderContext,
  type BuilderKit,
  type ErrorLink,
  type FormBody,
  type Place,
} from './builder.context';
import { questionnaireInputSchema } from './questionnaire.schema';
import type { QuestionnaireDefinition } from './types';

/** The question form: a new question in a section, a new section with its first question, or a change to a stored question. */
export function questionFormPages(kit: BuilderKit): Router {
  const router = Router();
  const base = builderBase;
  const { load, renderConflict, save } = kit;

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
    const outcome = await save(ctx, attempted, signedInUser(req));
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
