/**
 * The volumes domain's rules, whatever the backend: name patterns, sizes, Ceph OSD flags, the
 * Gluster brick/count consistency glusterd enforces, well-known Gluster options, and the errors
 * (with the legacy CLI texts) a failed check produces.
 */
import { BackendError, badInput, conflict, notFound } from '../../errors/index.js';

// ---------------------------------------------------------------------------------------------
// Names

/** Ceph pool, RBD image and snapshot names: no `/`, `@`, whitespace or leading `-`. */
export const CEPH_NAME = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/;
/** Gluster volume names: letters, digits, `-` and `_`, not starting with `-`, at most 64. */
export const GLUSTER_NAME = /^[A-Za-z0-9_][A-Za-z0-9_-]{0,63}$/;
/** Host names and IP addresses (IPv6 without brackets). */
export const HOSTNAME = /^[A-Za-z0-9](?:[A-Za-z0-9.:-]{0,252}[A-Za-z0-9])?$/;
/** Block device paths under /dev. */
export const DEVICE = /^\/dev\/[A-Za-z0-9][A-Za-z0-9._+:-]*(?:\/[A-Za-z0-9][A-Za-z0-9._+:-]*)*$/;
/** Absolute brick directories. */
export const BRICK_PATH = /^\/[A-Za-z0-9._+-]+(?:\/[A-Za-z0-9._+-]+)*\/?$/;
/** Encrypted volume names. */
export const ENCRYPTED_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

export function invalidName(kind: string, name: string, argument: string, pattern: string) {
  return badInput(`'${name}' is not a valid ${kind} name (${pattern})`, {
    reason: 'INVALID_NAME',
    argument,
    name,
  });
}

export function checkCephName(kind: string, name: string, argument: string): string {
  if (!CEPH_NAME.test(name) || name === '.' || name === '..') {
    throw invalidName(
      kind,
      name,
      argument,
      'letters, digits, ".", "_" or "-", not starting with "-" or ".", at most 128 characters',
    );
  }
  return name;
}

// ---------------------------------------------------------------------------------------------
// Sizes

const UNITS = ['B', 'K', 'M', 'G', 'T', 'P'] as const;
/** Largest RBD image accepted: 1 PiB (far beyond any real cluster here; and a safe integer). */
export const MAX_VOLUME_BYTES = 1024 ** 5;

/**
 * Parses a volume size: ASCII digits, optionally followed by one upper-case unit B, K, M, G, T
 * or P (powers of 1024; digits alone are bytes). BAD_USER_INPUT INVALID_SIZE otherwise, and for
 * zero or sizes above `MAX_VOLUME_BYTES`.
 */
export function parseSize(size: string): number {
  const match = /^([0-9]{1,20})([BKMGTP])?$/.exec(size);
  const fail = (why: string) =>
    badInput(
      `'${size}' is not a valid volume size: ${why} (bytes, or a number with one of the suffixes B, K, M, G, T, P)`,
      { reason: 'INVALID_SIZE', argument: 'size', size },
    );
  if (!match) throw fail('malformed');
  const exponent = match[2] ? UNITS.indexOf(match[2] as (typeof UNITS)[number]) : 0;
  const bytes = BigInt(match[1]!) * 1024n ** BigInt(exponent);
  if (bytes === 0n) throw fail('it must be at least one byte');
  if (bytes > BigInt(MAX_VOLUME_BYTES)) throw fail('larger than 1P');
  return Number(bytes);
}

/**
 * PVC's human-readable size: the smallest of B, K, M, G, T, P (powers of 1024) for which
 * `ceil(bytes / unit) <= 9999`, written as that integer and the unit letter.
 */
export function humanSize(bytes: number): string {
  for (let exponent = 0; exponent < UNITS.length; exponent += 1) {
    const value = Math.ceil(bytes / 1024 ** exponent);
    if (value <= 9999 || exponent === UNITS.length - 1) return `${value}${UNITS[exponent]}`;
  }
  return `${bytes}B`;
}

