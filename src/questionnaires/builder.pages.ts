import { Router } from 'express';
import { requireRole, signedInUser } from '../platform/roles';
import { ConflictError, NotFoundError, type FieldErrors } from '../platform/errors';
import { formRoute } from '../platform/form-route';
import { errorSummary } from '../platform/validation';
import type { TendersService } from '../tenders';
import { conditionInWords, problemPlace } from './builder.form';
import { TEMPLATE, asDraft, builderBase, builderKit, findQuestion, keyParam, sectionIndex, type FormBody } from './builder.context';
import { questionFormPages } from './builder-question.pages';
import { questionnaireInputSchema } from './questionnaire.schema';
import type { QuestionnairesService } from './questionnaires.service';

/** The officer's questionnaire builder: sections and questions, checked as a whole by the questionnaire's own schema. */
export function builderPages(questionnaires: QuestionnairesService, tenders: TendersService): Router {
  const router = Router();
  const base = builderBase;
  const kit = builderKit(questionnaires, tenders);
  const { load, renderConflict, save, renderBuilder, builderProblems } = kit;

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
      run: (definition, { req, ctx }) => questionnaires.setQuestionnaire(ctx.tender.id, definition, TEMPLATE, signedInUser(req)),
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
      const outcome = await save(ctx, attempted, signedInUser(req));
      if (outcome.conflict) return renderConflict(res, ctx, outcome.conflict);
      if (outcome.problems) {
        const { errors, errorList } = builderProblems(outcome.problems, attempted);
        return renderBuilder(res, 422, ctx, errors, errorList);
      }
      req.session.flash = `“${question.label}” moved ${step < 0 ? 'up' : 'down'}.`;
      res.redirect(303, `${base(ctx.tender.id)}/edit#q-${question.key}`);
    });
  }

  // Removing asks first; only the confirmation's button posts.
  router.get('/tenders/:id/questionnaire/questions/:key/remove', requireRole('officer'), async (req, res) => {
    const ctx = await load(req);
    if (ctx.readOnly) return renderConflict(res, ctx, ctx.readOnly);
    const { section, index, question } = findQuestion(ctx.definition, keyParam(req));
    const before = ctx.definition.sections.slice(0, section).reduce((n, s) => n + s.questions.length, 0);
    res.render('questionnaires/views/builder-remove.njk', {
      tender: ctx.tender,
      question,
      section: section + 1,
      number: before + index + 1,
      lastInSection: ctx.definition.sections[section]!.questions.length === 1,
    });
  });

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
    const outcome = await save(ctx, attempted, signedInUser(req));
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
    const outcome = await save(ctx, attempted, signedInUser(req));
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

  router.use(questionFormPages(kit));

  return router;
}
