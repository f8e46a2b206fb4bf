import { asList } from '../platform/form-fields';
import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import { ValidationError, type FieldErrors } from '../platform/errors';
import { formRoute } from '../platform/form-route';
import { errorSummary, fieldErrors } from '../platform/validation';
import { signInUser } from '../auth';
import { boroughSlugs, type Boroughs } from '../platform/boroughs';
import { localPath } from '../platform/local-path';
import { allowAnyone } from '../platform/roles';
import {
  describeOrganisation,
  identifierValues,
  identifiersFromForm,
  legalFormItems,
  organisationFieldId,
  registerItems,
  sectorItems,
  sizeItems,
} from './organisation.form';
import { registerSchema } from './registration.schemas';
import type { RegistrationService } from './registration.service';
import type { RegistrationAnswers } from './registration.session';
import { legalFormMismatch, organisationInputSchema } from './suppliers.schemas';
import { sectorCheckWarnings, type LegalFormKey, type Sector } from './sectors';

type FormBody = Record<string, unknown>;

const BASE = '/register';
const CHECK = `${BASE}/check-answers`;
const DETAILS = `${BASE}/your-details`;

/** One question page: the answers it owns, checked by the organisation schema's own pieces. */
interface Step {
  slug: string;
  title: string;
  /** The answers from the posted form (what was typed, before checking). */
  read(body: FormBody): RegistrationAnswers;
  /** Checks this page's answers only, given the earlier ones; returns them normalised, or field errors. */
  check(answers: RegistrationAnswers): { answers: RegistrationAnswers } | { errors: FieldErrors };
  /** Form values for the page from saved (or just typed) answers. */
  values(answers: RegistrationAnswers): FormBody;
}

const str = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

function stepsFor(boroughs: readonly string[]): Step[] {
  const org = organisationInputSchema(boroughs).shape;
  const parse = <T extends z.ZodRawShape>(shape: T, input: unknown, ids: (path: string) => string = (p) => p.split('.')[0]!) => {
    const result = z.object(shape).safeParse(input);
    if (result.success) return { data: result.data };
    const errors: FieldErrors = {};
    for (const [path, message] of Object.entries(fieldErrors(result.error))) errors[ids(path)] ??= message;
    return { errors };
  };

  return [
    {
      slug: 'organisation-name',
      title: 'What is your organisation’s name?',
      read: (body) => ({ organisationName: str(body.organisationName) }),
      check: (a) => {
        const r = parse({ organisationName: org.name }, a);
        return r.data ? { answers: r.data } : { errors: r.errors };
      },
      values: (a) => ({ organisationName: a.organisationName }),
    },
    {
      slug: 'sector',
      title: 'Which sector is your organisation in?',
      read: (body) => ({ sector: str(body.sector) }),
      check: (a) => {
        const r = parse({ sector: org.sector }, a);
        return r.data ? { answers: r.data } : { errors: r.errors };
      },
      values: (a) => ({ sector: a.sector }),
    },
    {
      slug: 'legal-form',
      title: 'What is your organisation’s legal form?',
      read: (body) => ({ legalForm: str(body.legalForm) }),
      check: (a) => {
        const r = parse({ legalForm: org.legalForm }, a);
        if (!r.data) return { errors: r.errors };
        const mismatch = legalFormMismatch(a.sector as Sector, r.data.legalForm);
        return mismatch ? { errors: { legalForm: mismatch } } : { answers: r.data };
      },
      values: (a) => ({ legalForm: a.legalForm }),
    },
    {
      slug: 'size',
      title: 'How big is your organisation?',
      read: (body) => ({ size: str(body.size) }),
      check: (a) => {
        const r = parse({ size: org.size }, a);
        return r.data ? { answers: r.data } : { errors: r.errors };
      },
      values: (a) => ({ size: a.size }),
    },
    {
      slug: 'registration-numbers',
      title: 'Is your organisation on any of these registers?',
      read: (body) => ({ identifiers: identifiersFromForm(body) }),
      check: (a) => {
        // Not answered yet is different from "on no register", which is an empty list.
        if (!a.identifiers) return { errors: { registers: 'Tell us which registers your organisation is on' } };
        const identifiers = a.identifiers;
        const r = parse({ identifiers: org.identifiers }, a, (path) => organisationFieldId(path, identifiers));
        return r.data ? { answers: r.data } : { errors: r.errors };
      },
      values: (a) => identifierValues(a.identifiers ?? []),
    },
    {
      slug: 'location',
      title: 'Where your organisation works',
      read: (body) => ({ postcode: str(body.postcode), areas: asList(body.areas) }),
      check: (a) => {
        const r = parse({ postcode: org.postcode, areas: org.areas }, a);
        return r.data ? { answers: r.data } : { errors: r.errors };
      },
      values: (a) => ({ postcode: a.postcode, areas: a.areas ?? [] }),
    },
  ];
}

