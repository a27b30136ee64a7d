import type { CellValue } from '../reader/types.js';
import type { Field } from '../schema/types.js';
import { CAST_INVALID, compileCaster, type Caster } from '../schema/value-cast.js';

/**
 * The field types inference can choose, most specific first. Each candidate is checked with the
 * validator's own caster, so a draft schema always accepts the sample it was inferred from.
 * Day-first text dates come before month-first ones: when both fit every value, the sample cannot
 * tell them apart and day-first is the more common convention.
 */
const CANDIDATE_FIELDS: readonly Omit<Field, 'name'>[] = [
  { type: 'integer' },
  { type: 'number' },
  { type: 'boolean' },
  { type: 'date' },
  { type: 'date', format: '%d/%m/%Y' },
  { type: 'date', format: '%m/%d/%Y' },
  { type: 'date', format: '%Y/%m/%d' },
  { type: 'date', format: '%d.%m.%Y' },
  { type: 'datetime' },
  { type: 'datetime', format: '%d/%m/%Y %H:%M' },
  { type: 'datetime', format: '%Y/%m/%d %H:%M:%S' },
  { type: 'time' },
];

export interface TypeCandidate {
  readonly field: Omit<Field, 'name'>;
  readonly cast: Caster;
}

export function allTypeCandidates(): TypeCandidate[] {
  return CANDIDATE_FIELDS.map((field) => ({ field, cast: compileCaster({ name: 'candidate', ...field }) }));
}

// Text numbers with a leading zero ("0123", "007") are codes: casting them to numbers would lose
// the zeros, so they keep a column textual.
const LEADING_ZERO_CODE = /^\s*[+-]?0\d/;
// Digit strings longer than a double can hold exactly (card numbers, EANs, long ids) are codes too.
const LONG_DIGITS = /\d{16}/;

/** Whether a present, non-error cell fits a candidate. */
export function fits(candidate: TypeCandidate, cell: CellValue): boolean {
  if (
    cell.t === 's' &&
    (candidate.field.type === 'integer' ||
      candidate.field.type === 'number' ||
      candidate.field.type === 'boolean') &&
    (LEADING_ZERO_CODE.test(cell.v) || LONG_DIGITS.test(cell.v))
  ) {
    return false;
  }
  return candidate.cast(cell) !== CAST_INVALID;
}
