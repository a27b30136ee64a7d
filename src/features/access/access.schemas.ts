/** TypeBox schemas of the access routes (tokens, the caller's permissions). */
import { Type, type Static } from '@sinclair/typebox';

export const ApiTokenSchema = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    name: Type.String(),
    prefix: Type.String({ description: 'The visible start of the token, to recognise it' }),
    scopes: Type.Array(Type.String()),
    created_at: Type.String({ format: 'date-time' }),
    last_used_at: Type.Union([Type.String({ format: 'date-time' }), Type.Null()], {
      description: 'Recorded in batches: may lag real use by up to API_TOKEN_TOUCH_INTERVAL',
    }),
    expires_at: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  },
  { $id: 'ApiToken' },
);

export const CreatedApiTokenSchema = Type.Intersect([
  Type.Ref(ApiTokenSchema),
  Type.Object({ token: Type.String({ description: 'The token itself, shown only in this response' }) }),
]);

export const NewTokenBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 100 }),
    scopes: Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { minItems: 1, maxItems: 50 }),
    expires_at: Type.Optional(Type.Union([Type.String({ format: 'date-time' }), Type.Null()])),
  },
  { additionalProperties: false },
);
export type NewTokenBody = Static<typeof NewTokenBody>;

export const TokenListSchema = Type.Object({
  results: Type.Array(Type.Ref(ApiTokenSchema)),
  next_cursor: Type.Null(),
});

export const TokenIdParams = Type.Object({ id: Type.String() });

export const MyPermissionsSchema = Type.Object({
  user_id: Type.String({ format: 'uuid' }),
  role: Type.String(),
  kind: Type.Union([Type.Literal('user'), Type.Literal('service')]),
  auth_method: Type.String(),
  permissions: Type.Array(Type.String(), { description: 'Effective: role ∪ grants, ∩ token scopes' }),
  grants: Type.Array(Type.String()),
  scopes: Type.Union([Type.Array(Type.String()), Type.Null()]),
});
