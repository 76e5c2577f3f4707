/**
 * The REST shims the composition root mounts: each legacy API's factory, enabled by its
 * `shims.<api>` configuration section. Each shim issue adds its entry here.
 */
import type { Config } from '../config/index.js';
import type { Shim, ShimDependencies } from './kit/index.js';
import { createAstakosShim } from './astakos/index.js';
import { createFosscloudShim } from './fosscloud/index.js';
import { createGlusterShim } from './gluster/index.js';
import { createLuksctlShim } from './luksctl/index.js';
import { createPvcShim } from './pvc/index.js';

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

const FACTORIES: readonly ShimFactory[] = [
  createAstakosShim,
  createFosscloudShim,
  createGlusterShim,
  createLuksctlShim,
  createPvcShim,
];

/** Every enabled shim, built around the given graph executor. */
export function buildShims(config: Config, dependencies: ShimDependencies): Shim[] {
  return FACTORIES.map((factory) => factory(config, dependencies)).filter(
    (shim): shim is Shim => shim !== null,
  );
}
