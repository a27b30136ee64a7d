/** The admin API. Reach it only through this file. */
export { adminRoutes, type AdminRoutesOptions } from './admin.routes.js';
export { createAdminService, type AdminService, type AdminUser } from './admin.service.js';
