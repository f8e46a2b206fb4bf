import { Router } from 'express';
import { requireRole, signedInUser } from '../platform/roles';
import { contentDisposition } from '../platform/upload';
import { findingsJson } from './findings';
import type { FindingsService } from './findings.service';
import { writeFindingsWorkbook } from './findings.workbook';
import { XLSX_TYPE } from './report.download';

/** Who may read the shared findings: the programme team and every borough's officers; admins too. */
export const FINDINGS_ROLES = ['officer', 'programme', 'admin'] as const;

/** `GET /api/v1/findings` and `GET /api/v1/findings.xlsx`: the anonymised London findings, computed afresh each time. */
export function findingsApi(findings: FindingsService): Router {
  const router = Router();

  router.get('/findings', requireRole(...FINDINGS_ROLES), async (_req, res) => {
    res.json(findingsJson(await findings.report()));
  });

  router.get('/findings.xlsx', requireRole(...FINDINGS_ROLES), async (req, res) => {
    const report = await findings.report();
    // Audited before the first byte, so a failure to record is still a JSON error.
    await findings.recordExport(report, signedInUser(req));
    res.status(200);
    res.setHeader('Content-Type', XLSX_TYPE);
    res.setHeader('Content-Disposition', contentDisposition('london-library-market-findings.xlsx'));
    res.setHeader('Cache-Control', 'no-store');
    try {
      await writeFindingsWorkbook(report, res, new Date());
    } catch (err) {
      // Half a workbook is worse than none: cut the download so the browser reports it as failed.
      res.destroy(err instanceof Error ? err : new Error(String(err)));
      throw err;
    }
  });

  return router;
}
