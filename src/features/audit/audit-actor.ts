/** Maps an authenticated caller (structurally: identity's AuthContext) to an audit actor. */
import type { AuditActor } from './audit.service.js';

interface CallerLike {
  readonly userId: string;
  readonly tokenId: string;
  readonly method?: string;
  readonly kind?: string;
}

/** A service account is `service`; a user calling with an API token is `token`; else `user`. */
export function actorOf(caller: CallerLike | null | undefined): AuditActor {
  if (!caller) return { userId: null, kind: 'anonymous' };
  const viaToken = caller.method === 'api_token';
  return {
    userId: caller.userId,
    tokenId: viaToken ? caller.tokenId : null,
    kind: caller.kind === 'service' ? 'service' : viaToken ? 'token' : 'user',
  };
}
