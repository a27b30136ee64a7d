/** Summaries for the web dashboard and report: totals, frequent error codes, errors by column. */
import type { Deps } from '../../deps.js';
import type { AuthContext } from '../identity/index.js';
import type { UploadRow } from './uploads.repository.js';
import * as repo from './upload-stats.repository.js';

export interface DashboardStats {
  readonly filesThisWeek: number;
  readonly rowsChecked: number;
  /** Invalid rows / rows checked, 0..1; null when no row was checked. */
  readonly errorRate: number | null;
  readonly topCodes: ReadonlyArray<{ code: string; count: number }>;
}

const WEEK_MS = 7 * 24 * 3600 * 1000;

export function createUploadStats(deps: Pick<Deps, 'dbRead'>) {
  return {
    /** The caller's own last seven days. */
    async dashboard(auth: AuthContext, now = new Date()): Promise<DashboardStats> {
      const since = new Date(now.getTime() - WEEK_MS);
      const [totals, topCodes] = await Promise.all([
        repo.totalsSince(deps.dbRead, auth.userId, since),
        repo.topErrorCodes(deps.dbRead, auth.userId, since, 8),
      ]);
      return {
        filesThisWeek: totals.files,
        rowsChecked: totals.rows_checked,
        errorRate: totals.rows_checked > 0 ? totals.rows_invalid / totals.rows_checked : null,
        topCodes,
      };
    },

    /** Stored issues of the upload's current result by column (empty before a result exists). */
    async errorsByColumn(
      row: UploadRow,
      limit = 20,
    ): Promise<Array<{ column: string | null; count: number }>> {
      if (row.result_attempt === null) return [];
      return repo.errorsByColumn(deps.dbRead, row.id, row.result_attempt, limit);
    },
  };
}

export type UploadStats = ReturnType<typeof createUploadStats>;
