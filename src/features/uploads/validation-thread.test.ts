/** The engine in a worker thread gives exactly what it gives in-process, and stops when asked. */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSpreadsheet, validateFile, type ValidationIssue } from '../../engine/index.js';
import { ORDERS_SCHEMA, writeOrdersCsv } from './uploads.test-support.js';
import {
  annotateInThread,
  FileRejectedError,
  readRowsInThread,
  validateInThread,
} from './validation-thread.js';
import { issueCopyText } from './upload-errors.copy.js';

let dir: string;
let csv: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'intake-thread-'));
  csv = join(dir, 'orders.csv');
  await writeOrdersCsv(csv, 20_000, 50);
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('validateInThread', () => {
  it('streams every issue in batches and the same counts as validateFile', async () => {
    const issues: ValidationIssue[] = [];
    let progressTicks = 0;
    const summary = await validateInThread(
      { path: csv, schema: ORDERS_SCHEMA, sheet: null, fileName: 'orders.csv', maxIssues: 1_000_000 },
      { onIssues: async (batch) => void issues.push(...batch), onProgress: () => progressTicks++ },
    );
    const direct = await validateFile(csv, ORDERS_SCHEMA, { maxErrors: 1_000_000 });
    expect(summary.error_count).toBe(direct.error_count);
    expect(summary.rows).toEqual(direct.rows);
    expect(summary.errors_by_code).toEqual({ minimum: 400, enum: 200 });
    expect(issues).toEqual(direct.errors);
    expect(progressTicks).toBeGreaterThan(0);
  });

  it('with copy set, sends the issues as COPY text numbered from 1', async () => {
    const texts: string[] = [];
    let count = 0;
    const uploadId = '00000000-0000-4000-8000-000000000001';
    const summary = await validateInThread(
      {
        path: csv,
        schema: ORDERS_SCHEMA,
        sheet: null,
        fileName: 'orders.csv',
        maxIssues: 1_000_000,
        copy: { uploadId, attempt: 3 },
      },
      {
        onIssues: async () => {
          throw new Error('issues must come as COPY text');
        },
        onCopyText: async (text, n) => {
          texts.push(text);
          count += n;
        },
        onProgress: () => undefined,
      },
    );
    const direct = await validateFile(csv, ORDERS_SCHEMA, { maxErrors: 1_000_000 });
    expect(texts.length).toBeGreaterThan(0);
    expect(count).toBe(direct.errors.length);
    expect(summary.error_count).toBe(direct.error_count);
    expect(texts.join('')).toBe(issueCopyText(uploadId, 3, 1, direct.errors));
  });

  it('sends at most maxIssues issues while still counting all of them', async () => {
    const issues: ValidationIssue[] = [];
    const summary = await validateInThread(
      { path: csv, schema: ORDERS_SCHEMA, sheet: null, fileName: 'orders.csv', maxIssues: 150 },
      { onIssues: async (batch) => void issues.push(...batch), onProgress: () => undefined },
    );
    expect(issues).toHaveLength(150);
    expect(summary.error_count).toBe(600);
  });

  it('rejects with the engine code for a file it cannot read', async () => {
    const broken = join(dir, 'broken.xlsx');
    await writeFile(broken, Buffer.concat([Buffer.from('PK\u0003\u0004'), Buffer.alloc(200, 7)]));
    const run = validateInThread(
      { path: broken, schema: ORDERS_SCHEMA, sheet: null, fileName: 'broken.xlsx', maxIssues: 10 },
      { onIssues: async () => undefined, onProgress: () => undefined },
    );
    await expect(run).rejects.toBeInstanceOf(FileRejectedError);
    await expect(run).rejects.toMatchObject({ code: 'corrupt_file' });
  });

  it('stops the thread when the signal aborts', async () => {
    const controller = new AbortController();
    const run = validateInThread(
      { path: csv, schema: ORDERS_SCHEMA, sheet: null, fileName: 'orders.csv', maxIssues: 10 },
      { onIssues: async () => undefined, onProgress: () => controller.abort(new Error('stop now')) },
      controller.signal,
    );
    await expect(run).rejects.toThrow('stop now');
  });

  it('fails the run when an issue handler fails (e.g. the database is gone)', async () => {
    const run = validateInThread(
      { path: csv, schema: ORDERS_SCHEMA, sheet: null, fileName: 'orders.csv', maxIssues: 1000 },
      {
        onIssues: async () => {
          throw new Error('copy failed');
        },
        onProgress: () => undefined,
      },
    );
    await expect(run).rejects.toThrow('copy failed');
  });
});

describe('readRowsInThread', () => {
  it('pages valid rows by row number with cast values', async () => {
    const first = await readRowsInThread({
      path: csv,
      schema: ORDERS_SCHEMA,
      sheet: null,
      afterRow: 0,
      limit: 3,
      valid: true,
    });
    expect(first.more).toBe(true);
    expect(first.rows.map((r) => r.row)).toEqual([2, 3, 4]);
    expect(first.rows[0]).toEqual({
      row: 2,
      valid: true,
      values: { id: 1, sku: 'SKU-10001', email: 'user1@example.com', price: 1.5, status: 'pending' },
    });
    // Row 51 holds id 50: a bad price (every 50th id).
    const invalid = await readRowsInThread({
      path: csv,
      schema: ORDERS_SCHEMA,
      sheet: null,
      afterRow: 0,
      limit: 2,
      valid: false,
    });
    expect(invalid.rows.map((r) => [r.row, r.valid, r.values.price])).toEqual([
      [51, false, null],
      [101, false, null],
    ]);
    const last = await readRowsInThread({
      path: csv,
      schema: ORDERS_SCHEMA,
      sheet: null,
      afterRow: 20_000,
      limit: 5,
      valid: null,
    });
    expect(last.rows.map((r) => r.row)).toEqual([20_001]);
    expect(last.more).toBe(false);
  });
});

describe('annotateInThread', () => {
  it('writes the annotated workbook from issues sent in batches', async () => {
    const direct = await validateFile(csv, ORDERS_SCHEMA, { maxErrors: 1_000_000 });
    async function* batches(): AsyncGenerator<ValidationIssue[]> {
      for (let i = 0; i < direct.errors.length; i += 100) yield direct.errors.slice(i, i + 100);
    }
    const out = join(dir, 'annotated.xlsx');
    await annotateInThread({ path: csv, sheet: null, out }, batches());
    const opened = await openSpreadsheet(out, { sheet: 'Errors' });
    let rows = 0;
    for await (const batch of opened.rows()) rows += batch.length;
    await opened.close();
    expect(opened.sheets.map((s) => s.name)).toEqual(['Data', 'Errors']);
    expect(rows).toBe(direct.errors.length + 1);
  });

  it('fails, and leaves no file, when the issue source fails', async () => {
    async function* broken(): AsyncGenerator<ValidationIssue[]> {
      yield [];
      throw new Error('database went away');
    }
    const out = join(dir, 'never.xlsx');
    await expect(annotateInThread({ path: csv, sheet: null, out }, broken())).rejects.toThrow(
      'database went away',
    );
    await expect(openSpreadsheet(out)).rejects.toThrow();
  });
});
