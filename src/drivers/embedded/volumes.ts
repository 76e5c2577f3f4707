import { randomBytes, randomUUID } from 'node:crypto';
import { verifyPassword } from '../../identity/index.js';
import { BackendError } from '../../errors/index.js';
import type {
  CephOsdRecord,
  CephPoolRecord,
  CephStatusRecord,
  CommandOutcome,
  EncryptedVolumeKey,
  EncryptedVolumeOpenResult,
  EncryptedVolumeRecord,
  EncryptedVolumeStateRecord,
  GlusterBrickStatusRecord,
  GlusterOptionRecord,
  GlusterPeerInfo,
  GlusterRebalanceOp,
  GlusterRebalanceRecord,
  GlusterVolumeRecord,
  NewCephOsd,
  NewGlusterVolume,
  NodeBrickRecord,
  PassphraseProvider,
  PoolVolumeKey,
  RbdSnapshotRecord,
  RbdVolumeRecord,
  VmVolumeRecord,
  VolumesSource,
  WorkerNfsRecord,
} from '../../subgraphs/volumes/index.js';
import { GLUSTER_OPTIONS } from '../../subgraphs/volumes/index.js';
import type { Store } from './store.js';

/** A stored passphrase hash: the encoding of identity's `hashPassword` (scrypt$N$r$p$salt$hash). */
export const PASSPHRASE_HASH =
  /^scrypt\$[0-9]{1,7}\$[0-9]{1,3}\$[0-9]{1,3}\$[A-Za-z0-9+/=]{8,}\$[A-Za-z0-9+/=]{16,}$/;

/** Used when no Vault client is configured: every fetch fails as an unreachable Vault. */
export const NO_VAULT: PassphraseProvider = {
  async fetchPassphrase() {
    throw new BackendError('BACKEND_UNAVAILABLE', 'No Vault client is configured for this backend', {
      reason: 'VAULT_UNREACHABLE',
    });
  },
};

export interface EmbeddedVolumesOptions {
  /** Where Vault-kept passphrases come from (default: none, opens with Vault fail VAULT_UNREACHABLE). */
  passphrases?: PassphraseProvider;
  /** How long an embedded rebalance runs before it reports completed (default 5 s). */
  rebalanceMillis?: number;
  now?: () => number;
}

// ---------------------------------------------------------------------------------------------

const OBJECT_SIZE = 4 * 1024 * 1024;
const json = (keys: readonly unknown[]) => JSON.stringify(keys);

/** ceph's `osd status` style counts: `0`, `950`, `45.1k`, `3.2M`. */
function shortCount(value: number): string {
  if (value < 1000) return String(value);
  const units = ['k', 'M', 'G', 'T', 'P'];
  let scaled = value;
  let unit = -1;
  while (scaled >= 1000 && unit < units.length - 1) {
    scaled /= 1000;
    unit += 1;
  }
  return `${scaled.toFixed(1)}${units[unit]}`;
}

/** `ceph osd status` sizes: 1024-based with one letter (`811G`). */
function shortBytes(bytes: number): string {
  const units = ['', 'k', 'M', 'G', 'T', 'P'];
  let scaled = bytes;
  let unit = 0;
  while (scaled >= 1024 && unit < units.length - 1) {
    scaled /= 1024;
    unit += 1;
  }
  return `${unit === 0 ? scaled : Math.round(scaled)}${units[unit]}`;
}

/** `ceph status` sizes: `100 GiB`, `2.7 TiB`. */
function iecBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  let scaled = bytes;
  let unit = 0;
  while (scaled >= 1024 && unit < units.length - 1) {
    scaled /= 1024;
    unit += 1;
  }
  const text =
    scaled >= 10 || unit === 0 ? String(Math.round(scaled)) : scaled.toFixed(1).replace(/\.0$/, '');
  return `${text} ${units[unit]}`;
}

/** asctime form, as `rbd info` prints `create_timestamp` (UTC here). */
function asctime(iso: string): string {
  const date = new Date(iso);
  const days = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const pad = (value: number) => String(value).padStart(2, '0');
  return `${days[date.getUTCDay()]} ${months[date.getUTCMonth()]} ${String(date.getUTCDate()).padStart(2, ' ')} ${pad(
    date.getUTCHours(),
  )}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())} ${date.getUTCFullYear()}`;
}

interface OsdRow {
  id: number;
  node: string;
  device: string;
  weight: number;
  uuid: string;
  up: number;
  in_cluster: number;
  primary_affinity: number;
  reweight: number;
  size_kb: number | null;
  used_kb: number;
  pgs: number;
  wr_ops: number;
  wr_bytes: number;
  rd_ops: number;
  rd_bytes: number;
}

interface VolumeRow {
  pool: string;
  name: string;
  size_bytes: number;
  image_id: string;
  created_at: string;
  snapshot_count: number;
}

interface GlusterVolumeRow {
  name: string;
  uuid: string;
  status: 'Created' | 'Started' | 'Stopped';
  type: string;
  distribute_count: number;
  stripe_count: number;
  replica_count: number;
  arbiter_count: number;
  disperse_count: number;
  redundancy_count: number;
  transport: 'tcp' | 'rdma' | 'tcp,rdma';
}

