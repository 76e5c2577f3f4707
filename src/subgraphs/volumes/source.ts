/**
 * What the volumes subgraph needs from a backend: Ceph (status, OSDs, pools, RBD volumes and
 * snapshots), Gluster volumes, and LUKS-encrypted instance volumes. Drivers implement it; the
 * subgraph never knows which one it talks to. Every method that takes keys takes many at once.
 *
 * Drivers store and fetch. The rules (name and size validation, existence and state checks, the
 * order of checks, Gluster's brick/count consistency, the CLI failure texts a legacy client sees)
 * live in the subgraph, which calls a changing method only after its checks passed. A driver
 * that talks to a real cluster may still fail: it throws a `BackendError` (`BACKEND_FAILED` with
 * reason `COMMAND_FAILED`, `exitCode` and `commandError`, or `BACKEND_UNAVAILABLE`/`_TIMEOUT`).
 */

/** Output of a management command, for clients that show it (null when the backend prints none). */
export interface CommandOutcome {
  output: string | null;
}

// ---------------------------------------------------------------------------------------------
// Ceph

export type CephHealthName = 'HEALTH_OK' | 'HEALTH_WARN' | 'HEALTH_ERR';

export interface CephStatusRecord {
  /** The cluster id (fsid). */
  fsid: string;
  health: CephHealthName;
  /** The raw `ceph status` text, trailing whitespace removed. */
  text: string;
  /** The node whose coordinator state is primary; null when there is none. */
  primaryNode: string | null;
  /** The OSD map flags currently set, in the order they were set. */
  flags: string[];
}

/** Statistics of one OSD (PVC's merge of OSD map, utilisation report and status table). */
export interface CephOsdStatsRecord {
  uuid: string;
  /** 0 or 1, from the OSD map. */
  up: number;
  /** 0 or 1, from the OSD map. */
  in: number;
  primaryAffinity: number;
  utilization: number;
  var: number;
  pgs: number;
  kb: number;
  /** The CRUSH weight. */
  weight: number;
  reweight: number;
  node: string;
  used: string;
  avail: string;
  wrOps: string;
  wrData: string;
  rdOps: string;
  rdData: string;
  state: string;
}

export interface CephOsdRecord {
  /** The OSD id, decimal digits. */
  id: string;
  node: string;
  device: string;
  /** CRUSH weight. */
  weight: number;
  up: boolean;
  in: boolean;
  /** Null while the cluster has not reported statistics for the OSD yet. */
  stats: CephOsdStatsRecord | null;
}

export interface NewCephOsd {
  node: string;
  device: string;
  weight: number;
}

export interface CephPoolStatsRecord {
  id: number;
  sizeBytes: number;
  numObjects: number;
  numObjectClones: number;
  numObjectCopies: number;
  numObjectsMissingOnPrimary: number;
  numObjectsUnfound: number;
  numObjectsDegraded: number;
  readOps: number;
  readBytes: number;
  writeOps: number;
  writeBytes: number;
}

export interface CephPoolRecord {
  name: string;
  /** Placement groups. */
  pgs: number;
  stats: CephPoolStatsRecord;
}

export interface RbdVolumeRecord {
  pool: string;
  name: string;
  sizeBytes: number;
  /** `rbd info --format json` of the image (size in bytes, as rbd reports it). */
  info: Record<string, unknown>;
}

export interface RbdSnapshotRecord {
  pool: string;
  volume: string;
  name: string;
  /** When the backend reports it (ISO 8601). */
  createdAt: string | null;
}

/** The RBD volumes named by a VM's disks (`pool/volume`), in disk order. */
export interface VmVolumeRecord {
  vmId: string;
  volume: RbdVolumeRecord;
}

export interface PoolVolumeKey {
  pool: string;
  name: string;
}

// ---------------------------------------------------------------------------------------------
// Gluster

export type GlusterVolumeStatusName = 'Created' | 'Started' | 'Stopped';
export type GlusterTransportName = 'tcp' | 'rdma' | 'tcp,rdma';

