/**
 * Calendar arithmetic without Date objects: the casting hot path turns spreadsheet serials and
 * parsed parts into canonical ISO strings, and allocating a Date per cell would dominate it.
 */

const MS_PER_DAY = 86_400_000;

export function isLeapYear(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

export function daysInMonth(y: number, m: number): number {
  if (m === 2) return isLeapYear(y) ? 29 : 28;
  return m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31;
}

export function isValidDate(y: number, m: number, d: number): boolean {
  return y >= 1 && y <= 9999 && m >= 1 && m <= 12 && d >= 1 && d <= daysInMonth(y, m);
}

export function isValidTime(h: number, mi: number, s: number): boolean {
  return h >= 0 && h <= 23 && mi >= 0 && mi <= 59 && s >= 0 && s < 60;
}

/** Days since 1970-01-01 → [year, month, day] (Howard Hinnant's civil_from_days). */
export function civilFromDays(z0: number): [number, number, number] {
  const z = z0 + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365,
  );
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  return [era * 400 + yoe + (m <= 2 ? 1 : 0), m, d];
}

/** [year, month, day] → days since 1970-01-01 (days_from_civil). */
export function daysFromCivil(y0: number, m: number, d: number): number {
  const y = m <= 2 ? y0 - 1 : y0;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (m > 2 ? m - 3 : m + 9) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

function pad2(n: number): string {
  return n < 10 ? '0' + n : String(n);
}

export function formatDate(y: number, m: number, d: number): string {
  const ys = y < 1000 ? String(y).padStart(4, '0') : String(y);
  return ys + '-' + pad2(m) + '-' + pad2(d);
}

/** `HH:MM:SS`, with `.sss` only when there are milliseconds. */
export function formatTime(h: number, mi: number, s: number, ms: number): string {
  const base = pad2(h) + ':' + pad2(mi) + ':' + pad2(s);
  return ms === 0 ? base : base + '.' + String(ms).padStart(3, '0');
}

/** A spreadsheet serial split into whole days since 1970-01-01 and milliseconds into the day. */
export interface SerialParts {
  readonly days: number;
  readonly ms: number;
}

// Day 0 of each system, as days since 1970-01-01: 1899-12-30 (1900 system, serials past the fake
// leap day) and 1904-01-01 (1904 system).
const EPOCH_1900 = daysFromCivil(1899, 12, 30);
const EPOCH_1904 = daysFromCivil(1904, 1, 1);

/**
 * Converts a date serial. Returns null for serials that are not a real date: negative, 0 in the
 * 1900 system, or Excel's fictitious 1900-02-29 (serial 60, kept by Excel for Lotus 1-2-3 compatibility). Serials
 * below 60 in the 1900 system are one day off from the rest because of that fake day.
 * Milliseconds are rounded, so a stored 14:57:12.999997 reads as 14:57:13.
 */
export function splitSerial(serial: number, date1904: boolean): SerialParts | null {
  if (!Number.isFinite(serial) || serial < 0) return null;
  let whole = Math.floor(serial);
  let ms = Math.round((serial - whole) * MS_PER_DAY);
  if (ms >= MS_PER_DAY) {
    whole += 1;
    ms -= MS_PER_DAY;
  }
  if (date1904) return { days: EPOCH_1904 + whole, ms };
  // Serial 0 is Excel's "1900-01-00" (a time with no date) and 60 its fake leap day.
  if (whole === 60 || whole === 0) return null;
  return { days: EPOCH_1900 + (whole < 60 ? whole + 1 : whole), ms };
}

/** Milliseconds into a day → [h, m, s, ms]. */
export function splitMs(ms: number): [number, number, number, number] {
  const h = Math.floor(ms / 3_600_000);
  const mi = Math.floor((ms % 3_600_000) / 60_000);
  const s = Math.floor((ms % 60_000) / 1000);
  return [h, mi, s, ms % 1000];
}
