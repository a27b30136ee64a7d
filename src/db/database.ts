/**
 * The database handle. One `Database` interface gathers every feature's table types (each feature
 * owns a `tables/<feature>.ts`), and `createDb` builds a Kysely instance over a `pg` Pool.
 */
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { Logger } from 'pino';
import type { IdentityTables } from './tables/identity.js';
import type { UploadsTables } from './tables/uploads.js';
import type { SchemasTables } from './tables/schemas.js';
import type { EventsTables } from './tables/events.js';
import type { WebhooksTables } from './tables/webhooks.js';
import type { AiTables } from './tables/ai.js';
import type { AccessTables } from './tables/access.js';
import type { AuditTables } from './tables/audit.js';
import type { WebTables } from './tables/web.js';
import { preparingPool, registerPool } from './prepared.js';

// Later features extend this with their own table interfaces.
export interface Database
  extends
    IdentityTables,
    UploadsTables,
    SchemasTables,
    EventsTables,
    WebhooksTables,
    AccessTables,
    AuditTables,
    WebTables,
    AiTables {}

export type Db = Kysely<Database>;

export interface CreateDbOptions {
  /** Maximum pool connections. At least 2 are opened on demand (migrations hold one for the lock). */
  poolSize: number;
  /** Receives pool errors (a server restart kills idle connections) and query errors at debug. */
  logger?: Logger;
}

const INT8_OID = 20;
const NUMERIC_OID = 1700;
const DATE_OID = 1082;

/**
 * int8 (bigint, `count(*)`) becomes a number, and throws instead of silently losing precision past
 * 2^53. numeric stays a string: it is an exact decimal and a float would round it. date stays a
 * 'YYYY-MM-DD' string so no time zone can shift it. timestamptz keeps pg's default: a Date.
 */
function getTypeParser(oid: number, format?: 'text' | 'binary'): (value: string) => unknown {
  if (oid === INT8_OID) return parseInt8;
  if (oid === NUMERIC_OID || oid === DATE_OID) return (value: string) => value;
  return pg.types.getTypeParser(oid, format ?? 'text') as (value: string) => unknown;
}

function parseInt8(value: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n)) throw new RangeError(`int8 value ${value} does not fit a JavaScript number`);
  return n;
}

/** Creates a Kysely instance on a new pg Pool. Connections open lazily; `db.destroy()` ends the pool. */
export function createDb(url: string, options: CreateDbOptions): Db {
  const pool = new pg.Pool({
    connectionString: url,
    max: Math.max(2, options.poolSize),
    types: { getTypeParser: getTypeParser as typeof pg.types.getTypeParser },
  });
  const logger = options.logger;
  // Without a listener an idle client's error (e.g. the server restarting) crashes the process.
  pool.on('error', (err: Error & { code?: string }) => {
    // 57P01 admin_shutdown: the server is stopping or restarting (ours at shutdown, when a pool's
    // last idle sockets are still closing). Expected; the pool replaces the connection if needed.
    if (err.code === '57P01') logger?.debug({ err }, 'idle database connection closed by server shutdown');
    else logger?.warn({ err }, 'idle database connection failed');
  });
  const db = new Kysely<Database>({
    dialect: new PostgresDialect({ pool: preparingPool(pool) }),
    log: logger
      ? (event) => {
          if (event.level === 'error') {
            logger.debug({ err: event.error, durationMs: event.queryDurationMillis }, 'query failed');
          }
        }
      : undefined,
  });
  registerPool(db, pool);
  return db;
}
