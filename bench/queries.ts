/**
 * What the bench asks: the dashboard page (50 VMs) and the export (every VM), each with node,
 * volumes, networks and assigned users; and the part the vms subgraph answers alone (the direct
 * baseline: VM fields plus the keys of the references it holds).
 *
 * Requests are made distinct (dashboard pages start at different cursors, the export asks for
 * page sizes total, total+1, …): both gateways deduplicate identical in-flight subgraph queries,
 * which with ten clients repeating one request would measure the deduplication, not the gateway.
 */
import { buildSchema, parse, validate } from 'graphql';

export type Variables = Record<string, unknown>;

export interface Document {
  text: string;
  variables: Variables;
}

export interface Query {
  id: 'dashboard' | 'export';
  label: string;
  /** What the full-graph targets (single process, both gateways) get. */
  full: string;
  /** What the direct baseline (the vms subgraph alone) gets. */
  direct: string;
  /** Distinct variable sets, sent in turn; each answer has `expectedCount` VMs. */
  variants: Variables[];
  expectedCount: number;
}

const VM_FIELDS = 'id name state running vcpus memoryMiB';

export const FULL = `query Vms($first: Int!, $after: String) {
  virtualMachines(first: $first, after: $after) {
    totalCount
    nodes {
      ${VM_FIELDS}
      node { id name daemonState load }
      volumes { id name poolName sizeBytes }
      networks { id vni description type }
      assignedUsers { id displayName active }
    }
  }
}`;

export const DIRECT = `query Vms($first: Int!, $after: String) {
  virtualMachines(first: $first, after: $after) {
    totalCount
    nodes {
      ${VM_FIELDS}
      node { id }
      assignedUsers { id }
    }
  }
}`;

export const CURSORS = `query Cursors($first: Int!) { virtualMachines(first: $first) { edges { cursor } } }`;

const DASHBOARD = 50;
/** Distinct requests each query cycles through. */
const VARIANTS = 200;
/** Largest page the subgraphs serve (src/subgraphs/kit/connection.ts). */
const MAX_PAGE = 5000;

/** Both documents must validate against what they are sent to, before any process starts. */
export function checkDocuments(apiSdl: string, vmsSubgraphSdl: string): void {
  for (const [sdl, text, where] of [
    [apiSdl, FULL, 'the API schema'],
    [vmsSubgraphSdl, DIRECT, 'the vms subgraph'],
  ] as const) {
    const errors = validate(buildSchema(sdl, { assumeValidSDL: true }), parse(text));
    if (errors.length)
      throw new Error(
        `bench query does not validate against ${where}:\n${errors.map((e) => e.message).join('\n')}`,
      );
  }
}

export function buildQueries(total: number, cursors: readonly string[]): Query[] {
  const starts = Math.max(1, cursors.length - DASHBOARD + 1);
  const pages = Math.min(VARIANTS, starts);
  const dashboard = Array.from({ length: pages }, (_, i) => {
    const offset = Math.floor((i * starts) / pages);
    return { first: DASHBOARD, after: offset === 0 ? null : cursors[offset - 1]! };
  });
  const sizes = Math.max(1, Math.min(VARIANTS, MAX_PAGE - total + 1));
  const everything = Array.from({ length: sizes }, (_, i) => ({ first: total + i, after: null }));
  const references = 'node, volumes, networks, assignedUsers';
  return [
    {
      id: 'dashboard',
      label: `dashboard: ${DASHBOARD} VMs + ${references}`,
      full: FULL,
      direct: DIRECT,
      variants: dashboard,
      expectedCount: Math.min(DASHBOARD, total),
    },
    {
      id: 'export',
      label: `export: all ${total} VMs + ${references}`,
      full: FULL,
      direct: DIRECT,
      variants: everything,
      expectedCount: total,
    },
  ];
}

/**
 * Checks one answer: no errors, the right count, every reference resolved (every VM has a node,
 * a disk volume and a network; every generated VM an assigned user). Returns the VMs, to compare targets.
 */
export function checkAnswer(query: Query, direct: boolean, total: number, body: unknown): unknown[] {
  const { data, errors } = (body ?? {}) as { data?: any; errors?: unknown[] };
  if (errors?.length) throw new Error(`the answer has errors: ${JSON.stringify(errors).slice(0, 800)}`);
  const connection = data?.virtualMachines;
  const vms = connection?.nodes as Record<string, unknown>[] | undefined;
  if (!Array.isArray(vms)) throw new Error('no virtualMachines.nodes in the answer');
  if (connection.totalCount !== total)
    throw new Error(`totalCount ${connection.totalCount}, expected ${total}`);
  if (vms.length !== query.expectedCount)
    throw new Error(`${vms.length} VMs, expected ${query.expectedCount}`);
  const references = direct ? ['node', 'assignedUsers'] : ['node', 'volumes', 'networks', 'assignedUsers'];
  for (const vm of vms) {
    for (const field of references) {
      // Some demo VMs have nobody assigned; every generated one has its owner.
      if (field === 'assignedUsers' && !String(vm.name).startsWith('gen')) continue;
      const value = vm[field];
      if (value == null || (Array.isArray(value) && value.length === 0))
        throw new Error(`VM ${String(vm.name)} has no ${field}: references must resolve`);
    }
  }
  return vms;
}
