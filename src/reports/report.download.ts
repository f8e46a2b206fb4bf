import { Router } from 'express';
import { requireRole, signedInUser } from '../platform/roles';
import { contentDisposition } from '../platform/upload';
import type { WorkbookService } from './workbook.service';

export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** The file name: the exercise reference, with anything but letters, digits and dashes left out. */
export const workbookFilename = (reference: string) => `${reference.replace(/[^A-Za-z0-9-]+/g, '-')}-sector-analysis.xlsx`;

/** `GET /api/v1/tenders/:id/report.xlsx`: the sector workbook, streamed to the officer. */
export function reportDownloadApi(workbooks: WorkbookService): Router {
  const router = Router();

  router.get('/tenders/:id/report.xlsx', requireRole('officer'), async (req, res) => {
    // Checked and audited before the first byte, so a refusal is still a JSON error.
    const workbook = await workbooks.prepare(String(req.params.id), signedInUser(req));

    let gone = false;
    res.on('close', () => {
      gone = !res.writableFinished;
    });
    res.status(200);
    res.setHeader('Content-Type', XLSX_TYPE);
    res.setHeader('Content-Disposition', contentDisposition(workbookFilename(workbook.exercise.reference)));
    res.setHeader('Cache-Control', 'no-store');
    try {
      await workbook.write(res, { stopped: () => gone || res.destroyed });
    } catch (err) {
      // Half a workbook is worse than none: cut the download so the browser reports it as failed.
      res.destroy(err instanceof Error ? err : new Error(String(err)));
      throw err;
    }
  });

  return router;
}