interface BrickRow {
  volume: string;
  position: number;
  host: string;
  path: string;
  peer_uuid: string | null;
  online: number;
  pid: number | null;
  port: number | null;
  node: string | null;
}

const VOLUME_COLUMNS = `v.*, (SELECT COUNT(*) FROM rbd_snapshots s WHERE s.pool = v.pool AND s.volume = v.name) AS snapshot_count`;
const BRICK_COLUMNS = `b.*, (SELECT n.name FROM nodes n WHERE n.name = b.host OR n.address = b.host ORDER BY n.name = b.host DESC LIMIT 1) AS node`;

/** Ceph, Gluster and encrypted volumes kept in the embedded store. */
export class EmbeddedVolumes implements VolumesSource {
  private readonly passphrases: PassphraseProvider;
  private readonly rebalanceMillis: number;
  private readonly now: () => number;

  constructor(
    private readonly store: Store,
    options: EmbeddedVolumesOptions = {},
  ) {
    this.passphrases = options.passphrases ?? NO_VAULT;
    this.rebalanceMillis = options.rebalanceMillis ?? 5000;
    this.now = options.now ?? Date.now;
  }

  private get db() {
    return this.store.db;
  }

  // Ceph -----------------------------------------------------------------------------------------

  async cephStatus(): Promise<CephStatusRecord> {
    const fsid =
      (this.db.prepare('SELECT fsid FROM ceph_cluster WHERE id = 1').get() as { fsid: string } | undefined)
        ?.fsid ?? '00000000-0000-4000-8000-000000000000';
    const flags = await this.cephOsdFlags();
    const osds = await this.listCephOsds();
    const pools = await this.listCephPools();
    const primary = this.db
      .prepare(`SELECT name FROM nodes WHERE coordinator_state = 'primary' ORDER BY name LIMIT 1`)
      .get() as { name: string } | undefined;
    const mons = (
      this.db
        .prepare(`SELECT name FROM nodes WHERE coordinator_state IN ('primary', 'secondary') ORDER BY name`)
        .all() as {
        name: string;
      }[]
    ).map((row) => row.name);
    const up = osds.filter((osd) => osd.up).length;
    const inCount = osds.filter((osd) => osd.in).length;
    const warnings: string[] = [];
    if (flags.length > 0) warnings.push(`${flags.join(',')} flag(s) set`);
    if (up < osds.length) warnings.push(`${osds.length - up} osds down`);
    const health =
      osds.length > 0 && up === 0 ? 'HEALTH_ERR' : warnings.length > 0 ? 'HEALTH_WARN' : 'HEALTH_OK';
    const pgs = pools.reduce((sum, pool) => sum + pool.pgs, 0);
    const objects = pools.reduce((sum, pool) => sum + pool.stats.numObjects, 0);
    const stored = pools.reduce((sum, pool) => sum + pool.stats.sizeBytes, 0);
    const totalKb = osds.reduce((sum, osd) => sum + (osd.stats?.kb ?? 0), 0);
    const usedKb = (
      this.db
        .prepare('SELECT COALESCE(SUM(used_kb), 0) AS kb FROM ceph_osds WHERE size_kb IS NOT NULL')
        .get() as { kb: number }
    ).kb;
    const objectsText = objects >= 1000 ? `${(objects / 1000).toFixed(2)}k` : String(objects);
    const lines = [
      '  cluster:',
      `    id:     ${fsid}`,
      `    health: ${health}`,
      ...warnings.map((warning) => `            ${warning}`),
      ' ',
      '  services:',
      `    mon: ${mons.length} daemons, quorum ${mons.join(',')}`,
      `    mgr: ${primary?.name ?? 'none'}(active)${mons.length > 1 ? `, standbys: ${mons.filter((mon) => mon !== primary?.name).join(', ')}` : ''}`,
      `    osd: ${osds.length} osds: ${up} up, ${inCount} in${flags.length > 0 ? `\n         flags ${flags.join(',')}` : ''}`,
      ' ',
      '  data:',
      `    pools:   ${pools.length} pools, ${pgs} pgs`,
      `    objects: ${objectsText} objects, ${iecBytes(stored)}`,
      `    usage:   ${iecBytes(usedKb * 1024)} used, ${iecBytes((totalKb - usedKb) * 1024)} / ${iecBytes(totalKb * 1024)} avail`,
      `    pgs:     ${pgs} active+clean`,
    ];
    return { fsid, health, text: lines.join('\n'), primaryNode: primary?.name ?? null, flags };
  }

  async cephOsdFlags(): Promise<string[]> {
    return (
      this.db.prepare('SELECT flag FROM ceph_osd_flags ORDER BY position').all() as { flag: string }[]
    ).map((row) => row.flag);
  }

  async setCephOsdFlag(flag: string, set: boolean): Promise<void> {
    this.store.transaction(() => {
      if (set) {
        this.db
          .prepare(
            'INSERT OR IGNORE INTO ceph_osd_flags (flag, position) VALUES (?, (SELECT COALESCE(MAX(position), 0) + 1 FROM ceph_osd_flags))',
          )
          .run(flag);
      } else {
        this.db.prepare('DELETE FROM ceph_osd_flags WHERE flag = ?').run(flag);
      }
    });
  }

