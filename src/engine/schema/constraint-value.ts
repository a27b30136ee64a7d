/**
 * Constraint operands (`minimum`, `enum` items, …) are written in the field's own type: numbers
 * for numeric fields, text like "2024-01-01" for dates. This casts them once, at schema time, to
 * the same canonical form the cell casters produce, so rules compare like with like.
 */
import type { CellValue } from '../reader/types.js';
import { isoParsers, temporalExample } from './date-format.js';
import type { Field } from './types.js';
import { CAST_INVALID, compileCaster, type CastedValue } from './value-cast.js';

/** The canonical value of a constraint operand, or null when it is not a value of the field's type. */
export function castConstraintValue(field: Field, raw: unknown): CastedValue | null {
  let cell: CellValue;
  if (typeof raw === 'string') cell = { t: 's', v: raw };
  else if (typeof raw === 'number' && Number.isFinite(raw)) cell = { t: 'n', v: raw };
  else if (typeof raw === 'boolean') cell = { t: 'b', v: raw };
  else return null;
  if (field.type === 'string' && typeof raw !== 'string') return null;
  const t = field.type;
  if ((t === 'date' || t === 'datetime' || t === 'time') && typeof raw !== 'string') return null;
  const value = compileCaster(field)(cell);
  if (value !== CAST_INVALID) return value;
  // Bounds for a date field with a custom format may still be written in ISO 8601.
  if ((t === 'date' || t === 'datetime' || t === 'time') && typeof raw === 'string') {
    return isoParsers[t](raw.trim());
  }
  return null;
}

/** What a constraint operand must be, for `schema_invalid` messages ("must be a number"). */
export function describeFieldValue(field: Field): string {
  switch (field.type) {
    case 'string':
      return 'a string';
    case 'number':
      return 'a number';
    case 'integer':
      return 'an integer';
    case 'boolean':
      return 'a boolean';
    case 'year':
      return 'a year (an integer from 1 to 9999)';
    case 'date':
      return `a date like ${temporalExample('date', undefined)}`;
    case 'datetime':
      return `a datetime like ${temporalExample('datetime', undefined)}`;
    case 'time':
      return `a time like ${temporalExample('time', undefined)}`;
    case 'any':
      return 'a value';
  }
}
