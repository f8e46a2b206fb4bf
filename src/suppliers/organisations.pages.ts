import { Router, type Request, type Response } from 'express';
import { signInUser, type AuthService } from '../auth';
import { boroughSlugs, type Boroughs } from '../platform/boroughs';
import { allowAnyone, requireRole, signedInUser } from '../platform/roles';
import { NotFoundError, ValidationError, type FieldErrors } from '../platform/errors';
import { formRoute, isValidationProblem } from '../platform/form-route';
import { errorSummary, fieldErrors, parseInput } from '../platform/validation';
import { acceptInvitationSchema, inviteSchema } from './invitations.schemas';
import type { InvitationsService, NewInvitation } from './invitations.service';
import {
  describeOrganisation,
  formFromOrganisation,
  legalFormItems,
  organisationFormErrors,
  organisationFromForm,
  registerItems,
  sectorItems,
  sizeItems,
  turnoverItems,
} from './organisation.form';
import { legalFormMismatch, organisationInputSchema } from './suppliers.schemas';
import { LEGAL_FORM_KEYS, SECTORS, type LegalFormKey, type Sector } from './sectors';
import type { SuppliersService } from './suppliers.service';

type FormBody = Record<string, unknown>;

function flash(req: Request, message: string): void {
  req.session.flash = message;
}

function organisationOf(req: Request): string {
  const id = req.user?.organisationId;
  if (!id) throw new NotFoundError('Organisation not found');
  return id;
}

/** A supplier's own organisation: its profile, the form to change it, and colleagues; and accepting an invitation. */
export function organisationPages(
  suppliers: SuppliersService,
  invitations: InvitationsService,
  auth: AuthService,
  boroughs: Boroughs,
): Router {
  const router = Router();
  const schema = organisationInputSchema(boroughSlugs);
  const boroughName = (slug: string) => boroughs.findBySlug(slug)?.name ?? slug;

  router.get('/organisation', requireRole('supplier'), async (req, res) => {
    const organisation = await suppliers.getOrganisation(organisationOf(req));
    res.render('suppliers/views/organisation.njk', { organisation, described: describeOrganisation(organisation, boroughName) });
  });

  const renderEdit = (res: Response, status: number, values: FormBody, errors?: FieldErrors) => {
    res.status(status).render('suppliers/views/organisation-edit.njk', {
      values: { ...values, areas: Array.isArray(values.areas) ? values.areas : [] },
      errors,
      errorList: errors ? errorSummary(errors) : undefined,
      sectors: sectorItems(),
      legalForms: legalFormItems(typeof values.sector === 'string' ? values.sector : undefined).filter((i) => 'value' in i),
      sizes: sizeItems(),
      registers: registerItems(),
      turnoverBands: turnoverItems(),
      boroughs: boroughs.list().map((b) => ({ value: b.slug, text: b.name })),
    });
  };

  /** The schema's checks, plus the legal form against the sector even when other fields are wrong, so every problem shows at once. */
  const checkProfile = (input: Record<string, unknown>) => {
    const parsed = schema.safeParse(input);
    if (parsed.success) return parsed.data;
    const problems = fieldErrors(parsed.error);
    const { sector, legalForm } = input;
    if (
      !problems.legalForm &&
      (SECTORS as readonly unknown[]).includes(sector) &&
      (LEGAL_FORM_KEYS as readonly unknown[]).includes(legalForm)
    ) {
      const mismatch = legalFormMismatch(sector as Sector, legalForm as LegalFormKey);
      if (mismatch) problems.legalForm = mismatch;
    }
    throw new ValidationError(problems);
  };

  router.get('/organisation/edit', requireRole('supplier'), async (req, res) => {
    renderEdit(res, 200, formFromOrganisation(await suppliers.getOrganisation(organisationOf(req))));
  });

  router.post(
    '/organisation/edit',
    requireRole('supplier'),
    formRoute({
      load: (req) => organisationOf(req),
      input: ({ req }) => checkProfile(organisationFromForm(req.body as FormBody)),
      run: (profile, { ctx: id }) => suppliers.updateOrganisation(id, profile),
      done: (organisation, { req, res }) => {
        flash(
          req,
          organisation.sectorWarnings.length
            ? 'Your organisation’s details are saved. Please check the note about your sector.'
            : 'Your organisation’s details are saved.',
        );
        res.redirect(303, '/organisation');
      },
      rerender: (problem, { req, res }) => {
        const body = req.body as FormBody;
        const input = organisationFromForm(body);
        const identifiers = input.identifiers as { scheme: string }[];
        renderEdit(
          res,
          problem.status,
          { ...body, areas: input.areas, registers: identifiers.map((i) => i.scheme) },
          organisationFormErrors(problem.fields, identifiers),
        );
      },
      rerenderOn: isValidationProblem,
    }),
  );

  const renderColleagues = async (
    req: Request,
    res: Response,
    status: number,
    opts: { values?: FormBody; errors?: FieldErrors; invited?: NewInvitation } = {},
  ) => {
    const organisationId = organisationOf(req);
    const [organisation, users, pending] = await Promise.all([
      suppliers.getOrganisation(organisationId),
      auth.listOrganisationUsers(organisationId),
      invitations.listPending(organisationId),
    ]);
    res.status(status).render('suppliers/views/colleagues.njk', {
      organisation,
      users,
      pending,
      values: opts.values ?? {},
      errors: opts.errors,
      errorList: opts.errors ? errorSummary(opts.errors) : undefined,
      invited: opts.invited,
      // Shown to the inviter only, to pass on by hand when email is not set up.
      invitedUrl: opts.invited?.url,
    });
  };

  router.get('/organisation/colleagues', requireRole('supplier'), async (req, res) => {
    await renderColleagues(req, res, 200);
  });

  router.post(
    '/organisation/colleagues',
    requireRole('supplier'),
    formRoute({
      input: inviteSchema,
      run: (input, { req }) => invitations.invite(input, signedInUser(req), req.ip ?? 'unknown'),
      done: (invited, { req, res }) => renderColleagues(req, res, 201, { invited }),
      rerender: (problem, { req, res }) =>
        renderColleagues(req, res, problem.status, {
          values: req.body as FormBody,
          errors: problem.error.fields ?? { email: problem.message },
        }),
    }),
  );

  const renderAccept = async (res: Response, token: string, status: number, values: FormBody, errors?: FieldErrors) => {
    const invitation = await invitations.findLive(token);
    res.status(status).render('suppliers/views/invitation.njk', {
      invitation,
      token,
      values: { name: values.name ?? invitation.name },
      errors,
      errorList: errors ? errorSummary(errors) : undefined,
    });
  };

  router.get('/invitations/:token', allowAnyone(), async (req, res) => {
    await renderAccept(res, String(req.params.token), 200, {});
  });

  router.post(
    '/invitations/:token',
    allowAnyone(),
    formRoute({
      input: async ({ req }) => {
        const body = req.body as FormBody;
        const token = String(req.params.token);
        const invitation = await invitations.findLive(token);
        return { invitation, acceptance: parseInput(acceptInvitationSchema, { token, name: body.name, password: body.password }) };
      },
      run: async ({ invitation, acceptance }, { req }) => {
        await signInUser(req, await invitations.accept(acceptance));
        return invitation;
      },
      done: (invitation, { req, res }) => {
        flash(req, `Your account is created and you have joined ${invitation.organisationName}.`);
        res.redirect(303, '/dashboard');
      },
      rerender: (problem, { req, res }) =>
        renderAccept(res, String(req.params.token), problem.status, req.body as FormBody, problem.fields),
      rerenderOn: isValidationProblem,
    }),
  );

  return router;
}
