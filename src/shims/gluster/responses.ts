/**
 * Pure renderers of the Gluster REST API's answers (compat/gluster-rest.md §5, §7): the three
 * envelopes in the original's key orders, Python `json.dumps` layout, and the data objects.
 */
import type { ShimResponse } from '../kit/index.js';
import type {
  GlusterRestRebalanceQuery,
  GlusterRestVolumeFragment,
  GlusterRestVolumeStatusFragment,
} from '../__generated__/graphql.js';
import { pyDumps, type Writable } from './pyjson.js';

export const JSON_TYPE = 'application/json; charset=utf-8';

const REASONS: Record<number, string> = {
  200: 'OK',
  201: 'CREATED',
  302: 'FOUND',
  400: 'BAD REQUEST',
  401: 'UNAUTHORIZED',
  404: 'NOT FOUND',
  405: 'METHOD NOT ALLOWED',
  413: 'REQUEST ENTITY TOO LARGE',
  500: 'INTERNAL SERVER ERROR',
  501: 'NOT IMPLEMENTED',
};

/** The reason phrase the original (Werkzeug) sent with a status. */
export function reasonPhrase(status: number): string | undefined {
  return REASONS[status];
}

function json(status: number, body: Writable, headers: Record<string, string> = {}): ShimResponse {
  return { status, headers: { 'content-type': JSON_TYPE, ...headers }, body: pyDumps(body) };
}

/** `{"output": …, "errno": 0, "error": ""}`. */
export function success(output: Writable, status = 200): ShimResponse {
  return json(status, { output, errno: 0, error: '' });
}

/** A failed management command: 500 `{"output": "", "errno": <exit status>, "error": "<stderr>"}`. */
export function commandFailure(errno: number, error: string): ShimResponse {
  return json(500, { output: '', errno, error });
}

/** `{"errno": -1, "output": "", "error": "<text>"}` (authentication, routing, validation). */
export function errorEnvelope(
  status: number,
  text: string,
  headers: Record<string, string> = {},
): ShimResponse {
  return json(status, { errno: -1, output: '', error: text }, headers);
}

export const notFound = () => errorEnvelope(404, 'Not Found');
export const notImplemented = () => errorEnvelope(501, 'Not Implemented');
export const methodNotAllowed = (allow: readonly string[]) =>
  errorEnvelope(405, 'Method Not Allowed', { allow: allow.join(', ') });

/** `OPTIONS` on a known path: 200, empty body, `Allow`. */
export function options(allow: readonly string[]): ShimResponse {
  return {
    status: 200,
    headers: { allow: allow.join(', '), 'content-type': 'text/html; charset=utf-8' },
    body: '',
  };
}

const STATUS_TEXT: Record<string, string> = { CREATED: 'Created', STARTED: 'Started', STOPPED: 'Stopped' };
const TRANSPORT_TEXT: Record<string, string> = { TCP: 'TCP', RDMA: 'RDMA', TCP_RDMA: 'TCP,RDMA' };

/** §7.1: a volume as `volume info` describes it. */
export function volumeInfo(volume: GlusterRestVolumeFragment): Writable {
  return {
    status: STATUS_TEXT[volume.status] ?? volume.status,
    bricks: volume.bricks.map((brick) => ({ name: brick.name, uuid: brick.peerUuid ?? '' })),
    distribute: volume.distributeCount,
    replica: volume.replicaCount,
    stripe: volume.stripeCount,
    num_bricks: volume.brickCount,
    transport: TRANSPORT_TEXT[volume.transport] ?? volume.transport,
    uuid: volume.uuid,
    name: volume.name,
    type: volume.type,
    options: volume.options.map(option),
  };
}

type StatusBrick = GlusterRestVolumeStatusFragment['bricks'][number];

/** §7.2: a volume with each brick replaced by its status (`N/A` bricks for those not reported). */
export function volumeStatus(volume: GlusterRestVolumeStatusFragment): Writable {
  return {
    status: STATUS_TEXT[volume.status] ?? volume.status,
    uuid: volume.uuid,
    bricks: volume.bricks.map(brickStatus),
    distribute: volume.distributeCount,
    replica: volume.replicaCount,
    stripe: volume.stripeCount,
    num_bricks: volume.brickCount,
    type: volume.type,
    options: volume.options.map(option),
    transport: TRANSPORT_TEXT[volume.transport] ?? volume.transport,
    name: volume.name,
  };
}

function brickStatus(brick: StatusBrick): Writable {
  const uuid = brick.peerUuid ?? '';
  const status = brick.status;
  if (!status) {
    return {
      size_total: 'N/A',
      pid: 'N/A',
      device: 'N/A',
      size_free: 'N/A',
      block_size: 'N/A',
      uuid,
      fs_name: 'N/A',
      name: brick.name,
      mnt_options: 'N/A',
      online: false,
      ports: { rdma: 'N/A', tcp: 'N/A' },
    };
  }
  return {
    fs_name: status.fsName,
    uuid,
    size_total: status.sizeTotal,
    pid: status.pid,
    mnt_options: status.mntOptions,
    online: status.online,
    device: status.device,
    size_free: status.sizeFree,
    block_size: status.blockSize,
    ports: { rdma: status.ports.rdma, tcp: status.ports.tcp },
    name: brick.name,
  };
}

/** §7.3. */
export function option(value: { name: string; value: string }): Writable {
  return { name: value.name, value: value.value };
}

type Rebalance = NonNullable<NonNullable<GlusterRestRebalanceQuery['glusterVolume']>['rebalance']>;

/** §7.4. */
export function rebalanceStatus(rebalance: Rebalance): Writable {
  const counters = (value: Rebalance['aggregate']) => ({
    files: value.files,
    size: value.size,
    lookups: value.lookups,
    failures: value.failures,
    skipped: value.skipped,
    status: value.status,
    runtime: value.runtime,
  });
  return {
    task_id: rebalance.taskId,
    op_type: rebalance.opType,
    node_count: rebalance.nodeCount,
    nodes: rebalance.nodes.map((node) => ({ node_name: node.nodeName, id: node.id, ...counters(node) })),
    aggregate: counters(rebalance.aggregate),
  };
}

/** §7.5. */
export function peer(value: { hostname: string; connected: boolean; id: string }): Writable {
  return {
    hostname: value.hostname,
    connected: value.connected ? 'Connected' : 'Disconnected',
    uuid: value.id,
  };
}
