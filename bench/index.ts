/**
 * `npm run bench`: requests/s and p50/p99 latency of the dashboard query (50 VMs with their node,
 * volumes, networks and assigned users) and the 1,000-VM export, side by side in one run on
 * loopback, through single-process cloudfed, split mode with our gateway, Hive Gateway over the
 * same subgraph processes, and the vms subgraph alone (the direct baseline). Every server is its
 * own process of the compiled build over one SQLite file. Numbers are printed (and written to
 * bench/results.md), never asserted. Knobs: bench/README.md.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { composeGraph } from '../src/compose/index.js';
import { parseConfig } from '../src/config/index.js';
import { openBackends } from '../src/drivers/index.js';
import { newToken, signPrincipal, type Principal } from '../src/identity/index.js';
import { createAuthenticator } from '../src/subgraphs/users/index.js';
import { buildSubgraphs, inertSources, SUBGRAPH_NAMES, type SubgraphName } from '../src/subgraphs/index.js';
import { grownDatacenter } from '../test/support/datacenter.js';
import { ask, measure, type LoadOptions } from './load.js';
import { cpuSeconds, runNode, startServer, stopAll, stopOnSignals, type Server } from './procs.js';
import { benchPvc, renderPvcFigures } from './pvc.js';
import { buildQueries, checkAnswer, checkDocuments, CURSORS, type Query } from './queries.js';
import { renderMarkdown, renderText, TARGET_LABELS, type Row, type TargetId } from './report.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
/** The demo's own VMs; the bench adds generated ones up to BENCH_VMS. */
const DEMO_VMS = 10;
const ALL_TARGETS: TargetId[] = ['single', 'split', 'hive', 'direct'];
/** The V8 flags `npm start` gives the server (package.json), so the bench measures what users run. */
const SERVER_NODE_FLAGS = (
  JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).scripts.start.match(/--[\w-]+=\S+/g) ?? []
).join(' ');

interface Settings {
  load: LoadOptions;
  vms: number;
  targets: TargetId[];
  keep: boolean;
  identical: boolean;
}

function settings(env = process.env): Settings {
  const int = (name: string, fallback: number, min: number) => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    if (!/^\d+$/.test(raw) || Number(raw) < min)
      throw new Error(`${name} must be a whole number ≥ ${min}, got "${raw}"`);
    return Number(raw);
  };
  const targets = env.BENCH_TARGETS
    ? env.BENCH_TARGETS.split(',').map((target) => target.trim())
    : ALL_TARGETS;
  const unknown = targets.filter((target) => !ALL_TARGETS.includes(target as TargetId));
  if (unknown.length)
    throw new Error(`BENCH_TARGETS: unknown ${unknown.join(', ')}; known: ${ALL_TARGETS.join(', ')}`);
  return {
    load: {
      duration: int('BENCH_DURATION', 8, 1),
      warmup: int('BENCH_WARMUP', 2, 0),
      connections: int('BENCH_CONNECTIONS', 10, 1),
    },
    vms: int('BENCH_VMS', 1000, DEMO_VMS + 50),
    targets: ALL_TARGETS.filter((target) => targets.includes(target)),
    keep: env.BENCH_KEEP === '1',
    identical: env.BENCH_IDENTICAL === '1',
  };
}

interface Target {
  id: TargetId;
  url: string;
  /** Every process that serves the target's requests (a gateway with its subgraphs). */
  processes: Server[];
  headers: () => Record<string, string>;
  text: (query: Query) => string;
}

