/**
 * pg-boss runs its SQL through a `{ executeSql }` object. Bridging it to a Kysely executor (the
 * pool or an open transaction) means a job is inserted on the caller's connection, so it commits
 * or rolls back with the caller's rows, and pg-boss needs no pool of its own.
 */
import { CompiledQuery } from 'kysely';
import type { QueryResult } from 'kysely';
import type PgBoss from 'pg-boss';

/** What both a Kysely instance and a Transaction offer. */
export interface RawExecutor {
  executeQuery<R>(query: CompiledQuery<R>): Promise<QueryResult<R>>;
}

export function bridgeToKysely(executor: RawExecutor): PgBoss.Db {
  return {
    async executeSql(text: string, values?: unknown[]) {
      const result = await executor.executeQuery(CompiledQuery.raw(text, values ?? []));
      return { rows: result.rows as Record<string, unknown>[] };
    },
  };
}
