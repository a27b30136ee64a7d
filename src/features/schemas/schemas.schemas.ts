/** TypeBox schemas of the schema routes: validation, serialisation and OpenAPI. */
import { Type, type Static } from '@sinclair/typebox';

const Timestamp = Type.String({ format: 'date-time' });
const TableSchemaJson = Type.Object(
  {},
  {
    additionalProperties: true,
    description:
      'A Frictionless Table Schema (`fields`, `primaryKey`, `missingValues`, …); checked by the engine.',
  },
);

export const SchemaResourceSchema = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    owner_id: Type.String({ format: 'uuid' }),
    name: Type.String(),
    description: Type.String(),
    version: Type.Integer({ description: 'The version shown (the latest unless ?version= was given).' }),
    schema: TableSchemaJson,
    created_at: Timestamp,
    updated_at: Timestamp,
  },
  { $id: 'Schema' },
);

export const SchemaListSchema = Type.Object({
  results: Type.Array(Type.Ref(SchemaResourceSchema)),
  next_cursor: Type.Union([Type.String(), Type.Null()]),
});

export const SchemaVersionListSchema = Type.Object({
  results: Type.Array(
    Type.Object({
      version: Type.Integer(),
      schema: TableSchemaJson,
      created_by: Type.Union([Type.String({ format: 'uuid' }), Type.Null()]),
      created_at: Timestamp,
    }),
  ),
  next_cursor: Type.Union([Type.String(), Type.Null()]),
});

export const SchemaBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 200 }),
    description: Type.Optional(Type.String({ maxLength: 2000 })),
    schema: TableSchemaJson,
  },
  { additionalProperties: false },
);
export type SchemaBody = Static<typeof SchemaBody>;

export const SchemaIdParams = Type.Object(
  { id: Type.String({ maxLength: 64 }) },
  { additionalProperties: false },
);

export const VersionQuery = Type.Object(
  { version: Type.Optional(Type.Integer({ minimum: 1 })) },
  { additionalProperties: false },
);

export const PageQuery = Type.Object(
  {
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20 })),
    cursor: Type.Optional(Type.String({ maxLength: 200 })),
  },
  { additionalProperties: false },
);

export const InferQuery = Type.Object(
  {
    sheet: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    sample_rows: Type.Optional(Type.Integer({ minimum: 1, maximum: 100_000 })),
  },
  { additionalProperties: false },
);

export const InferResultSchema = Type.Object({
  schema: TableSchemaJson,
  saved: Type.Literal(false, { description: 'A draft: POST it to /api/v1/schemas to keep it.' }),
});
