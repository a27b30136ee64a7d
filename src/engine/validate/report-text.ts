import type { Report } from './types.js';

const nf = new Intl.NumberFormat('en-US');

export interface ReportTextOptions {
  /** How many errors the table lists. Default 50. */
  readonly limit?: number;
}

function clip(text: string, width: number): string {
  return text.length > width ? text.slice(0, width - 1) + '…' : text;
}

/** The CLI's text form: a short summary, counts by code, and a table of the first errors. */
export function formatReportText(report: Report, options: ReportTextOptions = {}): string {
  const limit = options.limit ?? 50;
  const where =
    report.file.sheet === null ? report.file.name : `${report.file.name} (sheet "${report.file.sheet}")`;
  const lines: string[] = [];
  lines.push(`${where}: ${report.valid ? 'VALID' : 'INVALID'}`);
  const r = report.rows;
  lines.push(
    `Rows: ${nf.format(r.total)} total, ${nf.format(r.valid)} valid, ${nf.format(r.invalid)} invalid`,
  );
  if (report.error_count === 0) {
    lines.push('No errors.');
    return lines.join('\n') + '\n';
  }
  const byCode = Object.entries(report.errors_by_code)
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .map(([code, n]) => `${code} ${nf.format(n)}`)
    .join(', ');
  lines.push(`Errors: ${nf.format(report.error_count)} (${byCode})`);
  const shown = report.errors.slice(0, limit);
  if (shown.length > 0) {
    const table = [
      ['Row', 'Cell', 'Column', 'Code', 'Message'],
      ...shown.map((e) => [String(e.row), e.cell ?? '', clip(e.column ?? '', 24), e.code, e.message]),
    ];
    const widths = [0, 1, 2, 3].map((i) => Math.max(...table.map((row) => row[i].length)));
    lines.push('');
    for (const row of table) {
      lines.push(
        row
          .map((v, i) => (i < 4 ? v.padEnd(widths[i]) : v))
          .join('  ')
          .trimEnd(),
      );
    }
  }
  if (shown.length < report.error_count) {
    lines.push('');
    lines.push(`Showing the first ${nf.format(shown.length)} of ${nf.format(report.error_count)} errors.`);
  }
  return lines.join('\n') + '\n';
}
