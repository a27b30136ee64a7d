/** /api/v1/admin/*: users and service accounts, roles, the audit log. */
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyPluginAsync } from 'fastify';
import type { Deps } from '../../deps.js';
import {
  ALL_PERMISSIONS,
  ApiTokenSchema,
  auditMeta,
  CreatedApiTokenSchema,
  NewTokenBody,
  type AccessService,
} from '../access/index.js';
import { listAudit } from '../audit/index.js';
import { requireAuth, type IdentityService } from '../identity/index.js';
import {
  AdminUserIdParams,
  AdminUserListSchema,
  AdminUserQuery,
  AdminUserSchema,
  AuditListSchema,
  AuditQuery,
  NewAdminUserBody,
  PatchAdminUserBody,
  PutRolesBody,
  RoleListSchema,
} from './admin.schemas.js';
import { createAdminService } from './admin.service.js';
import { Type } from '@sinclair/typebox';

const security = [{ bearerAuth: [] }];
const tags = ['admin'];
const AdminUser = Type.Ref(AdminUserSchema);

export interface AdminRoutesOptions {
  deps: Deps;
  identity: IdentityService;
  access: AccessService;
}

export const adminRoutes: FastifyPluginAsync<AdminRoutesOptions> = async (
  instance,
  { deps, identity, access },
) => {
  const app = instance.withTypeProvider<TypeBoxTypeProvider>();
  const admin = createAdminService(deps, identity, access);
  app.addSchema(AdminUserSchema);
  app.addSchema(ApiTokenSchema);

  app.get(
    '/api/v1/admin/users',
    {
      config: { requires: 'admin.access' },
      schema: {
        tags,
        security,
        summary: 'Users and service accounts, oldest first',
        querystring: AdminUserQuery,
        response: { 200: AdminUserListSchema },
      },
    },
    async (request) => admin.listUsers(request.query),
  );

  app.post(
    '/api/v1/admin/users',
    {
      config: { requires: 'admin.access' },
      schema: {
        tags,
        security,
        summary: 'Create a user or a service account (kind "service": no password, API tokens only)',
        body: NewAdminUserBody,
        response: { 201: AdminUser },
      },
    },
    async (request, reply) => {
      const created = await admin.createUser(requireAuth(request), request.body, auditMeta(request));
      return reply.code(201).send(created);
    },
  );

  app.patch(
    '/api/v1/admin/users/:id',
    {
      config: { requires: 'admin.access' },
      schema: {
        tags,
        security,
        summary: 'Change role, activity (deactivation ends sessions and tokens at once) or grants',
        params: AdminUserIdParams,
        body: PatchAdminUserBody,
        response: { 200: AdminUser },
      },
    },
    async (request) =>
      admin.updateUser(requireAuth(request), request.params.id, request.body, auditMeta(request)),
  );

  app.post(
    '/api/v1/admin/users/:id/tokens',
    {
      config: { requires: 'admin.access' },
      schema: {
        tags,
        security,
        summary: 'Create an API token for a service account; the token is in this response only',
        params: AdminUserIdParams,
        body: NewTokenBody,
        response: { 201: CreatedApiTokenSchema },
      },
    },
    async (request, reply) => {
      const created = await admin.createServiceToken(
        requireAuth(request),
        request.params.id,
        request.body,
        auditMeta(request),
      );
      return reply.code(201).send(created);
    },
  );

  app.get(
    '/api/v1/admin/roles',
    {
      config: { requires: 'admin.access' },
      schema: {
        tags,
        security,
        summary: 'Roles and their permissions, and every permission codename',
        response: { 200: RoleListSchema },
      },
    },
    async () => ({ results: await access.listRoles(), permissions: [...ALL_PERMISSIONS] }),
  );

  app.put(
    '/api/v1/admin/roles',
    {
      config: { requires: 'admin.access' },
      schema: {
        tags,
        security,
        summary:
          'Replace the permissions of the listed roles (admin always keeps every permission; large removals need `confirm`)',
        body: PutRolesBody,
        response: { 200: RoleListSchema },
      },
    },
    async (request) => ({
      results: await access.updateRoles(requireAuth(request), request.body.roles, auditMeta(request), {
        confirm: request.body.confirm === true,
      }),
      permissions: [...ALL_PERMISSIONS],
    }),
  );

  app.get(
    '/api/v1/admin/audit',
    {
      config: { requires: 'audit.view' },
      schema: {
        tags,
        security,
        summary: 'The audit log, newest first, filterable, cursor-paginated (read-only: no route changes it)',
        querystring: AuditQuery,
        response: { 200: AuditListSchema },
      },
    },
    async (request) => listAudit(deps.dbRead, request.query),
  );
};
