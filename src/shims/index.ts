/**
 * The REST shims the composition root mounts: each legacy API's factory, enabled by its
 * `shims.<api>` configuration section. Each shim issue adds its entry here.
 */
import type { Config } from '../config/index.js';
import type { Shim, ShimDependencies } from './kit/index.js';
import { pvcShimFactory } from './pvc/index.js';

export type {
  Caller,
  GraphExecutor,
  GraphFailure,
  GraphResult,
  Shim,
  ShimDependencies,
  ShimListener,
  ShimLogger,
} from './kit/index.js';
export { toGraphFailures } from './kit/index.js';

type ShimFactory = (config: Config, dependencies: ShimDependencies) => Shim | null;

const FACTORIES: readonly ShimFactory[] = [pvcShimFactory];

/** Every enabled shim, built around the given graph executor. */
export function buildShims(config: Config, dependencies: ShimDependencies): Shim[] {
  return FACTORIES.map((factory) => factory(config, dependencies)).filter(
    (shim): shim is Shim => shim !== null,
  );
}
