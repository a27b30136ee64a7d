/** The warm-up files are real spreadsheets that exercise the rules, and a warmed thread joins the pool. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { validateFile } from '../../engine/index.js';
import { validateInThread, warmValidationThreads } from './validation-thread.js';
import { WARM_UP_SCHEMA, withWarmUpFiles } from './warm-up.js';

describe('warm-up files', () => {
  it('are a workbook and a CSV with the same rows and bad cells in eight of the ten columns', async () => {
    const seen: string[] = [];
    await withWarmUpFiles({ xlsx: 2000, csv: 2000 }, async (paths) => {
      seen.push(join(paths.xlsx, '..'));
      const xlsx = await validateFile(paths.xlsx, WARM_UP_SCHEMA, { maxErrors: 0 });
      const csv = await validateFile(paths.csv, WARM_UP_SCHEMA, { maxErrors: 0 });
      expect(xlsx.file.format).toBe('xlsx');
      expect(csv.file.format).toBe('csv');
      for (const report of [xlsx, csv]) {
        // Every tenth row has its bad cell in the next column; columns 0 and 9 are never wrong.
        expect(report.rows).toEqual({ total: 2000, valid: 1840, invalid: 160 });
        expect(report.errors_by_code).toEqual({
          pattern: 20,
          required: 20,
          format: 20,
          type: 60,
          minimum: 20,
          enum: 20,
        });
      }
    });
    // The temporary directory is gone afterwards.
    expect(existsSync(seen[0])).toBe(false);
  });
});

describe('warmValidationThreads', () => {
  it('warms a thread up without stalling the event loop, then serves a validation from the pool', async () => {
    // The warm-up workbook takes ~1.6 s of CPU to build: the thread builds it, so this loop keeps
    // ticking. (Built here, the longest gap between ticks was that whole time.)
    let last = performance.now();
    let longestGap = 0;
    const ticker = setInterval(() => {
      const now = performance.now();
      longestGap = Math.max(longestGap, now - last);
      last = now;
    }, 10);
    try {
      await warmValidationThreads(1);
    } finally {
      clearInterval(ticker);
    }
    expect(longestGap).toBeLessThan(1000);
    const started = performance.now();
    const summary = await withWarmUpFiles({ xlsx: 500, csv: 500 }, (paths) =>
      validateInThread(
        { path: paths.xlsx, schema: WARM_UP_SCHEMA, sheet: null, fileName: 'w.xlsx', maxIssues: 0 },
        { onIssues: async () => {}, onProgress: () => {} },
      ),
    );
    expect(summary.rows.total).toBe(500);
    expect(summary.error_count).toBe(40);
    // No thread start-up (loading the engine takes longer than this) in the way.
    expect(performance.now() - started).toBeLessThan(2000);
  });
});