export interface GlusterBrickRecord {
  host: string;
  path: string;
  /** The peer UUID of the brick's host (null when the host is not a known peer). */
  peerUuid: string | null;
  /** The cluster node the host names, when it is one. */
  node: string | null;
}

export interface GlusterOptionRecord {
  name: string;
  value: string;
}

export interface GlusterVolumeRecord {
  name: string;
  uuid: string;
  status: GlusterVolumeStatusName;
  /** The tool's type text: `Distribute`, `Replicate`, `Distributed-Replicate`, `Disperse`, … */
  type: string;
  brickCount: number;
  distributeCount: number;
  stripeCount: number;
  replicaCount: number;
  arbiterCount: number;
  disperseCount: number;
  redundancyCount: number;
  transport: GlusterTransportName;
  /** In volume order. */
  bricks: GlusterBrickRecord[];
  /** Reconfigured options, in volume order. */
  options: GlusterOptionRecord[];
}

/** A brick as the status report gives it. Strings as the tool prints them (`N/A` where it does). */
export interface GlusterBrickStatusRecord {
  volume: string;
  host: string;
  path: string;
  online: boolean;
  pid: string;
  tcpPort: string;
  rdmaPort: string;
  sizeTotal: string;
  sizeFree: string;
  device: string;
  blockSize: string;
  mntOptions: string;
  fsName: string;
}

/** A brick with the volume it belongs to (for `ClusterNode.bricks`). */
export interface NodeBrickRecord extends GlusterBrickRecord {
  volume: string;
}

/** A volume to create; the subgraph has validated and derived every count. */
export interface NewGlusterVolume {
  name: string;
  /** The tool's type text. */
  type: string;
  distributeCount: number;
  stripeCount: number;
  replicaCount: number;
  arbiterCount: number;
  disperseCount: number;
  redundancyCount: number;
  transport: GlusterTransportName;
  bricks: { host: string; path: string; peerUuid: string | null }[];
  force: boolean;
}

export type GlusterRebalanceOp = 'START' | 'START_LAYOUT_FIX' | 'START_FORCE';

export interface GlusterRebalanceCounters {
  files: string;
  size: string;
  lookups: string;
  failures: string;
  skipped: string;
  /** `not started`, `in progress`, `completed`, `stopped`, `failed`. */
  status: string;
  runtime: string;
}

export interface GlusterRebalanceRecord {
  taskId: string;
  /** `START`, `STOP`, `STATUS`, `START_LAYOUT_FIX`, `START_FORCE`. */
  opType: string;
  nodes: ({ nodeName: string; id: string } & GlusterRebalanceCounters)[];
  aggregate: GlusterRebalanceCounters;
}

/** A peer of the trusted pool, as far as volume creation needs it. */
export interface GlusterPeerInfo {
  hostname: string;
  uuid: string;
  connected: boolean;
  /** The node answering for the pool (also reachable as `localhost`). */
  isSelf: boolean;
}

// ---------------------------------------------------------------------------------------------
// Encrypted (LUKS) volumes

export type EncryptedVolumeStateName = 'mounted' | 'unmounted' | 'unavailable';

export interface EncryptedVolumeRecord {
  /** The volume's name, unique. */
  id: string;
  /** IP addresses and DNS names the instance is known under (lower-case). */
  addresses: string[];
  /** The cluster node the instance runs on, when known. */
  node: string | null;
  /** Addresses of the instance's worker nodes (clusters), in order. */
  workers: string[];
}

/** What `luksctl status` reported (exit 0 mounted, 1 unmounted, anything else unavailable). */
export interface EncryptedVolumeStateRecord {
  id: string;
  state: EncryptedVolumeStateName;
  /** Raw standard output of the status command (for `unavailable`). */
  output: string;
  /** Raw standard error (for `unavailable`), or a one-line reason when the instance is unreachable. */
  stderr: string;
}