  private osdRecords(rows: OsdRow[]): CephOsdRecord[] {
    const all = this.db.prepare('SELECT size_kb, used_kb, up, in_cluster FROM ceph_osds').all() as OsdRow[];
    const known = all.filter((row) => row.size_kb);
    const average =
      known.reduce((sum, row) => sum + row.used_kb, 0) /
      Math.max(
        1,
        known.reduce((sum, row) => sum + (row.size_kb ?? 0), 0),
      );
    const active = all.filter((row) => row.up && row.in_cluster).length;
    const pgCopies = (
      this.db.prepare('SELECT COALESCE(SUM(pgs * replicas), 0) AS copies FROM ceph_pools').get() as {
        copies: number;
      }
    ).copies;
    return rows.map((row) => {
      const utilization = row.size_kb ? (row.used_kb / row.size_kb) * 100 : 0;
      return {
        id: String(row.id),
        node: row.node,
        device: row.device,
        weight: row.weight,
        up: row.up === 1,
        in: row.in_cluster === 1,
        stats: row.size_kb
          ? {
              uuid: row.uuid,
              up: row.up,
              in: row.in_cluster,
              primaryAffinity: row.primary_affinity,
              utilization: Math.round(utilization * 10000) / 10000,
              var: average > 0 ? Math.round((utilization / 100 / average) * 100) / 100 : 0,
              pgs: row.pgs || (row.up && row.in_cluster && active > 0 ? Math.round(pgCopies / active) : 0),
              kb: row.size_kb,
              weight: row.weight,
              reweight: row.in_cluster ? row.reweight : 0,
              node: row.node,
              used: shortBytes(row.used_kb * 1024),
              avail: shortBytes((row.size_kb - row.used_kb) * 1024),
              wrOps: shortCount(row.wr_ops),
              wrData: shortCount(row.wr_bytes),
              rdOps: shortCount(row.rd_ops),
              rdData: shortCount(row.rd_bytes),
              state: row.up ? 'exists,up' : 'exists',
            }
          : null,
      };
    });
  }

  async listCephOsds(): Promise<CephOsdRecord[]> {
    return this.osdRecords(this.db.prepare('SELECT * FROM ceph_osds ORDER BY id').all() as OsdRow[]);
  }

  async getCephOsds(ids: readonly string[]): Promise<CephOsdRecord[]> {
    if (ids.length === 0) return [];
    const rows = this.db
      .prepare(
        'SELECT * FROM ceph_osds WHERE id IN (SELECT CAST(value AS INTEGER) FROM json_each(?)) ORDER BY id',
      )
      .all(json(ids)) as OsdRow[];
    return this.osdRecords(rows);
  }

  async cephOsdsOnNodes(nodes: readonly string[]): Promise<CephOsdRecord[]> {
    if (nodes.length === 0) return [];
    const rows = this.db
      .prepare('SELECT * FROM ceph_osds WHERE node IN (SELECT value FROM json_each(?)) ORDER BY id')
      .all(json(nodes)) as OsdRow[];
    return this.osdRecords(rows);
  }

  async existingNodes(nodes: readonly string[]): Promise<string[]> {
    if (nodes.length === 0) return [];
    return (
      this.db
        .prepare('SELECT name FROM nodes WHERE name IN (SELECT value FROM json_each(?))')
        .all(json(nodes)) as {
        name: string;
      }[]
    ).map((row) => row.name);
  }

  async addCephOsd(osd: NewCephOsd): Promise<CephOsdRecord> {
    const id = this.store.transaction(() => {
      const used = new Set(
        (this.db.prepare('SELECT id FROM ceph_osds').all() as { id: number }[]).map((row) => row.id),
      );
      let next = 0;
      while (used.has(next)) next += 1;
      this.db
        .prepare('INSERT INTO ceph_osds (id, node, device, weight, uuid) VALUES (?, ?, ?, ?, ?)')
        .run(next, osd.node, osd.device, osd.weight, randomUUID());
      return next;
    });
    const [record] = await this.getCephOsds([String(id)]);
    return record!;
  }

  async removeCephOsd(id: string): Promise<void> {
    this.store.transaction(() => {
      this.db.prepare('DELETE FROM ceph_osds WHERE id = ?').run(Number(id));
    });
  }

  async setCephOsdIn(id: string, inCluster: boolean): Promise<void> {
    this.store.transaction(() => {
      this.db.prepare('UPDATE ceph_osds SET in_cluster = ? WHERE id = ?').run(inCluster ? 1 : 0, Number(id));
    });
  }

