export { TENDER_STATUSES, TENDER_TRANSITIONS, STATUS_LABELS, type TenderStatus } from './statuses';
export {
  TendersService,
  isOwnBoroughOfficer,
  type Tender,
  type TenderLot,
  type Actor,
  type TendersServiceOptions,
} from './tenders.service';
export { tendersApi } from './tenders.api';