async function main(): Promise<number> {
  const config = settings();
  const log = (line: string) => process.stderr.write(`bench: ${line}\n`);
  const graph = composeGraph(buildSubgraphs(inertSources()));
  checkDocuments(graph.apiSdl, graph.subgraphSdl.vms!);

  // Every target runs what `npm start` runs: the compiled build.
  log('building (tsc) …');
  execFileSync('npm', ['run', '--silent', 'build'], { cwd: ROOT, stdio: 'inherit' });
  const cli = [join(ROOT, 'bin', 'cloudfed.js')];

  const work = mkdtempSync(join(tmpdir(), 'cloudfed-bench-'));
  const cleanup = async () => {
    await stopAll();
    if (!config.keep) rmSync(work, { recursive: true, force: true });
  };
  stopOnSignals(cleanup);
  try {
    const adminToken = newToken();
    const secret = newToken() + newToken();
    const configFile = join(work, 'cloudfed.yaml');
    // The bench signs principal headers itself for Hive Gateway and the direct target, once per row.
    const pvcToken = newToken();
    writeFileSync(
      configFile,
      `split:\n  maxSkewSeconds: 3600\nshims:\n  pvc:\n    auth:\n      tokens:\n        - { description: bench, token: ${pvcToken} }\n`,
    );
    const env: NodeJS.ProcessEnv = {
      ...Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('CLOUDFED_'))),
      NODE_ENV: 'production',
      // What `npm start` gives the server (a young generation that fits a large answer's garbage;
      // about a third less CPU per 1,000-VM export), given to every process, Hive Gateway's too.
      NODE_OPTIONS: [process.env.NODE_OPTIONS, SERVER_NODE_FLAGS].filter(Boolean).join(' '),
      CLOUDFED_CONFIG: configFile,
      CLOUDFED_DB: join(work, 'cloudfed.db'),
      CLOUDFED_DEMO: '0',
      CLOUDFED_ADMIN_TOKEN: adminToken,
      CLOUDFED_SPLIT_SECRET: secret,
      CLOUDFED_HOST: '127.0.0.1',
      CLOUDFED_PORT: '0',
    };
    const description = join(work, 'datacenter.yaml');
    writeFileSync(description, grownDatacenter(config.vms - DEMO_VMS));
    await runNode([...cli, 'import', description], env, ROOT);
    log(`store ${env.CLOUDFED_DB}: the demo datacenter grown to ${config.vms} VMs`);

    const want = (target: TargetId) => config.targets.includes(target);
    const servers: Partial<Record<TargetId, Server>> = {};
    // The first start creates the admin with the configured token; the others then only read.
    const start = (name: string, args: string[]) => startServer({ name, args, env, cwd: ROOT });
    const subgraphs: Partial<Record<SubgraphName, Server>> = {};
    subgraphs.vms = await start('cloudfed subgraph vms', [...cli, 'subgraph', 'vms']);
    if (want('single')) servers.single = await start('cloudfed serve', [...cli, 'serve']);
    if (want('split') || want('hive')) {
      await Promise.all(
        SUBGRAPH_NAMES.filter((name) => name !== 'vms').map(async (name) => {
          subgraphs[name] = await start(`cloudfed subgraph ${name}`, [...cli, 'subgraph', name]);
        }),
      );
    }
    const urls = Object.fromEntries(
      Object.entries(subgraphs).map(([name, server]) => [name, `${server.url}/graphql`]),
    );
    if (want('split')) {
      const pairs = Object.entries(urls).flatMap(([name, url]) => ['--subgraph', `${name}=${url}`]);
      servers.split = await start('cloudfed gateway', [...cli, 'gateway', ...pairs]);
    }
    if (want('hive')) {
      const supergraphFile = join(work, 'supergraph.graphql');
      writeFileSync(supergraphFile, composeGraph(buildSubgraphs(inertSources()), urls).supergraphSdl);
      servers.hive = await start('Hive Gateway', [
        '--import',
        'tsx',
        join(ROOT, 'bench', 'hive-gateway.ts'),
        supergraphFile,
      ]);
    }
    if (want('direct')) servers.direct = subgraphs.vms;

    const bearer = () => ({ authorization: `Bearer ${adminToken}` });
    // Hive Gateway and the direct target forward what our gateway would sign after authenticating
    // the bearer token: the admin user's principal, so the subgraphs do the same work in every row.
    const adminPrincipal = await principalOf(adminToken, env.CLOUDFED_DB!);
    const signed = () => ({ 'x-cloudfed-principal': signPrincipal(adminPrincipal, secret) });
    const cursorsAnswer = (await ask(
      `${subgraphs.vms.url}/graphql`,
      { text: CURSORS, variables: { first: config.vms } },
      signed(),
    )) as {
      data: { virtualMachines: { edges: { cursor: string }[] } };
    };
    const cursors = cursorsAnswer.data.virtualMachines.edges.map((edge) => edge.cursor);
    const queries = buildQueries(config.vms, cursors);
    const subgraphProcesses = Object.values(subgraphs);
    const targets: Target[] = config.targets.map((id) => ({
      id,
      url: `${servers[id]!.url}/graphql`,
      processes: id === 'split' || id === 'hive' ? [servers[id]!, ...subgraphProcesses] : [servers[id]!],
      // Our gateways authenticate the admin's token as any client's; Hive Gateway forwards the signed principal.
      headers: id === 'single' || id === 'split' ? bearer : signed,
      text: (query) => (id === 'direct' ? query.direct : query.full),
    }));

    const rows: Row[] = [];
    const notes: string[] = [];
    for (const query of queries) {
      const answers = new Map<TargetId, unknown[]>();
      for (const target of targets) answers.set(target.id, await verified(query, target, config.vms));
      notes.push(...compareAnswers(query, answers));
      // Every target warms up before any is measured: the gateway rows share the subgraph
      // processes, and the row measured first would otherwise meet colder subgraphs.
      if (config.load.warmup > 0) {
        log(`${query.id}: warming every target up (${config.load.warmup} s each) …`);
        const variants = config.identical ? query.variants.slice(0, 1) : query.variants;
        for (const target of targets)
          await measure(target.url, target.text(query), variants, target.headers, {
            ...config.load,
            warmup: 0,
            duration: config.load.warmup,
          });
      }
      for (const target of targets) {
        log(`${query.id}: ${TARGET_LABELS[target.id]} …`);
        const variants = config.identical ? query.variants.slice(0, 1) : query.variants;
        const measurement = await measure(
          target.url,
          target.text(query),
          variants,
          target.headers,
          config.load,
          () => cpuSeconds(target.processes),
        );
        rows.push({ query: query.label, target: target.id, measurement });
        log(
          `  ${measurement.rps.toFixed(1)} req/s, p50 ${measurement.p50} ms, p99 ${measurement.p99} ms, ` +
            `${measurement.cpuMsPerRequest.toFixed(1)} CPU ms/request`,
        );
        await verified(query, target, config.vms);
      }
    }

    // The PVC shim beside the GraphQL query it runs, on the single-process server (issue #3's target).
    let pvcLines: string[] = [];
    let pvcFailures = 0;
    if (servers.single) {
      log('PVC GET /api/v1/vm beside the same GraphQL query …');
      const pvc = await benchPvc({
        url: servers.single.url,
        token: pvcToken,
        graphqlToken: adminToken,
        durationSeconds: config.load.duration,
        connections: config.load.connections,
      });
      pvcFailures = pvc.shim.errors + pvc.shim.non2xx + pvc.graphql.errors + pvc.graphql.non2xx;
      pvcLines = [`PVC shim over ${config.vms} VMs, single-process:`, ...renderPvcFigures(pvc)];
    }

    const context = [
      `loopback, ${availableParallelism()} CPUs, Node ${process.version}, compiled build, NODE_ENV=production; ` +
        `autocannon ${config.load.connections} connections, ${config.load.warmup} s warm-up + ${config.load.duration} s measured per row; every server its own process`,
      `data: the demo datacenter grown to ${config.vms} VMs (every VM with a node, an RBD volume, a network and an assigned user)`,
      config.identical
        ? 'BENCH_IDENTICAL=1: one request repeated, so the gateways may merge identical in-flight subgraph requests'
        : `requests differ (dashboard: ${queries[0]!.variants.length} pages; export: ${queries[1]!.variants.length} page sizes ≥ the total), so no gateway can merge identical in-flight subgraph requests`,
    ];
    process.stdout.write(`\n${context.join('\n')}\n\n${renderText(rows, TARGET_LABELS)}\n`);
    if (pvcLines.length) process.stdout.write(`\n${pvcLines.join('\n')}\n`);
    for (const note of notes) process.stdout.write(`note: ${note}\n`);
    const title = `cloudfed bench — ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC`;
    writeFileSync(
      join(ROOT, 'bench', 'results.md'),
      renderMarkdown(rows, TARGET_LABELS, { title, notes: [...context, ...notes] }) +
        (pvcLines.length ? `\n${pvcLines[0]}\n\n\`\`\`\n${pvcLines.slice(1).join('\n')}\n\`\`\`\n` : ''),
    );
    process.stdout.write(
      `\nwritten to bench/results.md${config.keep ? `; store and files kept in ${work}` : ''}\n`,
    );
    const failed = rows.filter((row) => row.measurement.failures > 0);
    if (pvcFailures) {
      process.stderr.write(`bench: ${pvcFailures} PVC shim request(s) failed; its numbers are not valid\n`);
      return 1;
    }
    if (failed.length) {
      process.stderr.write(
        `bench: ${failed.length} measurement(s) had failed requests; their numbers are not valid\n`,
      );
      return 1;
    }
    return notes.length ? 1 : 0;
  } finally {
    await cleanup();
  }
}

