import { forbidden, unauthenticated } from '../../errors/index.js';
import { isAuthenticated, isPrivileged, type Principal } from '../../identity/index.js';
import type { RequestContext } from './context.js';

/** Any principal but anonymous. */
export function requireAuthenticated(context: RequestContext): Principal {
  if (!isAuthenticated(context.principal)) throw unauthenticated();
  return context.principal;
}

/** Admin users, operators and the system. */
export function requirePrivileged(context: RequestContext): Principal {
  const principal = requireAuthenticated(context);
  if (!isPrivileged(principal)) throw forbidden('This operation needs administrator rights');
  return principal;
}

/** Privileged principals, or the user whose id is among `ownerIds`. */
export function requireOwnerOrPrivileged(
  context: RequestContext,
  ownerIds: readonly (string | null | undefined)[],
  what = 'this object',
): Principal {
  const principal = requireAuthenticated(context);
  if (isPrivileged(principal)) return principal;
  if (principal.kind === 'user' && ownerIds.includes(principal.id)) return principal;
  throw forbidden(`You may not change ${what}`);
}

/** Whether the principal may see an object owned by `ownerIds` (privileged, or an owner). */
export function canSee(principal: Principal, ownerIds: readonly (string | null | undefined)[]): boolean {
  if (isPrivileged(principal) || principal.kind === 'service') return true;
  return principal.kind === 'user' && ownerIds.includes(principal.id);
}
