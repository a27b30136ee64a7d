/**
 * Anomaly review of an upload: after rule validation, a bounded sample of VALID rows (at most
 * AI_ANOMALY_MAX_ROWS, the first ones in the file) goes to the model in batches, restricted to
 * the allowed columns, to flag what rules cannot see (a price 100× its peers, a city in the country
 * column, a birth date in the future). Findings are warnings stored beside the upload; they never
 * change its status or its errors. Rows past the limit and columns not allowed are never read
 * into a request.
 *
 * Rows are read the way the upload's validation read them (same schema version, sheet and header
 * mapping: the snapshot of the schema's confirmed mappings kept on the upload), so "valid" here
 * means what it meant in the upload's report.
 */
import { Type } from '@sinclair/typebox';
import type { Deps } from '../../deps.js';
import { validateFile, type Field } from '../../engine/index.js';
import { AppError } from '../../lib/app-error.js';
import { newId } from '../../lib/ids.js';
import type { AuthContext } from '../identity/index.js';
import { getSchemaVersion } from '../schemas/index.js';
import { createUploadsService } from '../uploads/index.js';
import type { AiGateway } from './ai-gateway.service.js';
import { aiErrors } from './ai.errors.js';
import * as repo from './ai.repository.js';

/** Rows per model call: enough peers to compare against, small enough to answer in one go. */
export const ANOMALY_BATCH_ROWS = 50;
/** Rows read looking for valid ones, at most: max(5000, 20 × AI_ANOMALY_MAX_ROWS). */
const MIN_SCAN_ROWS = 5000;
const SCAN_FACTOR = 20;

const SYSTEM = [
  'You review rows of a spreadsheet that already passed rule validation (types, formats, ranges).',
  'Flag only SEMANTIC anomalies a rule could not catch: a value wildly out of line with its peers',
  '(a price 100x the others), a value in the wrong column (a city in a country column), an',
  'implausible value for what the column means (a birth date in the future). Do not flag style,',
  'formatting or missing optional values. Most rows are fine: return an empty list when nothing',
  'stands out. For each finding give the row number as given, the column name and a short reason.',
  'Answer only through the record_findings tool.',
].join(' ');

const FindingsOutput = Type.Object({
  findings: Type.Array(
    Type.Object({
      row: Type.Integer({ minimum: 1 }),
      column: Type.String(),
      reason: Type.String({ minLength: 1, maxLength: 500 }),
    }),
  ),
});

const TOOL = {
  name: 'record_findings',
  description: 'Record the anomalies found in the rows (an empty list when there are none).',
  input_schema: FindingsOutput as unknown as Record<string, unknown>,
};

export interface ReviewResource {
  upload_id: string;
  status: 'completed' | 'failed';
  model: string;
  rows_reviewed: number;
  columns_sent: string[];
  findings: { row: number; column: string; reason: string; severity: string }[];
  error: { code: string; message: string } | null;
  created_at: string;
}

type ReviewDeps = Pick<Deps, 'db' | 'dbRead' | 'storage' | 'queue' | 'config' | 'logger'>;

/** Cast values as JSON: dates and times are already ISO strings; non-finite numbers become text. */
function jsonValue(value: unknown): unknown {
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  if (value instanceof Date) return value.toISOString();
  return value;
}

