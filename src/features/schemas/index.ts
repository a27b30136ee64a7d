/** The schemas feature. Other code reaches it only through this file. */
export {
  createSchemasService,
  getSchemaVersion,
  type ResolvedSchemaVersion,
  type SchemaResource,
  type SchemasService,
} from './schemas.service.js';
export { schemasRoutes } from './schemas.routes.js';
