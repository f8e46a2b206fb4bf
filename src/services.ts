import type { Connection } from 'mongoose';
import { AuthService, type AuthServiceOptions } from './auth';
import { SuppliersService } from './suppliers';

export interface Services {
  auth: AuthService;
  suppliers: SuppliersService;
}

/** Builds every feature's service on one connection, and makes sure reference data is in place. */
export async function createServices(conn: Connection, opts: { auth?: AuthServiceOptions } = {}): Promise<Services> {
  const suppliers = new SuppliersService(conn);
  const auth = new AuthService(conn, suppliers, opts.auth);
  await auth.loadBoroughs();
  await Promise.all(Object.values(conn.models).map((model) => model.init()));
  return { auth, suppliers };
}