  private poolRecords(names?: readonly string[]): CephPoolRecord[] {
    const rows = (
      names
        ? this.db
            .prepare('SELECT * FROM ceph_pools WHERE name IN (SELECT value FROM json_each(?)) ORDER BY name')
            .all(json(names))
        : this.db.prepare('SELECT * FROM ceph_pools ORDER BY name').all()
    ) as {
      name: string;
      pool_id: number;
      pgs: number;
      replicas: number;
      read_ops: number;
      read_bytes: number;
      write_ops: number;
      write_bytes: number;
    }[];
    const active = (
      this.db.prepare('SELECT COUNT(*) AS n FROM ceph_osds WHERE up = 1 AND in_cluster = 1').get() as {
        n: number;
      }
    ).n;
    return rows.map((row) => {
      const usage = this.db
        .prepare(
          `SELECT COALESCE(SUM(size_bytes), 0) AS bytes, COALESCE(SUM((size_bytes + ${OBJECT_SIZE - 1}) / ${OBJECT_SIZE}), 0) AS objects,
             (SELECT COUNT(*) FROM rbd_snapshots s WHERE s.pool = ?) AS snapshots
           FROM rbd_volumes WHERE pool = ?`,
        )
        .get(row.name, row.name) as { bytes: number; objects: number; snapshots: number };
      const copies = Math.min(row.replicas, active);
      return {
        name: row.name,
        pgs: row.pgs,
        stats: {
          id: row.pool_id,
          sizeBytes: usage.bytes,
          numObjects: usage.objects,
          numObjectClones: usage.snapshots,
          numObjectCopies: usage.objects * row.replicas,
          numObjectsMissingOnPrimary: 0,
          numObjectsUnfound: 0,
          numObjectsDegraded: usage.objects * (row.replicas - copies),
          readOps: row.read_ops,
          readBytes: row.read_bytes,
          writeOps: row.write_ops,
          writeBytes: row.write_bytes,
        },
      };
    });
  }

  async listCephPools(): Promise<CephPoolRecord[]> {
    return this.poolRecords();
  }

  async getCephPools(names: readonly string[]): Promise<CephPoolRecord[]> {
    return names.length === 0 ? [] : this.poolRecords(names);
  }

  async addCephPool(name: string, pgs: number): Promise<void> {
    this.store.transaction(() => {
      this.db
        .prepare(
          'INSERT INTO ceph_pools (name, pool_id, pgs) VALUES (?, (SELECT COALESCE(MAX(pool_id), 0) + 1 FROM ceph_pools), ?)',
        )
        .run(name, pgs);
    });
  }

  async removeCephPool(name: string): Promise<void> {
    this.store.transaction(() => {
      this.db.prepare('DELETE FROM rbd_snapshots WHERE pool = ?').run(name);
      this.db.prepare('DELETE FROM rbd_volumes WHERE pool = ?').run(name);
      this.db.prepare('DELETE FROM ceph_pools WHERE name = ?').run(name);
    });
  }

  private volumeRecord(row: VolumeRow): RbdVolumeRecord {
    // `rbd info` is built when a field reads it: a list of VMs with their volumes never does.
    let info: RbdVolumeRecord['info'] | undefined;
    return {
      pool: row.pool,
      name: row.name,
      sizeBytes: row.size_bytes,
      get info() {
        info ??= {
          name: row.name,
          id: row.image_id,
          size: row.size_bytes,
          objects: Math.ceil(row.size_bytes / OBJECT_SIZE),
          order: 22,
          object_size: OBJECT_SIZE,
          snapshot_count: row.snapshot_count,
          block_name_prefix: `rbd_data.${row.image_id}`,
          format: 2,
          features: ['layering'],
          op_features: [],
          flags: [],
          create_timestamp: asctime(row.created_at),
        };
        return info;
      },
    };
  }

  async listRbdVolumes(pools?: readonly string[]): Promise<RbdVolumeRecord[]> {
    const rows = (
      pools
        ? this.db
            .prepare(
              `SELECT ${VOLUME_COLUMNS} FROM rbd_volumes v WHERE v.pool IN (SELECT value FROM json_each(?)) ORDER BY v.pool, v.name`,
            )
            .all(json(pools))
        : this.db.prepare(`SELECT ${VOLUME_COLUMNS} FROM rbd_volumes v ORDER BY v.pool, v.name`).all()
    ) as VolumeRow[];
    return rows.map((row) => this.volumeRecord(row));
  }

  async getRbdVolumes(keys: readonly PoolVolumeKey[]): Promise<RbdVolumeRecord[]> {
    if (keys.length === 0) return [];
    const rows = this.db
      .prepare(
        `SELECT ${VOLUME_COLUMNS} FROM rbd_volumes v
         JOIN json_each(?) k ON v.pool = json_extract(k.value, '$.pool') AND v.name = json_extract(k.value, '$.name')`,
      )
      .all(json(keys.map(({ pool, name }) => ({ pool, name })))) as VolumeRow[];
    return rows.map((row) => this.volumeRecord(row));
  }

  async rbdVolumesOfVms(vmIds: readonly string[]): Promise<VmVolumeRecord[]> {
    if (vmIds.length === 0) return [];
    const rows = this.db
      .prepare(
        `SELECT d.vm_uuid AS vm_id, ${VOLUME_COLUMNS}
         FROM vm_disks d
         JOIN rbd_volumes v ON v.pool = substr(d.name, 1, instr(d.name, '/') - 1) AND v.name = substr(d.name, instr(d.name, '/') + 1)
         WHERE d.vm_uuid IN (SELECT value FROM json_each(?)) AND d.type = 'rbd' AND instr(d.name, '/') > 0
         ORDER BY d.vm_uuid, d.position`,
      )
      .all(json(vmIds)) as (VolumeRow & { vm_id: string })[];
    return rows.map((row) => ({ vmId: row.vm_id, volume: this.volumeRecord(row) }));
  }

