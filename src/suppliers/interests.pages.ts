import { Router, type Request, type Response } from 'express';
import { requireRole, type PublicUser, signedInUser } from '../platform/roles';
import { ForbiddenError, ValidationError, type FieldErrors } from '../platform/errors';
import { attempt, formRoute } from '../platform/form-route';
import { pageParam, paginationFor } from '../platform/pagination';
import { asList } from '../platform/form-fields';
import { RESTORED_NOTICE, type KeptPosts } from '../platform/kept-post';
import { errorSummary, fieldErrors, parseFilters } from '../platform/validation';
import { STATUS_LABELS, type Tender, type TendersService } from '../tenders';
import { HEARD_VIA, HEARD_VIA_LABELS } from './interest.model';
import { expressInterestSchema, interestFiltersSchema } from './interests.schemas';
import type { InterestsService } from './interests.service';
import { SECTORS, SECTOR_LABELS, SECTOR_SHORT_LABELS, SIZES, SIZE_LABELS, THIRD_SECTOR } from './sectors';

type FormBody = Record<string, unknown>;

const yesNo = (value: unknown): boolean | undefined => (value === 'yes' ? true : value === 'no' ? false : undefined);

/** The interest form's fields in the JSON API's shape, so one schema checks both. */
function interestFromForm(body: FormBody): { input: Record<string, unknown>; formErrors: FieldErrors } {
  const formErrors: FieldErrors = {};
  const consortium = yesNo(body.consortium);
  const willingToPartner = yesNo(body.willingToPartner);
  if (consortium === undefined) formErrors.consortium = 'Say whether you might bid as part of a group of organisations';
  if (willingToPartner === undefined) formErrors.willingToPartner = 'Say whether other interested organisations may contact you';
  if (!body.heardVia) formErrors.heardVia = 'Say how you heard about this exercise';
  return {
    input: {
      lotIds: asList(body.lotIds),
      contactName: body.contactName,
      contactEmail: body.contactEmail,
      consortium: consortium ?? false,
      willingToPartner: willingToPartner ?? false,
      heardVia: body.heardVia,
      heardViaOther: typeof body.heardViaOther === 'string' ? body.heardViaOther : '',
    },
    formErrors,
  };
}

const heardViaItems = HEARD_VIA.map((value) => ({ value, text: HEARD_VIA_LABELS[value] }));

