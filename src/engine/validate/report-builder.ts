import type { RowsMeta } from './validate-rows.js';
import type { Report, ValidationIssue } from './types.js';

/** Accumulates counts (always complete) and the capped error list, in the order issues arrive. */
export class ReportBuilder {
  private readonly errors: ValidationIssue[] = [];
  private readonly byCode: Record<string, number> = {};
  private errorCount = 0;
  private total = 0;
  private invalid = 0;

  constructor(
    private readonly meta: RowsMeta,
    private readonly maxErrors: number,
    private readonly onIssue: ((issue: ValidationIssue) => void) | undefined,
  ) {}

  add(issue: ValidationIssue): void {
    this.errorCount++;
    this.byCode[issue.code] = (this.byCode[issue.code] ?? 0) + 1;
    if (this.errors.length < this.maxErrors) this.errors.push(issue);
    this.onIssue?.(issue);
  }

  countRow(invalid: boolean): void {
    this.total++;
    if (invalid) this.invalid++;
  }

  build(): Report {
    return {
      valid: this.errorCount === 0,
      file: {
        name: this.meta.name,
        format: this.meta.format,
        sheet: this.meta.sheet,
        bytes: this.meta.bytes,
      },
      rows: { total: this.total, valid: this.total - this.invalid, invalid: this.invalid },
      error_count: this.errorCount,
      errors_by_code: { ...this.byCode },
      errors: this.errors,
      truncated: this.errorCount > this.errors.length,
    };
  }
}
