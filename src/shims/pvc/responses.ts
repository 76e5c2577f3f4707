/**
 * Pure renderers of PVC responses: the envelopes of compat/pvc.md §5 and the data objects of §7,
 * from the typed results of the shim's operations.
 */
import type { ShimResponse } from '../kit/index.js';
import type {
  PvcLeaseFragment,
  PvcNetworkFragment,
  PvcNodeFragment,
  PvcOsdsQuery,
  PvcPoolsQuery,
  PvcVmFragment,
  PvcVolumeFragment,
} from '../__generated__/graphql.js';
import { PyFloat, pyFloat, pyJson, pyJsonList, pyListAt, pyNumber, pyString, type PyJson } from './json.js';

const JSON_TYPE = 'application/json';
const HTML_TYPE = 'text/html; charset=utf-8';

/** Werkzeug's upper-case reason phrases, the non-standard codes included. */
export const REASONS: Readonly<Record<number, string>> = {
  200: 'OK',
  209: 'UNKNOWN',
  302: 'FOUND',
  400: 'BAD REQUEST',
  401: 'UNAUTHORIZED',
  404: 'NOT FOUND',
  405: 'METHOD NOT ALLOWED',
  413: 'REQUEST ENTITY TOO LARGE',
  510: 'NOT EXTENDED',
  520: 'UNKNOWN',
  599: 'UNKNOWN',
};

export function json(status: number, value: PyJson, headers: Record<string, string> = {}): ShimResponse {
  return { status, headers: { 'content-type': JSON_TYPE, ...headers }, body: pyJson(value) };
}

/** `json` of a list whose items were written directly (see `pyJsonList`). */
export function jsonList(status: number, items: readonly string[]): ShimResponse {
  return { status, headers: { 'content-type': JSON_TYPE }, body: pyJsonList(items) };
}

/** The POST envelope `{"message": …}`, every `"` of the text turned into `'`. */
export function message(status: number, text: string, headers: Record<string, string> = {}): ShimResponse {
  return json(status, { message: text.replaceAll('"', "'") }, headers);
}

/** A GET failure: a bare JSON string, quotes kept. */
export function failureString(text: string, status = 510): ShimResponse {
  return json(status, text);
}

export function html(status: number, text: string, headers: Record<string, string> = {}): ShimResponse {
  return { status, headers: { 'content-type': HTML_TYPE, ...headers }, body: text };
}

export const LOGIN_FORM =
  '\n        <form method="post">\n            <p>\n                Enter your authentication token:\n                <input type=text name=token style=\'width:24em\'>\n                <input type=submit value=Login>\n            </p>\n        </form>\n    ';

/** Werkzeug's redirect page for a target. */
export function redirectPage(target: string): string {
  return (
    '<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 3.2 Final//EN">\n<title>Redirecting...</title>\n' +
    `<h1>Redirecting...</h1>\n<p>You should be redirected automatically to target URL: <a href="${target}">${target}</a>.  If not click the link.`
  );
}

/** Human-readable size: the smallest of B, K, M, G, T, P (powers of 1024) where ceil(bytes / unit) ≤ 9999. */
export function formatBytes(bytes: number): string {
  const units: [string, number][] = [
    ['B', 1],
    ['K', 1024],
    ['M', 1024 ** 2],
    ['G', 1024 ** 3],
    ['T', 1024 ** 4],
    ['P', 1024 ** 5],
  ];
  for (const [letter, size] of units) {
    const value = Math.ceil(bytes / size);
    if (value <= 9999) return `${value}${letter}`;
  }
  return `${Math.ceil(bytes / 1024 ** 5)}P`;
}

export function renderNode(node: PvcNodeFragment): PyJson {
  const running = node.vms.filter((vm) => vm.running).map((vm) => vm.uuid);
  return {
    arch: node.arch,
    coordinator_state: node.coordinatorState.toLowerCase(),
    cpu_count: String(node.cpuCount),
    daemon_state: node.daemonState.toLowerCase(),
    domain_state: node.domainState.toLowerCase(),
    domains_count: String(running.length),
    kernel: node.kernel,
    load: pyFloat(node.load),
    memory: {
      allocated: node.memory.allocatedMiB,
      free: node.memory.freeMiB,
      total: node.memory.totalMiB,
      used: node.memory.usedMiB,
    },
    name: node.name,
    os: node.os,
    running_domains: running,
    vcpu: { allocated: String(node.vcpu.allocated), total: String(node.vcpu.total) },
  };
}