// ---------------------------------------------------------------------------------------------
// Ceph

/** Flags `ceph osd set`/`unset` accept (the OSD map flags). */
export const CEPH_OSD_FLAGS = [
  'full',
  'pause',
  'noup',
  'nodown',
  'noout',
  'noin',
  'nobackfill',
  'norebalance',
  'norecover',
  'noscrub',
  'nodeep-scrub',
  'notieragent',
  'nosnaptrim',
  'sortbitwise',
  'recovery_deletes',
  'pglog_hardlimit',
  'noautoscale',
] as const;

export function checkOsdFlag(flag: string): string {
  if (!(CEPH_OSD_FLAGS as readonly string[]).includes(flag)) {
    throw badInput(`'${flag}' is not an OSD flag; one of ${CEPH_OSD_FLAGS.join(', ')}`, {
      reason: 'INVALID_OSD_FLAG',
      argument: 'flag',
      flag,
    });
  }
  return flag;
}

export const OSD_ID = /^(?:0|[1-9][0-9]{0,5})$/;
export const MAX_PG_COUNT = 65536;
export const MAX_OSD_WEIGHT = 10000;

export const nodeNotFound = (node: string) =>
  notFound(`No node named '${node}' is present in the cluster.`, { reason: 'NODE_NOT_FOUND', node });
export const osdNotFound = (id: string) =>
  notFound(`No OSD with ID '${id}' is present in the cluster.`, { reason: 'OSD_NOT_FOUND', osd: id });
export const poolNotFound = (pool: string) =>
  notFound(`No pool with name '${pool}' is present in the cluster.`, { reason: 'POOL_NOT_FOUND', pool });
export const volumeNotFound = (volume: string, pool: string | null) =>
  notFound(
    pool
      ? `No volume with name '${volume}' is present in pool ${pool}.`
      : `No volume with name '${volume}' is present in the cluster.`,
    { reason: 'VOLUME_NOT_FOUND', volume, pool },
  );
export const snapshotNotFound = (snapshot: string, volume: string, pool: string) =>
  notFound(`No snapshot with name '${snapshot}' is present of volume ${volume} on pool ${pool}.`, {
    reason: 'SNAPSHOT_NOT_FOUND',
    snapshot,
    volume,
    pool,
  });
export const alreadyExists = (what: string, id: string) =>
  conflict(`${what} '${id}' already exists.`, { reason: 'ALREADY_EXISTS', id });

export function confirmationRequired(what: string) {
  return badInput(
    `${what} can have unintended consequences; repeat the request with confirm: true if you are sure.`,
    { reason: 'CONFIRMATION_REQUIRED', argument: 'confirm' },
  );
}

// ---------------------------------------------------------------------------------------------
// Gluster

/**
 * A management command failed as the Gluster CLI reports it: exit status and the command's
 * error text travel in `extensions` (`commandError`), with a stable `condition` for clients.
 */
export function commandFailed(commandError: string, condition: string, detail: Record<string, unknown> = {}) {
  return new BackendError('BACKEND_FAILED', commandError, {
    reason: 'COMMAND_FAILED',
    condition,
    exitCode: 1,
    commandError,
    ...detail,
  });
}

export type GlusterTransportValue = 'tcp' | 'rdma' | 'tcp,rdma';

export interface GlusterCreateRequest {
  bricks: string[];
  replica: number;
  stripe: number;
  arbiter: number;
  disperse: number;
  disperseData: number;
  redundancy: number;
  transport: GlusterTransportValue;
  force: boolean;
}

export interface GlusterVolumePlan {
  type: string;
  distributeCount: number;
  stripeCount: number;
  replicaCount: number;
  arbiterCount: number;
  disperseCount: number;
  redundancyCount: number;
  bricks: { host: string; path: string }[];
}

/**
 * Parses and checks a create request as the Gluster CLI and glusterd do, before anything is
 * changed: brick syntax (BAD_USER_INPUT INVALID_BRICK), counts consistent with the brick count,
 * duplicate bricks and bricks of one replica/disperse set on one server without force
 * (COMMAND_FAILED with the CLI's text). Returns the derived type and counts.
 */
