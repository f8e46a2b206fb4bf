import { Router } from 'express';
import { requireRole, type PublicUser } from '../auth';
import type { AuditLog } from '../platform/audit';
import { contentDisposition } from '../platform/upload';
import type { RespondentRow, ResponseRow, SectorAnalysis } from './analysis.types';
import { writeWorkbook, type WorkbookContent } from './workbook';
import { chartPicture } from './workbook.picture';
import type { ExerciseHeading } from './workbook.sheets';

/** What the workbook reads; each call checks the officer's borough and the sealed rule itself. */
export interface WorkbookReports {
  analysisFor(tenderId: string, actor: PublicUser): Promise<SectorAnalysis>;
  respondents(tenderId: string, actor: PublicUser): AsyncIterable<RespondentRow>;
  responseRows(tenderId: string, actor: PublicUser): AsyncIterable<ResponseRow>;
}

export interface ReportDownloadDeps {
  audit: AuditLog;
  /** The exercise's reference and title, for the file name and the About sheet. */
  exercise(tenderId: string, actor: PublicUser): Promise<ExerciseHeading>;
  /** The dashboard's interests-and-submissions chart as SVG, or null for a workbook without it. */
  chartSvg?: (analysis: SectorAnalysis) => string;
}

export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** The file name: the exercise reference, with anything but letters, digits and dashes left out. */
export const workbookFilename = (reference: string) => `${reference.replace(/[^A-Za-z0-9-]+/g, '-')}-sector-analysis.xlsx`;

/**
 * Everything checked and read before the first byte goes out, so a refusal is still a JSON error; the
 * two long lists are only opened as the workbook reaches them.
 */
export async function workbookContent(
  reports: WorkbookReports,
  deps: ReportDownloadDeps,
  tenderId: string,
  actor: PublicUser,
): Promise<WorkbookContent> {
  const analysis = await reports.analysisFor(tenderId, actor);
  const exercise = await deps.exercise(tenderId, actor);
  const svg = deps.chartSvg?.(analysis);
  return {
    analysis,
    exercise,
    respondents: reports.respondents(tenderId, actor),
    responses: reports.responseRows(tenderId, actor),
    chart: svg ? chartPicture(svg, 'Interests, started and submitted responses by sector') : null,
  };
}

/** `GET /api/v1/tenders/:id/report.xlsx`: the sector workbook, streamed to the officer. */
export function reportDownloadApi(reports: WorkbookReports, deps: ReportDownloadDeps): Router {
  const router = Router();

  router.get('/tenders/:id/report.xlsx', requireRole('officer'), async (req, res) => {
    const tenderId = String(req.params.id);
    const actor = req.user!;
    const content = await workbookContent(reports, deps, tenderId, actor);
    await deps.audit.record({
      action: 'reports.workbook',
      outcome: 'allowed',
      actor,
      target: `tender:${tenderId}`,
      detail: 'sector workbook',
    });

    let gone = false;
    res.on('close', () => {
      gone = !res.writableFinished;
    });
    res.status(200);
    res.setHeader('Content-Type', XLSX_TYPE);
    res.setHeader('Content-Disposition', contentDisposition(workbookFilename(content.exercise.reference)));
    res.setHeader('Cache-Control', 'no-store');
    try {
      await writeWorkbook(content, res, { stopped: () => gone || res.destroyed });
    } catch (err) {
      // Half a workbook is worse than none: cut the download so the browser reports it as failed.
      if (res.headersSent) res.destroy(err instanceof Error ? err : new Error(String(err)));
      throw err;
    }
  });

  return router;
}
