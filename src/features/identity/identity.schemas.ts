/** TypeBox schemas of the identity routes: validation, response serialisation and OpenAPI. */
import { Type, type Static } from '@sinclair/typebox';
import { PASSWORD_MAX_LENGTH } from '../../lib/password-validator.js';

const Role = Type.Union([
  Type.Literal('admin'),
  Type.Literal('manager'),
  Type.Literal('user'),
  Type.Literal('guest'),
]);
const Timestamp = Type.String({ format: 'date-time' });
const Name = Type.String({ maxLength: 150 });
const Password = Type.String({ minLength: 1, maxLength: PASSWORD_MAX_LENGTH });

export const UserSchema = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    email: Type.String(),
    first_name: Type.String(),
    last_name: Type.String(),
    role: Role,
    is_active: Type.Boolean(),
    email_verified_at: Type.Union([Timestamp, Type.Null()]),
    last_login_at: Type.Union([Timestamp, Type.Null()]),
    created_at: Timestamp,
    updated_at: Timestamp,
  },
  { $id: 'User' },
);

const tokenFields = {
  access_token: Type.String(),
  refresh_token: Type.String({ description: 'Opaque; send it to /api/v1/auth/refresh. Single use.' }),
  expires_in: Type.Integer({ description: 'Seconds until the access token expires.' }),
  token_type: Type.Literal('Bearer'),
};

export const TokenPairSchema = Type.Object(tokenFields);
export const SessionSchema = Type.Object({ user: Type.Ref(UserSchema), ...tokenFields });

export const RegisterBody = Type.Object(
  {
    email: Type.String({ format: 'email', maxLength: 254 }),
    password: Password,
    first_name: Type.Optional(Name),
    last_name: Type.Optional(Name),
  },
  { additionalProperties: false },
);
export type RegisterBody = Static<typeof RegisterBody>;

export const LoginBody = Type.Object(
  { email: Type.String({ minLength: 1, maxLength: 254 }), password: Password },
  { additionalProperties: false },
);
export type LoginBody = Static<typeof LoginBody>;

const RefreshToken = Type.String({ minLength: 1, maxLength: 512 });

export const RefreshBody = Type.Object({ refresh_token: RefreshToken }, { additionalProperties: false });
export type RefreshBody = Static<typeof RefreshBody>;

export const LogoutBody = Type.Object(
  { refresh_token: Type.Optional(RefreshToken) },
  { additionalProperties: false },
);
export type LogoutBody = Static<typeof LogoutBody>;

export const PasswordChangeBody = Type.Object(
  { current_password: Password, new_password: Password },
  { additionalProperties: false },
);
export type PasswordChangeBody = Static<typeof PasswordChangeBody>;

export const PatchMeBody = Type.Object(
  { first_name: Type.Optional(Name), last_name: Type.Optional(Name) },
  { additionalProperties: false },
);
export type PatchMeBody = Static<typeof PatchMeBody>;

export const PatchUserBody = Type.Object(
  {
    first_name: Type.Optional(Name),
    last_name: Type.Optional(Name),
    role: Type.Optional(Role),
    is_active: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type PatchUserBody = Static<typeof PatchUserBody>;

export const UserListQuery = Type.Object(
  {
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20 })),
    cursor: Type.Optional(Type.String({ maxLength: 200 })),
    email: Type.Optional(
      Type.String({ minLength: 1, maxLength: 254, description: 'Substring, case-insensitive.' }),
    ),
    role: Type.Optional(Role),
    is_active: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type UserListQuery = Static<typeof UserListQuery>;

export const UserListSchema = Type.Object({
  results: Type.Array(Type.Ref(UserSchema)),
  next_cursor: Type.Union([Type.String(), Type.Null()]),
});

export const UserIdParams = Type.Object({ id: Type.String({ maxLength: 64 }) });
export type UserIdParams = Static<typeof UserIdParams>;

export const JwksSchema = Type.Object({
  keys: Type.Array(
    Type.Object(
      {
        kty: Type.String(),
        crv: Type.Optional(Type.String()),
        x: Type.Optional(Type.String()),
        y: Type.Optional(Type.String()),
        kid: Type.String(),
        alg: Type.String(),
        use: Type.String(),
      },
      { additionalProperties: false },
    ),
  ),
});