export function planGlusterVolume(name: string, request: GlusterCreateRequest): GlusterVolumePlan {
  const fail = (text: string, condition = 'INVALID_VOLUME_LAYOUT') =>
    commandFailed(`volume create: ${name}: failed: ${text}`, condition, { volume: name });
  if (request.bricks.length === 0) {
    throw badInput('At least one brick is needed', { reason: 'INVALID_BRICK', argument: 'bricks' });
  }
  for (const [field, value] of Object.entries({
    replica: request.replica,
    stripe: request.stripe,
    arbiter: request.arbiter,
    disperse: request.disperse,
    disperseData: request.disperseData,
    redundancy: request.redundancy,
  })) {
    if (!Number.isInteger(value) || value < 0 || value > 1024) {
      throw badInput(`${field} must be an integer between 0 and 1024`, {
        reason: 'INVALID_COUNT',
        argument: field,
      });
    }
  }
  const bricks = request.bricks.map((brick) => {
    const colon = brick.indexOf(':');
    const host = colon > 0 ? brick.slice(0, colon) : '';
    const path = colon > 0 ? brick.slice(colon + 1) : '';
    if (
      !HOSTNAME.test(host) ||
      !BRICK_PATH.test(path) ||
      path.split('/').includes('..') ||
      brick.length > 1024
    ) {
      throw badInput(`wrong brick type: ${brick}, use <HOSTNAME>:<export-dir-abs-path>`, {
        reason: 'INVALID_BRICK',
        argument: 'bricks',
        brick,
      });
    }
    return { host, path: path.length > 1 ? path.replace(/\/$/, '') : path };
  });
  const seen = new Set<string>();
  for (const brick of bricks) {
    const key = `${brick.host}:${brick.path}`;
    if (seen.has(key))
      throw commandFailed(`Found duplicate exports ${key}`, 'DUPLICATE_BRICK', { brick: key });
    seen.add(key);
  }
  const count = bricks.length;
  const { replica, stripe, arbiter } = request;
  let { disperse, redundancy } = request;
  const disperseData = request.disperseData;
  if ((disperse || disperseData || redundancy) && (replica || stripe)) {
    throw fail('disperse volumes cannot be combined with replica or stripe', 'INVALID_VOLUME_LAYOUT');
  }
  if (replica === 1) throw fail('replica count should be greater than 1');
  if (stripe === 1) throw fail('stripe count should be greater than 1');
  if (arbiter && (replica !== 3 || arbiter !== 1)) {
    throw fail(
      'For arbiter configuration, replica count must be 3 and arbiter count must be 1. The 3rd brick of the replica will be the arbiter',
    );
  }
  if (disperse || disperseData || redundancy) {
    if (!disperse) disperse = disperseData ? disperseData + (redundancy || 1) : count;
    if (disperseData && redundancy && disperseData + redundancy !== disperse) {
      throw fail('disperse count must be equal to disperse-data count plus redundancy count');
    }
    if (!redundancy) redundancy = disperseData ? disperse - disperseData : optimalRedundancy(disperse);
    if (disperse < 3) throw fail('disperse count must be greater than 2');
    if (redundancy < 1 || 2 * redundancy >= disperse) {
      throw fail(`redundancy must be greater than 0 and less than half of the disperse count (${disperse})`);
    }
    if (count % disperse !== 0) throw fail('number of bricks is not a multiple of disperse count');
  }
  const setSize = disperse || (replica || 1) * (stripe || 1);
  if (replica && count % (replica * (stripe || 1)) !== 0) {
    throw fail(
      stripe
        ? 'number of bricks is not a multiple of stripe*replica count'
        : 'number of bricks is not a multiple of replica count',
    );
  }
  if (stripe && count % (stripe * (replica || 1)) !== 0)
    throw fail('number of bricks is not a multiple of stripe count');
  const distributeCount = count / setSize;
  if (setSize > 1 && !request.force) {
    for (let start = 0; start < count; start += setSize) {
      const hosts = bricks.slice(start, start + setSize).map((brick) => brick.host.toLowerCase());
      if (new Set(hosts).size !== hosts.length) {
        const kind = disperse ? 'disperse' : 'replicate';
        throw fail(
          `Multiple bricks of a ${kind} volume are present on the same server. This setup is not optimal. Bricks should be on different nodes to have best fault tolerant configuration. Use 'force' at the end of the command if you want to override this behavior. `.trimEnd(),
          'BRICKS_ON_SAME_SERVER',
        );
      }
    }
  }
  let type: string;
  if (disperse) type = distributeCount > 1 ? 'Distributed-Disperse' : 'Disperse';
  else if (replica && stripe)
    type = distributeCount > 1 ? 'Distributed-Striped-Replicate' : 'Striped-Replicate';
  else if (replica) type = distributeCount > 1 ? 'Distributed-Replicate' : 'Replicate';
  else if (stripe) type = distributeCount > 1 ? 'Distributed-Stripe' : 'Stripe';
  else type = 'Distribute';
  return {
    type,
    distributeCount,
    stripeCount: stripe || 1,
    replicaCount: replica || 1,
    arbiterCount: arbiter,
    disperseCount: disperse,
    redundancyCount: disperse ? redundancy : 0,
    bricks,
  };
}

