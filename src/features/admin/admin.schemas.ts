/** TypeBox schemas of the admin API. */
import { Type, type Static } from '@sinclair/typebox';

const Role = Type.Union([
  Type.Literal('admin'),
  Type.Literal('manager'),
  Type.Literal('user'),
  Type.Literal('guest'),
]);
const Kind = Type.Union([Type.Literal('user'), Type.Literal('service')]);

export const AdminUserSchema = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    email: Type.String(),
    first_name: Type.String(),
    last_name: Type.String(),
    role: Role,
    kind: Kind,
    is_active: Type.Boolean(),
    grants: Type.Array(Type.String(), { description: 'Permissions granted on top of the role' }),
    last_login_at: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
    created_at: Type.String({ format: 'date-time' }),
  },
  { $id: 'AdminUser' },
);

export const AdminUserListSchema = Type.Object({
  results: Type.Array(Type.Ref(AdminUserSchema)),
  next_cursor: Type.Union([Type.String(), Type.Null()]),
});

export const AdminUserQuery = Type.Object(
  {
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20 })),
    cursor: Type.Optional(Type.String({ maxLength: 200 })),
    email: Type.Optional(Type.String({ maxLength: 254 })),
    role: Type.Optional(Role),
    kind: Type.Optional(Kind),
    is_active: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type AdminUserQuery = Static<typeof AdminUserQuery>;

export const NewAdminUserBody = Type.Object(
  {
    email: Type.String({ format: 'email', maxLength: 254 }),
    role: Role,
    kind: Kind,
    first_name: Type.Optional(Type.String({ maxLength: 150 })),
    last_name: Type.Optional(Type.String({ maxLength: 150 })),
    password: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 1024,
        description: 'Only for kind "user"; without it the user cannot log in yet',
      }),
    ),
  },
  { additionalProperties: false },
);
export type NewAdminUserBody = Static<typeof NewAdminUserBody>;

export const PatchAdminUserBody = Type.Object(
  {
    role: Type.Optional(Role),
    is_active: Type.Optional(Type.Boolean({ description: 'false ends every session and API token at once' })),
    grants: Type.Optional(
      Type.Array(Type.String({ maxLength: 64 }), { maxItems: 100, description: 'Replaces the grants' }),
    ),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type PatchAdminUserBody = Static<typeof PatchAdminUserBody>;

export const AdminUserIdParams = Type.Object({ id: Type.String({ format: 'uuid' }) });

export const RoleSchema = Type.Object({
  name: Type.String(),
  description: Type.String(),
  permissions: Type.Array(Type.String()),
  updated_at: Type.String({ format: 'date-time' }),
});

export const RoleListSchema = Type.Object({
  results: Type.Array(RoleSchema),
  permissions: Type.Array(Type.String(), { description: 'Every permission codename' }),
});

export const PutRolesBody = Type.Object(
  {
    roles: Type.Array(
      Type.Object(
        {
          name: Role,
          permissions: Type.Array(Type.String({ maxLength: 64 }), { maxItems: 100 }),
          description: Type.Optional(Type.String({ maxLength: 500 })),
        },
        { additionalProperties: false },
      ),
      { minItems: 1, maxItems: 4 },
    ),
    confirm: Type.Optional(
      Type.Boolean({
        description:
          'Required (true) when the change leaves a role that had permissions with none, or removes more than 5 ' +
          'permissions in total; without it such a change is a 409 `confirmation_required` listing the losses',
      }),
    ),
  },
  { additionalProperties: false },
);
export type PutRolesBody = Static<typeof PutRolesBody>;

export const AuditQuery = Type.Object(
  {
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
    cursor: Type.Optional(Type.String({ maxLength: 200 })),
    action: Type.Optional(Type.String({ maxLength: 100, description: 'Exact, or a family like `schema.*`' })),
    actor_user_id: Type.Optional(Type.String({ format: 'uuid' })),
    target_id: Type.Optional(Type.String({ maxLength: 200 })),
    since: Type.Optional(Type.String({ format: 'date-time' })),
    until: Type.Optional(Type.String({ format: 'date-time' })),
  },
  { additionalProperties: false },
);

export const AuditEventSchema = Type.Object({
  id: Type.String(),
  created_at: Type.String({ format: 'date-time' }),
  action: Type.String(),
  actor: Type.Object({
    user_id: Type.Union([Type.String(), Type.Null()]),
    token_id: Type.Union([Type.String(), Type.Null()]),
    kind: Type.String(),
  }),
  target: Type.Union([
    Type.Object({ type: Type.String(), id: Type.Union([Type.String(), Type.Null()]) }),
    Type.Null(),
  ]),
  ip: Type.Union([Type.String(), Type.Null()]),
  user_agent: Type.Union([Type.String(), Type.Null()]),
  request_id: Type.Union([Type.String(), Type.Null()]),
  details: Type.Record(Type.String(), Type.Unknown()),
});

export const AuditListSchema = Type.Object({
  results: Type.Array(AuditEventSchema),
  next_cursor: Type.Union([Type.String(), Type.Null()]),
});
