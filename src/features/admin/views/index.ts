/** The admin console's pages: users and service accounts, roles and permissions, the audit log. */
import type { WebPages } from '../../../web/index.js';
import { adminRolesAuditPages } from './roles-audit.pages.js';
import { adminUsersPages } from './users.pages.js';

export const adminPages: WebPages = async (app, ctx) => {
  await app.register(adminUsersPages, ctx);
  await app.register(adminRolesAuditPages, ctx);
};
