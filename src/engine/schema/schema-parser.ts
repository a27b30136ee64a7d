/**
 * Untrusted JSON → TableSchema, or EngineError('schema_invalid') naming the bad property
 * ("fields[2].constraints.minimum must be a number"). Everything that could fail later (regexes,
 * date patterns, constraint operands) is checked here, so validation never meets a bad schema.
 * Unknown properties are rejected rather than ignored: a misspelt `maxLenght` silently ignored
 * would let bad data through.
 */
import { EngineError } from '../errors.js';
import { castConstraintValue, describeFieldValue } from './constraint-value.js';
import { compileStrptime } from './date-format.js';
import { compilePattern } from './pattern.js';
import { normaliseName } from './normalise-name.js';
import type { Field, FieldConstraints, FieldsMatch, FieldType, TableSchema } from './types.js';

const FIELD_TYPES: readonly FieldType[] = [
  'string',
  'number',
  'integer',
  'boolean',
  'date',
  'datetime',
  'time',
  'year',
  'any',
];
const FIELDS_MATCH: readonly FieldsMatch[] = ['equal', 'exact', 'subset', 'superset', 'partial'];
const STRING_FORMATS = ['default', 'email', 'uri', 'uuid'];

/** Top-level descriptive properties Table Schema allows; accepted and dropped. */
const SCHEMA_METADATA = ['$schema', 'name', 'title', 'description'];
const SCHEMA_KEYS = [
  'fields',
  'primaryKey',
  'uniqueKeys',
  'missingValues',
  'fieldsMatch',
  ...SCHEMA_METADATA,
];
const FIELD_KEYS = [
  'name',
  'title',
  'description',
  'type',
  'format',
  'constraints',
  'trueValues',
  'falseValues',
  'decimalChar',
  'groupChar',
  'bareNumber',
  'aliases',
  'example',
  'rdfType',
];

const RANGE_CONSTRAINTS = ['minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum'] as const;

/** Constraints each type accepts (Table Schema's table, minus array/object types we do not read). */
function allowedConstraints(type: FieldType): readonly string[] {
  const base = ['required', 'unique'];
  if (type === 'any') return base;
  if (type === 'string') return [...base, 'minLength', 'maxLength', 'pattern', 'enum'];
  if (type === 'boolean') return [...base, 'enum'];
  return [...base, ...RANGE_CONSTRAINTS, 'enum'];
}

function fail(path: string, problem: string): never {
  throw new EngineError('schema_invalid', `${path} ${problem}`);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function rejectUnknownKeys(obj: Record<string, unknown>, allowed: readonly string[], path: string): void {
  for (const key of Object.keys(obj)) {
    if (!allowed.includes(key)) {
      const where = path === '' ? key : `${path}.${key}`;
      fail(where, `is not a known property (allowed: ${allowed.join(', ')})`);
    }
  }
}

function readStringArray(value: unknown, path: string, nonEmpty: boolean): string[] {
  if (!Array.isArray(value)) fail(path, 'must be an array of strings');
  return value.map((item, i) => {
    if (typeof item !== 'string') fail(`${path}[${i}]`, 'must be a string');
    if (nonEmpty && item.trim() === '') fail(`${path}[${i}]`, 'must not be empty');
    return item;
  });
}

function readOptionalString(obj: Record<string, unknown>, key: string, path: string): string | undefined {
  const value = obj[key];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') fail(`${path}.${key}`, 'must be a string');
  return value;
}

function parseConstraints(raw: unknown, field: Field, path: string): FieldConstraints | undefined {
  if (raw === undefined) return undefined;
  if (!isRecord(raw)) fail(path, 'must be an object');
  const allowed = allowedConstraints(field.type);
  for (const key of Object.keys(raw)) {
    if (allowed.includes(key)) continue;
    const known = ['required', 'unique', 'minLength', 'maxLength', 'pattern', 'enum', ...RANGE_CONSTRAINTS];
    if (known.includes(key))
      fail(
        `${path}.${key}`,
        `does not apply to ${/^[aeiou]/.test(field.type) ? 'an' : 'a'} ${field.type} field`,
      );
    fail(`${path}.${key}`, `is not a known constraint (allowed for ${field.type}: ${allowed.join(', ')})`);
  }
  const out: Record<string, unknown> = {};
  for (const key of ['required', 'unique']) {
    if (raw[key] === undefined) continue;
    if (typeof raw[key] !== 'boolean') fail(`${path}.${key}`, 'must be true or false');
    out[key] = raw[key];
  }
  for (const key of ['minLength', 'maxLength']) {
    const v = raw[key];
    if (v === undefined) continue;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0)
      fail(`${path}.${key}`, 'must be a non-negative integer');
    out[key] = v;
  }
  if (
    typeof out.minLength === 'number' &&
    typeof out.maxLength === 'number' &&
    out.minLength > out.maxLength
  ) {
    fail(`${path}.minLength`, 'must not be greater than maxLength');
  }
  if (raw.pattern !== undefined) {
    if (typeof raw.pattern !== 'string') fail(`${path}.pattern`, 'must be a string');
    try {
      compilePattern(raw.pattern);
    } catch (err) {
      fail(`${path}.pattern`, `is not a valid regular expression: ${(err as Error).message}`);
    }
    out.pattern = raw.pattern;
  }
  const expected = describeFieldValue(field);
  for (const key of RANGE_CONSTRAINTS) {
    const v = raw[key];
    if (v === undefined) continue;
    if ((typeof v !== 'number' && typeof v !== 'string') || castConstraintValue(field, v) === null) {
      fail(`${path}.${key}`, `must be ${expected}`);
    }
    out[key] = v;
  }
  if (raw.enum !== undefined) {
    if (!Array.isArray(raw.enum) || raw.enum.length === 0) fail(`${path}.enum`, 'must be a non-empty array');
    raw.enum.forEach((item, i) => {
      if (castConstraintValue(field, item) === null) fail(`${path}.enum[${i}]`, `must be ${expected}`);
    });
    out.enum = raw.enum;
  }
  return out as FieldConstraints;
}

