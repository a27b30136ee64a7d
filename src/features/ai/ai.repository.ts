/** SQL of the AI feature. Functions take the database (or a transaction) first. */
import { sql, type Insertable, type Transaction } from 'kysely';
import type { Database, Db } from '../../db/database.js';
import type { AiCallsTable, AiReviewsTable } from '../../db/tables/ai.js';

type Executor = Db | Transaction<Database>;

export async function insertCall(db: Executor, row: Insertable<AiCallsTable>): Promise<void> {
  await db.insertInto('ai_calls').values(row).execute();
}

/** USD spent since `since` (numeric as a string, exact). */
export async function spentSince(db: Executor, since: Date): Promise<string> {
  const row = await db
    .selectFrom('ai_calls')
    .select(sql<string>`coalesce(sum(cost_usd), 0)::text`.as('spent'))
    .where('created_at', '>=', since)
    .executeTakeFirstOrThrow();
  return row.spent;
}

/** Tokens (in + out, cache tokens included) used for one upload. */
export async function tokensForUpload(db: Executor, uploadId: string): Promise<number> {
  const row = await db
    .selectFrom('ai_calls')
    .select(
      sql<number>`coalesce(sum(input_tokens + output_tokens + cache_read_tokens + cache_creation_tokens), 0)::int8`.as(
        'tokens',
      ),
    )
    .where('upload_id', '=', uploadId)
    .executeTakeFirstOrThrow();
  return row.tokens;
}

export async function findCached(db: Executor, key: string): Promise<unknown> {
  const row = await db
    .updateTable('ai_cache')
    .set({ hits: sql`hits + 1`, last_hit_at: sql`now()` })
    .where('key', '=', key)
    .returning('output')
    .executeTakeFirst();
  return row?.output;
}

export async function storeCached(
  db: Executor,
  entry: { key: string; purpose: string; model: string; output: unknown },
): Promise<void> {
  await db
    .insertInto('ai_cache')
    .values({ ...entry, output: JSON.stringify(entry.output) })
    .onConflict((oc) => oc.column('key').doNothing())
    .execute();
}

export async function rememberedMappings(
  db: Executor,
  schemaId: string,
): Promise<Map<string, string | null>> {
  const rows = await db
    .selectFrom('schema_header_mappings')
    .select(['header_key', 'field'])
    .where('schema_id', '=', schemaId)
    .execute();
  return new Map(rows.map((r) => [r.header_key, r.field]));
}

export async function upsertMappings(
  db: Executor,
  schemaId: string,
  userId: string,
  mappings: readonly { headerKey: string; header: string; field: string | null }[],
): Promise<void> {
  if (mappings.length === 0) return;
  await db
    .insertInto('schema_header_mappings')
    .values(
      mappings.map((m) => ({
        schema_id: schemaId,
        header_key: m.headerKey,
        header: m.header,
        field: m.field,
        confirmed_by: userId,
      })),
    )
    .onConflict((oc) =>
      oc.columns(['schema_id', 'header_key']).doUpdateSet({
        field: (eb) => eb.ref('excluded.field'),
        header: (eb) => eb.ref('excluded.header'),
        confirmed_by: (eb) => eb.ref('excluded.confirmed_by'),
        updated_at: sql`now()`,
      }),
    )
    .execute();
}

export async function saveReview(
  db: Executor,
  review: Insertable<AiReviewsTable>,
  findings: readonly { id: string; row: number; column: string; reason: string }[],
): Promise<void> {
  await db.deleteFrom('ai_findings').where('upload_id', '=', review.upload_id).execute();
  await db
    .insertInto('ai_reviews')
    .values(review)
    .onConflict((oc) =>
      oc.column('upload_id').doUpdateSet({
        status: (eb) => eb.ref('excluded.status'),
        model: (eb) => eb.ref('excluded.model'),
        rows_reviewed: (eb) => eb.ref('excluded.rows_reviewed'),
        columns_sent: (eb) => eb.ref('excluded.columns_sent'),
        findings_count: (eb) => eb.ref('excluded.findings_count'),
        error_code: (eb) => eb.ref('excluded.error_code'),
        error_message: (eb) => eb.ref('excluded.error_message'),
        requested_by: (eb) => eb.ref('excluded.requested_by'),
        created_at: sql`now()`,
      }),
    )
    .execute();
  if (findings.length > 0) {
    await db
      .insertInto('ai_findings')
      .values(findings.map((f) => ({ ...f, upload_id: review.upload_id, severity: 'warning' })))
      .execute();
  }
}

export async function findReview(db: Executor, uploadId: string) {
  const review = await db
    .selectFrom('ai_reviews')
    .selectAll()
    .where('upload_id', '=', uploadId)
    .executeTakeFirst();
  if (!review) return undefined;
  const findings = await db
    .selectFrom('ai_findings')
    .select(['row', 'column', 'reason', 'severity'])
    .where('upload_id', '=', uploadId)
    .orderBy('row')
    .orderBy('column')
    .execute();
  return { review, findings };
}

export interface UsageGroupRow {
  key: string | null;
  calls: number;
  input_tokens: number;
  output_tokens: number;
  cache_read_tokens: number;
  cache_creation_tokens: number;
  cost_usd: string;
}

/** Usage between two instants grouped by day (UTC), user, purpose or nothing (`total`). */
export async function usageBy(
  db: Executor,
  group: 'day' | 'user' | 'purpose' | 'total',
  from: Date,
  to: Date,
): Promise<UsageGroupRow[]> {
  const key =
    group === 'day'
      ? sql<string>`to_char(created_at at time zone 'UTC', 'YYYY-MM-DD')`
      : group === 'user'
        ? sql<string | null>`user_id::text`
        : group === 'purpose'
          ? sql<string>`purpose`
          : sql<null>`null::text`;
  const rows = await db
    .selectFrom('ai_calls')
    .select([
      key.as('key'),
      sql<number>`count(*) filter (where attempts > 0)`.as('calls'),
      sql<number>`coalesce(sum(input_tokens), 0)::int8`.as('input_tokens'),
      sql<number>`coalesce(sum(output_tokens), 0)::int8`.as('output_tokens'),
      sql<number>`coalesce(sum(cache_read_tokens), 0)::int8`.as('cache_read_tokens'),
      sql<number>`coalesce(sum(cache_creation_tokens), 0)::int8`.as('cache_creation_tokens'),
      sql<string>`coalesce(sum(cost_usd), 0)::text`.as('cost_usd'),
    ])
    .where('created_at', '>=', from)
    .where('created_at', '<', to)
    .$if(group !== 'total', (qb) => qb.groupBy(sql`1`).orderBy(sql`1`))
    .execute();
  return rows;
}
