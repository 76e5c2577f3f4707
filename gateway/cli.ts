/**
 * The `cloudfed` command line: serve the graph, run split-mode pieces, import a datacenter,
 * regenerate the schema files. Every command reads the same configuration and opens the same
 * store as the server.
 */
import { existsSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig, type Config } from '../src/config/index.js';
import { breakingChanges, composeGraph, GENERATED_HEADER } from '../src/compose/index.js';
import { openBackends, type Backends } from '../src/drivers/index.js';
import { buildSubgraphs, inertSources, isSubgraphName, SUBGRAPH_NAMES } from '../src/subgraphs/index.js';
import { buildCloudfed, buildSplitGateway, buildSubgraphServer, type Cloudfed } from './index.js';
import { identityCommand } from './cli-identity.js';
import { glusterRestapiCommand } from './gluster-restapi.js';
import { createLogger } from './log.js';
import { prepareStore } from './setup.js';

const USAGE = `cloudfed — one GraphQL graph over a private cloud

Usage:
  cloudfed serve [--config FILE] [--port N] [--host ADDR]     everything on one port (default)
  cloudfed subgraph NAME [--port N] [--config FILE]           one subgraph as a Federation 2 service
                                                              (${SUBGRAPH_NAMES.join(', ')})
  cloudfed gateway --subgraph NAME=URL ... [--port N]         a gateway over remote subgraphs
  cloudfed import FILE [--config FILE]                        load a datacenter description (YAML/JSON)
  cloudfed compose [--check] [--out DIR]                      regenerate schema/*.graphql (--check: fail on drift)
  cloudfed users add|list|disable ...                         manage users (cloudfed users --help)
  cloudfed token issue|revoke ...                             user and component tokens (cloudfed token --help)

Environment: CLOUDFED_CONFIG, CLOUDFED_PORT, CLOUDFED_HOST, CLOUDFED_DB, CLOUDFED_DEMO, CLOUDFED_ADMIN_TOKEN.
`;

/** The repository (or installed package) root, found from this file's location. */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('package.json not found above the cloudfed CLI');
    dir = parent;
  }
  return dir;
}

export async function main(argv: string[]): Promise<number> {
  const [command = 'serve', ...rest] = argv;
  if (command === 'users' || command === 'token') return identityCommand(command, rest, packageRoot());
  if (command === 'gluster-restapi') return glusterRestapiCommand(rest);
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    options: {
      config: { type: 'string' },
      port: { type: 'string' },
      host: { type: 'string' },
      subgraph: { type: 'string', multiple: true },
      check: { type: 'boolean' },
      out: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help || command === 'help' || command === '--help' || command === '-h') {
    process.stdout.write(USAGE);
    return 0;
  }
  const overrides: Record<string, unknown> = {};
  if (values.port !== undefined) {
    if (!/^\d+$/.test(values.port)) throw new UsageError(`--port must be a number, got "${values.port}"`);
    overrides.server = { port: Number(values.port) };
  }
  if (values.host !== undefined) overrides.server = { ...(overrides.server as object), host: values.host };
  const config = () => loadConfig({ file: values.config, overrides: overrides as never });

  switch (command) {
    case 'serve': {
      const cfg = config();
      const backends = openBackends(cfg);
      const admin = await prepareStore(cfg, backends, packageRoot());
      const app = await buildCloudfed(cfg, { backends });
      return runUntilSignal(
        app,
        cfg,
        (url) => {
          const lines = [
            `cloudfed is serving on ${url}`,
            `  GraphQL:  ${url}/graphql`,
            `  GraphiQL: ${url}/graphiql`,
          ];
          for (const listener of app.shimListeners) lines.push(`  Legacy listener ${listener}`);
          if (admin.seeded) lines.push(`  Store ${cfg.store.path}: new, seeded with the demo datacenter`);
          if (admin.token) lines.push(`  Admin token (shown once, keep it): ${admin.token}`);
          return lines.join('\n');
        },
        backends,
      );
    }
    case 'subgraph': {
      const name = positionals[0];
      if (!name || !isSubgraphName(name))
        throw new UsageError(`subgraph needs one of: ${SUBGRAPH_NAMES.join(', ')}`);
      const cfg = config();
      const backends = openBackends(cfg);
      await prepareStore(cfg, backends, packageRoot());
      const app = await buildSubgraphServer(name, cfg, { backends });
      return runUntilSignal(app, cfg, (url) => `subgraph ${name} is serving on ${url}/graphql`, backends);
    }
    case 'gateway': {
      const urls: Record<string, string> = {};
      for (const pair of values.subgraph ?? []) {
        const match = /^([a-z]+)=(https?:\/\/.+)$/.exec(pair);
        if (!match || !isSubgraphName(match[1]!))
          throw new UsageError(
            `--subgraph takes NAME=URL with NAME one of ${SUBGRAPH_NAMES.join(', ')}, got "${pair}"`,
          );
        urls[match[1]!] = match[2]!;
      }
      const cfg = config();
      const all = { ...cfg.split.subgraphs, ...urls };
      const missing = SUBGRAPH_NAMES.filter((name) => !all[name]);
      if (missing.length)
        throw new UsageError(`gateway needs a URL for every subgraph; missing: ${missing.join(', ')}`);
      const backends = openBackends(cfg);
      const app = await buildSplitGateway(cfg, all, { backends });
      return runUntilSignal(
        app,
        cfg,
        (url) => `cloudfed gateway is serving on ${url}/graphql over ${Object.keys(all).length} subgraphs`,
        backends,
      );
    }
    case 'import': {
      const file = positionals[0];
      if (!file) throw new UsageError('import needs a file (YAML or JSON)');
      const cfg = config();
      const backends = openBackends(cfg);
      try {
        if (!backends.embedded)
          throw new UsageError(
            'import loads into the embedded store; no domain uses it in this configuration',
          );
        backends.embedded.importText(readFileSync(file, 'utf8'), file);
        process.stdout.write(`imported ${file} into ${cfg.store.path}\n`);
      } finally {
        backends.close();
      }
      return 0;
    }
    case 'compose':
      return compose(values.out ?? join(packageRoot(), 'schema'), values.check ?? false);
    default:
      throw new UsageError(`unknown command "${command}"`);
  }
}

