export { TENDER_STATUSES, TENDER_TRANSITIONS, STATUS_LABELS, type TenderStatus } from './statuses';
export {
  TendersService,
  isOwnBoroughOfficer,
  type Tender,
  type TenderRead,
  type TenderLot,
  type Actor,
  type TendersServiceOptions,
} from './tenders.service';
export { tendersApi } from './tenders.api';
export { ClarificationsService, type Clarification, type InterestSource } from './clarifications.service';
export { clarificationsApi } from './clarifications.api';
export { tendersPages, type ExercisePageExtras } from './tenders.pages';
export { publicListCache, type PublicListCache } from './list-cache';
export { clarificationPages } from './clarifications.pages';
export { officerExercisesPanel } from './tenders.panels';