/** glusterd's default redundancy: the largest r below half the count leaving a power of two of data bricks. */
function optimalRedundancy(disperse: number): number {
  for (let r = Math.ceil(disperse / 2) - 1; r >= 1; r -= 1) {
    const data = disperse - r;
    if ((data & (data - 1)) === 0) return r;
  }
  return 1;
}

export type GlusterOptionKind = 'bool' | 'int' | 'string' | 'enum';

export interface GlusterOptionSpec {
  default: string;
  kind: GlusterOptionKind;
  values?: readonly string[];
}

/** Well-known Gluster volume options with their defaults (enough to answer `volume get all`). */
export const GLUSTER_OPTIONS: Readonly<Record<string, GlusterOptionSpec>> = {
  'auth.allow': { default: '*', kind: 'string' },
  'auth.reject': { default: '(null)', kind: 'string' },
  'cluster.brick-multiplex': { default: 'disable', kind: 'bool' },
  'cluster.consistent-metadata': { default: 'no', kind: 'bool' },
  'cluster.data-self-heal': { default: 'on', kind: 'bool' },
  'cluster.entry-self-heal': { default: 'on', kind: 'bool' },
  'cluster.eager-lock': { default: 'on', kind: 'bool' },
  'cluster.granular-entry-heal': { default: 'no', kind: 'bool' },
  'cluster.lookup-optimize': { default: 'on', kind: 'bool' },
  'cluster.metadata-self-heal': { default: 'on', kind: 'bool' },
  'cluster.min-free-disk': { default: '10%', kind: 'string' },
  'cluster.quorum-count': { default: '(null)', kind: 'int' },
  'cluster.quorum-type': { default: 'none', kind: 'enum', values: ['none', 'auto', 'fixed'] },
  'cluster.read-hash-mode': { default: '1', kind: 'int' },
  'cluster.self-heal-daemon': { default: 'on', kind: 'bool' },
  'cluster.server-quorum-type': { default: 'off', kind: 'enum', values: ['none', 'server', 'off'] },
  'cluster.shd-max-threads': { default: '1', kind: 'int' },
  'diagnostics.brick-log-level': {
    default: 'INFO',
    kind: 'enum',
    values: ['DEBUG', 'WARNING', 'ERROR', 'INFO', 'CRITICAL', 'NONE', 'TRACE'],
  },
  'diagnostics.client-log-level': {
    default: 'INFO',
    kind: 'enum',
    values: ['DEBUG', 'WARNING', 'ERROR', 'INFO', 'CRITICAL', 'NONE', 'TRACE'],
  },
  'features.barrier': { default: 'disable', kind: 'bool' },
  'features.bitrot': { default: 'off', kind: 'bool' },
  'features.quota': { default: 'off', kind: 'bool' },
  'features.read-only': { default: 'off', kind: 'bool' },
  'features.shard': { default: 'off', kind: 'bool' },
  'features.shard-block-size': { default: '64MB', kind: 'string' },
  'network.ping-timeout': { default: '42', kind: 'int' },
  'nfs.disable': { default: 'on', kind: 'bool' },
  'performance.cache-size': { default: '32MB', kind: 'string' },
  'performance.client-io-threads': { default: 'on', kind: 'bool' },
  'performance.io-cache': { default: 'on', kind: 'bool' },
  'performance.io-thread-count': { default: '16', kind: 'int' },
  'performance.parallel-readdir': { default: 'off', kind: 'bool' },
  'performance.quick-read': { default: 'on', kind: 'bool' },
  'performance.read-ahead': { default: 'on', kind: 'bool' },
  'performance.readdir-ahead': { default: 'on', kind: 'bool' },
  'performance.stat-prefetch': { default: 'on', kind: 'bool' },
  'performance.strict-o-direct': { default: 'off', kind: 'bool' },
  'performance.write-behind': { default: 'on', kind: 'bool' },
  'performance.write-behind-window-size': { default: '1MB', kind: 'string' },
  'server.allow-insecure': { default: 'on', kind: 'bool' },
  'storage.fips-mode-rchecksum': { default: 'off', kind: 'bool' },
  'storage.owner-gid': { default: '-1', kind: 'int' },
  'storage.owner-uid': { default: '-1', kind: 'int' },
  'transport.address-family': {
    default: 'inet',
    kind: 'enum',
    values: ['inet', 'inet6', 'unix', 'inet-sdp'],
  },
  'user.cifs': { default: 'enable', kind: 'bool' },
};