function vmMemory(memory: PvcVmFragment['memory']): number | string {
  // As the original: KiB and GiB become integer MiB, any other unit is passed on as written.
  const unit = memory.unit ?? 'KiB';
  const amount = Number(memory.amount);
  if (unit === 'KiB' && Number.isFinite(amount)) return Math.trunc(amount / 1024);
  if (unit === 'GiB' && Number.isFinite(amount)) return amount * 1024;
  return memory.amount;
}

/** A VM of §7 as an object: the reference `writeVmItem` is tested against. */
export function renderVm(vm: PvcVmFragment): PyJson {
  const lastNode = vm.lastNode?.id ?? '';
  return {
    arch: vm.arch ?? '',
    console: vm.consoleType ?? '',
    controllers: vm.controllers.map((controller) => ({
      model: controller.model,
      type: controller.type ?? '',
    })),
    description: vm.description ?? 'N/A',
    disks: vm.disks.map((disk): PyJson =>
      disk.type === null
        ? {}
        : { bus: disk.bus ?? '', dev: disk.dev ?? '', name: disk.name ?? '', type: disk.type },
    ),
    emulator: vm.emulator ?? '',
    failed_reason: vm.failedReason,
    features: vm.features,
    last_node: lastNode,
    machine: vm.machine ?? '',
    memory: vmMemory(vm.memory),
    migrated: vm.migrated ? `from ${lastNode}` : 'no',
    name: vm.name,
    networks: vm.nics.map((nic) => ({
      mac: nic.mac ?? '',
      model: nic.model ?? '',
      source: nic.source ?? '',
      type: nic.type ?? '',
    })),
    node: vm.node?.id ?? '',
    state: vm.stateName,
    type: vm.osType ?? '',
    uuid: vm.uuid,
    vcpu: vm.vcpuText,
    vcpu_topology: vm.topology ? `${vm.topology.sockets}/${vm.topology.cores}/${vm.topology.threads}` : 'N/A',
  };
}

/**
 * `renderVm` written straight into PVC's JSON text, as an item of a top-level list: the same
 * bytes as `pyJson([renderVm(vm)])` gives for it, without building and walking the object (the
 * VM list of 1,000 VMs is 764 KB of this). Keys in code point order, as `pyJson` sorts them.
 */
export function writeVmItem(vm: PvcVmFragment): string {
  const lastNode = vm.lastNode?.id ?? '';
  const memory = vmMemory(vm.memory);
  const topology = vm.topology ? `${vm.topology.sockets}/${vm.topology.cores}/${vm.topology.threads}` : 'N/A';
  // Item of the top-level list: its keys one level further in, their lists' items two, and those
  // items' keys three.
  const key = '\n    ';
  const itemKey = '\n        ';
  const itemEnd = '\n      }';
  const controllers = vm.controllers.map(
    (controller) =>
      `{${itemKey}"model": ${pyString(controller.model)}, ${itemKey}"type": ${pyString(controller.type ?? '')}${itemEnd}`,
  );
  const disks = vm.disks.map((disk) =>
    disk.type === null
      ? '{}'
      : `{${itemKey}"bus": ${pyString(disk.bus ?? '')}, ${itemKey}"dev": ${pyString(disk.dev ?? '')}, ` +
        `${itemKey}"name": ${pyString(disk.name ?? '')}, ${itemKey}"type": ${pyString(disk.type)}${itemEnd}`,
  );
  const networks = vm.nics.map(
    (nic) =>
      `{${itemKey}"mac": ${pyString(nic.mac ?? '')}, ${itemKey}"model": ${pyString(nic.model ?? '')}, ` +
      `${itemKey}"source": ${pyString(nic.source ?? '')}, ${itemKey}"type": ${pyString(nic.type ?? '')}${itemEnd}`,
  );
  return (
    `{${key}"arch": ${pyString(vm.arch ?? '')}, ` +
    `${key}"console": ${pyString(vm.consoleType ?? '')}, ` +
    `${key}"controllers": ${pyListAt(controllers, '    ')}, ` +
    `${key}"description": ${pyString(vm.description ?? 'N/A')}, ` +
    `${key}"disks": ${pyListAt(disks, '    ')}, ` +
    `${key}"emulator": ${pyString(vm.emulator ?? '')}, ` +
    `${key}"failed_reason": ${pyString(vm.failedReason)}, ` +
    `${key}"features": ${pyListAt(vm.features.map(pyString), '    ')}, ` +
    `${key}"last_node": ${pyString(lastNode)}, ` +
    `${key}"machine": ${pyString(vm.machine ?? '')}, ` +
    `${key}"memory": ${typeof memory === 'number' ? pyNumber(memory) : pyString(memory)}, ` +
    `${key}"migrated": ${pyString(vm.migrated ? `from ${lastNode}` : 'no')}, ` +
    `${key}"name": ${pyString(vm.name)}, ` +
    `${key}"networks": ${pyListAt(networks, '    ')}, ` +
    `${key}"node": ${pyString(vm.node?.id ?? '')}, ` +
    `${key}"state": ${pyString(vm.stateName)}, ` +
    `${key}"type": ${pyString(vm.osType ?? '')}, ` +
    `${key}"uuid": ${pyString(vm.uuid)}, ` +
    `${key}"vcpu": ${pyString(vm.vcpuText)}, ` +
    `${key}"vcpu_topology": ${pyString(topology)}\n  }`
  );
}

