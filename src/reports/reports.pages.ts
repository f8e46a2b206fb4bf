import { Router, type Request, type Response } from 'express';
import { requireRole, signedInUser } from '../platform/roles';
import { NotFoundError, ValidationError, type FieldErrors } from '../platform/errors';
import { errorSummary, parseInput } from '../platform/validation';
import type { Tender, TendersService } from '../tenders';
import { barrierOf, type ReportsService } from './analysis.service';
import { dashboardView } from './dashboard.view';
import { decisionInputSchema, youSaidWeDidInputSchema } from './reports.schemas';

type FormBody = Record<string, unknown>;

/** Organisations with a sector-check warning listed on the dashboard; the workbook has them all. */
const WARNED_LISTED = 50;

function flash(req: Request, message: string): void {
  req.session.flash = message;
}

/** The officer's dashboard for one exercise, the decision log form and the "you said, we did" form. */
export function reportsPages(reports: ReportsService, tenders: TendersService): Router {
  const router = Router();

  router.get('/tenders/:id/analysis', requireRole('officer'), async (req, res) => {
    const id = String(req.params.id);
    const analysis = await reports.analysisFor(id, signedInUser(req));
    const tender = await tenders.get(id, req.user);
    const warned: { organisation: string; sector: string }[] = [];
    for await (const r of reports.respondents(id, signedInUser(req))) {
      if (r.interestStatus === 'active' && r.sectorWarnings > 0 && warned.length < WARNED_LISTED) {
        warned.push({ organisation: r.organisation, sector: r.sector });
      }
    }
    res.render('reports/views/analysis.njk', {
      tender,
      analysis,
      view: dashboardView(analysis),
      warned,
      youSaidWeDid: await reports.youSaidWeDidFor(id),
    });
  });

  const decisionPage = async (req: Request) => {
    const id = String(req.params.id);
    const code = String(req.params.barrier);
    const decisions = await reports.listDecisions(id, signedInUser(req));
    const barrier = barrierOf(code);
    if (!barrier) throw new NotFoundError('There is no such barrier in the barrier bank');
    return { tender: await tenders.get(id, req.user), code, barrier, current: decisions.find((d) => d.barrier === code) ?? null };
  };
  const renderDecision = (
    res: Response,
    status: number,
    page: Awaited<ReturnType<typeof decisionPage>>,
    values: FormBody,
    errors?: FieldErrors,
  ) =>
    res
      .status(status)
      .render('reports/views/decision.njk', { ...page, values, errors, errorList: errors ? errorSummary(errors) : undefined });

  router.get('/tenders/:id/decisions/:barrier', requireRole('officer'), async (req, res) => {
    const page = await decisionPage(req);
    renderDecision(res, 200, page, page.current ? { decision: page.current.decision, text: page.current.text } : {});
  });

  router.post('/tenders/:id/decisions/:barrier', requireRole('officer'), async (req, res) => {
    const page = await decisionPage(req);
    const body = req.body as FormBody;
    try {
      const input = parseInput(decisionInputSchema, { decision: body.decision, text: body.text ?? '' });
      await reports.recordDecision(page.tender.id, page.code, input, signedInUser(req));
    } catch (err) {
      if (err instanceof ValidationError) return renderDecision(res, 422, page, body, err.fields);
      throw err;
    }
    flash(req, `Your decision on “${page.barrier.label}” is recorded.`);
    res.redirect(303, `/tenders/${page.tender.id}/analysis#decisions`);
  });

  const renderSummary = (res: Response, status: number, tender: Tender, values: FormBody, errors?: FieldErrors) =>
    res
      .status(status)
      .render('reports/views/you-said-we-did.njk', { tender, values, errors, errorList: errors ? errorSummary(errors) : undefined });

  router.get('/tenders/:id/you-said-we-did', requireRole('officer'), async (req, res) => {
    const id = String(req.params.id);
    await reports.listDecisions(id, signedInUser(req));
    const current = await reports.youSaidWeDidFor(id);
    renderSummary(res, 200, await tenders.get(id, req.user), current ? { youSaid: current.youSaid, weDid: current.weDid } : {});
  });

  router.post('/tenders/:id/you-said-we-did', requireRole('officer'), async (req, res) => {
    const id = String(req.params.id);
    const tender = await tenders.get(id, req.user);
    const body = req.body as FormBody;
    try {
      const input = parseInput(youSaidWeDidInputSchema, { youSaid: body.youSaid ?? '', weDid: body.weDid ?? '' });
      await reports.publishYouSaidWeDid(id, input, signedInUser(req));
    } catch (err) {
      if (err instanceof ValidationError) return renderSummary(res, 422, tender, body, err.fields);
      throw err;
    }
    flash(req, '“You said, we did” is published. Every organisation that expressed interest has been told.');
    res.redirect(303, `/tenders/${id}/analysis#you-said-we-did`);
  });

  return router;
}

/** For the exercise page: the published "you said, we did", shown to everyone. */
export async function youSaidWeDidOnExercise(reports: ReportsService, tender: Tender) {
  return { youSaidWeDid: await reports.youSaidWeDidFor(tender.id) };
}
