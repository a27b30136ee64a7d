/** A1-style references. Columns are 0-based indexes (A = 0), rows 1-based as Excel shows them. */

export const MAX_ROWS = 1_048_576;
export const MAX_COLUMNS = 16_384;

// Letters are asked for once per written cell: remember them (16,384 short strings at most).
const LETTERS: string[] = [];

export function columnLetters(index: number): string {
  const known = LETTERS[index];
  if (known !== undefined) return known;
  const letters = computeLetters(index);
  if (index < MAX_COLUMNS) LETTERS[index] = letters;
  return letters;
}

function computeLetters(index: number): string {
  let n = index + 1;
  let letters = '';
  while (n > 0) {
    const rem = (n - 1) % 26;
    letters = String.fromCharCode(65 + rem) + letters;
    n = Math.floor((n - 1) / 26);
  }
  return letters;
}

export function cellRef(row: number, column: number): string {
  return `${columnLetters(column)}${row}`;
}

/** `E17` → { row: 17, column: 4 }; null for anything that is not a cell inside Excel's grid. */
export function parseCellRef(ref: string): { row: number; column: number } | null {
  const m = /^\$?([A-Za-z]{1,3})\$?([1-9][0-9]{0,6})$/.exec(ref.trim());
  if (!m) return null;
  let column = 0;
  for (const ch of m[1].toUpperCase()) column = column * 26 + (ch.charCodeAt(0) - 64);
  column -= 1;
  const row = Number(m[2]);
  if (column >= MAX_COLUMNS || row > MAX_ROWS) return null;
  return { row, column };
}
