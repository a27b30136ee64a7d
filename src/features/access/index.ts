/** Access control: permissions, roles, grants, API tokens, route requirements. Reach it only here. */
export {
  createAccess,
  UNCONFIRMED_REMOVALS_MAX,
  type AccessService,
  type PublicRole,
  type RoleChange,
  type RoleLoss,
} from './access.service.js';
export { accessRoutes, auditMeta } from './access.routes.js';
export { accessPlugin, type AccessPluginOptions } from './access.plugin.js';
export { routeRequirementsPlugin, routeTableOf, type RouteEntry } from './route-requirements.plugin.js';
export {
  ALL_PERMISSIONS,
  ALL_OBJECTS_PERMISSIONS,
  actsOnAllObjects,
  isPermission,
  type OwnedResource,
  type Permission,
  type RouteRequirement,
} from './permissions.js';
export { userHoldsSql } from './permission-sql.js';
export { TOKEN_PREFIX, type PublicApiToken, type NewApiToken } from './api-tokens.service.js';
export { ApiTokenSchema, CreatedApiTokenSchema, NewTokenBody } from './access.schemas.js';
