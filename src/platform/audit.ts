import { Schema, type Connection } from 'mongoose';
import { modelOn } from '../db/model-on';

/** Security-relevant events: denied access to another tenant's or sealed data, and the like. */
const auditEventSchema = new Schema(
  {
    at: { type: Date, required: true },
    action: { type: String, required: true },
    outcome: { type: String, required: true, enum: ['allowed', 'denied'] },
    actorId: { type: String, default: null },
    actorRole: { type: String, default: null },
    target: { type: String, required: true },
    detail: { type: String, default: '' },
  },
  { versionKey: false },
);
auditEventSchema.index({ target: 1, at: -1 });

const auditEventModel = (conn: Connection) => modelOn(conn, 'AuditEvent', auditEventSchema);
export type AuditEventModel = ReturnType<typeof auditEventModel>;

export interface AuditActor {
  id: string;
  role: string;
}

export interface AuditEntry {
  action: string;
  outcome: 'allowed' | 'denied';
  actor: AuditActor | undefined;
  target: string;
  detail?: string;
}

export class AuditLog {
  readonly events: AuditEventModel;

  constructor(
    conn: Connection,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.events = auditEventModel(conn);
  }

  async record(entry: AuditEntry): Promise<void> {
    await this.events.create({
      at: this.now(),
      action: entry.action,
      outcome: entry.outcome,
      actorId: entry.actor?.id ?? null,
      actorRole: entry.actor?.role ?? null,
      target: entry.target,
      detail: entry.detail ?? '',
    });
  }
}
