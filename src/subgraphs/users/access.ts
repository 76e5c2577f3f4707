import { forbidden } from '../../errors/index.js';
import { isPrivileged, type Principal } from '../../identity/index.js';
import { requireAuthenticated, type RequestContext } from '../kit/index.js';

/** Privileged principals and registered components (services) may read every user. */
export function seesEveryone(principal: Principal): boolean {
  return isPrivileged(principal) || principal.kind === 'service';
}

/** Privileged principals or services; users are FORBIDDEN. */
export function requireDirectoryReader(context: RequestContext, what: string): Principal {
  const principal = requireAuthenticated(context);
  if (!seesEveryone(principal)) throw forbidden(`Only administrators and services may ${what}`);
  return principal;
}

/** Whether the principal may see private details (token times) of this user. */
export function seesPrivate(principal: Principal, userId: string): boolean {
  return seesEveryone(principal) || (principal.kind === 'user' && principal.id === userId);
}
