/** The audit log. Other code reaches it only through this file; it imports no other feature. */
export {
  ANONYMOUS_ACTOR,
  SYSTEM_ACTOR,
  createBatchedAudit,
  listAudit,
  purgeExpiredAudit,
  recordAudit,
  toAuditRow,
  type AuditAction,
  type AuditActor,
  type AuditEventInput,
  type AuditMeta,
  type RequestAuditMeta,
  type AuditQuery,
  type PublicAuditEvent,
} from './audit.service.js';
export type { NewAuditRow } from './audit.repository.js';
export { actorOf } from './audit-actor.js';
export { startAuditRetention } from './audit-retention.js';
