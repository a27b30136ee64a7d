/**
 * Named prepared statements for the few hot, fixed-shape queries (the login path runs two per
 * login). PostgreSQL then parses and plans each of them once per connection instead of on every
 * call, which is most of a short statement's server time. Kysely has no notion of statement names,
 * so `fixedStatement` registers the SQL text under a name; `runFixed` sends it by name on the pool,
 * and inside a transaction the pool adapter below does (pg parses it once per connection and
 * reuses it after).
 *
 * Only for queries whose shape does not depend on data (no IN lists of varying length) and whose
 * result columns are listed, not `*`: a prepared `SELECT *` fails with "cached plan must not change
 * result type" after another instance's migration adds a column.
 */
import { CompiledQuery, type QueryResult } from 'kysely';
import type { PostgresCursor, PostgresPool, PostgresPoolClient, PostgresQueryResult } from 'kysely';
import type pg from 'pg';

/** SQL text → statement name. Bounded: only module-level `fixedStatement` constants add to it. */
const statementNames = new Map<string, string>();

function nameFor(sqlText: string): string {
  let name = statementNames.get(sqlText);
  if (name === undefined) {
    name = `intake_${statementNames.size + 1}`;
    statementNames.set(sqlText, name);
  }
  return name;
}

/**
 * A hot statement written once as SQL text. `runFixed` sends it by name with its values: no query
 * builder, compiler or Kysely driver per call. For the login path, where those took ~60-100 µs of
 * event-loop CPU per statement (bench/api; the builder's cost is what a login adds to the hash).
 */
export interface FixedStatement {
  readonly name: string;
  readonly text: string;
}

export function fixedStatement(text: string): FixedStatement {
  return { name: nameFor(text), text };
}

/** The pools behind the Kysely instances `createDb` made (registerPool), for `runFixed`. */
const pools = new WeakMap<object, pg.Pool>();

export function registerPool(db: object, pool: pg.Pool): void {
  pools.set(db, pool);
}

/**
 * Runs `statement` with `values` (in the order of its `$n`) and returns the rows. On a database
 * from `createDb` it goes straight to the pool; on a transaction or a single connection it runs
 * there, still by name.
 */
export async function runFixed<R>(
  db: { executeQuery<T>(query: CompiledQuery<T>): Promise<QueryResult<T>> },
  statement: FixedStatement,
  values: readonly unknown[],
): Promise<R[]> {
  const pool = pools.get(db);
  if (pool !== undefined) {
    const result = await pool.query<R & pg.QueryResultRow>({
      name: statement.name,
      text: statement.text,
      values: values as unknown[],
    });
    return result.rows;
  }
  return (await db.executeQuery<R>(CompiledQuery.raw(statement.text, [...values]))).rows;
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
