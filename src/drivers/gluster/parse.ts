/**
 * Pure parsers of `gluster --mode=script … --xml` output (GlusterFS 10): volume info, volume
 * status detail, rebalance status, pool list and peer status. XML is parsed with entity
 * processing off; every value is kept as the text the tool printed.
 */
import { XMLParser } from 'fast-xml-parser';
import type {
  GlusterBrickStatusRecord,
  GlusterOptionRecord,
  GlusterRebalanceCounters,
  GlusterRebalanceRecord,
  GlusterTransportName,
  GlusterVolumeRecord,
  GlusterVolumeStatusName,
} from '../../subgraphs/volumes/index.js';
import type { GlusterPeerRecord } from '../../subgraphs/nodes/index.js';

const LISTS = new Set(['volume', 'brick', 'option', 'node', 'peer', 'Opt']);

const parser = new XMLParser({
  processEntities: false,
  htmlEntities: false,
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  textNodeName: '#text',
  isArray: (name) => LISTS.has(name),
});

type Node = Record<string, unknown>;

/** The `<cliOutput>` envelope: `opRet` 0 is success; otherwise `opErrstr` says why. */
export interface CliOutput {
  opRet: number;
  opErrno: number;
  opErrstr: string;
  /** `<output>` when the tool added one (the text it would have printed). */
  output: string;
  root: Node;
}

export class GlusterXmlError extends Error {
  override name = 'GlusterXmlError';
}

export function parseCliOutput(xml: string): CliOutput {
  let document: Node;
  try {
    document = parser.parse(xml) as Node;
  } catch (error) {
    throw new GlusterXmlError(`gluster printed XML that does not parse: ${(error as Error).message}`);
  }
  const root = document.cliOutput;
  if (!root || typeof root !== 'object') throw new GlusterXmlError('gluster printed no <cliOutput>');
  const node = root as Node;
  return {
    opRet: Number(text(node.opRet) || '0'),
    opErrno: Number(text(node.opErrno) || '0'),
    opErrstr: text(node.opErrstr),
    output: text(node.output),
    root: node,
  };
}

function text(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (typeof value === 'object' && '#text' in (value as Node)) return text((value as Node)['#text']);
  return '';
}

function child(node: unknown, name: string): Node {
  const value = node && typeof node === 'object' ? (node as Node)[name] : undefined;
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Node) : {};
}

function list(node: unknown, name: string): Node[] {
  const value = node && typeof node === 'object' ? (node as Node)[name] : undefined;
  return Array.isArray(value) ? (value.filter((item) => item && typeof item === 'object') as Node[]) : [];
}

function integer(value: unknown, fallback = 0): number {
  const raw = text(value);
  const parsed = Number(raw);
  return raw !== '' && Number.isInteger(parsed) ? parsed : fallback;
}

const TRANSPORTS: Record<string, GlusterTransportName> = { '0': 'tcp', '1': 'rdma', '2': 'tcp,rdma' };

/** `host:/path` → host and path (the host may be an IPv6 address, so split before `:/`). */
export function splitBrick(name: string): { host: string; path: string } {
  const at = name.indexOf(':/');
  return at === -1 ? { host: name, path: '' } : { host: name.slice(0, at), path: name.slice(at + 1) };
}

/** `volume info [name] --xml` → volumes in the tool's order, bricks and options in volume order. */
export function parseVolumeInfo(xml: string): GlusterVolumeRecord[] {
  const out = parseCliOutput(xml);
  return list(child(child(out.root, 'volInfo'), 'volumes'), 'volume').map((volume) => ({
    name: text(volume.name),
    uuid: text(volume.id),
    status: text(volume.statusStr) as GlusterVolumeStatusName,
    type: text(volume.typeStr),
    brickCount: integer(volume.brickCount),
    distributeCount: integer(volume.distCount, 1),
    // GlusterFS 10 removed stripes; older tools still print the count.
    stripeCount: integer(volume.stripeCount, 1),
    replicaCount: integer(volume.replicaCount, 1),
    arbiterCount: integer(volume.arbiterCount),
    disperseCount: integer(volume.disperseCount),
    redundancyCount: integer(volume.redundancyCount),
    transport: TRANSPORTS[text(volume.transport)] ?? 'tcp',
    bricks: list(child(volume, 'bricks'), 'brick').map((brick) => {
      const name = text(brick.name) || text(brick['#text']);
      return {
        ...splitBrick(name),
        peerUuid: text(brick.hostUuid) || text(brick['@uuid']) || null,
        node: null,
      };
    }),
    options: list(child(volume, 'options'), 'option').map((option) => ({
      name: text(option.name),
      value: text(option.value),
    })),
  }));
}

