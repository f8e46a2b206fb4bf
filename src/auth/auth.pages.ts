import { Router, type Request, type Response } from 'express';
import type { PassportInstance } from './passport';
import type { PublicUser } from './auth.service';
import { AppError, ValidationError, type FieldErrors } from '../platform/errors';
import { errorSummary, parseInput } from '../platform/validation';
import {
  IDENTIFIER_SCHEMES,
  IDENTIFIER_SCHEME_KEYS,
  LEGAL_FORMS,
  LEGAL_FORM_KEYS,
  SECTORS,
  SECTOR_HINTS,
  SECTOR_LABELS,
  SIZES,
  SIZE_LABELS,
} from '../suppliers';
import type { AuthService } from './auth.service';
import { boroughSlugs } from './auth.service';
import { loginSchema, registerSchema } from './auth.schemas';
import { signIn, signInUser, signOut } from './passport';
import { allowAnyone, requireRole } from './require-role';

/** Only same-site paths are followed after sign-in, never another host. */
export function safeNext(next: unknown): string {
  return typeof next === 'string' && /^\/(?![/\\])/.test(next) ? next : '/dashboard';
}

function asList(value: unknown): string[] {
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string');
  return typeof value === 'string' && value !== '' ? [value] : [];
}

type FormBody = Record<string, unknown>;

/** The register form's flat fields in the shape of the JSON API body, so one schema checks both. */
function registrationFromForm(body: FormBody) {
  const scheme = typeof body.identifierScheme === 'string' ? body.identifierScheme : '';
  const id = typeof body.identifierId === 'string' ? body.identifierId.trim() : '';
  return {
    email: body.email,
    password: body.password,
    name: body.name,
    organisation: {
      name: body.organisationName,
      sector: body.sector,
      legalForm: body.legalForm,
      size: body.size,
      identifiers: scheme || id ? [{ scheme, id }] : [],
      postcode: body.postcode,
      areas: asList(body.areas),
    },
  };
}

/** API field paths to the ids of the form's inputs. */
const registerFieldIds: Record<string, string> = {
  'organisation.name': 'organisationName',
  'organisation.sector': 'sector',
  'organisation.legalForm': 'legalForm',
  'organisation.size': 'size',
  'organisation.identifiers': 'identifierScheme',
  'organisation.identifiers.0.scheme': 'identifierScheme',
  'organisation.identifiers.0.id': 'identifierId',
  'organisation.postcode': 'postcode',
  'organisation.areas': 'areas',
};

function formErrors(fields: FieldErrors, ids: Record<string, string> = {}): FieldErrors {
  return Object.fromEntries(Object.entries(fields).map(([key, message]) => [ids[key] ?? key, message]));
}

/** Extra content for a user's dashboard, given by other features; each returns template variables. */
export type DashboardPanel = (user: PublicUser) => Promise<Record<string, unknown>>;

export function authPages(auth: AuthService, passport: PassportInstance, panels: DashboardPanel[] = []): Router {
  const router = Router();
  const register = registerSchema(boroughSlugs);

  const renderLogin = (res: Response, status: number, values: FormBody, errors?: FieldErrors) => {
    res.status(status).render('auth/views/login.njk', {
      values: { email: values.email },
      next: typeof values.next === 'string' ? values.next : '',
      errors,
      errorList: errors ? errorSummary(errors) : undefined,
    });
  };

  router.get('/login', allowAnyone(), (req, res) => {
    if (req.user) return res.redirect(303, safeNext(req.query.next));
    renderLogin(res, 200, { next: req.query.next });
  });

  router.post('/login', allowAnyone(), async (req: Request, res) => {
    const body = req.body as FormBody;
    try {
      req.body = parseInput(loginSchema, body);
      await signIn(passport, req);
      res.redirect(303, safeNext(body.next));
    } catch (err) {
      if (err instanceof ValidationError) return renderLogin(res, 422, body, err.fields);
      if (err instanceof AppError && (err.status === 401 || err.status === 429)) {
        return renderLogin(res, err.status, body, { email: err.message });
      }
      throw err;
    }
  });

  router.post('/logout', allowAnyone(), async (req, res) => {
    await signOut(req);
    res.redirect(303, '/');
  });

  const renderRegister = (res: Response, status: number, values: FormBody, errors?: FieldErrors) => {
    res.status(status).render('auth/views/register.njk', {
      values: { ...values, password: undefined, areas: asList(values.areas) },
      errors,
      errorList: errors ? errorSummary(errors) : undefined,
      sectors: SECTORS.map((key) => ({ value: key, text: SECTOR_LABELS[key], hint: { text: SECTOR_HINTS[key] } })),
      legalForms: LEGAL_FORM_KEYS.map((key) => ({ value: key, text: LEGAL_FORMS[key].label })),
      sizes: SIZES.map((key) => ({ value: key, text: SIZE_LABELS[key] })),
      schemes: IDENTIFIER_SCHEME_KEYS.map((key) => ({ value: key, text: `${IDENTIFIER_SCHEMES[key].label} (${key})` })),
      boroughs: auth.listBoroughs().map((b) => ({ value: b.slug, text: b.name })),
    });
  };

  router.get('/register', allowAnyone(), (_req, res) => renderRegister(res, 200, {}));

  router.post('/register', allowAnyone(), async (req, res) => {
    const body = req.body as FormBody;
    try {
      const user = await auth.register(parseInput(register, registrationFromForm(body)));
      await signInUser(req, user);
      res.redirect(303, '/dashboard');
    } catch (err) {
      if (err instanceof AppError && err.fields && (err.status === 422 || err.status === 409)) {
        return renderRegister(res, err.status, body, formErrors(err.fields, registerFieldIds));
      }
      throw err;
    }
  });

  router.get('/dashboard', requireRole('supplier', 'officer', 'programme', 'admin'), async (req, res) => {
    const user = req.user!;
    const extra = await Promise.all(panels.map((panel) => panel(user)));
    res.render('auth/views/dashboard.njk', Object.assign({ user }, ...extra));
  });

  return router;
}
