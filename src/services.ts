import path from 'node:path';
import type { Connection } from 'mongoose';
import type { Config } from './config';
import { createFileStore, type FileStore } from './platform/file-store';
import { AuthService, PasswordResetService, type AuthServiceOptions, type PasswordResetServiceOptions } from './auth';
import { AuditLog } from './platform/audit';
import { Boroughs } from './platform/boroughs';
import { InterestsService, RegistrationService, SuppliersService } from './suppliers';
import { Notifier } from './platform/notifications';
import { InvitationsService, type InvitationsServiceOptions } from './suppliers';
import { ClarificationsService, TendersService, type TendersServiceOptions } from './tenders';
import { QuestionnairesService, type QuestionnairesServiceOptions } from './questionnaires';
import { ReportsService, WorkbookService } from './reports';
import { FindingsService, type FindingsServiceOptions } from './reports';
import { AlertsService, type AlertsServiceOptions } from './alerts';

export interface Services {
  audit: AuditLog;
  boroughs: Boroughs;
  auth: AuthService;
  passwordResets: PasswordResetService;
  suppliers: SuppliersService;
  registration: RegistrationService;
  tenders: TendersService;
  clarifications: ClarificationsService;
  interests: InterestsService;
  notifier: Notifier;
  invitations: InvitationsService;
  questionnaires: QuestionnairesService;
  reports: ReportsService;
  workbooks: WorkbookService;
  files: FileStore;
  findings: FindingsService;
  alerts: AlertsService;
}

/** Builds every feature's service on one connection, and makes sure reference data is in place. */
export interface ServiceOptions {
  /** A clock for the audit log's times, for tests. */
  audit?: { now?: () => Date };
  auth?: AuthServiceOptions;
  /** A clock for reset links' hour and the request counts, and other limits, for tests. */
  passwordResets?: PasswordResetServiceOptions;
  tenders?: TendersServiceOptions;
  /** A clock for invitation expiry, for tests. */
  invitations?: InvitationsServiceOptions;
  /** A clock for questionnaire deadlines and receipts, for tests. */
  questionnaires?: QuestionnairesServiceOptions;
  /** The disclosure threshold of the shared findings (SDC_THRESHOLD). */
  findings?: FindingsServiceOptions;
  /** The portal's public address (BASE_URL), for links in emails; http://localhost:3000 unless given. */
  baseUrl?: string;
  /** Keys the unsubscribe links in emails (SESSION_SECRET); random per process unless given. */
  emailSecret?: string;
  /** A clock and limits for alert sign-ups, and where failures of alerts sent after publishing are reported. */
  alerts?: AlertsServiceOptions;
  /** Where uploads are kept; local disk under ./uploads unless given. */
  storage?: Pick<Config, 'uploadStore' | 'uploadDir'>;
}

export async function createServices(conn: Connection, opts: ServiceOptions = {}): Promise<Services> {
  const audit = new AuditLog(conn, opts.audit?.now);
  const boroughs = new Boroughs(conn);
  const auth = new AuthService(conn, boroughs, opts.auth);
  const suppliers = new SuppliersService(conn);
  const files = createFileStore(opts.storage ?? { uploadStore: 'disk', uploadDir: path.resolve('uploads') }, conn);
  const tenders = new TendersService(conn, boroughs, audit, files, opts.tenders);
  const notifier = new Notifier(conn, opts.tenders?.now, opts.baseUrl, opts.emailSecret);
  const organisationEmails = (ids: string[]) => auth.activeEmailsOfOrganisations(ids);
  const registration = new RegistrationService(suppliers, auth, notifier);
  const passwordResets = new PasswordResetService(conn, auth, notifier, opts.passwordResets);
  const clarifications = new ClarificationsService(conn, tenders, organisationEmails, notifier, (ids) => suppliers.namesByIds(ids));
  const interests = new InterestsService(conn, tenders, suppliers, audit, notifier, organisationEmails);
  clarifications.addInterestSource((tenderId) => interests.interestedOrganisations(tenderId));
  const invitations = new InvitationsService(conn, auth, suppliers, notifier, opts.invitations);
  const questionnaires = new QuestionnairesService(
    conn,
    tenders,
    interests,
    suppliers,
    files,
    audit,
    notifier,
    organisationEmails,
    opts.questionnaires,
  );
  const reports = new ReportsService(conn, tenders, interests, questionnaires, auth, notifier, audit);
  const workbooks = new WorkbookService(interests, questionnaires, reports, audit);
  const findings = new FindingsService(tenders, interests, questionnaires, audit, opts.findings);
  const alerts = new AlertsService(conn, notifier, boroughs, (id) => tenders.get(id, undefined), opts.alerts);
  tenders.onPublished((tender) => alerts.exercisePublished(tender));
  await boroughs.load();
  await Promise.all(Object.values(conn.models).map((model) => model.init()));
  return {
    audit,
    boroughs,
    auth,
    passwordResets,
    suppliers,
    registration,
    tenders,
    clarifications,
    interests,
    notifier,
    files,
    invitations,
    questionnaires,
    reports,
    workbooks,
    findings,
    alerts,
  };
}
