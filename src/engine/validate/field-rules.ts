/**
 * Per-field rules compiled once per validation: the caster, the constraint checks in schema order
 * and the human messages. The row loop only calls closures; messages are built only on failure.
 */
import type { CellValue } from '../reader/types.js';
import { castConstraintValue } from '../schema/constraint-value.js';
import { temporalExample } from '../schema/date-format.js';
import { compilePattern } from '../schema/pattern.js';
import type { Field } from '../schema/types.js';
import {
  compileCaster,
  DEFAULT_FALSE_VALUES,
  DEFAULT_TRUE_VALUES,
  type Caster,
  type CastedValue,
} from '../schema/value-cast.js';

export interface ConstraintCheck {
  /** The issue code: the constraint's name in snake_case, or `format`. */
  readonly code: string;
  /** True when the value satisfies the constraint. */
  readonly test: (value: CastedValue) => boolean;
  /** `text` is the cell as the person sees it. */
  readonly message: (value: CastedValue, text: string) => string;
}

export interface FieldRule {
  readonly field: Field;
  /** Title, else name: what a person recognises. */
  readonly label: string;
  readonly required: boolean;
  readonly unique: boolean;
  readonly cast: Caster;
  readonly checks: readonly ConstraintCheck[];
  /** The `type` message for a cell that did not cast. */
  typeMessage(cell: CellValue, text: string): string;
}

const MAX_SHOWN_CHARS = 80;

/** A value quoted into a message, cut so one huge cell cannot flood a report. */
export function shown(text: string): string {
  return text.length > MAX_SHOWN_CHARS ? text.slice(0, MAX_SHOWN_CHARS - 1) + '…' : text;
}

/** Length in characters (code points), as Table Schema counts minLength/maxLength. */
function charLength(s: string): number {
  let n = s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xdc00 && c <= 0xdfff) n--;
  }
  return n;
}