/** Pages for expressions of interest: the supplier's form and withdrawal, the officer's list, the partner finder. */
export function interestsPages(interests: InterestsService, tenders: TendersService, kept?: KeptPosts): Router {
  const router = Router();

  const renderForm = (res: Response, status: number, tender: Tender, values: FormBody, errors?: FieldErrors, notice?: string) =>
    res.status(status).render('suppliers/views/interest.njk', {
      tender,
      values,
      errors,
      errorList: errors ? errorSummary(errors) : undefined,
      heardViaItems,
      notice,
    });

  router.get('/tenders/:id/interest', requireRole('supplier'), async (req, res) => {
    const id = String(req.params.id);
    const tender = await tenders.get(id, req.user);
    const mine = await interests.mineIn(tender.id, signedInUser(req));
    // The form sent after its session ended, by the one now signed in: shown again, filled in, to send.
    const restored = kept?.claim(req, `/tenders/${tender.id}/interest`);
    if (mine) {
      return res.render('suppliers/views/interest-mine.njk', {
        tender,
        interest: mine,
        lotTitles: Object.fromEntries(tender.lots.map((l) => [l.id, l.title])),
        heardViaLabels: HEARD_VIA_LABELS,
        canWithdraw: mine.status === 'active' && tender.status === 'published',
      });
    }
    const open = tender.status === 'published' && tenders.now() <= new Date(tender.eoiDeadline);
    if (!open) return res.status(409).render('suppliers/views/interest-closed.njk', { tender });
    const user = signedInUser(req);
    if (restored) return renderForm(res, 200, tender, restored.fields as FormBody, undefined, RESTORED_NOTICE);
    renderForm(res, 200, tender, { contactName: user.name, contactEmail: user.email });
  });

  router.post(
    '/tenders/:id/interest',
    requireRole('supplier'),
    formRoute({
      load: (req) => tenders.get(String(req.params.id), req.user),
      input: ({ req, ctx: tender }) => {
        const { input, formErrors } = interestFromForm(req.body as FormBody);
        if (tender.lots.length && !(input.lotIds as string[]).length) formErrors.lotIds = 'Choose at least one part you are interested in';
        const parsed = expressInterestSchema.safeParse(input);
        const problems = { ...(parsed.success ? {} : fieldErrors(parsed.error)), ...formErrors };
        if (!parsed.success || Object.keys(problems).length) throw new ValidationError(problems);
        return parsed.data;
      },
      run: (input, { req }) => interests.express(String(req.params.id), input, signedInUser(req)),
      done: (_interest, { req, res }) => {
        req.session.flash = 'Thank you. The council can now see that your organisation is interested.';
        res.redirect(303, `/tenders/${String(req.params.id)}/interest`);
      },
      rerender: (problem, { req, res, ctx: tender }) => {
        if (problem.error instanceof ValidationError) return renderForm(res, problem.status, tender, req.body as FormBody, problem.fields);
        // A second submission of the form (say, a double click) just shows the interest already recorded.
        if (problem.code === 'duplicate') return res.redirect(303, `/tenders/${String(req.params.id)}/interest`);
        res.status(problem.status).render('suppliers/views/interest-closed.njk', { tender, message: problem.message });
      },
    }),
  );

  router.get('/tenders/:id/interest/withdraw', requireRole('supplier'), async (req, res) => {
    const id = String(req.params.id);
    const tender = await tenders.get(id, req.user);
    const mine = await interests.mine(id, signedInUser(req));
    if (!mine || mine.status !== 'active') return res.redirect(303, `/tenders/${id}/interest`);
    res.render('suppliers/views/interest-withdraw.njk', { tender });
  });

  router.post('/tenders/:id/interest/withdraw', requireRole('supplier'), async (req, res) => {
    const id = String(req.params.id);
    await interests.withdraw(id, signedInUser(req));
    req.session.flash = 'Your organisation’s interest is withdrawn. The council keeps a record that you were interested.';
    res.redirect(303, `/tenders/${id}`);
  });

  router.get('/tenders/:id/interests', requireRole('officer'), async (req: Request, res) => {
    const id = String(req.params.id);
    const { page: requested, ...query } = req.query;
    const { filters, errors: filterErrors } = parseFilters(interestFiltersSchema, query);
    const view = await interests.officerView(id, filters, signedInUser(req), pageParam(requested));
    const tender = tenders.toApi(view.tender, req.user);
    res.render('suppliers/views/interests.njk', {
      tender,
      items: view.items.items,
      list: view.items,
      pagination: paginationFor(view.items, filters, `/tenders/${tender.id}/interests`),
      counts: view.counts,
      filters,
      filterErrors,
      sectors: SECTORS,
      sectorLabels: SECTOR_LABELS,
      sectorShortLabels: SECTOR_SHORT_LABELS,
      thirdSector: THIRD_SECTOR,
      sizes: SIZES,
      sizeLabels: SIZE_LABELS,
      lotTitles: Object.fromEntries(tender.lots.map((l) => [l.id, l.title])),
      heardViaLabels: HEARD_VIA_LABELS,
      statusLabels: STATUS_LABELS,
    });
  });

  router.get('/tenders/:id/partners', requireRole('supplier'), async (req, res) => {
    const id = String(req.params.id);
    const tender = await tenders.get(id, req.user);
    const partners = await attempt(interests.partners(id, signedInUser(req)));
    if (!partners.ok) {
      if (partners.error instanceof ForbiddenError)
        return res.status(403).render('suppliers/views/partners.njk', { tender, notOptedIn: true });
      throw partners.error;
    }
    res.render('suppliers/views/partners.njk', {
      tender,
      partners: partners.value,
      sectorLabels: SECTOR_LABELS,
      lotTitles: Object.fromEntries(tender.lots.map((l) => [l.id, l.title])),
    });
  });

  return router;
}

/** What the exercise page shows about interests: the supplier's own, or the officer's count. */
export async function interestOnExercise(interests: InterestsService, tender: Tender, user: PublicUser | undefined) {
  // The page has already found the exercise visible to this user.
  if (user?.role === 'supplier') return { myInterest: await interests.mineIn(tender.id, user) };
  if (user?.role === 'officer' && user.borough?.id === tender.borough.id) {
    return { interestCounts: await interests.counts(tender.id, user) };
  }
  return {};
}
