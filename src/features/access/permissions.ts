/**
 * The permission catalogue: Django-style codenames per resource (`view_upload`, `add_upload`,
 * `change_upload`, `delete_upload`, …) and app-level ones (`ai.use`, `audit.view`,
 * `admin.access`). Roles, grants and API-token scopes may only name codenames listed here.
 */
export const RESOURCES = ['upload', 'schema', 'webhook', 'user', 'apitoken'] as const;
export const ACTIONS = ['view', 'add', 'change', 'delete'] as const;
export const APP_PERMISSIONS = ['ai.use', 'audit.view', 'admin.access'] as const;

export type Resource = (typeof RESOURCES)[number];
export type Action = (typeof ACTIONS)[number];
export type Permission = `${Action}_${Resource}` | (typeof APP_PERMISSIONS)[number];

export const ALL_PERMISSIONS: readonly Permission[] = Object.freeze([
  ...RESOURCES.flatMap((r) => ACTIONS.map((a) => `${a}_${r}` as Permission)),
  ...APP_PERMISSIONS,
]);

const KNOWN = new Set<string>(ALL_PERMISSIONS);

export function isPermission(value: string): value is Permission {
  return KNOWN.has(value);
}

/** The codenames in `values` that are not permissions (for 422 details). */
export function unknownPermissions(values: readonly string[]): string[] {
  return values.filter((v) => !KNOWN.has(v));
}

/** What a route needs: nothing, any caller, or every listed permission. */
export type RouteRequirement = 'public' | 'authenticated' | Permission | readonly Permission[];

/** Roles whose holders act on everyone's resources (object rules), not only their own. */
export const ALL_OBJECTS_ROLES = ['admin', 'manager'] as const;

/**
 * Whether the caller acts on everyone's uploads, schemas and webhook endpoints (object rules), not
 * only its own. The catalogue has no "all objects" codename yet, so this asks the role; every
 * feature calls this one helper so a future codename changes one place.
 */
export function actsOnAllObjects(auth: { readonly role: string }): boolean {
  return (ALL_OBJECTS_ROLES as readonly string[]).includes(auth.role);
}
