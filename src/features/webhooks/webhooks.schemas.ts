/** TypeBox schemas of the webhook routes: validation, serialisation and OpenAPI. */
import { Type } from '@sinclair/typebox';
import { EVENT_TYPES } from '../events/index.js';

const Timestamp = Type.String({ format: 'date-time' });
const NullableTimestamp = Type.Union([Timestamp, Type.Null()]);
const EventType = Type.Union(EVENT_TYPES.map((t) => Type.Literal(t)));

const endpointFields = {
  id: Type.String({ format: 'uuid' }),
  url: Type.String(),
  description: Type.String(),
  event_types: Type.Array(Type.String()),
  created_at: Timestamp,
};

export const EndpointSchema = Type.Object(endpointFields, { $id: 'WebhookEndpoint' });

export const CreatedEndpointSchema = Type.Object({
  ...endpointFields,
  secret: Type.String({
    description: 'The `whsec_…` signing secret (Standard Webhooks). Shown only in this response.',
  }),
});

export const EndpointListSchema = Type.Object({
  results: Type.Array(Type.Ref(EndpointSchema)),
  next_cursor: Type.Union([Type.String(), Type.Null()]),
});

const DeliveryStatus = Type.Union([
  Type.Literal('pending'),
  Type.Literal('delivered'),
  Type.Literal('failed'),
]);

export const DeliverySchema = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    event_id: Type.Union([Type.String({ format: 'uuid' }), Type.Null()]),
    event_type: Type.String(),
    subject_id: Type.String(),
    status: DeliveryStatus,
    attempts: Type.Integer(),
    response_status: Type.Union([Type.Integer(), Type.Null()]),
    last_error: Type.Union([Type.String(), Type.Null()]),
    next_attempt_at: NullableTimestamp,
    created_at: Timestamp,
    finished_at: NullableTimestamp,
  },
  { $id: 'WebhookDelivery' },
);

export const DeliveryListSchema = Type.Object({
  results: Type.Array(Type.Ref(DeliverySchema)),
  next_cursor: Type.Union([Type.String(), Type.Null()]),
});

export const CreateEndpointBody = Type.Object(
  {
    url: Type.String({ minLength: 1, maxLength: 2000, description: 'http(s) URL that receives POSTs.' }),
    event_types: Type.Array(EventType, { minItems: 1, maxItems: EVENT_TYPES.length }),
    description: Type.Optional(Type.String({ maxLength: 500 })),
  },
  { additionalProperties: false },
);

export const EndpointIdParams = Type.Object(
  { id: Type.String({ maxLength: 64 }) },
  { additionalProperties: false },
);

export const PageQuery = Type.Object(
  {
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20 })),
    cursor: Type.Optional(Type.String({ maxLength: 200 })),
  },
  { additionalProperties: false },
);

export const EndpointListQuery = Type.Object(
  {
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20 })),
    cursor: Type.Optional(Type.String({ maxLength: 200 })),
    /** `me`: only the caller's own endpoints (managers and admins otherwise see everyone's). */
    owner: Type.Optional(Type.Literal('me')),
  },
  { additionalProperties: false },
);

export const DeliveryQuery = Type.Object(
  {
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20 })),
    cursor: Type.Optional(Type.String({ maxLength: 200 })),
    status: Type.Optional(DeliveryStatus),
  },
  { additionalProperties: false },
);