  async addRbdVolume(pool: string, name: string, sizeBytes: number): Promise<void> {
    this.store.transaction(() => {
      this.db
        .prepare(
          'INSERT INTO rbd_volumes (pool, name, size_bytes, image_id, created_at) VALUES (?, ?, ?, ?, ?)',
        )
        .run(pool, name, sizeBytes, randomBytes(6).toString('hex'), new Date(this.now()).toISOString());
    });
  }

  async removeRbdVolume(pool: string, name: string): Promise<void> {
    this.store.transaction(() => {
      this.db.prepare('DELETE FROM rbd_snapshots WHERE pool = ? AND volume = ?').run(pool, name);
      this.db.prepare('DELETE FROM rbd_volumes WHERE pool = ? AND name = ?').run(pool, name);
    });
  }

  async listRbdSnapshots(volumes?: readonly PoolVolumeKey[]): Promise<RbdSnapshotRecord[]> {
    const rows = (
      volumes
        ? this.db
            .prepare(
              `SELECT s.* FROM rbd_snapshots s
               JOIN json_each(?) k ON s.pool = json_extract(k.value, '$.pool') AND s.volume = json_extract(k.value, '$.name')
               ORDER BY s.pool, s.volume, s.name`,
            )
            .all(json(volumes.map(({ pool, name }) => ({ pool, name }))))
        : this.db.prepare('SELECT * FROM rbd_snapshots ORDER BY pool, volume, name').all()
    ) as { pool: string; volume: string; name: string; created_at: string }[];
    return rows.map((row) => ({
      pool: row.pool,
      volume: row.volume,
      name: row.name,
      createdAt: row.created_at,
    }));
  }

  async addRbdSnapshot(pool: string, volume: string, name: string): Promise<void> {
    this.store.transaction(() => {
      this.db
        .prepare('INSERT INTO rbd_snapshots (pool, volume, name, created_at) VALUES (?, ?, ?, ?)')
        .run(pool, volume, name, new Date(this.now()).toISOString());
    });
  }

  async removeRbdSnapshot(pool: string, volume: string, name: string): Promise<void> {
    this.store.transaction(() => {
      this.db
        .prepare('DELETE FROM rbd_snapshots WHERE pool = ? AND volume = ? AND name = ?')
        .run(pool, volume, name);
    });
  }

  // Gluster ----------------------------------------------------------------------------------------

  private glusterRecords(rows: GlusterVolumeRow[]): GlusterVolumeRecord[] {
    if (rows.length === 0) return [];
    const names = json(rows.map((row) => row.name));
    const bricks = this.db
      .prepare(
        `SELECT ${BRICK_COLUMNS} FROM gluster_bricks b WHERE b.volume IN (SELECT value FROM json_each(?)) ORDER BY b.volume, b.position`,
      )
      .all(names) as BrickRow[];
    const options = this.db
      .prepare(
        'SELECT * FROM gluster_volume_options WHERE volume IN (SELECT value FROM json_each(?)) ORDER BY volume, position',
      )
      .all(names) as { volume: string; name: string; value: string }[];
    return rows.map((row) => {
      const own = bricks.filter((brick) => brick.volume === row.name);
      return {
        name: row.name,
        uuid: row.uuid,
        status: row.status,
        type: row.type,
        brickCount: own.length,
        distributeCount: row.distribute_count,
        stripeCount: row.stripe_count,
        replicaCount: row.replica_count,
        arbiterCount: row.arbiter_count,
        disperseCount: row.disperse_count,
        redundancyCount: row.redundancy_count,
        transport: row.transport,
        bricks: own.map((brick) => ({
          host: brick.host,
          path: brick.path,
          peerUuid: brick.peer_uuid,
          node: brick.node,
        })),
        options: options
          .filter((option) => option.volume === row.name)
          .map(({ name, value }) => ({ name, value })),
      };
    });
  }

  async listGlusterVolumes(): Promise<GlusterVolumeRecord[]> {
    return this.glusterRecords(
      this.db.prepare('SELECT * FROM gluster_volumes ORDER BY name').all() as GlusterVolumeRow[],
    );
  }

  async getGlusterVolumes(names: readonly string[]): Promise<GlusterVolumeRecord[]> {
    if (names.length === 0) return [];
    return this.glusterRecords(
      this.db
        .prepare('SELECT * FROM gluster_volumes WHERE name IN (SELECT value FROM json_each(?)) ORDER BY name')
        .all(json(names)) as GlusterVolumeRow[],
    );
  }

