export type * from './types.js';
export { parseSchema } from './schema-parser.js';
export {
  castValue,
  cellText,
  compileCaster,
  isMissingCell,
  serialToIso,
  CAST_INVALID,
  DEFAULT_FALSE_VALUES,
  DEFAULT_MISSING_VALUES,
  DEFAULT_TRUE_VALUES,
  type CastResult,
  type CastedValue,
  type Caster,
} from './value-cast.js';
export { castConstraintValue } from './constraint-value.js';
export {
  compileTemporalFormat,
  temporalExample,
  type TemporalKind,
  type TemporalParser,
} from './date-format.js';
export { compilePattern } from './pattern.js';