const BOOL_VALUES = ['on', 'off', 'yes', 'no', 'true', 'false', 'enable', 'disable', '1', '0'];

/** A known option name, or BAD_USER_INPUT UNKNOWN_OPTION (with the CLI's text for legacy clients). */
export function checkOptionName(option: string, command: string): GlusterOptionSpec {
  const spec = Object.hasOwn(GLUSTER_OPTIONS, option) ? GLUSTER_OPTIONS[option] : undefined;
  if (!spec) {
    const commandError = `${command}: failed: option : ${option} does not exist`;
    throw badInput(`Unknown Gluster volume option '${option}'`, {
      reason: 'UNKNOWN_OPTION',
      argument: 'option',
      option,
      exitCode: 1,
      commandError,
    });
  }
  return spec;
}

/** A value glusterd would accept for the option, or BAD_USER_INPUT INVALID_OPTION_VALUE. */
export function checkOptionValue(option: string, value: string, spec: GlusterOptionSpec): string {
  const refuse = (why: string) =>
    badInput(`Invalid value '${value}' for option ${option}: ${why}`, {
      reason: 'INVALID_OPTION_VALUE',
      argument: 'options',
      option,
      exitCode: 1,
      commandError: `volume set: failed: option ${option} ${value}: ${why}`,
    });
  // eslint-disable-next-line no-control-regex
  if (value.length === 0 || value.length > 1024 || /[\u0000-\u001f\u007f]/.test(value)) {
    throw refuse('values are 1 to 1024 printable characters');
  }
  if (spec.kind === 'bool' && !BOOL_VALUES.includes(value.toLowerCase())) {
    throw refuse(`'${value}' is not a valid boolean value`);
  }
  if (spec.kind === 'int' && !/^-?[0-9]{1,12}$/.test(value))
    throw refuse(`'${value}' is not a valid integer`);
  if (spec.kind === 'enum' && !spec.values?.includes(value)) {
    throw refuse(`'${value}' is not valid. Possible values are: ${spec.values?.join(', ')}`);
  }
  return value;
}
