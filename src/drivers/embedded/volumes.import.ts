/**
 * Sections `ceph`, `glusterVolumes` and `encryptedVolumes` of a datacenter description (loaded
 * after `nodes`, `glusterPeers` and `vms`):
 *
 * ```yaml
 * ceph:
 *   fsid: 5b2ab1f0-0000-4000-8000-000000000000   # cluster id (default: a fixed demo id)
 *   flags: [noout]                               # OSD map flags set (default none)
 *   osds:
 *     - id: 0                     # required, unique, 0…999999
 *       node: hv1                 # required; an existing node
 *       device: /dev/sdb          # required; unique per node
 *       weight: 0.9099            # CRUSH weight (default 1)
 *       uuid: 3f1c2b9e-…          # optional (default random)
 *       up: true                  # default true
 *       in: true                  # default true
 *       sizeKiB: 976762584        # optional: without it the OSD has no statistics yet
 *       usedKiB: 125829120        # default 0
 *       pgs: 128                  # optional (default: derived from the pools)
 *       io: { readOps: 0, readBytes: 0, writeOps: 3, writeBytes: 46182 }   # optional
 *   pools:
 *     - name: vms                 # required; letters, digits, . _ -
 *       pgs: 128                  # default 128
 *       replicas: 3               # default 3
 *       io: { readOps: 120034, readBytes: 5368709, writeOps: 40211, writeBytes: 0 }   # optional
 *       volumes:
 *         - name: test1_disk0
 *           size: 10G             # bytes, or digits with one of B K M G T P (powers of 1024)
 *           createdAt: 2019-07-08T10:00:00Z   # optional
 *           snapshots: [snap1]    # names, or { name, createdAt }
 * glusterVolumes:
 *   - name: gv1                   # letters, digits, - and _, at most 64
 *     uuid: 0b9e6f6c-…            # optional (default random)
 *     bricks: [hv1:/bricks/gv1, hv2:/bricks/gv1, hv3:/bricks/gv1]
 *     replica: 3                  # and stripe, arbiter, disperse, disperseData, redundancy (as create)
 *     transport: tcp              # tcp | rdma | tcp,rdma (default tcp)
 *     force: false                # allow bricks of one set on one host
 *     status: started             # created | started | stopped (default created)
 *     options:                    # reconfigured options, in this order (known option names only)
 *       performance.readdir-ahead: 'on'
 * encryptedVolumes:
 *   - name: secure1
 *     addresses: [10.100.0.50, secure1.example.org]   # IPs and DNS names (at least one, unique)
 *     node: hv1                   # optional; an existing node
 *     state: unmounted            # mounted | unmounted | unavailable (default unmounted)
 *     output: ''                  # for unavailable: the status command's stdout …
 *     stderr: ''                  # … and stderr
 *     passphraseHash: scrypt$16384$8$1$<salt>$<hash>   # or `passphrase: <text>`, hashed on import
 *     workers:                    # optional: worker nodes that mount the instance's NFS exports
 *       - { address: 10.100.0.51, nfsMounted: false }
 * ```
 */
import { z } from 'zod';
import { CloudfedError } from '../../errors/index.js';
import {
  CEPH_NAME,
  CEPH_OSD_FLAGS,
  DEVICE,
  ENCRYPTED_NAME,
  GLUSTER_NAME,
  GLUSTER_OPTIONS,
  HOSTNAME,
  parseSize,
  planGlusterVolume,
} from '../../subgraphs/volumes/index.js';
import { DatacenterImportError } from './import-error.js';
import type { Store } from './store.js';
import { hashPasswordSync } from '../../identity/index.js';
import { PASSPHRASE_HASH } from './volumes.js';

const cephName = z
  .string()
  .regex(CEPH_NAME, 'letters, digits, ".", "_" or "-", not starting with "-" or "."');
const count = z.number().int().min(0).max(1024).default(0);
const counter = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).default(0);
const Io = z
  .strictObject({ readOps: counter, readBytes: counter, writeOps: counter, writeBytes: counter })
  .prefault({});
const timestamp = z.iso.datetime({ offset: true });