/** Where a passphrase is kept in HashiCorp Vault (KV version 2) and a wrapping token to reach it. */
export interface VaultSecretLocation {
  url: string;
  /** A response-wrapping token; unwrapped once (never logged). */
  token: string;
  secretRoot: string;
  secretPath: string;
  secretKey: string;
}

/** How the caller proves it may open a volume: a Vault secret location, or the passphrase itself. */
export type EncryptedVolumeKey =
  { kind: 'vault'; vault: VaultSecretLocation } | { kind: 'passphrase'; passphrase: string };

/** The outcome of `luksctl open`: exit 0 opened, 1 not opened (wrong passphrase), other failures. */
export interface EncryptedVolumeOpenResult {
  exitCode: number;
  output: string;
  stderr: string;
}

/**
 * Fetches a volume passphrase from Vault: unwraps the wrapping token
 * (`POST {url}/v1/sys/wrapping/unwrap`, client token `auth.client_token`), then reads
 * `GET {url}/v1/{secretRoot}/data/{secretPath}` and returns `data.data[secretKey]`.
 * Failures are `BackendError`s with reason `VAULT_UNWRAP_FAILED`, `VAULT_READ_FAILED`,
 * `VAULT_KEY_MISSING` or `VAULT_UNREACHABLE`. Drivers that do not talk to Vault themselves (the
 * embedded one) are given one.
 */
export interface PassphraseProvider {
  fetchPassphrase(vault: VaultSecretLocation): Promise<string>;
}

export interface WorkerNfsRecord {
  address: string;
  volumeId: string;
  nfsMounted: boolean;
}

// ---------------------------------------------------------------------------------------------

export interface VolumesSource {
  // Ceph ---------------------------------------------------------------------------------------
  /** `ceph status` text, health, flags and the primary coordinator. */
  cephStatus(): Promise<CephStatusRecord>;
  /** The OSD map flags currently set. */
  cephOsdFlags(): Promise<string[]>;
  /** Sets (or unsets) an OSD map flag; setting a set flag or unsetting an unset one is a no-op. */
  setCephOsdFlag(flag: string, set: boolean): Promise<void>;
  /** Every OSD, ordered by numeric id. */
  listCephOsds(): Promise<CephOsdRecord[]>;
  /** The OSDs with these ids, any order; unknown ids left out. */
  getCephOsds(ids: readonly string[]): Promise<CephOsdRecord[]>;
  /** The OSDs on these nodes. */
  cephOsdsOnNodes(nodes: readonly string[]): Promise<CephOsdRecord[]>;
  /** Which of these node names exist. */
  existingNodes(nodes: readonly string[]): Promise<string[]>;
  /** Creates an OSD on a node's block device; returns it. */
  addCephOsd(osd: NewCephOsd): Promise<CephOsdRecord>;
  removeCephOsd(id: string): Promise<void>;
  setCephOsdIn(id: string, inCluster: boolean): Promise<void>;
  /** Every pool, ordered by name. */
  listCephPools(): Promise<CephPoolRecord[]>;
  getCephPools(names: readonly string[]): Promise<CephPoolRecord[]>;
  addCephPool(name: string, pgs: number): Promise<void>;
  /** Removes the pool with its volumes and snapshots. */
  removeCephPool(name: string): Promise<void>;
  /** Every volume (of the given pools when `pools` is set), ordered by pool, then name. */
  listRbdVolumes(pools?: readonly string[]): Promise<RbdVolumeRecord[]>;
  getRbdVolumes(keys: readonly PoolVolumeKey[]): Promise<RbdVolumeRecord[]>;
  /** The volumes named by the RBD disks of these VMs (by VM UUID), in disk order. */
  rbdVolumesOfVms(vmIds: readonly string[]): Promise<VmVolumeRecord[]>;
  addRbdVolume(pool: string, name: string, sizeBytes: number): Promise<void>;
  removeRbdVolume(pool: string, name: string): Promise<void>;
  /** Snapshots of these volumes (all when `volumes` is absent), ordered by pool, volume, name. */
  listRbdSnapshots(volumes?: readonly PoolVolumeKey[]): Promise<RbdSnapshotRecord[]>;
  addRbdSnapshot(pool: string, volume: string, name: string): Promise<void>;
  removeRbdSnapshot(pool: string, volume: string, name: string): Promise<void>;

