/** TypeBox schemas of the uploads routes: validation, response serialisation and OpenAPI. */
import { Type, type Static } from '@sinclair/typebox';

const Timestamp = Type.String({ format: 'date-time' });
const Nullable = <T extends ReturnType<typeof Type.Integer>>(t: T) => Type.Union([t, Type.Null()]);

export const UploadStatusSchema = Type.Union([
  Type.Literal('queued'),
  Type.Literal('validating'),
  Type.Literal('valid'),
  Type.Literal('invalid'),
  Type.Literal('failed'),
]);

export const UploadSchema = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    status: UploadStatusSchema,
    schema_id: Type.String({ format: 'uuid' }),
    schema_version: Type.Integer({ description: 'The schema version this upload is validated with.' }),
    file_name: Type.String(),
    format: Type.Union([Type.Literal('xlsx'), Type.Literal('csv')]),
    sheet: Type.Union([Type.String(), Type.Null()]),
    bytes: Type.Integer(),
    sha256: Type.String(),
    progress: Type.Object({
      rows_processed: Type.Integer(),
      bytes_read: Type.Integer(),
      bytes_total: Type.Integer(),
    }),
    rows_total: Nullable(Type.Integer()),
    rows_valid: Nullable(Type.Integer()),
    rows_invalid: Nullable(Type.Integer()),
    error_count: Nullable(Type.Integer()),
    errors_by_code: Type.Union([Type.Record(Type.String(), Type.Integer()), Type.Null()]),
    errors_stored: Nullable(
      Type.Integer({ description: 'Issues stored and served; at most MAX_STORED_ERRORS.' }),
    ),
    errors_truncated: Type.Boolean({ description: 'True when more issues were found than stored.' }),
    header_mapping: Type.Union(
      [Type.Record(Type.String(), Type.Union([Type.String(), Type.Null()])), Type.Null()],
      {
        description:
          "The schema's confirmed header → field mappings this run validates with (keys are normalised headers); null before the run starts.",
      },
    ),
    error: Type.Union([
      Type.Object({ code: Type.String(), message: Type.String() }, { description: 'Why validation failed.' }),
      Type.Null(),
    ]),
    created_at: Timestamp,
    started_at: Type.Union([Timestamp, Type.Null()]),
    finished_at: Type.Union([Timestamp, Type.Null()]),
  },
  { $id: 'Upload' },
);
export type PublicUpload = Static<typeof UploadSchema>;

export const UploadListSchema = Type.Object({
  results: Type.Array(Type.Ref(UploadSchema)),
  next_cursor: Type.Union([Type.String(), Type.Null()]),
});

const Limit = (max: number, fallback: number) =>
  Type.Integer({ minimum: 1, maximum: max, default: fallback });

export const UploadListQuery = Type.Object(
  {
    status: Type.Optional(UploadStatusSchema),
    schema_id: Type.Optional(Type.String({ format: 'uuid' })),
    limit: Type.Optional(Limit(100, 20)),
    cursor: Type.Optional(Type.String({ maxLength: 200 })),
    /**
     * `me`: only the caller's own uploads (managers and admins otherwise see everyone's);
     * `shared`: only the uploads shared with the caller (view-only), not its own.
     */
    owner: Type.Optional(Type.Union([Type.Literal('me'), Type.Literal('shared')])),
  },
  { additionalProperties: false },
);
export type UploadListQuery = Static<typeof UploadListQuery>;

export const UploadIdParams = Type.Object(
  { id: Type.String({ format: 'uuid' }) },
  { additionalProperties: false },
);
export type UploadIdParams = Static<typeof UploadIdParams>;

export const IssueSchema = Type.Object({
  row: Type.Integer(),
  column: Type.Union([Type.String(), Type.Null()]),
  cell: Type.Union([Type.String(), Type.Null()]),
  code: Type.String(),
  message: Type.String(),
  value: Type.Union([Type.String(), Type.Null()]),
});

export const ErrorListSchema = Type.Object({
  results: Type.Array(IssueSchema),
  next_cursor: Type.Union([Type.String(), Type.Null()]),
});

export const ErrorListQuery = Type.Object(
  {
    code: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    column: Type.Optional(Type.String({ minLength: 1, maxLength: 1000 })),
    limit: Type.Optional(Limit(1000, 100)),
    cursor: Type.Optional(Type.String({ maxLength: 20, pattern: '^[0-9]+$' })),
  },
  { additionalProperties: false },
);
export type ErrorListQuery = Static<typeof ErrorListQuery>;

export const RowListSchema = Type.Object({
  results: Type.Array(
    Type.Object({
      row: Type.Integer({ description: 'Row number as the spreadsheet shows it.' }),
      valid: Type.Boolean(),
      values: Type.Record(Type.String(), Type.Unknown(), {
        description: 'Cast value per schema field; null when missing or invalid.',
      }),
    }),
  ),
  next_cursor: Type.Union([Type.String(), Type.Null()]),
});

export const RowListQuery = Type.Object(
  {
    valid: Type.Optional(
      Type.Boolean({ description: 'true: valid rows only; false: invalid rows only; omitted: all.' }),
    ),
    limit: Type.Optional(Limit(1000, 100)),
    cursor: Type.Optional(Type.String({ maxLength: 20, pattern: '^[0-9]+$' })),
  },
  { additionalProperties: false },
);
export type RowListQuery = Static<typeof RowListQuery>;
