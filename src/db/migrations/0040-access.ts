/**
 * Access control: users gain a `kind` (service accounts), roles become rows holding permission
 * codenames (seeded with the defaults of issue 5), per-user grants, and hashed API tokens.
 */
import { sql, type Kysely } from 'kysely';

const RESOURCES = ['upload', 'schema', 'webhook', 'user', 'apitoken'];
const crud = (resources: string[], actions = ['view', 'add', 'change', 'delete']): string[] =>
  resources.flatMap((r) => actions.map((a) => `${a}_${r}`));

/** Frozen copy of the defaults at the time of this migration; later changes go in new migrations. */
const DEFAULT_ROLES: Record<string, { description: string; permissions: string[] }> = {
  admin: {
    description: 'Everything, including user administration and the audit log.',
    permissions: [...crud(RESOURCES), 'ai.use', 'audit.view', 'admin.access'],
  },
  manager: {
    description: "Everything on every user's uploads, schemas and webhooks; views users.",
    permissions: [...crud(['upload', 'schema', 'webhook', 'apitoken']), 'view_user', 'ai.use'],
  },
  user: {
    description: 'Full rights on its own uploads, schemas, webhooks and API tokens.',
    permissions: [...crud(['upload', 'schema', 'webhook', 'apitoken']), 'ai.use'],
  },
  guest: {
    description: 'View-only on what is shared with it.',
    permissions: ['view_upload', 'view_schema', 'view_webhook'],
  },
};

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('users')
    .addColumn('kind', 'text', (c) =>
      c
        .notNull()
        .defaultTo('user')
        .check(sql`kind in ('user', 'service')`),
    )
    .execute();
  // A service account has no password, so it can never log in on the web (belt and braces).
  await sql`alter table users add constraint users_service_no_password
    check (kind <> 'service' or password_hash is null)`.execute(db);

  await db.schema
    .createTable('roles')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('permissions', sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'::text[]`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  for (const [name, role] of Object.entries(DEFAULT_ROLES)) {
    await sql`insert into roles (name, description, permissions)
      values (${name}, ${role.description}, ${role.permissions}::text[])`.execute(db);
  }

  await db.schema
    .createTable('user_grants')
    .addColumn('user_id', 'uuid', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('permission', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('user_grants_pkey', ['user_id', 'permission'])
    .execute();

  await db.schema
    .createTable('api_tokens')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('user_id', 'uuid', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('prefix', 'text', (c) => c.notNull())
    .addColumn('token_hash', 'bytea', (c) => c.notNull().unique())
    .addColumn('scopes', sql`text[]`, (c) => c.notNull())
    .addColumn('created_by', 'uuid', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('last_used_at', 'timestamptz')
    .addColumn('expires_at', 'timestamptz')
    .addColumn('revoked_at', 'timestamptz')
    .execute();
  await db.schema.createIndex('api_tokens_user_id_idx').on('api_tokens').columns(['user_id', 'id']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('api_tokens').ifExists().execute();
  await db.schema.dropTable('user_grants').ifExists().execute();
  await db.schema.dropTable('roles').ifExists().execute();
  await sql`alter table users drop constraint if exists users_service_no_password`.execute(db);
  await db.schema.alterTable('users').dropColumn('kind').execute();
}
