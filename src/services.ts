import type { Connection } from 'mongoose';
import { AuthService, type AuthServiceOptions } from './auth';
import { AuditLog } from './platform/audit';
import { SuppliersService } from './suppliers';
import { Notifier } from './platform/notifications';
import { ClarificationsService, TendersService, type TendersServiceOptions } from './tenders';

export interface Services {
  audit: AuditLog;
  auth: AuthService;
  suppliers: SuppliersService;
  tenders: TendersService;
  clarifications: ClarificationsService;
  notifier: Notifier;
}

/** Builds every feature's service on one connection, and makes sure reference data is in place. */
export interface ServiceOptions {
  auth?: AuthServiceOptions;
  tenders?: TendersServiceOptions;
}

export async function createServices(conn: Connection, opts: ServiceOptions = {}): Promise<Services> {
  const audit = new AuditLog(conn);
  const suppliers = new SuppliersService(conn);
  const auth = new AuthService(conn, suppliers, opts.auth);
  const tenders = new TendersService(conn, auth, audit, opts.tenders);
  const notifier = new Notifier(conn, opts.tenders?.now);
  const clarifications = new ClarificationsService(conn, tenders, auth, notifier, (ids) => suppliers.namesByIds(ids));
  await auth.loadBoroughs();
  await Promise.all(Object.values(conn.models).map((model) => model.init()));
  return { audit, auth, suppliers, tenders, clarifications, notifier };
}