const OsdSchema = z.strictObject({
  id: z.number().int().min(0).max(999999),
  node: z.string().min(1),
  device: z.string().regex(DEVICE, 'a block device path under /dev'),
  weight: z.number().min(0).max(10000).default(1),
  uuid: z.uuid().optional(),
  up: z.boolean().default(true),
  in: z.boolean().default(true),
  sizeKiB: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER).optional(),
  usedKiB: counter,
  pgs: z.number().int().min(0).optional(),
  io: Io,
});

const SnapshotSchema = z.union([
  cephName,
  z.strictObject({ name: cephName, createdAt: timestamp.optional() }),
]);

const VolumeSchema = z.strictObject({
  name: cephName,
  size: z.union([z.string(), z.number().int().min(1)]),
  createdAt: timestamp.optional(),
  snapshots: z.array(SnapshotSchema).default([]),
});

const PoolSchema = z.strictObject({
  name: cephName,
  pgs: z.number().int().min(1).max(65536).default(128),
  replicas: z.number().int().min(1).max(10).default(3),
  io: Io,
  volumes: z.array(VolumeSchema).default([]),
});

const CephSchema = z.strictObject({
  fsid: z.uuid().default('5b2ab1f0-0000-4000-8000-000000000000'),
  flags: z.array(z.enum(CEPH_OSD_FLAGS)).default([]),
  osds: z.array(OsdSchema).default([]),
  pools: z.array(PoolSchema).default([]),
});

const GlusterVolumeSchema = z.strictObject({
  name: z.string().regex(GLUSTER_NAME, 'letters, digits, "-" and "_", not starting with "-", at most 64'),
  uuid: z.uuid().optional(),
  bricks: z.array(z.string()).min(1),
  replica: count,
  stripe: count,
  arbiter: count,
  disperse: count,
  disperseData: count,
  redundancy: count,
  transport: z.enum(['tcp', 'rdma', 'tcp,rdma']).default('tcp'),
  force: z.boolean().default(false),
  status: z.enum(['created', 'started', 'stopped']).default('created'),
  options: z.record(z.string(), z.string()).default({}),
});

const address = z
  .string()
  .transform((value) => value.toLowerCase())
  .pipe(z.string().regex(HOSTNAME, 'an IP address or DNS name'));

const EncryptedVolumeSchema = z
  .strictObject({
    name: z.string().regex(ENCRYPTED_NAME, 'letters, digits, ".", "_" or "-"'),
    addresses: z.array(address).min(1),
    node: z.string().min(1).optional(),
    state: z.enum(['mounted', 'unmounted', 'unavailable']).default('unmounted'),
    output: z.string().default(''),
    stderr: z.string().default(''),
    passphrase: z
      .string()
      .min(1)
      .max(512)
      .refine((value) => !value.includes('\0'), 'must not contain a NUL character')
      .optional(),
    passphraseHash: z.string().regex(PASSPHRASE_HASH, 'scrypt$N$r$p$<salt>$<hash>').optional(),
    workers: z.array(z.strictObject({ address, nfsMounted: z.boolean().default(false) })).default([]),
  })
  .refine((volume) => (volume.passphrase === undefined) !== (volume.passphraseHash === undefined), {
    message: 'give exactly one of passphrase and passphraseHash',
  });

const SectionsSchema = z.object({
  ceph: CephSchema.optional(),
  glusterVolumes: z.array(GlusterVolumeSchema).default([]),
  encryptedVolumes: z.array(EncryptedVolumeSchema).default([]),
});

/** The message of a rule failure from the subgraph, for an import error. */
function ruleMessage(error: unknown): string {
  if (error instanceof CloudfedError) {
    const commandError = error.extensions['commandError'];
    return typeof commandError === 'string' ? commandError : error.message;
  }
  throw error;
}