function parseField(raw: unknown, index: number): Field {
  const path = `fields[${index}]`;
  if (!isRecord(raw)) fail(path, 'must be an object');
  rejectUnknownKeys(raw, FIELD_KEYS, path);
  if (typeof raw.name !== 'string' || raw.name.trim() === '')
    fail(`${path}.name`, 'must be a non-empty string');
  const type = raw.type === undefined ? 'string' : raw.type;
  if (typeof type !== 'string' || !FIELD_TYPES.includes(type as FieldType)) {
    fail(`${path}.type`, `must be one of ${FIELD_TYPES.join(', ')}; got ${JSON.stringify(type)}`);
  }
  const field: { -readonly [K in keyof Field]: Field[K] } = { name: raw.name, type: type as FieldType };
  const title = readOptionalString(raw, 'title', path);
  if (title !== undefined) field.title = title;
  const description = readOptionalString(raw, 'description', path);
  if (description !== undefined) field.description = description;
  const format = readOptionalString(raw, 'format', path);
  if (format !== undefined) {
    if (field.type === 'string') {
      if (!STRING_FORMATS.includes(format))
        fail(`${path}.format`, `must be one of ${STRING_FORMATS.join(', ')} for a string field`);
    } else if (field.type === 'date' || field.type === 'datetime' || field.type === 'time') {
      if (format !== 'default' && format !== 'any') {
        try {
          compileStrptime(format, field.type);
        } catch (err) {
          fail(`${path}.format`, (err as Error).message);
        }
      }
    } else if (format !== 'default') {
      fail(
        `${path}.format`,
        `must be "default" for ${/^[aeiou]/.test(field.type) ? 'an' : 'a'} ${field.type} field`,
      );
    }
    field.format = format;
  }
  if (raw.trueValues !== undefined || raw.falseValues !== undefined) {
    if (field.type !== 'boolean')
      fail(
        `${path}.${raw.trueValues !== undefined ? 'trueValues' : 'falseValues'}`,
        'applies to boolean fields only',
      );
    if (raw.trueValues !== undefined)
      field.trueValues = readStringArray(raw.trueValues, `${path}.trueValues`, false);
    if (raw.falseValues !== undefined)
      field.falseValues = readStringArray(raw.falseValues, `${path}.falseValues`, false);
  }
  for (const key of ['decimalChar', 'groupChar'] as const) {
    const v = readOptionalString(raw, key, path);
    if (v === undefined) continue;
    if (field.type !== 'number' && field.type !== 'integer')
      fail(`${path}.${key}`, 'applies to number and integer fields only');
    if (key === 'decimalChar' && v.length === 0) fail(`${path}.${key}`, 'must not be empty');
    field[key] = v;
  }
  if (field.decimalChar !== undefined && field.decimalChar === field.groupChar) {
    fail(`${path}.groupChar`, 'must differ from decimalChar');
  }
  if (raw.bareNumber !== undefined) {
    if (typeof raw.bareNumber !== 'boolean') fail(`${path}.bareNumber`, 'must be true or false');
    if (field.type !== 'number' && field.type !== 'integer')
      fail(`${path}.bareNumber`, 'applies to number and integer fields only');
    field.bareNumber = raw.bareNumber;
  }
  if (raw.aliases !== undefined) field.aliases = readStringArray(raw.aliases, `${path}.aliases`, true);
  const constraints = parseConstraints(raw.constraints, field, `${path}.constraints`);
  if (constraints !== undefined) field.constraints = constraints;
  return field;
}