  // Gluster ------------------------------------------------------------------------------------
  /** Every volume with bricks and reconfigured options (`volume info`), ordered by name. */
  listGlusterVolumes(): Promise<GlusterVolumeRecord[]>;
  getGlusterVolumes(names: readonly string[]): Promise<GlusterVolumeRecord[]>;
  /** `volume status … detail` of these (started) volumes: bricks in the report. */
  glusterBrickStatus(volumes: readonly string[]): Promise<GlusterBrickStatusRecord[]>;
  /** Bricks whose host is one of these nodes (by name or address). */
  glusterBricksOnNodes(nodes: readonly string[]): Promise<NodeBrickRecord[]>;
  /** The trusted pool's peers. */
  glusterPeers(): Promise<GlusterPeerInfo[]>;
  createGlusterVolume(volume: NewGlusterVolume): Promise<CommandOutcome>;
  /** Start (`started` true) or stop a volume. */
  setGlusterVolumeStarted(name: string, started: boolean, force: boolean): Promise<CommandOutcome>;
  deleteGlusterVolume(name: string): Promise<CommandOutcome>;
  setGlusterVolumeOptions(name: string, options: readonly GlusterOptionRecord[]): Promise<CommandOutcome>;
  /** Resets one option (or every one for `all`). */
  resetGlusterVolumeOption(name: string, option: string, force: boolean): Promise<CommandOutcome>;
  /**
   * Option values including defaults (`volume get <volume> <option|all>`) of these volumes: every
   * option when `option` is null, else that one (already checked to be a known option).
   */
  glusterOptionValues(
    volumes: readonly string[],
    option: string | null,
  ): Promise<({ volume: string } & GlusterOptionRecord)[]>;
  /** The last rebalance of these volumes; volumes that never had one are left out. */
  glusterRebalanceStatus(names: readonly string[]): Promise<({ volume: string } & GlusterRebalanceRecord)[]>;
  startGlusterRebalance(name: string, op: GlusterRebalanceOp): Promise<CommandOutcome>;
  stopGlusterRebalance(name: string): Promise<CommandOutcome>;
  setGlusterBarrier(name: string, enabled: boolean): Promise<CommandOutcome>;

  // Encrypted volumes --------------------------------------------------------------------------
  listEncryptedVolumes(): Promise<EncryptedVolumeRecord[]>;
  getEncryptedVolumes(ids: readonly string[]): Promise<EncryptedVolumeRecord[]>;
  /** The volumes known under these addresses (lower-case IPs or DNS names). */
  encryptedVolumesByAddress(
    addresses: readonly string[],
  ): Promise<({ address: string } & EncryptedVolumeRecord)[]>;
  encryptedVolumesOnNodes(nodes: readonly string[]): Promise<EncryptedVolumeRecord[]>;
  /** `luksctl status` of each volume. An unreachable instance is `unavailable` with a reason. */
  encryptedVolumeStates(ids: readonly string[]): Promise<EncryptedVolumeStateRecord[]>;
  /**
   * Opens a volume: fetches the passphrase (Vault unwrap + KV read for a vault key) and runs
   * `luksctl open` with it on standard input. Vault failures are BackendErrors (see
   * `PassphraseProvider`); the open command's outcome is returned whatever its exit status.
   */
  openEncryptedVolume(id: string, key: EncryptedVolumeKey): Promise<EncryptedVolumeOpenResult>;
  /** NFS mount state of these worker addresses (lower-case). */
  workerNfsStates(addresses: readonly string[]): Promise<WorkerNfsRecord[]>;
  /** Mounts the NFS exports of these workers (`mount -a -t nfs`); a failed mount stays unmounted. */
  mountWorkerNfs(addresses: readonly string[]): Promise<void>;
}
