/**
 * Deciding whether a number format shows a date or time, which is the only thing that tells a date
 * cell from a number in xlsx.
 */

/** Built-in format ids that are dates/times (ECMA-376 §18.8.30 plus the CJK locale ids). */
export function isBuiltInDateFormatId(id: number): boolean {
  return (id >= 14 && id <= 22) || (id >= 27 && id <= 36) || (id >= 45 && id <= 47) || (id >= 50 && id <= 58);
}

const ELAPSED_RE = /^\[(h+|m+|s+)\]$/i;

/**
 * True when a format code contains date/time tokens (d, m, y, h, s, and the era tokens e/g of
 * East Asian calendars) outside quoted literals, `\` escapes, `_`/`*` padding and `[...]` sections
 * (colours, conditions, locale tags) — except elapsed-time brackets like `[h]`, which are times.
 */
export function isDateFormatCode(code: string): boolean {
  let i = 0;
  const n = code.length;
  while (i < n) {
    const ch = code[i];
    if (ch === '"') {
      const end = code.indexOf('"', i + 1);
      i = end === -1 ? n : end + 1;
      continue;
    }
    if (ch === '\\' || ch === '_' || ch === '*') {
      i += 2;
      continue;
    }
    if (ch === '[') {
      const end = code.indexOf(']', i + 1);
      const section = end === -1 ? code.slice(i) : code.slice(i, end + 1);
      if (ELAPSED_RE.test(section)) return true;
      i = end === -1 ? n : end + 1;
      continue;
    }
    switch (ch) {
      case 'd':
      case 'D':
      case 'm':
      case 'M':
      case 'y':
      case 'Y':
      case 'h':
      case 'H':
      case 's':
      case 'S':
        return true;
      case 'g':
      case 'G':
        // "General" is not a date; a 'g' elsewhere is the Japanese era token (ggge).
        if (code.slice(i, i + 7).toLowerCase() === 'general') {
          i += 7;
          continue;
        }
        return true;
      case 'e':
      case 'E':
        // 'E+' / 'e-' is scientific notation; a bare 'e' is the era year.
        if (code[i + 1] === '+' || code[i + 1] === '-') {
          i += 2;
          continue;
        }
        return true;
      default:
        i++;
    }
  }
  return false;
}
