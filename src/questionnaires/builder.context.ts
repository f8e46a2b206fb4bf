import type { Request, Response } from 'express';
import { signedInUser } from '../platform/roles';
import type { PublicUser } from '../platform/roles';
import { ConflictError, NotFoundError, type FieldErrors } from '../platform/errors';
import { attempt } from '../platform/form-route';
import { fieldErrors } from '../platform/validation';
import type { Tender, TendersService } from '../tenders';
import { allQuestions } from './answer-rules';
import { TYPE_LABELS, conditionInWords, draftKey, problemOnQuestion, problemPlace, type DraftSection } from './builder.form';
import { questionnaireInputSchema } from './questionnaire.schema';
import type { QuestionnaireView, QuestionnairesService } from './questionnaires.service';
import { TEMPLATES, estimatedMinutes } from './template';
import type { Question, QuestionnaireDefinition } from './types';

export type FormBody = Record<string, unknown>;
export type ErrorLink = { text: string; href: string };

export const TEMPLATE = 'library-smt-v1' as const;

export interface BuilderContext {
  tender: Tender;
  questionnaire: QuestionnaireView | null;
  definition: QuestionnaireDefinition;
  /** Why nothing can change now (closed exercise, submitted answers), or null. */
  readOnly: string | null;
}

/** Where the question form puts its question: a new one at the end of a section or of a new section, or a stored one. */
export type Place = { mode: 'new'; section: number } | { mode: 'section' } | { mode: 'edit'; section: number; index: number };

export const asDraft = (definition: QuestionnaireDefinition): DraftSection[] =>
  structuredClone(definition.sections) as unknown as DraftSection[];

export const keyParam = (req: Request) => String(req.params.key);

export const builderBase = (id: string) => `/tenders/${id}/questionnaire`;

export function sectionIndex(req: Request, definition: QuestionnaireDefinition): number {
  const raw = String(req.params.s);
  const s = /^\d{1,3}$/.test(raw) ? Number(raw) - 1 : -1;
  if (s < 0 || s >= definition.sections.length) throw new NotFoundError('Section not found');
  return s;
}

export function findQuestion(definition: QuestionnaireDefinition, key: string): { section: number; index: number; question: Question } {
  for (const [section, s] of definition.sections.entries()) {
    const index = s.questions.findIndex((q) => q.key === key);
    if (index >= 0) return { section, index, question: s.questions[index]! };
  }
  throw new NotFoundError('Question not found');
}

/** The builder's shared steps: load the officer's exercise and questionnaire, save a whole new questionnaire, render the builder page. */
export function builderKit(questionnaires: QuestionnairesService, tenders: TendersService) {
  async function load(req: Request): Promise<BuilderContext> {
    const user = signedInUser(req);
    const id = String(req.params.id);
    const tender = tenders.toApi(await tenders.findOwn(id, user), user);
    const found = await attempt(questionnaires.getQuestionnaire(id, user));
    if (!found.ok && !(found.error instanceof NotFoundError)) throw found.error;
    const questionnaire = found.ok ? found.value : null;
    let readOnly: string | null = null;
    if (tender.status === 'closed' || tender.status === 'cancelled') {
      readOnly = `This exercise is ${tender.status}, so its questionnaire can no longer change.`;
    } else if (tender.sealed && tender.status === 'published' && questionnaire) {
      readOnly = 'Answers to this exercise are sealed, so its questions are fixed once it is published.';
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

  return { load, renderConflict, save, renderBuilder, builderProblems };
}

export type BuilderKit = ReturnType<typeof builderKit>;