export function createAnomalyReviewService(deps: ReviewDeps, gateway: AiGateway) {
  const { db, config } = deps;
  const uploads = createUploadsService(deps);

  async function readValidRows(
    path: string,
    fields: readonly Field[],
    schema: Parameters<typeof validateFile>[1],
    options: { sheet: string | null; headerMapping: Record<string, string | null> | null; limit: number },
  ): Promise<{ row: number; values: Record<string, unknown> }[]> {
    const rows: { row: number; values: Record<string, unknown> }[] = [];
    const controller = new AbortController();
    let scanned = 0;
    try {
      await validateFile(path, schema, {
        ...(options.sheet ? { sheet: options.sheet } : {}),
        ...(options.headerMapping ? { headerMapping: options.headerMapping } : {}),
        maxErrors: 0,
        signal: controller.signal,
        onRow: (r) => {
          // The engine sees the abort between batches; rows of the current batch still arrive.
          if (controller.signal.aborted) return;
          scanned++;
          // A file of mostly invalid rows must not be read to its end on the request's thread.
          if (scanned >= Math.max(MIN_SCAN_ROWS, options.limit * SCAN_FACTOR)) controller.abort();
          if (!r.valid || rows.length >= options.limit) return;
          const values: Record<string, unknown> = {};
          // Only allowed columns are copied: the rest never reaches a request.
          for (const f of fields) values[f.name] = jsonValue(r.values[f.name]);
          rows.push({ row: r.number, values });
          if (rows.length >= options.limit) controller.abort();
        },
      });
    } catch (err) {
      if (!controller.signal.aborted) throw err;
    }
    return rows;
  }

  async function resource(uploadId: string): Promise<ReviewResource | null> {
    const found = await repo.findReview(db, uploadId);
    if (!found) return null;
    const { review, findings } = found;
    return {
      upload_id: review.upload_id,
      status: review.status,
      model: review.model,
      rows_reviewed: review.rows_reviewed,
      columns_sent: review.columns_sent,
      findings,
      error:
        review.error_code !== null ? { code: review.error_code, message: review.error_message ?? '' } : null,
      created_at: review.created_at.toISOString(),
    };
  }

  return {
    async review(
      auth: AuthContext,
      uploadId: string,
      input: { columns?: readonly string[] },
    ): Promise<ReviewResource> {
      const upload = await uploads.findOwn(auth, uploadId);
      const status = gateway.status();
      if (!status.enabled) throw aiErrors.disabled();
      if (upload.status !== 'valid' && upload.status !== 'invalid')
        throw aiErrors.uploadNotReviewable(upload.status);
      const resolved = await getSchemaVersion(db, {
        schemaId: upload.schema_id,
        version: upload.schema_version,
        userId: upload.user_id,
      });
      if (resolved === null) throw aiErrors.schemaNotFound();
      const schema = resolved.schema;
      const names = new Set(schema.fields.map((f) => f.name));
      const unknown = (input.columns ?? []).filter((c) => !names.has(c));
      if (unknown.length > 0) throw aiErrors.unknownColumns(unknown);
      const denied = new Set(config.aiAnomalyDenyColumns.map((c) => c.toLowerCase()));
      const requested = input.columns ? new Set(input.columns) : null;
      const fields = schema.fields.filter(
        (f) => !denied.has(f.name.toLowerCase()) && (requested === null || requested.has(f.name)),
      );
      const columns = fields.map((f) => f.name);

      const path = await deps.storage.localPath(upload.storage_key);
      const rows =
        fields.length === 0
          ? []
          : await readValidRows(path, fields, schema, {
              sheet: upload.sheet,
              headerMapping: upload.header_mapping,
              limit: config.aiAnomalyMaxRows,
            });

      const columnInfo = fields.map((f) => ({
        name: f.name,
        type: f.type,
        ...(f.title ? { title: f.title } : {}),
        ...(f.description ? { description: f.description } : {}),
      }));
      const batches: (typeof rows)[] = [];
      for (let i = 0; i < rows.length; i += ANOMALY_BATCH_ROWS)
        batches.push(rows.slice(i, i + ANOMALY_BATCH_ROWS));
      const settled = await Promise.allSettled(
        batches.map((batch) => {
          const rowNumbers = new Set(batch.map((r) => r.row));
          return gateway.call({
            purpose: 'anomaly',
            system: SYSTEM,
            tool: TOOL,
            output: FindingsOutput,
            check: (o) => {
              const bad = o.findings.find((f) => !rowNumbers.has(f.row) || !columns.includes(f.column));
              return bad ? `finding outside the rows or columns sent: ${JSON.stringify(bad)}` : null;
            },
            input: { columns: columnInfo, rows: batch },
            kind: 'rows',
            items: batch.length,
            maxTokens: 1500,
            userId: auth.userId,
            uploadId: upload.id,
          });
        }),
      );

      const findings: { id: string; row: number; column: string; reason: string }[] = [];
      let error: { code: string; message: string } | null = null;
      for (const s of settled) {
        if (s.status === 'fulfilled') {
          for (const f of s.value.output.findings) findings.push({ id: newId(), ...f });
        } else if (error === null) {
          const err = s.reason as unknown;
          if (!(err instanceof AppError)) throw err;
          error = { code: err.code, message: err.message };
        }
      }
      findings.sort((a, b) => a.row - b.row || a.column.localeCompare(b.column));
      await db.transaction().execute((trx) =>
        repo.saveReview(
          trx,
          {
            upload_id: upload.id,
            status: error === null ? 'completed' : 'failed',
            model: config.aiModel,
            rows_reviewed: rows.length,
            columns_sent: JSON.stringify(columns),
            findings_count: findings.length,
            error_code: error?.code ?? null,
            error_message: error?.message ?? null,
            requested_by: auth.userId,
          },
          findings,
        ),
      );
      return (await resource(upload.id)) as ReviewResource;
    },

    async get(auth: AuthContext, uploadId: string): Promise<ReviewResource> {
      await uploads.findOwn(auth, uploadId);
      const found = await resource(uploadId);
      if (found === null) throw aiErrors.reviewNotFound();
      return found;
    },
  };
}
