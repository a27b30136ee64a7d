export { inferSchema, type InferOptions } from './infer-schema.js';
export { inferSchemaFromRows, DEFAULT_SAMPLE_ROWS, type InferRowsOptions } from './infer-rows.js';
export { DEFAULT_ENUM_RULE, type EnumRule } from './column-profile.js';
