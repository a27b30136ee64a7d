/**
 * The permission catalogue: Django-style codenames per resource (`view_upload`, `add_upload`,
 * `change_upload`, `delete_upload`, …), app-level ones (`ai.use`, `audit.view`, `admin.access`)
 * and the object-scope ones (`upload.all`, `schema.all`, `webhook.all`). Roles, grants and
 * API-token scopes may only name codenames listed here.
 */
export const RESOURCES = ['upload', 'schema', 'webhook', 'user', 'apitoken'] as const;
export const ACTIONS = ['view', 'add', 'change', 'delete'] as const;
export const APP_PERMISSIONS = ['ai.use', 'audit.view', 'admin.access'] as const;
/** Resources with owners, whose object rules an `<r>.all` codename widens to everyone's objects. */
export const OWNED_RESOURCES = ['upload', 'schema', 'webhook'] as const;

export type Resource = (typeof RESOURCES)[number];
export type Action = (typeof ACTIONS)[number];
export type OwnedResource = (typeof OWNED_RESOURCES)[number];
/** `<r>.all`: the per-action permissions the caller holds on `r` apply to everyone's objects. */
export type AllObjectsPermission = `${OwnedResource}.all`;
export type Permission = `${Action}_${Resource}` | (typeof APP_PERMISSIONS)[number] | AllObjectsPermission;

export const ALL_OBJECTS_PERMISSIONS: readonly AllObjectsPermission[] = Object.freeze(
  OWNED_RESOURCES.map((r) => `${r}.all` as const),
);

export const ALL_PERMISSIONS: readonly Permission[] = Object.freeze([
  ...RESOURCES.flatMap((r) => ACTIONS.map((a) => `${a}_${r}` as Permission)),
  ...APP_PERMISSIONS,
  ...ALL_OBJECTS_PERMISSIONS,
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

/**
 * Whether the caller acts on everyone's objects of `resource` (object rules), not only its own and
 * those shared with it: it holds `<resource>.all` among its effective permissions (role ∪ grants,
 * ∩ an API token's scopes), which the route check fills in before any protected handler runs.
 * Without them (a caller that never passed a route check) the answer is no: own objects only.
 */
export function actsOnAllObjects(
  auth: { readonly permissions?: ReadonlySet<string> },
  resource: OwnedResource,
): boolean {
  return auth.permissions?.has(`${resource}.all`) === true;
}