function compose(outDir: string, check: boolean): number {
  const graph = composeGraph(buildSubgraphs(inertSources()));
  const files: Record<string, string> = {
    'supergraph.graphql': graph.supergraphSdl,
    'api.graphql': graph.apiSdl,
    ...Object.fromEntries(Object.entries(graph.subgraphSdl).map(([name, sdl]) => [`${name}.graphql`, sdl])),
  };
  let drift = 0;
  const apiPath = join(outDir, 'api.graphql');
  if (existsSync(apiPath)) {
    const previous = readFileSync(apiPath, 'utf8').replace(GENERATED_HEADER, '');
    for (const change of breakingChanges(previous, graph.apiSdl))
      process.stdout.write(`breaking change: ${change.description}\n`);
  }
  mkdirSync(outDir, { recursive: true });
  for (const [name, sdl] of Object.entries(files)) {
    const path = resolve(outDir, name);
    const text = `${GENERATED_HEADER}${sdl.trimEnd()}\n`;
    const current = existsSync(path) ? readFileSync(path, 'utf8') : undefined;
    if (current === text) continue;
    if (check) {
      drift++;
      process.stdout.write(`${path} is out of date; run npm run compose\n`);
    } else {
      writeFileSync(path, text);
      process.stdout.write(`wrote ${path}\n`);
    }
  }
  return drift > 0 ? 1 : 0;
}

function runUntilSignal(
  app: Cloudfed,
  config: Config,
  banner: (url: string) => string,
  backends: Backends,
): Promise<number> {
  const log = createLogger('cli');
  return app.listen(config.server.port, config.server.host).then(
    (url) => {
      process.stdout.write(`${banner(url)}\n`);
      return new Promise<number>((done) => {
        const stop = (signal: string) => {
          log.info('stopping', { signal });
          app.close().then(() => {
            backends.close();
            done(0);
          });
        };
        process.once('SIGINT', () => stop('SIGINT'));
        process.once('SIGTERM', () => stop('SIGTERM'));
      });
    },
    (error: NodeJS.ErrnoException) => {
      backends.close();
      if (error.code === 'EADDRINUSE')
        throw new UsageError(
          `port ${config.server.port} on ${config.server.host} is already in use (set --port or CLOUDFED_PORT)`,
        );
      throw error;
    },
  );
}

export class UsageError extends Error {
  override name = 'UsageError';
}

/** Runs the CLI and exits: usage and configuration mistakes print one clear line, never a stack. */
export function run(argv = process.argv.slice(2)): void {
  main(argv).then(
    (code) => process.exit(code),
    (error: unknown) => {
      if (
        error instanceof UsageError ||
        error instanceof ConfigError ||
        (error as Error)?.name === 'DatacenterImportError' ||
        (error as Error)?.name === 'CompositionError'
      ) {
        process.stderr.write(`cloudfed: ${(error as Error).message}\n`);
        if (error instanceof UsageError) process.stderr.write(`Run "cloudfed --help" for usage.\n`);
        process.exit(2);
      }
      if (
        (error as Error)?.name === 'TypeError' &&
        /parseArgs|Unknown option/i.test(String((error as Error).message))
      ) {
        process.stderr.write(`cloudfed: ${(error as Error).message}\n`);
        process.exit(2);
      }
      process.stderr.write(`cloudfed: ${(error as Error)?.stack ?? error}\n`);
      process.exit(1);
    },
  );
}
