import { open } from 'node:fs/promises';
import { openCsv } from './csv-reader.js';
import { resolveLimits } from './limits.js';
import { detectFormat } from './sniff-format.js';
import type { OpenedSheet, OpenOptions } from './types.js';
import { openXlsx } from './xlsx-reader.js';
import { InflateBudget } from './zip-archive.js';

export { DEFAULT_LIMITS } from './limits.js';
export { sniffFormat } from './sniff-format.js';
export * from './types.js';

/**
 * Opens an xlsx/xlsm or CSV/TSV file for streaming. The format comes from the bytes, not the name.
 * Workbook metadata, styles and the shared-strings table are read here; rows stream from `rows()`.
 * Throws `EngineError` (unsupported_format, encrypted_file, corrupt_file, limit_exceeded,
 * empty_file, sheet_not_found), here or while iterating.
 *
 * What consumers can rely on:
 * - Empty text (`''`, a `t="s"` cell without `<v>`, a formula without a cached value) is an empty
 *   cell: `undefined`, never `{ t: 's', v: '' }`. xlsx rows without any value are omitted; CSV blank
 *   lines are yielded with `cells: []` (they keep their record number).
 * - `cells` may have holes (sparse rows); its length is the last non-empty column + 1.
 * - xlsx `sheets` lists worksheets only (chartsheets are not worksheets); CSV has `sheets: []`,
 *   `sheet: null`, and ignores the `sheet` option.
 * - Batches hold at most a few hundred rows (xlsx ≈ 256 + one 32 KiB slice of XML; CSV 256).
 */
export async function openSpreadsheet(path: string, options: OpenOptions = {}): Promise<OpenedSheet> {
  const limits = resolveLimits(options.limits);
  const fh = await open(path, 'r');
  let closed = false;
  const close = async (): Promise<void> => {
    if (closed) return;
    closed = true;
    await fh.close();
  };
  try {
    const { size } = await fh.stat();
    const budget = new InflateBudget(limits);
    const detected = await detectFormat(fh, size, budget);
    if (detected.format === 'xlsx') {
      return await openXlsx({ size, archive: detected.archive, budget, limits, sheet: options.sheet, close });
    }
    // A CSV has exactly one unnamed sheet: the `sheet` option does not apply and is ignored.
    return await openCsv({ fh, size, limits, close });
  } catch (err) {
    await close();
    throw err;
  }
}
