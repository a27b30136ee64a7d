/**
 * Reading a finished upload's results: the stored issues (paginated, as CSV), the annotated
 * workbook (made once from the stored issues and cached in storage) and the validated rows.
 */
import { createReadStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import type { Deps } from '../../deps.js';
import { ERRORS_CSV_HEADER, errorsCsvLine, type ValidationIssue } from '../../engine/index.js';
import { getSchemaVersion } from '../schemas/index.js';
import { uploadErrors } from './uploads.errors.js';
import * as repo from './uploads.repository.js';
import type { UploadRow } from './uploads.repository.js';
import type { ErrorListQuery, RowListQuery } from './uploads.schemas.js';
import {
  annotateInThread,
  readerLimits,
  readHeadersInThread,
  readRowsInThread,
} from './validation-thread.js';
import type { DataRow } from './validation-thread.types.js';

export type ResultsDeps = Pick<Deps, 'config' | 'db' | 'dbRead' | 'storage' | 'logger'>;

/** Issues are read from the database in pages of this many (CSV, annotated workbook). */
const PAGE = 5000;

/** The attempt whose issues are the result; 409 while there is none. */
function resultAttempt(row: UploadRow): number {
  if (row.status === 'failed') throw uploadErrors.noResults();
  if (row.result_attempt === null || (row.status !== 'valid' && row.status !== 'invalid')) {
    throw uploadErrors.notFinished();
  }
  return row.result_attempt;
}

export function createResultsService(deps: ResultsDeps) {
  /** Every stored issue of the result, in report order, a page at a time. */
  async function* issuePages(row: UploadRow, attempt: number): AsyncGenerator<ValidationIssue[]> {
    let afterSeq = 0;
    for (;;) {
      const page = await repo.listErrors(deps.dbRead, row.id, attempt, { afterSeq, limit: PAGE });
      if (page.length > 0) yield page.map(({ seq: _seq, ...issue }) => issue);
      if (page.length < PAGE) return;
      afterSeq = page[page.length - 1].seq;
    }
  }

  async function* allIssues(row: UploadRow, attempt: number): AsyncGenerator<ValidationIssue> {
    for await (const page of issuePages(row, attempt)) yield* page;
  }

  return {
    /** The file's header row (cell texts, null for empty cells), read from the stored file. */
    async headers(row: UploadRow): Promise<(string | null)[]> {
      return readHeadersInThread({
        path: await deps.storage.localPath(row.storage_key),
        sheet: row.sheet,
        limits: readerLimits(deps.config),
      });
    },

    async listErrors(row: UploadRow, query: ErrorListQuery) {
      const attempt = resultAttempt(row);
      const limit = query.limit ?? 100;
      const rows = await repo.listErrors(deps.dbRead, row.id, attempt, {
        code: query.code,
        column: query.column,
        afterSeq: query.cursor === undefined ? undefined : Number(query.cursor),
        limit: limit + 1,
      });
      const page = rows.slice(0, limit);
      return {
        results: page.map(({ seq: _seq, ...issue }) => issue),
        next_cursor: rows.length > limit ? String(page[page.length - 1].seq) : null,
      };
    },

    /** The errors CSV, streamed from the database (never held whole). */
    errorsCsv(row: UploadRow): Readable {
      const attempt = resultAttempt(row);
      const issues = allIssues(row, attempt);
      async function* lines(): AsyncGenerator<string> {
        yield ERRORS_CSV_HEADER;
        let chunk = '';
        for await (const issue of issues) {
          chunk += errorsCsvLine(issue);
          if (chunk.length >= 64 * 1024) {
            yield chunk;
            chunk = '';
          }
        }
        if (chunk !== '') yield chunk;
      }
      return Readable.from(lines(), { objectMode: false });
    },

    /** The annotated workbook: from the cache, or made now from the stored issues and cached. */
    async annotated(row: UploadRow): Promise<Readable> {
      const attempt = resultAttempt(row);
      if (row.annotated_key !== null && (await deps.storage.exists(row.annotated_key))) {
        return deps.storage.open(row.annotated_key);
      }
      const key = `uploads/${row.id}/annotated-${attempt}.xlsx`;
      const dir = await mkdtemp(join(tmpdir(), 'intake-annotated-'));
      try {
        const out = join(dir, 'annotated.xlsx');
        // In a worker thread: writing a large workbook is CPU work the API's event loop must not do.
        await annotateInThread(
          {
            path: await deps.storage.localPath(row.storage_key),
            sheet: row.sheet,
            out,
            limits: readerLimits(deps.config),
          },
          issuePages(row, attempt),
        );
        await deps.storage.put(key, createReadStream(out));
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
      // A revalidation may have started meanwhile: then this file is not the result, and is dropped.
      if (!(await repo.setAnnotatedKey(deps.db, row.id, attempt, key))) {
        await deps.storage.delete(key);
        throw uploadErrors.notFinished();
      }
      return deps.storage.open(key);
    },

    /**
     * One page of data rows with their cast values, re-read from the stored file with the schema
     * version the upload was validated with (nothing extra is stored; the cursor is a row number).
     */
    async rows(
      row: UploadRow,
      query: RowListQuery,
    ): Promise<{ results: DataRow[]; next_cursor: string | null }> {
      resultAttempt(row);
      const schema = await getSchemaVersion(deps.dbRead, {
        schemaId: row.schema_id,
        version: row.schema_version,
        userId: row.user_id,
      });
      if (schema === null) throw uploadErrors.schemaNotFound();
      const limit = query.limit ?? 100;
      const { rows, more } = await readRowsInThread({
        path: await deps.storage.localPath(row.storage_key),
        schema: schema.schema,
        sheet: row.sheet,
        ...(row.header_mapping ? { headerMapping: row.header_mapping } : {}),
        afterRow: query.cursor === undefined ? 0 : Number(query.cursor),
        limit,
        valid: query.valid ?? null,
        limits: readerLimits(deps.config),
      });
      const last = rows.at(-1);
      return { results: rows, next_cursor: more && last ? String(last.row) : null };
    },
  };
}

export type ResultsService = ReturnType<typeof createResultsService>;
