/**
 * PVC shim benchmark: `GET /api/v1/vm` over 1,000 VMs beside the equivalent GraphQL query (the
 * shim's own `PvcVms` document, so the same fields) POSTed to `/graphql`, in one run.
 *
 *   npx tsx bench/pvc.ts [--duration 10] [--connections 10]
 *
 * Run directly, it builds a cloudfed server in-process (the demo datacenter grown to 1,000 VMs, as
 * `npm run bench` uses, and a configured PVC token) and prints requests/s, p50 and p99 of both and
 * the shim's cost relative to GraphQL (target: at most 10% slower). `benchPvc` measures any
 * running server.
 */
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { print } from 'graphql';
import { grownDatacenter } from '../test/support/datacenter.js';
import { parseConfig } from '../src/config/index.js';
import { openBackends } from '../src/drivers/index.js';
import { buildCloudfed } from '../gateway/index.js';
import { memoryLogger } from '../gateway/log.js';
import { prepareStore } from '../gateway/setup.js';
import { PvcVmsDocument } from '../src/shims/__generated__/graphql.js';

export interface Figures {
  requestsPerSecond: number;
  p50: number;
  p99: number;
  errors: number;
  non2xx: number;
}

export interface PvcBenchFigures {
  shim: Figures;
  graphql: Figures;
  /** Shim throughput cost: 1 − shim req/s ÷ GraphQL req/s (0.05 = 5% slower). */
  throughputCost: number;
  /** Shim p50 ÷ GraphQL p50. */
  latencyRatio: number;
}

export interface PvcBenchOptions {
  /** Base URL of a cloudfed server (`http://127.0.0.1:4000`). */
  url: string;
  /** A configured PVC token (`shims.pvc.auth.tokens`); also sent as the GraphQL bearer token. */
  token: string;
  durationSeconds: number;
  /** GraphQL bearer token when it differs from the PVC token. */
  graphqlToken?: string;
  connections?: number;
}

/** The variables the shim sends for an unfiltered `GET /api/v1/vm`. */
const VARIABLES = {
  filter: {
    idMatches: null,
    nameMatches: null,
    anyPattern: true,
    nodes: null,
    stateNames: null,
    nodeOrState: true,
    states: null,
    types: null,
  },
  first: 5000,
  after: null,
};

async function run(options: autocannon.Options): Promise<Figures> {
  const result = await autocannon(options);
  return {
    requestsPerSecond: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
  };
}

/** Means of the rounds (latencies: mean of the rounds' percentiles). */
function combine(runs: readonly Figures[]): Figures {
  const mean = (pick: (figures: Figures) => number) =>
    runs.reduce((sum, figures) => sum + pick(figures), 0) / runs.length;
  return {
    requestsPerSecond: mean((figures) => figures.requestsPerSecond),
    p50: Math.round(mean((figures) => figures.p50)),
    p99: Math.round(mean((figures) => figures.p99)),
    errors: runs.reduce((sum, figures) => sum + figures.errors, 0),
    non2xx: runs.reduce((sum, figures) => sum + figures.non2xx, 0),
  };
}

/** Waits until requests cut off by the previous phase have drained (a health check answers fast). */
async function settle(url: string): Promise<void> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const started = performance.now();
    await fetch(`${url}/healthz`).then((response) => response.arrayBuffer());
    if (performance.now() - started < 20) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export async function benchPvc(options: PvcBenchOptions): Promise<PvcBenchFigures> {
  const connections = options.connections ?? 10;
  const shimOptions: autocannon.Options = {
    url: `${options.url}/api/v1/vm?token=${encodeURIComponent(options.token)}`,
    method: 'GET',
    connections,
    duration: options.durationSeconds,
  };
  const graphqlOptions: autocannon.Options = {
    url: `${options.url}/graphql`,
    method: 'POST',
    connections,
    duration: options.durationSeconds,
    headers: {
      'content-type': 'application/json',
      authorization: `Bearer ${options.graphqlToken ?? options.token}`,
    },
    body: JSON.stringify({ query: print(PvcVmsDocument), variables: VARIABLES }),
  };
  // Warm both paths (JIT, caches), then alternate them in rounds so that load from elsewhere on
  // the machine hits both alike; let the server drain in-flight requests between phases.
  await run({ ...shimOptions, duration: 2 });
  await settle(options.url);
  await run({ ...graphqlOptions, duration: 2 });
  const rounds = Math.max(1, Math.min(3, Math.floor(options.durationSeconds / 2)));
  const duration = Math.max(1, Math.round(options.durationSeconds / rounds));
  const shimRuns: Figures[] = [];
  const graphqlRuns: Figures[] = [];
  for (let round = 0; round < rounds; round++) {
    await settle(options.url);
    shimRuns.push(await run({ ...shimOptions, duration }));
    await settle(options.url);
    graphqlRuns.push(await run({ ...graphqlOptions, duration }));
  }
  const shim = combine(shimRuns);
  const graphql = combine(graphqlRuns);
  return {
    shim,
    graphql,
    throughputCost: 1 - shim.requestsPerSecond / graphql.requestsPerSecond,
    latencyRatio: shim.p50 / graphql.p50,
  };
}

/** The comparison as printed lines (for `npm run bench` and this script). */
export function renderPvcFigures(figures: PvcBenchFigures): string[] {
  return [
    formatFigures('PVC GET /api/v1/vm', figures.shim),
    formatFigures('GraphQL POST /graphql', figures.graphql),
    `shim/GraphQL: throughput ${(figures.shim.requestsPerSecond / figures.graphql.requestsPerSecond).toFixed(3)} ` +
      `(cost ${(figures.throughputCost * 100).toFixed(1)}%), p50 ${figures.latencyRatio.toFixed(3)}; target: cost ≤ 10%`,
  ];
}

function formatFigures(label: string, figures: Figures): string {
  return `${label.padEnd(22)} ${figures.requestsPerSecond.toFixed(1).padStart(9)} req/s   p50 ${String(figures.p50).padStart(4)} ms   p99 ${String(figures.p99).padStart(4)} ms   errors ${figures.errors}   non-2xx ${figures.non2xx}`;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const flag = (name: string, fallback: number) => {
    const at = args.indexOf(`--${name}`);
    return at >= 0 ? Number(args[at + 1]) : fallback;
  };
  const durationSeconds = flag('duration', 10);
  const connections = flag('connections', 10);
  const token = 'bench-pvc-token-0123456789abcdef';
  const adminToken = 'bench-admin-token-0123456789abcdef';
  const config = parseConfig({
    store: { path: ':memory:', demo: false },
    identity: { adminToken },
    shims: { pvc: { auth: { tokens: [{ description: 'bench', token }] } } },
  });
  const backends = openBackends(config);
  // The demo datacenter grown to 1,000 VMs, as `npm run bench` uses.
  backends.embedded!.importText(grownDatacenter(990), 'bench datacenter');
  await prepareStore(config, backends, process.cwd());
  const app = await buildCloudfed(config, { backends, log: memoryLogger() });
  const url = await app.listen(0, '127.0.0.1');
  try {
    const check = await fetch(`${url}/api/v1/vm?token=${token}`);
    const listed = (await check.json()) as unknown[];
    console.log(`GET /api/v1/vm: ${check.status}, ${listed.length} VMs`);
    const figures = await benchPvc({ url, token, graphqlToken: adminToken, durationSeconds, connections });
    console.log(`\n${durationSeconds} s each, ${connections} connections, 1,000 VMs\n`);
    for (const line of renderPvcFigures(figures)) console.log(line);
  } finally {
    await app.close();
    backends.close();
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  await main();
}
