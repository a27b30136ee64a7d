/**
 * Retention: deletes audit events older than AUDIT_RETENTION_DAYS shortly after start and then
 * every 6 hours (src/lib/periodic.ts; src/jobs runs pg-boss without its scheduler). Running it on
 * several instances is harmless: the DELETE is idempotent.
 */
import type { Logger } from 'pino';
import type { Db } from '../../db/database.js';
import { runPeriodically } from '../../lib/periodic.js';
import { purgeExpiredAudit } from './audit.service.js';

const INTERVAL_MS = 6 * 60 * 60 * 1000;

/** Starts the cleanup; returns a stop function. Does nothing when retention is 0 (keep forever). */
export function startAuditRetention(db: Db, retentionDays: number, logger: Logger): () => void {
  if (retentionDays <= 0) return () => {};
  return runPeriodically(
    {
      name: 'audit retention cleanup',
      everyMs: INTERVAL_MS,
      async run() {
        const deleted = await purgeExpiredAudit(db, retentionDays);
        if (deleted > 0) logger.info({ deleted, retentionDays }, 'expired audit events deleted');
      },
    },
    logger,
  );
}