  async glusterOptionValues(
    volumes: readonly string[],
    option: string | null,
  ): Promise<({ volume: string } & GlusterOptionRecord)[]> {
    // The embedded pool knows the options of GLUSTER_OPTIONS; unset ones have their default.
    const names = option === null ? Object.keys(GLUSTER_OPTIONS).sort() : [option];
    const out: ({ volume: string } & GlusterOptionRecord)[] = [];
    for (const volume of await this.getGlusterVolumes(volumes)) {
      const set = new Map(volume.options.map((entry) => [entry.name, entry.value]));
      for (const name of names) {
        out.push({ volume: volume.name, name, value: set.get(name) ?? GLUSTER_OPTIONS[name]?.default ?? '' });
      }
    }
    return out;
  }

  async glusterBrickStatus(volumes: readonly string[]): Promise<GlusterBrickStatusRecord[]> {
    if (volumes.length === 0) return [];
    // A brick is in the report when its host is a connected peer (the answering node always is).
    const rows = this.db
      .prepare(
        `SELECT b.* FROM gluster_bricks b
         JOIN gluster_volumes v ON v.name = b.volume AND v.status = 'Started'
         WHERE b.volume IN (SELECT value FROM json_each(?))
           AND (b.host = 'localhost' OR EXISTS (SELECT 1 FROM gluster_peers p WHERE (p.hostname = b.host OR p.uuid = b.peer_uuid) AND (p.connected = 1 OR p.is_self = 1)))
         ORDER BY b.volume, b.position`,
      )
      .all(json(volumes)) as BrickRow[];
    return rows.map((row) => {
      const online = row.online === 1;
      return {
        volume: row.volume,
        host: row.host,
        path: row.path,
        online,
        pid: online && row.pid ? String(row.pid) : 'N/A',
        tcpPort: online && row.port ? String(row.port) : 'N/A',
        rdmaPort: 'N/A',
        sizeTotal: '10725883904',
        sizeFree: '10692153344',
        device: '/dev/mapper/bricks',
        blockSize: '4096',
        mntOptions: 'rw,relatime,attr2,inode64,noquota',
        fsName: 'xfs',
      };
    });
  }

  async glusterBricksOnNodes(nodes: readonly string[]): Promise<NodeBrickRecord[]> {
    if (nodes.length === 0) return [];
    const rows = this.db
      .prepare(
        `SELECT * FROM (SELECT ${BRICK_COLUMNS} FROM gluster_bricks b) WHERE node IN (SELECT value FROM json_each(?)) ORDER BY volume, position`,
      )
      .all(json(nodes)) as BrickRow[];
    return rows.map((row) => ({
      volume: row.volume,
      host: row.host,
      path: row.path,
      peerUuid: row.peer_uuid,
      node: row.node,
    }));
  }

  async glusterPeers(): Promise<GlusterPeerInfo[]> {
    return (
      this.db
        .prepare(
          'SELECT uuid, hostname, connected, is_self FROM gluster_peers ORDER BY is_self DESC, hostname',
        )
        .all() as {
        uuid: string;
        hostname: string;
        connected: number;
        is_self: number;
      }[]
    ).map((row) => ({
      uuid: row.uuid,
      hostname: row.hostname,
      connected: row.connected === 1 || row.is_self === 1,
      isSelf: row.is_self === 1,
    }));
  }

