/**
 * Retention: deletes audit events older than AUDIT_RETENTION_DAYS once at start and then every
 * 6 hours. src/jobs runs pg-boss without its scheduler, so this is a plain interval; running it on
 * several instances is harmless (the DELETE is idempotent).
 */
import type { Logger } from 'pino';
import type { Db } from '../../db/database.js';
import { purgeExpiredAudit } from './audit.service.js';

const INTERVAL_MS = 6 * 60 * 60 * 1000;

/** Starts the cleanup; returns a stop function. Does nothing when retention is 0 (keep forever). */
export function startAuditRetention(db: Db, retentionDays: number, logger: Logger): () => void {
  if (retentionDays <= 0) return () => {};
  const run = (): void => {
    purgeExpiredAudit(db, retentionDays)
      .then((n) => {
        if (n > 0) logger.info({ deleted: n, retentionDays }, 'expired audit events deleted');
      })
      .catch((err: unknown) => logger.warn({ err }, 'audit retention cleanup failed'));
  };
  const first = setTimeout(run, 5_000);
  const timer = setInterval(run, INTERVAL_MS);
  first.unref();
  timer.unref();
  return () => {
    clearTimeout(first);
    clearInterval(timer);
  };
}
