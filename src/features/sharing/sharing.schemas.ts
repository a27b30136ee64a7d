/** TypeBox schemas of the sharing routes. */
import { Type, type Static } from '@sinclair/typebox';

export const ShareSchema = Type.Object(
  {
    user_id: Type.String({ format: 'uuid' }),
    email: Type.String(),
    first_name: Type.String(),
    last_name: Type.String(),
    access: Type.Literal('view', { description: 'Shares are view-only' }),
    created_by: Type.Union([Type.String({ format: 'uuid' }), Type.Null()]),
    created_at: Type.String({ format: 'date-time' }),
  },
  { $id: 'Share' },
);

export const ShareListSchema = Type.Object({ results: Type.Array(Type.Ref(ShareSchema)) });

export const NewShareBody = Type.Object(
  {
    email: Type.Optional(Type.String({ format: 'email', maxLength: 254 })),
    user_id: Type.Optional(Type.String({ format: 'uuid' })),
  },
  { additionalProperties: false, description: 'The user to share with: `email` or `user_id` (one of them)' },
);
export type NewShareBody = Static<typeof NewShareBody>;

export const ObjectIdParams = Type.Object({ id: Type.String({ format: 'uuid' }) });
export const ShareParams = Type.Object({
  id: Type.String({ format: 'uuid' }),
  user_id: Type.String({ format: 'uuid' }),
});
