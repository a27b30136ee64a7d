/**
 * Client file names are display text only. They are cleaned on the way in and quoted safely on
 * the way out (RFC 6266 Content-Disposition with an ASCII fallback and an RFC 5987 UTF-8 form).
 */

/** The last path segment, without control characters, at most 255 characters; "upload" if empty. */
export function sanitizeName(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? '';
  // Control characters (CR/LF above all) must never reach a header or a log line.
  // eslint-disable-next-line no-control-regex
  const CONTROL = /[\u0000-\u001f\u007f]/g;
  const clean = base.replace(CONTROL, '').trim().slice(0, 255);
  return clean === '' ? 'upload' : clean;
}

/** `orders.xlsx` + `errors` + `csv` → `orders-errors.csv`. */
export function exportFileName(original: string, suffix: string, extension: string): string {
  const stem = original.replace(/\.[A-Za-z0-9]{1,5}$/, '');
  return `${stem}-${suffix}.${extension}`;
}

/** `attachment; filename="ascii"; filename*=UTF-8''percent-encoded`: no quote, backslash or CR/LF can break out. */
export function contentDisposition(name: string): string {
  const ascii = sanitizeName(name)
    .normalize('NFKD')
    .replace(/[^\x20-\x7e]/g, '')
    .replace(/["\\;]/g, '_')
    .trim();
  const encoded = encodeURIComponent(sanitizeName(name)).replace(
    /['()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `attachment; filename="${ascii === '' ? 'download' : ascii}"; filename*=UTF-8''${encoded}`;
}
