/**
 * Table types of the AI feature: every model call (usage and cost accounting), the content-hash
 * response cache, header mappings confirmed per schema, and anomaly reviews of uploads.
 */
import type { ColumnType } from 'kysely';

type GeneratedTimestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
type Defaulted<T> = ColumnType<T, T | undefined, T>;

export type AiCallOutcome =
  | 'ok'
  | 'malformed'
  | 'rate_limited'
  | 'overloaded'
  | 'timeout'
  | 'error'
  | 'budget_exceeded'
  | 'circuit_open';

export interface AiCallsTable {
  id: string;
  created_at: GeneratedTimestamp;
  model: string;
  /** mapping | anomaly | explain */
  purpose: string;
  user_id: string | null;
  upload_id: string | null;
  input_tokens: Defaulted<number>;
  output_tokens: Defaulted<number>;
  cache_read_tokens: Defaulted<number>;
  cache_creation_tokens: Defaulted<number>;
  /** USD, numeric(12,6): a string on read (exact decimal). */
  cost_usd: ColumnType<string, string | number, string | number>;
  latency_ms: Defaulted<number>;
  /** HTTP attempts made for this call (retries included). */
  attempts: Defaulted<number>;
  outcome: AiCallOutcome;
  /** Size of what was sent, in bytes, and its kind (never the content). */
  request_bytes: Defaulted<number>;
  error: Defaulted<string | null>;
}

export interface AiCacheTable {
  /** Hex SHA-256 of purpose + model + tool + input. */
  key: string;
  purpose: string;
  model: string;
  output: ColumnType<unknown, string, string>;
  hits: Defaulted<number>;
  created_at: GeneratedTimestamp;
  last_hit_at: NullableTimestamp;
}

export interface SchemaHeaderMappingsTable {
  schema_id: string;
  /** The header normalised (NFKC, trimmed, spaces collapsed, lower case): the key. */
  header_key: string;
  /** The header as first confirmed, for display. */
  header: string;
  /** The field, or null: confirmed to be no field of the schema. */
  field: string | null;
  confirmed_by: string | null;
  updated_at: GeneratedTimestamp;
}

export type AiReviewStatus = 'completed' | 'failed';

export interface AiReviewsTable {
  upload_id: string;
  status: AiReviewStatus;
  model: string;
  rows_reviewed: number;
  columns_sent: ColumnType<string[], string, string>;
  findings_count: number;
  error_code: string | null;
  error_message: string | null;
  requested_by: string | null;
  created_at: GeneratedTimestamp;
}

export interface AiFindingsTable {
  id: string;
  upload_id: string;
  row: number;
  column: string;
  reason: string;
  /** Always `warning`: an AI finding never fails an upload. */
  severity: Defaulted<string>;
  created_at: GeneratedTimestamp;
}

export interface AiTables {
  ai_calls: AiCallsTable;
  ai_cache: AiCacheTable;
  schema_header_mappings: SchemaHeaderMappingsTable;
  ai_reviews: AiReviewsTable;
  ai_findings: AiFindingsTable;
}
