/**
 * The header normalisation: NFKC (full-width letters, ligatures), trimmed, inner whitespace runs
 * collapsed to one space, case-folded. Shared by header matching and the schema's alias checks.
 */
export function normaliseName(text: string): string {
  return text.normalize('NFKC').trim().replace(/\s+/g, ' ').toLowerCase();
}
