/**
 * Text that goes into SpreadsheetML parts. XML 1.0 cannot carry most C0 controls, lone surrogates
 * or U+FFFE/U+FFFF at all (not even escaped), so they are dropped rather than producing a file
 * Excel refuses to open.
 */

// Everything outside XML 1.0's Char production: C0 controls except TAB/LF/CR, lone surrogates,
// U+FFFE and U+FFFF.
const ILLEGAL_XML_CHARS =
  // eslint-disable-next-line no-control-regex
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Excel's longest cell text; longer text makes Excel "repair" (truncate) the file. */
export const MAX_CELL_CHARS = 32_767;

export function stripIllegalXmlChars(text: string): string {
  return text.replace(ILLEGAL_XML_CHARS, '');
}

/** Escapes text for an element body or a double-quoted attribute. */
export function escapeXml(text: string): string {
  return stripIllegalXmlChars(text).replace(/[&<>"\r]/g, (ch) => XML_ENTITIES[ch]);
}

const XML_ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  // A raw CR would be normalised to LF by every XML parser; the reference keeps it.
  '\r': '&#13;',
};

// Anything that cellTextXml would change: markup characters, CR, characters XML cannot carry,
// surrogates (checked for pairing only when present) and the `_x` of Excel's escape pattern.
const NEEDS_WORK =
  // eslint-disable-next-line no-control-regex
  /[&<>"\r\u0000-\u0008\u000B\u000C\u000E-\u001F\uD800-\uDFFF\uFFFE\uFFFF]|_x/;

/**
 * Cell text as SpreadsheetML stores it: illegal characters dropped, cut at Excel's limit, and a
 * literal `_xHHHH_` protected (Excel decodes that pattern as an escaped character otherwise).
 * Most cells need none of it, and this runs for every cell: the common case is one regex test.
 */
export function cellTextXml(text: string): string {
  if (text.length <= MAX_CELL_CHARS && !NEEDS_WORK.test(text)) return text;
  let clean = stripIllegalXmlChars(text);
  if (clean.length > MAX_CELL_CHARS) clean = clean.slice(0, MAX_CELL_CHARS);
  return escapeXml(clean.replace(/_(x[0-9A-Fa-f]{4}_)/g, '_x005F_$1'));
}

/** The `<t>` element for cell text; whitespace is only marked significant where it matters. */
export function textElement(text: string): string {
  const body = cellTextXml(text);
  return /^\s|\s$|\n/.test(body) ? `<t xml:space="preserve">${body}</t>` : `<t>${body}</t>`;
}
