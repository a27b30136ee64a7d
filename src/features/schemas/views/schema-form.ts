/**
 * The schema editor's form model: a Table Schema definition ↔ one flat row of inputs per field.
 * The browser's Alpine component (schema-editor.client.js) mirrors `schemaFromDrafts` to keep the
 * raw JSON view in sync; this server copy is what a plain (no-JS) form post goes through, so the
 * page works without scripts. Properties the form does not show (format, title, minLength, …) ride
 * along in a hidden JSON `extra` per field, and schema-level ones (primaryKey, missingValues, …)
 * in one for the schema, so a round trip through the form never loses them.
 */

export const FIELD_TYPES = [
  'string',
  'number',
  'integer',
  'boolean',
  'date',
  'datetime',
  'time',
  'year',
  'any',
] as const;

/** One field as the form edits it: every value a string (or a checkbox flag), as inputs hold them. */
export interface FieldDraft {
  name: string;
  type: string;
  required: boolean;
  unique: boolean;
  minimum: string;
  maximum: string;
  pattern: string;
  /** Comma-separated allowed values. */
  enum: string;
  /** Comma-separated extra header names. */
  aliases: string;
  /** JSON object of the field's other properties, kept as is. */
  extra: string;
}

export interface SchemaDraft {
  fields: FieldDraft[];
  /** JSON object of the schema's other top-level properties. */
  extra: string;
}

/** Form keys look like `f.3.name`; a checkbox is present only when ticked. */
const FIELD_KEY = /^f\.(\d{1,4})\.(name|type|required|unique|minimum|maximum|pattern|enum|aliases|extra)$/;
const NUMERIC_TYPES = new Set(['number', 'integer', 'year']);
const MAX_FIELDS = 1000;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function text(value: unknown): string {
  if (value === undefined || value === null) return '';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function splitList(value: string): string[] {
  return value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

function parseExtra(value: string, where: string): Record<string, unknown> {
  if (value.trim() === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    throw new SchemaFormError(`${where} is not valid JSON.`);
  }
  if (!isRecord(parsed)) throw new SchemaFormError(`${where} must be a JSON object.`);
  return parsed;
}

/** A form the server cannot turn into a definition (bad hidden JSON, too many fields). */
export class SchemaFormError extends Error {}

/** A bound typed for the field: numbers for numeric types, text (dates, times) otherwise. */
function bound(type: string, value: string): number | string {
  const trimmed = value.trim();
  if (NUMERIC_TYPES.has(type) && trimmed !== '' && Number.isFinite(Number(trimmed))) return Number(trimmed);
  return trimmed;
}

function enumValue(type: string, value: string): string | number | boolean {
  if (NUMERIC_TYPES.has(type) && Number.isFinite(Number(value))) return Number(value);
  if (type === 'boolean' && (value === 'true' || value === 'false')) return value === 'true';
  return value;
}

/** The definition → the editor's rows. */
export function draftFromSchema(definition: Record<string, unknown>): SchemaDraft {
  const { fields, ...rest } = definition;
  const list = Array.isArray(fields) ? fields.filter(isRecord) : [];
  return {
    extra: Object.keys(rest).length > 0 ? JSON.stringify(rest) : '',
    fields: list.map((field) => {
      const { name, type, constraints, aliases, ...others } = field;
      const c = isRecord(constraints) ? constraints : {};
      const { required, unique, minimum, maximum, pattern, enum: allowed, ...otherConstraints } = c;
      const extra: Record<string, unknown> = { ...others };
      if (Object.keys(otherConstraints).length > 0) extra.constraints = otherConstraints;
      return {
        name: text(name),
        type: typeof type === 'string' ? type : 'string',
        required: required === true,
        unique: unique === true,
        minimum: text(minimum),
        maximum: text(maximum),
        pattern: text(pattern),
        enum: Array.isArray(allowed) ? allowed.map((v) => String(v)).join(', ') : '',
        aliases: Array.isArray(aliases) ? aliases.map((v) => String(v)).join(', ') : '',
        extra: Object.keys(extra).length > 0 ? JSON.stringify(extra) : '',
      };
    }),
  };
}

/** The editor's rows → the definition the schemas service checks and saves. */
export function schemaFromDraft(draft: SchemaDraft): Record<string, unknown> {
  const fields = draft.fields.map((f, i) => {
    const extra = parseExtra(f.extra, `Field ${i + 1}'s hidden properties`);
    const { constraints: extraConstraints, ...others } = extra;
    const constraints: Record<string, unknown> = isRecord(extraConstraints) ? { ...extraConstraints } : {};
    if (f.required) constraints.required = true;
    if (f.unique) constraints.unique = true;
    if (f.minimum.trim() !== '') constraints.minimum = bound(f.type, f.minimum);
    if (f.maximum.trim() !== '') constraints.maximum = bound(f.type, f.maximum);
    if (f.pattern !== '') constraints.pattern = f.pattern;
    const allowed = splitList(f.enum);
    if (allowed.length > 0) constraints.enum = allowed.map((v) => enumValue(f.type, v));
    const field: Record<string, unknown> = { name: f.name.trim(), type: f.type, ...others };
    if (Object.keys(constraints).length > 0) field.constraints = constraints;
    const aliases = splitList(f.aliases);
    if (aliases.length > 0) field.aliases = aliases;
    return field;
  });
  return { fields, ...parseExtra(draft.extra, 'The schema’s hidden properties') };
}

/** The blank "add a field" row of the script-less form, left untouched. */
function isEmptyRow(f: FieldDraft): boolean {
  return (
    !f.required &&
    !f.unique &&
    [f.name, f.minimum, f.maximum, f.pattern, f.enum, f.aliases, f.extra].every((v) => v.trim() === '')
  );
}

/** A url-encoded editor form (`f.<i>.<prop>` keys, in any order) → rows in index order. */
export function draftFromForm(body: Readonly<Record<string, unknown>>): SchemaDraft {
  const rows = new Map<number, Partial<Record<string, string>>>();
  for (const [key, raw] of Object.entries(body)) {
    const match = FIELD_KEY.exec(key);
    if (!match) continue;
    const index = Number(match[1]);
    const row = rows.get(index) ?? {};
    if (!rows.has(index)) {
      if (rows.size >= MAX_FIELDS)
        throw new SchemaFormError(`A schema may have at most ${MAX_FIELDS} fields.`);
      rows.set(index, row);
    }
    row[match[2]] = Array.isArray(raw) ? text(raw[0]) : text(raw);
  }
  const fields = [...rows.entries()]
    .sort(([a], [b]) => a - b)
    .map(([, r]) => ({
      name: r.name ?? '',
      type: r.type ?? 'string',
      required: r.required !== undefined,
      unique: r.unique !== undefined,
      minimum: r.minimum ?? '',
      maximum: r.maximum ?? '',
      pattern: r.pattern ?? '',
      enum: r.enum ?? '',
      aliases: r.aliases ?? '',
      extra: r.extra ?? '',
    }))
    .filter((f) => !isEmptyRow(f));
  return { fields, extra: text(body.schema_extra) };
}
