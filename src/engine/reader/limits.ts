import type { ReaderLimits } from './types.js';

/** Defaults for every reader limit; callers override single members through `OpenOptions.limits`. */
export const DEFAULT_LIMITS: ReaderLimits = Object.freeze({
  maxUncompressedBytes: 1024 * 1024 * 1024,
  maxCompressionRatio: 100,
  maxSharedStringsBytes: 256 * 1024 * 1024,
  maxCellChars: 131_072,
  maxColumns: 16_384,
});

/** The ratio cap only applies past this many inflated bytes of one part: tiny parts compress wildly. */
export const RATIO_CHECK_FLOOR_BYTES = 1024 * 1024;

/** Excel's own grid: columns A..XFD, rows 1..1,048,576. Anything beyond is not a real workbook. */
export const EXCEL_MAX_COLUMNS = 16_384;
export const EXCEL_MAX_ROWS = 1_048_576;

export function resolveLimits(overrides: Partial<ReaderLimits> | undefined): ReaderLimits {
  const limits = { ...DEFAULT_LIMITS, ...(overrides ?? {}) };
  for (const [key, value] of Object.entries(limits)) {
    if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
      throw new RangeError(`Reader limit ${key} must be a positive number, got ${String(value)}`);
    }
  }
  return Object.freeze(limits);
}