export function importVolumes(store: Store, data: unknown): void {
  const parsed = SectionsSchema.safeParse(data);
  if (!parsed.success) throw DatacenterImportError.fromZod(parsed.error);
  const { ceph, glusterVolumes, encryptedVolumes } = parsed.data;
  const db = store.db;
  const fail = (message: string) => {
    throw new DatacenterImportError(message);
  };
  const nodeExists = (name: string) =>
    db.prepare('SELECT 1 FROM nodes WHERE name = ?').get(name) !== undefined;

  store.transaction(() => {
    if (ceph) {
      db.prepare(
        'INSERT INTO ceph_cluster (id, fsid) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET fsid = excluded.fsid',
      ).run(ceph.fsid);
      ceph.flags.forEach((flag, position) =>
        db
          .prepare('INSERT OR IGNORE INTO ceph_osd_flags (flag, position) VALUES (?, ?)')
          .run(flag, position + 1),
      );
      ceph.osds.forEach((osd, index) => {
        const at = `ceph.osds[${index}]`;
        if (!nodeExists(osd.node)) fail(`${at}.node: unknown node "${osd.node}"`);
        if (db.prepare('SELECT 1 FROM ceph_osds WHERE id = ?').get(osd.id))
          fail(`${at}.id: OSD ${osd.id} already exists`);
        if (db.prepare('SELECT 1 FROM ceph_osds WHERE node = ? AND device = ?').get(osd.node, osd.device)) {
          fail(`${at}.device: ${osd.device} on ${osd.node} is already used by another OSD`);
        }
        if (osd.sizeKiB !== undefined && osd.usedKiB > osd.sizeKiB) fail(`${at}.usedKiB: more than sizeKiB`);
        db.prepare(
          `INSERT INTO ceph_osds (id, node, device, weight, uuid, up, in_cluster, size_kb, used_kb, pgs, wr_ops, wr_bytes, rd_ops, rd_bytes)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        ).run(
          osd.id,
          osd.node,
          osd.device,
          osd.weight,
          osd.uuid ?? crypto.randomUUID(),
          osd.up ? 1 : 0,
          osd.in ? 1 : 0,
          osd.sizeKiB ?? null,
          osd.usedKiB,
          osd.pgs ?? 0,
          osd.io.writeOps,
          osd.io.writeBytes,
          osd.io.readOps,
          osd.io.readBytes,
        );
      });
      ceph.pools.forEach((pool, index) => {
        const at = `ceph.pools[${index}]`;
        if (db.prepare('SELECT 1 FROM ceph_pools WHERE name = ?').get(pool.name))
          fail(`${at}.name: pool "${pool.name}" already exists`);
        db.prepare(
          `INSERT INTO ceph_pools (name, pool_id, pgs, replicas, read_ops, read_bytes, write_ops, write_bytes)
           VALUES (?, (SELECT COALESCE(MAX(pool_id), 0) + 1 FROM ceph_pools), ?, ?, ?, ?, ?, ?)`,
        ).run(
          pool.name,
          pool.pgs,
          pool.replicas,
          pool.io.readOps,
          pool.io.readBytes,
          pool.io.writeOps,
          pool.io.writeBytes,
        );
        pool.volumes.forEach((volume, volumeIndex) => {
          const vat = `${at}.volumes[${volumeIndex}]`;
          let bytes = 0;
          try {
            bytes = parseSize(String(volume.size));
          } catch (error) {
            fail(`${vat}.size: ${ruleMessage(error)}`);
          }
          if (
            db.prepare('SELECT 1 FROM rbd_volumes WHERE pool = ? AND name = ?').get(pool.name, volume.name)
          ) {
            fail(`${vat}.name: volume "${pool.name}/${volume.name}" already exists`);
          }
          const createdAt = volume.createdAt ?? new Date().toISOString();
          db.prepare(
            'INSERT INTO rbd_volumes (pool, name, size_bytes, image_id, created_at) VALUES (?, ?, ?, ?, ?)',
          ).run(
            pool.name,
            volume.name,
            bytes,
            crypto.randomUUID().replaceAll('-', '').slice(0, 12),
            new Date(createdAt).toISOString(),
          );
          volume.snapshots.forEach((snapshot, snapshotIndex) => {
            const { name, createdAt: snapshotAt } =
              typeof snapshot === 'string' ? { name: snapshot, createdAt: undefined } : snapshot;
            if (
              db
                .prepare('SELECT 1 FROM rbd_snapshots WHERE pool = ? AND volume = ? AND name = ?')
                .get(pool.name, volume.name, name)
            ) {
              fail(`${vat}.snapshots[${snapshotIndex}]: snapshot "${name}" already exists`);
            }
            db.prepare('INSERT INTO rbd_snapshots (pool, volume, name, created_at) VALUES (?, ?, ?, ?)').run(
              pool.name,
              volume.name,
              name,
              new Date(snapshotAt ?? createdAt).toISOString(),
            );
          });
        });
      });
    }

    glusterVolumes.forEach((volume, index) => {
      const at = `glusterVolumes[${index}]`;
      if (db.prepare('SELECT 1 FROM gluster_volumes WHERE name = ?').get(volume.name))
        fail(`${at}.name: volume "${volume.name}" already exists`);
      let plan: ReturnType<typeof planGlusterVolume> | undefined;
      try {
        plan = planGlusterVolume(volume.name, volume);
      } catch (error) {
        fail(`${at}: ${ruleMessage(error)}`);
      }
      if (!plan) return;
      Object.entries(volume.options).forEach(([name]) => {
        if (!Object.hasOwn(GLUSTER_OPTIONS, name)) fail(`${at}.options.${name}: unknown Gluster option`);
      });
      const status =
        volume.status === 'started' ? 'Started' : volume.status === 'stopped' ? 'Stopped' : 'Created';
      db.prepare(
        `INSERT INTO gluster_volumes (name, uuid, status, type, distribute_count, stripe_count, replica_count, arbiter_count,
           disperse_count, redundancy_count, transport) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ).run(
        volume.name,
        volume.uuid ?? crypto.randomUUID(),
        status,
        plan.type,
        plan.distributeCount,
        plan.stripeCount,
        plan.replicaCount,
        plan.arbiterCount,
        plan.disperseCount,
        plan.redundancyCount,
        volume.transport,
      );
      const started = status === 'Started';
      const brickCount = (db.prepare('SELECT COUNT(*) AS n FROM gluster_bricks').get() as { n: number }).n;
      plan.bricks.forEach((brick, position) => {
        if (
          db.prepare('SELECT 1 FROM gluster_bricks WHERE host = ? AND path = ?').get(brick.host, brick.path)
        ) {
          fail(`${at}.bricks[${position}]: ${brick.host}:${brick.path} is already part of a volume`);
        }
        const peer = db
          .prepare(`SELECT uuid FROM gluster_peers WHERE hostname = ? OR (is_self = 1 AND ? = 'localhost')`)
          .get(brick.host, brick.host) as { uuid: string } | undefined;
        db.prepare(
          'INSERT INTO gluster_bricks (volume, position, host, path, peer_uuid, online, pid, port) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
        ).run(
          volume.name,
          position,
          brick.host,
          brick.path,
          peer?.uuid ?? null,
          started ? 1 : 0,
          started ? 2300 + brickCount + position : null,
          started ? 49152 + position : null,
        );
      });
      Object.entries(volume.options).forEach(([name, value], position) =>
        db
          .prepare('INSERT INTO gluster_volume_options (volume, position, name, value) VALUES (?, ?, ?, ?)')
          .run(volume.name, position + 1, name, value),
      );
    });

    encryptedVolumes.forEach((volume, index) => {
      const at = `encryptedVolumes[${index}]`;
      if (db.prepare('SELECT 1 FROM encrypted_volumes WHERE id = ?').get(volume.name))
        fail(`${at}.name: volume "${volume.name}" already exists`);
      if (volume.node !== undefined && !nodeExists(volume.node))
        fail(`${at}.node: unknown node "${volume.node}"`);
      db.prepare(
        'INSERT INTO encrypted_volumes (id, node, state, output, stderr, passphrase_hash) VALUES (?, ?, ?, ?, ?, ?)',
      ).run(
        volume.name,
        volume.node ?? null,
        volume.state,
        volume.output,
        volume.stderr,
        volume.passphraseHash ?? hashPasswordSync(volume.passphrase!),
      );
      volume.addresses.forEach((addr, position) => {
        if (db.prepare('SELECT 1 FROM encrypted_volume_addresses WHERE address = ?').get(addr)) {
          fail(`${at}.addresses[${position}]: address "${addr}" already belongs to an encrypted volume`);
        }
        db.prepare(
          'INSERT INTO encrypted_volume_addresses (address, volume_id, position) VALUES (?, ?, ?)',
        ).run(addr, volume.name, position);
      });
      volume.workers.forEach((worker, position) => {
        if (db.prepare('SELECT 1 FROM encrypted_volume_workers WHERE address = ?').get(worker.address)) {
          fail(`${at}.workers[${position}].address: worker "${worker.address}" already exists`);
        }
        db.prepare(
          'INSERT INTO encrypted_volume_workers (address, volume_id, position, nfs_mounted) VALUES (?, ?, ?, ?)',
        ).run(worker.address, volume.name, position, worker.nfsMounted ? 1 : 0);
      });
    });
  });
}