const text = (value: string | null | undefined): string => value ?? 'None';
const flag = (value: boolean): string => (value ? 'True' : 'False');

export function renderNetwork(network: PvcNetworkFragment): PyJson {
  return {
    description: network.description,
    domain: text(network.domain),
    ip4: {
      dhcp_end: text(network.ipv4.dhcpEnd),
      dhcp_flag: flag(network.ipv4.dhcpEnabled),
      dhcp_start: text(network.ipv4.dhcpStart),
      gateway: text(network.ipv4.gateway),
      network: text(network.ipv4.network),
    },
    ip6: {
      dhcp_flag: flag(network.ipv6.dhcpEnabled),
      gateway: text(network.ipv6.gateway),
      network: text(network.ipv6.network),
    },
    type: network.type.toLowerCase(),
    vni: String(network.vni),
  };
}

export function renderLease(lease: PvcLeaseFragment): PyJson {
  return {
    hostname: text(lease.hostname),
    ip4_address: lease.ipAddress,
    mac_address: lease.macAddress,
    timestamp:
      lease.isStatic || lease.expiresAt === null
        ? 'static'
        : String(Math.floor(Date.parse(lease.expiresAt) / 1000)),
  };
}

export function renderAcl(acl: { description: string; direction: string }): PyJson {
  return { description: acl.description, direction: acl.direction.toLowerCase() };
}

type Osd = PvcOsdsQuery['cephOsds']['nodes'][number];

export function renderOsd(osd: Osd): PyJson {
  const stats = osd.stats;
  if (!stats) return { id: osd.id, stats: {} };
  return {
    id: osd.id,
    stats: {
      avail: stats.avail,
      in: stats.in,
      kb: stats.kb,
      node: stats.node,
      pgs: stats.pgs,
      primary_affinity: new PyFloat(stats.primaryAffinity),
      rd_data: stats.rdData,
      rd_ops: stats.rdOps,
      reweight: new PyFloat(stats.reweight),
      size: stats.size,
      state: stats.state,
      up: stats.up,
      used: stats.used,
      utilization: new PyFloat(stats.utilization),
      uuid: stats.uuid,
      var: new PyFloat(stats.var),
      weight: new PyFloat(stats.weight),
      wr_data: stats.wrData,
      wr_ops: stats.wrOps,
    },
  };
}

type Pool = PvcPoolsQuery['cephPools']['nodes'][number];

export function renderPool(pool: Pool): PyJson {
  const stats = pool.stats;
  return {
    name: pool.name,
    stats: {
      id: stats.id,
      num_object_clones: stats.numObjectClones,
      num_object_copies: stats.numObjectCopies,
      num_objects: stats.numObjects,
      num_objects_degraded: stats.numObjectsDegraded,
      num_objects_missing_on_primary: stats.numObjectsMissingOnPrimary,
      num_objects_unfound: stats.numObjectsUnfound,
      read_bytes: stats.readBytes,
      read_formatted: stats.readFormatted,
      read_ops: stats.readOps,
      size_bytes: stats.sizeBytes,
      size_formatted: stats.sizeFormatted,
      write_bytes: stats.writeBytes,
      write_formatted: stats.writeFormatted,
      write_ops: stats.writeOps,
    },
  };
}

export function renderVolume(volume: PvcVolumeFragment): PyJson {
  const info = (volume.stats && typeof volume.stats === 'object' ? volume.stats : {}) as Record<
    string,
    unknown
  >;
  const stats: Record<string, PyJson> = {};
  for (const [key, value] of Object.entries(info)) stats[key] = toPyJson(value);
  stats.size = volume.sizeFormatted;
  return { name: volume.name, pool: volume.poolName, stats };
}

/** Storage-reported JSON as is (numbers keep their JSON form). */
function toPyJson(value: unknown): PyJson {
  if (value === null || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean')
    return value;
  if (Array.isArray(value)) return value.map(toPyJson);
  if (typeof value === 'object') {
    const out: Record<string, PyJson> = {};
    for (const [key, item] of Object.entries(value as Record<string, unknown>)) out[key] = toPyJson(item);
    return out;
  }
  return String(value);
}
