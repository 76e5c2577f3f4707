/**
 * The Astakos 0.14 API shim (compat/astakos.md): identity for Synnefo clients (kamaki,
 * astakosclient, the cloud bar) on the main server under `shims.astakos.basePath`. No historical
 * listener: Astakos ran behind the site's web server.
 */
import type { Config } from '../../config/index.js';
import type { Shim, ShimDependencies } from '../kit/index.js';
import { AstakosRoutes } from './routes.js';

export function createAstakosShim(config: Config, dependencies: ShimDependencies): Shim | null {
  const settings = config.shims.astakos;
  if (!settings.enabled) return null;
  const routes = new AstakosRoutes(settings, dependencies.graph, dependencies.log);
  return {
    name: 'astakos',
    prefixes: routes.prefixes(),
    handle: (request, response) => routes.handle(request, response),
  };
}
