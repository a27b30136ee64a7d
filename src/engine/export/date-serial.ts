/** Excel date serials (1900 system, which is what our generated workbooks declare). */

const MS_PER_DAY = 86_400_000;
// 1899-12-30 as ms since 1970: day 0 of the 1900 system for serials past Excel's fake 1900-02-29.
const EPOCH_1900_MS = Date.UTC(1899, 11, 30);
// 1904-01-01 is serial 1462 in the 1900 system.
const OFFSET_1904 = 1462;

/** A serial from either system → the same instant as a 1900-system serial. */
export function serialTo1900(serial: number, date1904: boolean | undefined): number {
  return date1904 ? serial + OFFSET_1904 : serial;
}

/**
 * An ISO 8601 date, date-time or time as `t="d"` cells hold it → 1900-system serial, or null when
 * it is not one. The wall-clock fields are kept as written (a zone suffix is ignored): Excel has
 * no time zones, and the source showed those digits.
 */
export function isoToSerial(iso: string): number | null {
  const m =
    /^(?:(\d{4})-(\d{2})-(\d{2}))?(?:[T ]?(\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?(?:Z|[+-]\d{2}:?\d{2})?$/.exec(
      iso.trim(),
    );
  if (!m || (m[1] === undefined && m[4] === undefined)) return null;
  const fraction = m[7] ? Number(`0.${m[7]}`) : 0;
  const timeMs =
    m[4] === undefined ? 0 : ((Number(m[4]) * 60 + Number(m[5])) * 60 + Number(m[6] ?? 0) + fraction) * 1000;
  if (timeMs >= MS_PER_DAY) return null;
  if (m[1] === undefined) return timeMs / MS_PER_DAY;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  const dayMs = Date.UTC(year, month - 1, day);
  const check = new Date(dayMs);
  if (check.getUTCFullYear() !== year || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day) {
    return null;
  }
  let serial = (dayMs - EPOCH_1900_MS) / MS_PER_DAY;
  // Before 1900-03-01 Excel counts one day less (its calendar has a 1900-02-29 that never was).
  if (serial < 61) serial -= 1;
  if (serial < 1) return null;
  return serial + timeMs / MS_PER_DAY;
}