function readKey(raw: unknown, path: string, names: ReadonlySet<string>): string[] {
  // Table Schema allows a single field name as a string as well as an array of names.
  const list = typeof raw === 'string' ? [raw] : raw;
  if (!Array.isArray(list) || list.length === 0)
    fail(path, 'must be a field name or a non-empty array of field names');
  return list.map((name, i) => {
    if (typeof name !== 'string') fail(`${path}[${i}]`, 'must be a string');
    if (!names.has(name))
      fail(typeof raw === 'string' ? path : `${path}[${i}]`, `names an unknown field "${name}"`);
    return name;
  });
}

/** Header matching must be unambiguous: an alias may not name another field (by its normalised name or alias). */
function checkAliases(fields: readonly Field[]): void {
  const owner = new Map<string, number>();
  fields.forEach((f, i) => {
    const key = normaliseName(f.name);
    if (!owner.has(key)) owner.set(key, i);
  });
  fields.forEach((f, i) => {
    (f.aliases ?? []).forEach((alias, k) => {
      const key = normaliseName(alias);
      const other = owner.get(key);
      if (other !== undefined && other !== i) {
        fail(
          `fields[${i}].aliases[${k}]`,
          `"${alias}" already names fields[${other}] ("${fields[other].name}")`,
        );
      }
      owner.set(key, i);
    });
  });
}

/** Parses and checks a Table Schema. Throws EngineError('schema_invalid') naming the bad property. */
export function parseSchema(json: unknown): TableSchema {
  if (!isRecord(json))
    throw new EngineError('schema_invalid', 'The schema must be a JSON object with a "fields" array');
  rejectUnknownKeys(json, SCHEMA_KEYS, '');
  if (!Array.isArray(json.fields) || json.fields.length === 0) fail('fields', 'must be a non-empty array');
  const fields = json.fields.map((raw, i) => parseField(raw, i));
  const seen = new Map<string, number>();
  fields.forEach((f, i) => {
    const first = seen.get(f.name);
    if (first !== undefined) fail(`fields[${i}].name`, `"${f.name}" duplicates fields[${first}].name`);
    seen.set(f.name, i);
  });
  checkAliases(fields);
  const names = new Set(seen.keys());
  const schema: { -readonly [K in keyof TableSchema]: TableSchema[K] } = { fields };
  if (json.primaryKey !== undefined) schema.primaryKey = readKey(json.primaryKey, 'primaryKey', names);
  if (json.uniqueKeys !== undefined) {
    if (!Array.isArray(json.uniqueKeys)) fail('uniqueKeys', 'must be an array of field-name arrays');
    schema.uniqueKeys = json.uniqueKeys.map((key, i) => readKey(key, `uniqueKeys[${i}]`, names));
  }
  if (json.missingValues !== undefined) {
    schema.missingValues = readStringArray(json.missingValues, 'missingValues', false);
  }
  if (json.fieldsMatch !== undefined) {
    if (typeof json.fieldsMatch !== 'string' || !FIELDS_MATCH.includes(json.fieldsMatch as FieldsMatch)) {
      fail('fieldsMatch', `must be one of ${FIELDS_MATCH.join(', ')}`);
    }
    schema.fieldsMatch = json.fieldsMatch as FieldsMatch;
  }
  return schema;
}