/** The organisation as the API's register body holds it. */
function organisationFrom(a: RegistrationAnswers) {
  return {
    name: a.organisationName,
    sector: a.sector,
    legalForm: a.legalForm,
    size: a.size,
    identifiers: a.identifiers ?? [],
    postcode: a.postcode,
    areas: a.areas ?? [],
  };
}

function flash(req: Request, message: string): void {
  req.session.flash = message;
}

/**
 * Registration in short pages, one thing on each. Answers are kept in the session between pages; the
 * password is asked for on the last page, which creates the account at once, so it is never kept.
 */
export function registrationPages(registration: RegistrationService, boroughs: Boroughs): Router {
  const router = Router();
  const steps = stepsFor(boroughSlugs);
  const register = registerSchema(boroughSlugs);
  const pathOf = (step: Step) => `${BASE}/${step.slug}`;
  const answersOf = (req: Request): RegistrationAnswers => req.session.registration ?? {};
  const organisationSchema = organisationInputSchema(boroughSlugs);
  const isDone = (step: Step, answers: RegistrationAnswers) => 'answers' in step.check(answers);
  /** The first page, up to (not including) `before`, whose answer is missing or no longer fits. */
  const firstMissing = (answers: RegistrationAnswers, before = steps.length): Step | undefined =>
    steps.slice(0, before).find((step) => !isDone(step, answers));
  const boroughName = (slug: string) => boroughs.findBySlug(slug)?.name ?? slug;

  // Someone already signed in has an account: registering again would make a second one by mistake.
  router.use(BASE, (req, res, next) => (req.user ? res.redirect(303, localPath(req.query.next) ?? '/dashboard') : next()));

  router.get(BASE, allowAnyone(), (req, res) => {
    // A new link to the start replaces the page to return to; anything but a local path is dropped.
    if (req.query.next !== undefined) {
      const { next: _dropped, ...answers } = answersOf(req);
      const next = localPath(req.query.next);
      req.session.registration = next ? { ...answers, next } : answers;
    }
    const next = answersOf(req).next;
    res.render('suppliers/views/register/start.njk', {
      firstStep: pathOf(steps[0]!),
      signInLink: next ? `/login?next=${encodeURIComponent(next)}` : '/login',
    });
  });

  const renderStep = (req: Request, res: Response, index: number, status: number, values: FormBody, errors?: FieldErrors) => {
    const step = steps[index]!;
    const answers = answersOf(req);
    res.status(status).render(`suppliers/views/register/${step.slug}.njk`, {
      title: step.title,
      action: pathOf(step),
      back: answers.checked ? CHECK : index === 0 ? BASE : pathOf(steps[index - 1]!),
      values,
      errors,
      errorList: errors ? errorSummary(errors) : undefined,
      sectors: sectorItems(),
      legalForms: legalFormItems(answers.sector, true),
      sectorChange: pathOf(steps[1]!),
      sizes: sizeItems(),
      registers: registerItems(),
      boroughs: boroughs.list().map((b) => ({ value: b.slug, text: b.name })),
    });
  };

  steps.forEach((step, index) => {
    router.get(pathOf(step), allowAnyone(), (req, res) => {
      const missing = firstMissing(answersOf(req), index);
      if (missing) return res.redirect(303, pathOf(missing));
      renderStep(req, res, index, 200, step.values(answersOf(req)));
    });

    router.post(pathOf(step), allowAnyone(), (req, res) => {
      const previous = answersOf(req);
      const missing = firstMissing(previous, index);
      if (missing) return res.redirect(303, pathOf(missing));
      const typed = step.read(req.body as FormBody);
      const checked = step.check({ ...previous, ...typed });
      if ('errors' in checked)
        return renderStep(req, res, index, 422, { ...(req.body as FormBody), ...step.values(typed) }, checked.errors);

      const answers: RegistrationAnswers = { ...previous, ...checked.answers };
      // A new sector can make the legal form wrong: it is asked again rather than kept.
      if (answers.legalForm && answers.sector && legalFormMismatch(answers.sector as Sector, answers.legalForm as LegalFormKey)) {
        delete answers.legalForm;
      }
      req.session.registration = answers;
      const next = firstMissing(answers) ?? (answers.checked ? undefined : steps[index + 1]);
      res.redirect(303, next ? pathOf(next) : CHECK);
    });
  });

  router.get(CHECK, allowAnyone(), (req, res) => {
    const answers = answersOf(req);
    const missing = firstMissing(answers);
    const organisation = organisationSchema.safeParse(organisationFrom(answers));
    if (missing || !organisation.success) return res.redirect(303, pathOf(missing ?? steps[0]!));
    req.session.registration = { ...answers, checked: true };
    res.render('suppliers/views/register/check-answers.njk', {
      answers,
      described: describeOrganisation(organisation.data, boroughName),
      warnings: sectorCheckWarnings(organisation.data.sector, organisation.data.identifiers),
      change: Object.fromEntries(steps.map((step) => [step.slug, pathOf(step)])),
      next: DETAILS,
    });
  });

  /** The last page is open only once every answer is in and has been checked. */
  const detailsBlocked = (answers: RegistrationAnswers): string | undefined => {
    const missing = firstMissing(answers);
    if (missing) return pathOf(missing);
    return answers.checked ? undefined : CHECK;
  };

  const renderDetails = (res: Response, status: number, values: FormBody, errors?: FieldErrors) => {
    res.status(status).render('suppliers/views/register/your-details.njk', {
      // The password is never sent back.
      values: { name: values.name, email: values.email },
      errors,
      errorList: errors ? errorSummary(errors) : undefined,
      back: CHECK,
    });
  };

  router.get(DETAILS, allowAnyone(), (req, res) => {
    const blocked = detailsBlocked(answersOf(req));
    if (blocked) return res.redirect(303, blocked);
    renderDetails(res, 200, {});
  });

  router.post(
    DETAILS,
    allowAnyone(),
    formRoute({
      load: (req, res) => {
        const answers = answersOf(req);
        const blocked = detailsBlocked(answers);
        if (!blocked) return answers;
        res.redirect(303, blocked);
        return null;
      },
      // Null when the organisation's answers no longer pass: each page checked its own answers, so this only
      // happens if the rules changed meanwhile, and the person is asked again.
      input: ({ req, ctx: answers }) => {
        const body = req.body as FormBody;
        const parsed = register.safeParse({
          email: body.email,
          password: body.password,
          name: body.name,
          organisation: organisationFrom(answers),
        });
        if (parsed.success) return parsed.data;
        const errors = fieldErrors(parsed.error);
        if (Object.keys(errors).some((key) => key.startsWith('organisation.'))) return null;
        throw new ValidationError(errors);
      },
      run: async (input, { req }) => {
        if (!input) return null;
        const user = await registration.register(input, req.ip ?? 'unknown');
        delete req.session.registration;
        await signInUser(req, user);
        return input;
      },
      done: (registered, { req, res, ctx: answers }) => {
        if (!registered) return res.redirect(303, pathOf(firstMissing(answers) ?? steps[0]!));
        const warnings = sectorCheckWarnings(registered.organisation.sector, registered.organisation.identifiers);
        flash(
          req,
          `${registered.organisation.name} is registered and you are signed in.` +
            (warnings.length
              ? ` Please check your sector: ${warnings.join(' ')} Councils will see this. You can change your answers on your organisation’s profile.`
              : ''),
        );
        res.redirect(303, localPath(answers.next) ?? '/dashboard');
      },
      rerender: (problem, { req, res }) => renderDetails(res, problem.status, req.body as FormBody, problem.fields),
      rerenderOn: (err) => err instanceof ValidationError || (err.status === 409 && err.fields !== undefined),
    }),
  );

  return router;
}
