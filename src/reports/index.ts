export { WEAK_RESPONSE_DEFAULTS, MIN_CONTRIBUTING_BOROUGHS } from './thresholds';
export { FindingsService, type FindingsServiceOptions } from './findings.service';
export { findingsApi } from './findings.api';
export { findingsPages } from './findings.pages';
export type * from './analysis.types';
export {
  analyse,
  displayAnswers,
  weakResponseRules,
  SectorAnalysisBuilder,
  CAPACITY_QUESTION_KEY,
  BARRIERS_QUESTION_KEY,
} from './analysis';
export { ReportsService, type ReportsServiceOptions, type YouSaidWeDid } from './analysis.service';
export { reportsApi } from './reports.api';
export { reportsPages, youSaidWeDidOnExercise } from './reports.pages';
export { sectorBarChartSvg, barrierChartSvg, escapeXml, SHORT_SECTOR_LABELS } from './charts';
export { reportDownloadApi } from './report.download';
export { WorkbookService } from './workbook.service';
export { findingsPanel, youSaidWeDidPanel } from './reports.panels';