/** Normalised key of a cast value, shared by enum, unique and key checks. */
export function valueKey(value: CastedValue): string {
  return typeof value === 'string' ? value : String(value);
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const URI_SCHEME = /^[a-z][a-z0-9+.-]*:\S+$/i;

function formatCheck(format: string | undefined, label: string): ConstraintCheck | null {
  const str = (v: CastedValue): string => (typeof v === 'string' ? v : String(v));
  switch (format) {
    case 'email':
      return {
        code: 'format',
        test: (v) => EMAIL.test(str(v)),
        message: (_v, t) => `${label} must be an email address; got ${shown(t)}`,
      };
    case 'uuid':
      return {
        code: 'format',
        test: (v) => UUID.test(str(v)),
        message: (_v, t) => `${label} must be a UUID; got ${shown(t)}`,
      };
    case 'uri':
      return {
        code: 'format',
        test: (v) => URI_SCHEME.test(str(v)) && URL.canParse(str(v)),
        message: (_v, t) => `${label} must be a URI like https://example.com/; got ${shown(t)}`,
      };
    default:
      return null;
  }
}

function rangeChecks(field: Field, label: string): ConstraintCheck[] {
  const c = field.constraints ?? {};
  const checks: ConstraintCheck[] = [];
  const specs = [
    ['minimum', 'minimum', 'at least', (v: CastedValue, b: CastedValue) => v >= b],
    ['maximum', 'maximum', 'at most', (v: CastedValue, b: CastedValue) => v <= b],
    ['exclusiveMinimum', 'exclusive_minimum', 'greater than', (v: CastedValue, b: CastedValue) => v > b],
    ['exclusiveMaximum', 'exclusive_maximum', 'less than', (v: CastedValue, b: CastedValue) => v < b],
  ] as const;
  for (const [key, code, words, ok] of specs) {
    const raw = c[key];
    if (raw === undefined) continue;
    const bound = castConstraintValue(field, raw);
    if (bound === null) continue; // parseSchema rejects these; a hand-built schema just loses the rule
    checks.push({
      code,
      test: (v) => ok(v, bound),
      message: (_v, t) => `${label} must be ${words} ${raw}; got ${shown(t)}`,
    });
  }
  return checks;
}

function stringChecks(field: Field, label: string): ConstraintCheck[] {
  const c = field.constraints ?? {};
  const checks: ConstraintCheck[] = [];
  const str = (v: CastedValue): string => (typeof v === 'string' ? v : String(v));
  const { minLength, maxLength, pattern } = c;
  if (minLength !== undefined) {
    checks.push({
      code: 'min_length',
      // The character count is never below half the UTF-16 length.
      test: (v) => {
        const t = str(v);
        return t.length >= 2 * minLength || charLength(t) >= minLength;
      },
      message: (v) => `${label} must be at least ${minLength} characters long; got ${charLength(str(v))}`,
    });
  }
  if (maxLength !== undefined) {
    checks.push({
      code: 'max_length',
      // UTF-16 length is never below the character count: most values pass without counting.
      test: (v) => {
        const t = str(v);
        return t.length <= maxLength || charLength(t) <= maxLength;
      },
      message: (v) => `${label} must be at most ${maxLength} characters long; got ${charLength(str(v))}`,
    });
  }
  if (pattern !== undefined) {
    const re = compilePattern(pattern);
    checks.push({
      code: 'pattern',
      test: (v) => re.test(str(v)),
      message: (_v, t) => `${label} must match the pattern ${pattern}; got ${shown(t)}`,
    });
  }
  return checks;
}

function enumCheck(field: Field, label: string): ConstraintCheck | null {
  const list = field.constraints?.enum;
  if (list === undefined) return null;
  const keys = new Set<string>();
  for (const item of list) {
    const v = castConstraintValue(field, item);
    if (v !== null) keys.add(valueKey(v));
  }
  const shownList = list.length > 10 ? `${list.slice(0, 10).join(', ')}, …` : list.join(', ');
  return {
    code: 'enum',
    test: (v) => keys.has(valueKey(v)),
    message: (_v, t) => `${label} must be one of ${shownList}; got ${shown(t)}`,
  };
}

function typeDescription(field: Field): string {
  switch (field.type) {
    case 'integer':
      return 'must be a whole number';
    case 'number': {
      // With non-default separators, show the expected shape: "must be a number like 1.234,5".
      const dec = field.decimalChar ?? '.';
      const group = field.groupChar ?? '';
      if (dec === '.' && group === '') return 'must be a number';
      return `must be a number like ${group === '' ? '1234' : `1${group}234`}${dec}5`;
    }
    case 'boolean': {
      const t = field.trueValues ?? DEFAULT_TRUE_VALUES;
      const f = field.falseValues ?? DEFAULT_FALSE_VALUES;
      if (field.trueValues === undefined && field.falseValues === undefined) return 'must be true or false';
      return `must be one of ${[...t, ...f].join(', ')}`;
    }
    case 'date':
      return `must be a date like ${temporalExample('date', field.format)}`;
    case 'datetime':
      return `must be a date and time like ${temporalExample('datetime', field.format)}`;
    case 'time':
      return `must be a time like ${temporalExample('time', field.format)}`;
    case 'year':
      return 'must be a year like 2024';
    case 'string':
      return 'must be text';
    case 'any':
      return 'must be a value';
  }
}

export function compileFieldRule(field: Field, primaryKey: readonly string[]): FieldRule {
  const label = field.title !== undefined && field.title.trim() !== '' ? field.title : field.name;
  const checks: ConstraintCheck[] = [];
  if (field.type === 'string') {
    const fmt = formatCheck(field.format, label);
    if (fmt !== null) checks.push(fmt);
    checks.push(...stringChecks(field, label));
  } else {
    checks.push(...rangeChecks(field, label));
  }
  const en = enumCheck(field, label);
  if (en !== null) checks.push(en);
  const description = typeDescription(field);
  return {
    field,
    label,
    // Table Schema: primary-key fields are implicitly required.
    required: field.constraints?.required === true || primaryKey.includes(field.name),
    unique: field.constraints?.unique === true,
    cast: compileCaster(field),
    checks,
    typeMessage(cell, text) {
      if (cell.t === 'e') return `${label} contains the spreadsheet error ${cell.v}`;
      return `${label} ${description}; got ${shown(text)}`;
    },
  };
}
