/** TypeBox schemas of the AI routes: validation, serialisation and OpenAPI. snake_case JSON. */
import { Type } from '@sinclair/typebox';

const Uuid = Type.String({ format: 'uuid' });
const Nullable = <T extends ReturnType<typeof Type.String>>(t: T) => Type.Union([t, Type.Null()]);

export const StatusSchema = Type.Object({
  enabled: Type.Boolean(),
  available: Type.Boolean({ description: 'Enabled and the circuit breaker is not open.' }),
  reason: Type.Union([Type.String(), Type.Null()], { description: 'Why AI review is off or unavailable.' }),
  model: Type.String(),
  circuit: Type.Union([Type.Literal('closed'), Type.Literal('open'), Type.Literal('half_open')]),
  sample_values: Type.Boolean({ description: 'Whether sample values may be sent with header mapping.' }),
  budget: Type.Object({
    monthly_usd: Type.Number(),
    spent_usd: Type.Number(),
    remaining_usd: Type.Number(),
  }),
});

/** A union of string literals whose static type is the union of `values`. */
function literals<T extends string>(values: readonly T[]) {
  return Type.Unsafe<T>({ type: 'string', enum: [...values] });
}

const Header = Type.String({ minLength: 1, maxLength: 500 });

export const SuggestBody = Type.Object(
  {
    schema_id: Uuid,
    headers: Type.Array(Header, { minItems: 1, maxItems: 500 }),
    samples: Type.Optional(
      Type.Record(Type.String({ maxLength: 500 }), Type.Array(Type.Unknown(), { maxItems: 50 }), {
        description:
          'Sample values per header; sent to the model only when AI_SAMPLE_VALUES is on (at most 5).',
      }),
    ),
  },
  { additionalProperties: false },
);

const MappingSource = literals(['exact', 'normalised', 'alias', 'fuzzy', 'remembered', 'model'] as const);

export const SuggestResultSchema = Type.Object({
  mappings: Type.Array(
    Type.Object({
      header: Type.String(),
      field: Type.Union([Type.String(), Type.Null()], { description: 'null: confirmed to be no field.' }),
      confidence: Type.Number(),
      source: MappingSource,
    }),
  ),
  unresolved: Type.Array(Type.String()),
  model: Type.Object({
    status: literals([
      'not_needed',
      'ok',
      'cached',
      'off',
      'unavailable',
      'budget_exceeded',
      'failed',
    ] as const),
    message: Nullable(Type.String()),
  }),
});

export const ConfirmBody = Type.Object(
  {
    schema_id: Uuid,
    mappings: Type.Array(
      Type.Object(
        { header: Header, field: Type.Union([Type.String({ minLength: 1, maxLength: 500 }), Type.Null()]) },
        { additionalProperties: false },
      ),
      { minItems: 1, maxItems: 500 },
    ),
  },
  { additionalProperties: false },
);

export const ConfirmResultSchema = Type.Object({ saved: Type.Integer() });

export const ExplainBody = Type.Object(
  {
    code: Type.String({ minLength: 1, maxLength: 100 }),
    field: Type.String({ minLength: 1, maxLength: 500 }),
    value: Type.Union([Type.String({ maxLength: 10_000 }), Type.Null()]),
  },
  { additionalProperties: false },
);

export const ExplainResultSchema = Type.Object({
  code: Type.String(),
  field: Type.String(),
  value_shape: Type.String({ description: 'What was sent instead of the value: digits → 9, letters → a.' }),
  suggestion: Type.String(),
  cached: Type.Boolean(),
});

export const UploadIdParams = Type.Object({ id: Type.String({ maxLength: 64 }) });

export const ReviewBody = Type.Union([
  Type.Object(
    {
      columns: Type.Optional(
        Type.Array(Type.String({ minLength: 1, maxLength: 500 }), {
          maxItems: 500,
          description: 'Fields that may be sent (default: all not denied by AI_ANOMALY_DENY_COLUMNS).',
        }),
      ),
    },
    { additionalProperties: false },
  ),
  Type.Null(),
]);

export const ReviewSchema = Type.Object({
  upload_id: Uuid,
  status: Type.Union([Type.Literal('completed'), Type.Literal('failed')]),
  model: Type.String(),
  rows_reviewed: Type.Integer(),
  columns_sent: Type.Array(Type.String()),
  findings: Type.Array(
    Type.Object({
      row: Type.Integer(),
      column: Type.String(),
      reason: Type.String(),
      severity: Type.String({ description: 'Always `warning`.' }),
    }),
  ),
  error: Type.Union([Type.Object({ code: Type.String(), message: Type.String() }), Type.Null()]),
  created_at: Type.String({ format: 'date-time' }),
});

export const UsageQuery = Type.Object(
  {
    from: Type.Optional(
      Type.String({ format: 'date', description: 'First day (UTC). Default: 1st of this month.' }),
    ),
    to: Type.Optional(
      Type.String({ format: 'date', description: 'Last day, inclusive (UTC). Default: today.' }),
    ),
  },
  { additionalProperties: false },
);

const UsageNumbers = {
  calls: Type.Integer(),
  input_tokens: Type.Integer(),
  output_tokens: Type.Integer(),
  cache_read_tokens: Type.Integer(),
  cache_creation_tokens: Type.Integer(),
  cost_usd: Type.Number(),
};

export const UsageSchema = Type.Object({
  from: Type.String(),
  to: Type.String(),
  totals: Type.Object(UsageNumbers),
  by_day: Type.Array(Type.Object({ day: Type.String(), ...UsageNumbers })),
  by_user: Type.Array(Type.Object({ user_id: Type.Union([Type.String(), Type.Null()]), ...UsageNumbers })),
  by_purpose: Type.Array(Type.Object({ purpose: Type.String(), ...UsageNumbers })),
  budget: Type.Object({ monthly_usd: Type.Number(), spent_usd: Type.Number(), remaining_usd: Type.Number() }),
});