/** `volume status <name|all> detail --xml` → the bricks in the report. */
export function parseVolumeStatusDetail(xml: string): GlusterBrickStatusRecord[] {
  const out = parseCliOutput(xml);
  const bricks: GlusterBrickStatusRecord[] = [];
  for (const volume of list(child(child(out.root, 'volStatus'), 'volumes'), 'volume')) {
    for (const node of list(volume, 'node')) {
      const path = text(node.path);
      // Daemons (self-heal, NFS) are listed with a host name instead of a brick path.
      if (!path.startsWith('/')) continue;
      const ports = child(node, 'ports');
      bricks.push({
        volume: text(volume.volName),
        host: text(node.hostname),
        path,
        online: text(node.status) === '1',
        pid: text(node.pid) || 'N/A',
        tcpPort: text(ports.tcp) || text(node.port) || 'N/A',
        rdmaPort: text(ports.rdma) || 'N/A',
        sizeTotal: text(node.sizeTotal) || 'N/A',
        sizeFree: text(node.sizeFree) || 'N/A',
        device: text(node.device) || 'N/A',
        blockSize: text(node.blockSize) || 'N/A',
        mntOptions: text(node.mntOptions) || 'N/A',
        fsName: text(node.fsName) || 'N/A',
      });
    }
  }
  return bricks;
}

/**
 * `volume get <volume> <option|all> --xml` → option values in the tool's order; the tool's
 * ` (DEFAULT)` marker of values never set is dropped.
 */
export function parseVolumeGet(xml: string): GlusterOptionRecord[] {
  const out = parseCliOutput(xml);
  return list(child(out.root, 'volGetopts'), 'Opt').map((opt) => ({
    name: text(opt.Option),
    value: text(opt.Value).replace(/(?:^|\s+)\(DEFAULT\)$/, ''),
  }));
}

/** `gf_defrag_type` numbers as the names the API shows. */
const REBALANCE_OPS: Record<string, string> = {
  '1': 'START',
  '2': 'STOP',
  '3': 'STATUS',
  '4': 'START_LAYOUT_FIX',
  '5': 'START_FORCE',
  '6': 'START_TIER',
  '7': 'STATUS_TIER',
};

function counters(node: Node): GlusterRebalanceCounters {
  return {
    files: text(node.files),
    size: text(node.size),
    lookups: text(node.lookups),
    failures: text(node.failures),
    skipped: text(node.skipped),
    status: text(node.statusStr),
    runtime: text(node.runtime),
  };
}

/** `volume rebalance <name> status --xml` → the last rebalance; null when none ever ran. */
export function parseRebalanceStatus(xml: string): GlusterRebalanceRecord | null {
  const out = parseCliOutput(xml);
  const rebalance = out.root.volRebalance;
  if (out.opRet !== 0 || !rebalance || typeof rebalance !== 'object') return null;
  const node = rebalance as Node;
  const op = text(node.op);
  return {
    taskId: text(node['task-id']),
    opType: REBALANCE_OPS[op] ?? op,
    nodes: list(node, 'node').map((item) => ({
      nodeName: text(item.nodeName),
      id: text(item.id),
      ...counters(item),
    })),
    aggregate: counters(child(node, 'aggregate')),
  };
}

/**
 * `pool list --xml` (every member, this node as `localhost`) with the state texts of
 * `peer status --xml` (the other members); this node first.
 */
export function parsePeers(poolXml: string, peerStatusXml: string): GlusterPeerRecord[] {
  const states = new Map<string, string>();
  for (const peer of list(child(parseCliOutput(peerStatusXml).root, 'peerStatus'), 'peer')) {
    states.set(text(peer.uuid), text(peer.stateStr));
  }
  const peers = list(child(parseCliOutput(poolXml).root, 'peerStatus'), 'peer').map((peer) => {
    const uuid = text(peer.uuid);
    const hostname = text(peer.hostname);
    const connected = text(peer.connected) === '1';
    const isSelf = hostname === 'localhost';
    return {
      uuid,
      hostname,
      connected,
      state: states.get(uuid) ?? (isSelf ? 'Peer in Cluster' : ''),
      isSelf,
    };
  });
  return [...peers.filter((peer) => peer.isSelf), ...peers.filter((peer) => !peer.isSelf)];
}