  async createGlusterVolume(volume: NewGlusterVolume): Promise<CommandOutcome> {
    this.store.transaction(() => {
      this.db
        .prepare(
          `INSERT INTO gluster_volumes (name, uuid, status, type, distribute_count, stripe_count, replica_count, arbiter_count,
             disperse_count, redundancy_count, transport)
           VALUES (?, ?, 'Created', ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          volume.name,
          randomUUID(),
          volume.type,
          volume.distributeCount,
          volume.stripeCount,
          volume.replicaCount,
          volume.arbiterCount,
          volume.disperseCount,
          volume.redundancyCount,
          volume.transport,
        );
      const insertBrick = this.db.prepare(
        'INSERT INTO gluster_bricks (volume, position, host, path, peer_uuid) VALUES (?, ?, ?, ?, ?)',
      );
      volume.bricks.forEach((brick, position) =>
        insertBrick.run(volume.name, position, brick.host, brick.path, brick.peerUuid),
      );
      // What a current glusterd reconfigures on every new volume.
      const initial: GlusterOptionRecord[] = [];
      if (volume.replicaCount > 1 || volume.disperseCount > 0)
        initial.push({ name: 'cluster.granular-entry-heal', value: 'on' });
      initial.push(
        { name: 'storage.fips-mode-rchecksum', value: 'on' },
        { name: 'transport.address-family', value: 'inet' },
        { name: 'nfs.disable', value: 'on' },
      );
      if (volume.replicaCount > 1) initial.push({ name: 'performance.client-io-threads', value: 'off' });
      this.upsertOptions(volume.name, initial);
    });
    return { output: null };
  }

  async setGlusterVolumeStarted(name: string, started: boolean, _force: boolean): Promise<CommandOutcome> {
    this.store.transaction(() => {
      this.db
        .prepare('UPDATE gluster_volumes SET status = ? WHERE name = ?')
        .run(started ? 'Started' : 'Stopped', name);
      if (started) {
        this.db
          .prepare(
            `UPDATE gluster_bricks SET online = 1,
               pid = COALESCE(pid, 2300 + (SELECT COUNT(*) FROM gluster_bricks) + position),
               port = COALESCE(port, 49152 + position)
             WHERE volume = ?`,
          )
          .run(name);
      } else {
        this.db
          .prepare('UPDATE gluster_bricks SET online = 0, pid = NULL, port = NULL WHERE volume = ?')
          .run(name);
      }
    });
    return { output: null };
  }

  async deleteGlusterVolume(name: string): Promise<CommandOutcome> {
    this.store.transaction(() => {
      this.db.prepare('DELETE FROM gluster_volumes WHERE name = ?').run(name);
    });
    return { output: null };
  }

  private upsertOptions(volume: string, options: readonly GlusterOptionRecord[]): void {
    const upsert = this.db.prepare(
      `INSERT INTO gluster_volume_options (volume, position, name, value)
       VALUES (?, (SELECT COALESCE(MAX(position), 0) + 1 FROM gluster_volume_options WHERE volume = ?), ?, ?)
       ON CONFLICT (volume, name) DO UPDATE SET value = excluded.value`,
    );
    for (const option of options) upsert.run(volume, volume, option.name, option.value);
  }

  async setGlusterVolumeOptions(
    name: string,
    options: readonly GlusterOptionRecord[],
  ): Promise<CommandOutcome> {
    this.store.transaction(() => this.upsertOptions(name, options));
    return { output: null };
  }

  async resetGlusterVolumeOption(name: string, option: string, _force: boolean): Promise<CommandOutcome> {
    this.store.transaction(() => {
      if (option === 'all') this.db.prepare('DELETE FROM gluster_volume_options WHERE volume = ?').run(name);
      else
        this.db.prepare('DELETE FROM gluster_volume_options WHERE volume = ? AND name = ?').run(name, option);
    });
    return { output: null };
  }

  async glusterRebalanceStatus(
    names: readonly string[],
  ): Promise<({ volume: string } & GlusterRebalanceRecord)[]> {
    if (names.length === 0) return [];
    const rows = this.db
      .prepare('SELECT * FROM gluster_rebalances WHERE volume IN (SELECT value FROM json_each(?))')
      .all(json(names)) as {
      volume: string;
      task_id: string;
      op_type: string;
      status: string;
      started_at: number;
      stopped_at: number | null;
    }[];
    const now = this.now();
    return rows.map((row) => {
      const completed = row.status === 'in progress' && now - row.started_at >= this.rebalanceMillis;
      const status = completed ? 'completed' : row.status;
      const end = row.stopped_at ?? (completed ? row.started_at + this.rebalanceMillis : now);
      const runtime = (Math.max(0, end - row.started_at) / 1000).toFixed(2);
      const peers = this.db
        .prepare(
          `SELECT DISTINCT COALESCE(p.hostname, b.host) AS host, COALESCE(p.uuid, b.peer_uuid, '') AS uuid, COALESCE(p.is_self, 0) AS is_self
           FROM gluster_bricks b LEFT JOIN gluster_peers p ON p.uuid = b.peer_uuid OR p.hostname = b.host
           WHERE b.volume = ? ORDER BY is_self DESC, host`,
        )
        .all(row.volume) as { host: string; uuid: string; is_self: number }[];
      const counters = { files: '0', size: '0', lookups: '0', failures: '0', skipped: '0', status, runtime };
      return {
        volume: row.volume,
        taskId: row.task_id,
        opType: row.op_type,
        nodes: peers.map((peer) => ({
          nodeName: peer.is_self ? 'localhost' : peer.host,
          id: peer.uuid,
          ...counters,
        })),
        aggregate: { ...counters },
      };
    });
  }

  async startGlusterRebalance(name: string, op: GlusterRebalanceOp): Promise<CommandOutcome> {
    this.store.transaction(() => {
      this.db
        .prepare(
          `INSERT INTO gluster_rebalances (volume, task_id, op_type, status, started_at, stopped_at) VALUES (?, ?, ?, 'in progress', ?, NULL)
           ON CONFLICT (volume) DO UPDATE SET task_id = excluded.task_id, op_type = excluded.op_type, status = excluded.status,
             started_at = excluded.started_at, stopped_at = NULL`,
        )
        .run(name, randomUUID(), op, this.now());
    });
    return { output: null };
  }

  async stopGlusterRebalance(name: string): Promise<CommandOutcome> {
    this.store.transaction(() => {
      this.db
        .prepare(`UPDATE gluster_rebalances SET status = 'stopped', stopped_at = ? WHERE volume = ?`)
        .run(this.now(), name);
    });
    return { output: null };
  }

  async setGlusterBarrier(name: string, enabled: boolean): Promise<CommandOutcome> {
    this.store.transaction(() =>
      this.upsertOptions(name, [{ name: 'features.barrier', value: enabled ? 'enable' : 'disable' }]),
    );
    return { output: null };
  }

  // Encrypted volumes ------------------------------------------------------------------------------

  private encryptedRecords(ids: readonly string[] | null): EncryptedVolumeRecord[] {
    const rows = (
      ids
        ? this.db
            .prepare(
              'SELECT id, node FROM encrypted_volumes WHERE id IN (SELECT value FROM json_each(?)) ORDER BY id',
            )
            .all(json(ids))
        : this.db.prepare('SELECT id, node FROM encrypted_volumes ORDER BY id').all()
    ) as { id: string; node: string | null }[];
    if (rows.length === 0) return [];
    const keys = json(rows.map((row) => row.id));
    const addresses = this.db
      .prepare(
        'SELECT volume_id, address FROM encrypted_volume_addresses WHERE volume_id IN (SELECT value FROM json_each(?)) ORDER BY position',
      )
      .all(keys) as { volume_id: string; address: string }[];
    const workers = this.db
      .prepare(
        'SELECT volume_id, address FROM encrypted_volume_workers WHERE volume_id IN (SELECT value FROM json_each(?)) ORDER BY position',
      )
      .all(keys) as { volume_id: string; address: string }[];
    return rows.map((row) => ({
      id: row.id,
      node: row.node,
      addresses: addresses.filter((a) => a.volume_id === row.id).map((a) => a.address),
      workers: workers.filter((w) => w.volume_id === row.id).map((w) => w.address),
    }));
  }

  async listEncryptedVolumes(): Promise<EncryptedVolumeRecord[]> {
    return this.encryptedRecords(null);
  }

  async getEncryptedVolumes(ids: readonly string[]): Promise<EncryptedVolumeRecord[]> {
    return ids.length === 0 ? [] : this.encryptedRecords(ids);
  }

  async encryptedVolumesByAddress(
    addresses: readonly string[],
  ): Promise<({ address: string } & EncryptedVolumeRecord)[]> {
    if (addresses.length === 0) return [];
    const rows = this.db
      .prepare(
        'SELECT address, volume_id FROM encrypted_volume_addresses WHERE address IN (SELECT value FROM json_each(?))',
      )
      .all(json(addresses)) as { address: string; volume_id: string }[];
    const volumes = new Map(
      this.encryptedRecords(rows.map((row) => row.volume_id)).map((volume) => [volume.id, volume]),
    );
    return rows.flatMap((row) => {
      const volume = volumes.get(row.volume_id);
      return volume ? [{ ...volume, address: row.address }] : [];
    });
  }

  async encryptedVolumesOnNodes(nodes: readonly string[]): Promise<EncryptedVolumeRecord[]> {
    if (nodes.length === 0) return [];
    const ids = (
      this.db
        .prepare('SELECT id FROM encrypted_volumes WHERE node IN (SELECT value FROM json_each(?))')
        .all(json(nodes)) as {
        id: string;
      }[]
    ).map((row) => row.id);
    return this.getEncryptedVolumes(ids);
  }

  async encryptedVolumeStates(ids: readonly string[]): Promise<EncryptedVolumeStateRecord[]> {
    if (ids.length === 0) return [];
    return this.db
      .prepare(
        'SELECT id, state, output, stderr FROM encrypted_volumes WHERE id IN (SELECT value FROM json_each(?))',
      )
      .all(json(ids)) as EncryptedVolumeStateRecord[];
  }

  async openEncryptedVolume(id: string, key: EncryptedVolumeKey): Promise<EncryptedVolumeOpenResult> {
    const passphrase =
      key.kind === 'vault' ? await this.passphrases.fetchPassphrase(key.vault) : key.passphrase;
    const row = this.db
      .prepare('SELECT state, output, stderr, passphrase_hash FROM encrypted_volumes WHERE id = ?')
      .get(id) as { state: string; output: string; stderr: string; passphrase_hash: string } | undefined;
    if (!row) return { exitCode: 2, output: '', stderr: `Volume ${id} is not known.\n` };
    if (row.state === 'unavailable') return { exitCode: 2, output: row.output, stderr: row.stderr };
    if (!(await verifyPassword(passphrase, row.passphrase_hash))) {
      return { exitCode: 1, output: '', stderr: 'No key available with this passphrase.\n' };
    }
    this.store.transaction(() => {
      this.db
        .prepare(`UPDATE encrypted_volumes SET state = 'mounted' WHERE id = ? AND state = 'unmounted'`)
        .run(id);
    });
    return { exitCode: 0, output: '', stderr: '' };
  }

  async workerNfsStates(addresses: readonly string[]): Promise<WorkerNfsRecord[]> {
    if (addresses.length === 0) return [];
    return (
      this.db
        .prepare(
          'SELECT address, volume_id, nfs_mounted FROM encrypted_volume_workers WHERE address IN (SELECT value FROM json_each(?))',
        )
        .all(json(addresses)) as { address: string; volume_id: string; nfs_mounted: number }[]
    ).map((row) => ({ address: row.address, volumeId: row.volume_id, nfsMounted: row.nfs_mounted === 1 }));
  }

  async mountWorkerNfs(addresses: readonly string[]): Promise<void> {
    // The exports exist only while the master's encrypted volume is mounted; otherwise the mount fails.
    this.store.transaction(() => {
      this.db
        .prepare(
          `UPDATE encrypted_volume_workers SET nfs_mounted = 1
           WHERE address IN (SELECT value FROM json_each(?))
             AND volume_id IN (SELECT id FROM encrypted_volumes WHERE state = 'mounted')`,
        )
        .run(json(addresses));
    });
  }
}