/** Checks a target's answers to the first and the last variant; returns the first answer's VMs. */
async function verified(query: Query, target: Target, total: number): Promise<unknown[]> {
  try {
    const [first] = await Promise.all(
      [query.variants[0]!, query.variants.at(-1)!].map(async (variables) =>
        checkAnswer(
          query,
          target.id === 'direct',
          total,
          await ask(target.url, { text: target.text(query), variables }, target.headers()),
        ),
      ),
    );
    return first!;
  } catch (error) {
    throw new Error(`${TARGET_LABELS[target.id]} answers ${query.id} wrongly: ${(error as Error).message}`);
  }
}

/** The full-graph targets must give the same answer, item for item. */
function compareAnswers(query: Query, answers: Map<TargetId, unknown[]>): string[] {
  const referenceId = answers.has('single') ? 'single' : 'split';
  const reference = answers.get(referenceId);
  if (!reference) return [];
  return (['split', 'hive'] as const)
    .filter((id) => id !== referenceId && answers.has(id))
    .flatMap((id) => {
      const got = answers.get(id)!;
      const index = got.findIndex((item, i) => JSON.stringify(item) !== JSON.stringify(reference[i]));
      return index < 0
        ? []
        : [
            `${query.id}: ${TARGET_LABELS[id]} answers differently from ${TARGET_LABELS[referenceId]} at VM ${index}: ` +
              `${JSON.stringify(got[index]).slice(0, 300)} vs ${JSON.stringify(reference[index]).slice(0, 300)}`,
          ];
    });
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`bench: ${(error as Error)?.message ?? error}\n`);
    process.exit(1);
  },
);

/** The principal our gateway authenticates `token` as, read from the store at `dbPath`. */
async function principalOf(token: string, dbPath: string): Promise<Principal> {
  const backends = openBackends(parseConfig({ store: { path: dbPath, demo: false } }));
  try {
    const principal = await createAuthenticator(backends.sources.users.users).authenticateToken(token);
    if (!principal) throw new Error('bench: the admin token does not authenticate');
    return principal;
  } finally {
    backends.close();
  }
}
