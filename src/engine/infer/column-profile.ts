import type { CellValue } from '../reader/types.js';
import type { Field, FieldConstraints } from '../schema/types.js';
import { CAST_INVALID, compileCaster } from '../schema/value-cast.js';
import { allTypeCandidates, fits, type TypeCandidate } from './type-candidates.js';
import { hash53 } from './value-hash.js';

export interface EnumRule {
  /** Most distinct values an enum may have. Default 10. */
  readonly maxValues: number;
  /** Fewest non-empty values before a column can be an enum. Default 20. */
  readonly minRows: number;
  /** Largest share of distinct values among non-empty ones. Default 0.2. */
  readonly maxDistinctRatio: number;
}

export const DEFAULT_ENUM_RULE: EnumRule = { maxValues: 10, minRows: 20, maxDistinctRatio: 0.2 };

// Same shapes the validator checks (validate/field-rules.ts); uri is stricter here (an authority
// or a known opaque scheme), so that "Note: call back" text never becomes a uri column.
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const URI = /^(?:[a-z][a-z0-9+.-]*:\/\/\S+|(?:mailto|urn|tel):\S+)$/i;

const castString = compileCaster({ name: 'text', type: 'string' });

/**
 * What one column's sampled cells say about its field. Memory per column is bounded: at most
 * `maxValues + 1` enum values and `maxTracked` hashes for uniqueness (past that, the column is
 * simply not marked unique).
 */
export class ColumnProfile {
  private candidates: TypeCandidate[] = allTypeCandidates();
  private present = 0;
  private missing = 0;
  private errors = 0;
  private enumValues: Map<string, number> | null = new Map();
  private uniqueHashes: Set<number> | null = new Set();
  private formats = { email: true, uri: true, uuid: true };

  constructor(
    private readonly maxTracked: number,
    private readonly enumRule: EnumRule = DEFAULT_ENUM_RULE,
  ) {}

  /** One sampled data row's cell (undefined = empty). */
  observe(cell: CellValue | undefined): void {
    if (cell === undefined || (cell.t === 's' && cell.v === '')) {
      this.missing += 1;
      return;
    }
    this.present += 1;
    // An error cell (#N/A) is bad data in any column: it says nothing about the type.
    if (cell.t === 'e') {
      this.errors += 1;
      return;
    }
    if (this.candidates.length) this.candidates = this.candidates.filter((c) => fits(c, cell));
    const text = castString(cell);
    if (text === CAST_INVALID) return;
    this.trackValue(String(text));
  }

  private trackValue(text: string): void {
    if (this.enumValues) {
      this.enumValues.set(text, (this.enumValues.get(text) ?? 0) + 1);
      if (this.enumValues.size > this.enumRule.maxValues) this.enumValues = null;
    }
    if (this.uniqueHashes) {
      const h = hash53(text);
      if (this.uniqueHashes.has(h) || this.uniqueHashes.size >= this.maxTracked) this.uniqueHashes = null;
      else this.uniqueHashes.add(h);
    }
    if (this.formats.email && !EMAIL.test(text)) this.formats.email = false;
    if (this.formats.uuid && !UUID.test(text)) this.formats.uuid = false;
    if (this.formats.uri && !(URI.test(text) && URL.canParse(text))) this.formats.uri = false;
  }

  toField(name: string): Field {
    const typed = this.present - this.errors;
    if (typed === 0) return { name, type: 'any' };
    const chosen = this.candidates[0]?.field ?? { type: 'string' as const };
    const constraints: { -readonly [K in keyof FieldConstraints]: FieldConstraints[K] } = {};
    if (this.missing === 0) constraints.required = true;
    const field: { -readonly [K in keyof Field]: Field[K] } = { name, ...chosen };
    if (chosen.type === 'string') {
      const format = this.formats.email
        ? 'email'
        : this.formats.uuid
          ? 'uuid'
          : this.formats.uri
            ? 'uri'
            : null;
      if (format) field.format = format;
      const values = this.enumValues;
      if (
        format === null &&
        values !== null &&
        typed >= this.enumRule.minRows &&
        values.size <= this.enumRule.maxDistinctRatio * typed
      ) {
        constraints.enum = [...values.keys()].sort((a, b) => a.localeCompare(b));
      }
    }
    // Only identifiers are worth a uniqueness rule; unique measurements or dates are coincidence.
    const identifierLike = chosen.type === 'integer' || (chosen.type === 'string' && !constraints.enum);
    if (identifierLike && this.uniqueHashes !== null && typed >= 2 && this.errors === 0)
      constraints.unique = true;
    if (Object.keys(constraints).length) field.constraints = constraints;
    return field;
  }
}
