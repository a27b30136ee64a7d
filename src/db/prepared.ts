/**
 * Named prepared statements for the few hot, fixed-shape queries (the login path runs two per
 * login). PostgreSQL then parses and plans each of them once per connection instead of on every
 * call, which is most of a short statement's server time. Kysely has no notion of statement names,
 * so `executePrepared` compiles the query, registers its SQL text under a name, and the pool
 * adapter below sends that text as a named statement (pg parses it once per connection and reuses
 * it after).
 *
 * Only for queries whose shape does not depend on data (no IN lists of varying length) and whose
 * result columns are listed, not `*`: a prepared `SELECT *` fails with "cached plan must not change
 * result type" after another instance's migration adds a column.
 */
import type { Compilable, Kysely, QueryResult } from 'kysely';
import type { PostgresCursor, PostgresPool, PostgresPoolClient, PostgresQueryResult } from 'kysely';
import type pg from 'pg';

/** SQL text → statement name. Bounded by the call sites that use `executePrepared`. */
const statementNames = new Map<string, string>();

function nameFor(sqlText: string): string {
  let name = statementNames.get(sqlText);
  if (name === undefined) {
    name = `intake_${statementNames.size + 1}`;
    statementNames.set(sqlText, name);
  }
  return name;
}

/** Runs `query` as a named prepared statement on `db`'s connection (or transaction). */
export async function executePrepared<DB, R>(db: Kysely<DB>, query: Compilable<R>): Promise<QueryResult<R>> {
  const compiled = query.compile();
  nameFor(compiled.sql);
  return db.executeQuery(compiled);
}

class PreparingClient implements PostgresPoolClient {
  constructor(private readonly client: pg.PoolClient) {}

  query<R>(sql: string, parameters: ReadonlyArray<unknown>): Promise<PostgresQueryResult<R>>;
  query<R>(cursor: PostgresCursor<R>): PostgresCursor<R>;
  query<R>(
    sqlOrCursor: string | PostgresCursor<R>,
    parameters?: ReadonlyArray<unknown>,
  ): Promise<PostgresQueryResult<R>> | PostgresCursor<R> {
    if (typeof sqlOrCursor !== 'string') {
      return this.client.query(sqlOrCursor as unknown as pg.Submittable) as unknown as PostgresCursor<R>;
    }
    const values = parameters as unknown[] | undefined;
    const name = statementNames.get(sqlOrCursor);
    const config: pg.QueryConfig = name ? { name, text: sqlOrCursor, values } : { text: sqlOrCursor, values };
    return this.client.query(config) as unknown as Promise<PostgresQueryResult<R>>;
  }

  release(): void {
    this.client.release();
  }
}

/** Kysely's view of a pg Pool that sends registered statements by name. */
export function preparingPool(pool: pg.Pool): PostgresPool {
  return {
    connect: async () => new PreparingClient(await pool.connect()),
    end: () => pool.end(),
  };
}
