const LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';

/** 0-based column index → spreadsheet letters: 0 → A, 25 → Z, 26 → AA, 16383 → XFD. */
export function columnLetter(index0: number): string {
  if (!Number.isInteger(index0) || index0 < 0) throw new RangeError(`Invalid column index: ${index0}`);
  let n = index0 + 1;
  let out = '';
  while (n > 0) {
    const rem = (n - 1) % 26;
    out = LETTERS[rem] + out;
    n = Math.floor((n - 1) / 26);
  }
  return out;
}

/** A1-style reference: (2, 17) → C17. */
export function cellRef(index0: number, row: number): string {
  return columnLetter(index0) + row;
}
