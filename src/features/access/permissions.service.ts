/**
 * Effective permissions: the role's codenames ∪ the user's grants, narrowed to an API token's
 * scopes. Roles (a handful of rows) and each user's grants are cached in process and dropped on a
 * `deps.kv` message when an admin changes them, so the steady state costs no query per request.
 */
import type { Deps } from '../../deps.js';
import type { AuthContext } from '../identity/index.js';
import * as repo from './access.repository.js';

const CHANNEL = 'access:changed';
/** Bound on staleness if an invalidation is lost (e.g. a Redis reconnect). */
const TTL_MS = 60_000;
const MAX_USERS = 50_000;

export interface PermissionResolver {
  /** The caller's effective permissions (role ∪ grants, ∩ token scopes). */
  effective(auth: AuthContext): Promise<ReadonlySet<string>>;
  /**
   * `effective` from the caches alone, without waiting: undefined when it would need a query (or
   * before the invalidation subscription is up). For the hot path of every protected request.
   */
  cachedEffective(auth: AuthContext): ReadonlySet<string> | undefined;
  /** A user's permissions before any token narrowing (role ∪ grants). */
  ofUser(userId: string, role: string): Promise<ReadonlySet<string>>;
  rolePermissions(role: string): Promise<ReadonlySet<string>>;
  /** A user's extra grants (cached like the rest). */
  grantsOf(userId: string): Promise<ReadonlySet<string>>;
  /** Tell every process that role definitions changed. */
  rolesChanged(): Promise<void>;
  /** Tell every process that a user's grants changed. */
  grantsChanged(userId: string): Promise<void>;
}

export function createPermissionResolver(deps: Pick<Deps, 'db' | 'kv'>): PermissionResolver {
  let roles: { map: Map<string, ReadonlySet<string>>; until: number } | null = null;
  const grants = new Map<string, { set: ReadonlySet<string>; until: number }>();
  // Bumped on each invalidation so a load that raced with one is not cached (it may predate it).
  let epoch = 0;
  let subscription: Promise<void> | null = null;
  let subscribed = false;

  function onMessage(message: string): void {
    epoch += 1;
    if (message === 'roles') roles = null;
    else if (message.startsWith('grants:')) grants.delete(message.slice('grants:'.length));
  }

  function subscribe(): Promise<void> {
    subscription ??= deps.kv.subscribe(CHANNEL, onMessage).then(() => {
      subscribed = true;
    });
    return subscription;
  }

  async function roleMap(): Promise<Map<string, ReadonlySet<string>>> {
    await subscribe();
    if (roles && roles.until > Date.now()) return roles.map;
    const startedAt = epoch;
    const rows = await repo.listRoles(deps.db);
    const map = new Map(rows.map((r) => [r.name, new Set(r.permissions) as ReadonlySet<string>]));
    if (epoch === startedAt) roles = { map, until: Date.now() + TTL_MS };
    return map;
  }

  async function userGrants(userId: string): Promise<ReadonlySet<string>> {
    await subscribe();
    const hit = grants.get(userId);
    if (hit && hit.until > Date.now()) return hit.set;
    const startedAt = epoch;
    const set: ReadonlySet<string> = new Set(await repo.listGrants(deps.db, userId));
    if (epoch === startedAt) {
      if (grants.size >= MAX_USERS) grants.delete(grants.keys().next().value as string);
      grants.set(userId, { set, until: Date.now() + TTL_MS });
    }
    return set;
  }

  async function publish(message: string): Promise<void> {
    await subscribe();
    onMessage(message);
    await deps.kv.publish(CHANNEL, message);
  }

  function combine(base: ReadonlySet<string> | undefined, extra: ReadonlySet<string>): ReadonlySet<string> {
    if (extra.size === 0) return base ?? new Set();
    return new Set([...(base ?? []), ...extra]);
  }

  async function ofUser(userId: string, role: string): Promise<ReadonlySet<string>> {
    const [map, extra] = await Promise.all([roleMap(), userGrants(userId)]);
    return combine(map.get(role), extra);
  }

  function narrow(auth: AuthContext, own: ReadonlySet<string>): ReadonlySet<string> {
    if (!auth.scopes) return own;
    return new Set(auth.scopes.filter((s) => own.has(s)));
  }

  return {
    ofUser,
    async effective(auth) {
      return narrow(auth, await ofUser(auth.userId, auth.role));
    },
    cachedEffective(auth) {
      if (!subscribed) return undefined;
      const now = Date.now();
      const extra = grants.get(auth.userId);
      if (roles === null || roles.until <= now || extra === undefined || extra.until <= now) return undefined;
      return narrow(auth, combine(roles.map.get(auth.role), extra.set));
    },
    async rolePermissions(role) {
      return (await roleMap()).get(role) ?? new Set();
    },
    grantsOf: userGrants,
    rolesChanged: () => publish('roles'),
    grantsChanged: (userId) => publish(`grants:${userId}`),
  };
}
