import { randomUUID } from 'node:crypto';
import type { Principal } from '../../identity/index.js';

/**
 * What every resolver receives. The same shape serves the single-process merged schema and a
 * split subgraph server, so resolvers cannot tell the two apart.
 */
export interface RequestContext {
  principal: Principal;
  requestId: string;
  /** Per-request memo (loaders, entity caches), keyed by the owner's own symbol. */
  scope: Map<symbol, unknown>;
}

export function createRequestContext(principal: Principal, requestId: string = randomUUID()): RequestContext {
  return { principal, requestId, scope: new Map() };
}

/** The per-request instance stored under `key`, created on first use. */
export function scoped<T>(context: RequestContext, key: symbol, create: () => T): T {
  let value = context.scope.get(key) as T | undefined;
  if (value === undefined) {
    value = create();
    context.scope.set(key, value);
  }
  return value;
}
