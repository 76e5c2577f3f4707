import { Arg, Ctx, FieldResolver, Float, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { badInput, conflict } from '../../errors/index.js';
import {
  compilePattern,
  connectionType,
  paginate,
  requireAuthenticated,
  requirePrivileged,
  type RequestContext,
} from '../kit/index.js';
import { CephOsd, CephPool, CephStatus, RbdSnapshot, RbdVolume } from './ceph.type.js';
import { volumesLoaders } from './loaders.js';
import {
  alreadyExists,
  CEPH_NAME,
  checkCephName,
  checkOsdFlag,
  confirmationRequired,
  DEVICE,
  MAX_OSD_WEIGHT,
  MAX_PG_COUNT,
  nodeNotFound,
  OSD_ID,
  osdNotFound,
  parseSize,
  poolNotFound,
  snapshotNotFound,
  volumeNotFound,
} from './rules.js';
import type { CephPoolRecord, RbdVolumeRecord, VolumesSource } from './source.js';
import { CephOsdFilter, CephPoolFilter, RbdSnapshotFilter, RbdVolumeFilter } from './volume.inputs.js';

export const CephOsdConnection = connectionType('CephOsd', CephOsd);
export const CephPoolConnection = connectionType('CephPool', CephPool);
export const RbdVolumeConnection = connectionType('RbdVolume', RbdVolume);
export const RbdSnapshotConnection = connectionType('RbdSnapshot', RbdSnapshot);

const CONFIRM =
  'Must be true: removing it can have unintended consequences (BAD_USER_INPUT CONFIRMATION_REQUIRED).';

/** A name that fails the pattern can never exist: it is looked up as absent, never sent to a backend. */
const plausible = (name: string) => CEPH_NAME.test(name);

/** Ceph: cluster status, OSDs and their flags, pools, RBD volumes and snapshots. */
@Resolver()
export class CephResolver {
  constructor(private readonly source: VolumesSource) {}

  @Query(() => CephStatus, { description: 'The Ceph cluster status (`ceph status`) and the primary node.' })
  async cephStatus(@Ctx() context: RequestContext) {
    requireAuthenticated(context);
    return CephStatus.from(await this.source.cephStatus());
  }

  @Query(() => [String], { description: 'OSD map flags currently set.' })
  async cephOsdFlags(@Ctx() context: RequestContext) {
    requireAuthenticated(context);
    return this.source.cephOsdFlags();
  }

  @Query(() => CephOsdConnection, { description: 'OSDs ordered by numeric id, with statistics.' })
  async cephOsds(
    @Ctx() context: RequestContext,
    @Arg('filter', () => CephOsdFilter, { nullable: true }) filter?: CephOsdFilter | null,
    @Arg('first', () => Int, { nullable: true }) first?: number | null,
    @Arg('after', () => String, { nullable: true }) after?: string | null,
  ) {
    requireAuthenticated(context);
    const pattern = filter?.matches ? compilePattern(filter.matches, 'filter.matches') : null;
    const osds = (await this.source.listCephOsds()).filter((osd) => !pattern || pattern.test(osd.id));
    return paginate(osds.map(CephOsd.from), (osd) => osd.id, { first, after });
  }

  @Query(() => CephOsd, { nullable: true, description: 'One OSD by id.' })
  async cephOsd(@Ctx() context: RequestContext, @Arg('id', () => ID) id: string) {
    requireAuthenticated(context);
    if (!OSD_ID.test(id)) return null;
    const record = await volumesLoaders(context, this.source).osdById.load(id);
    return record ? CephOsd.from(record) : null;
  }

  @Mutation(() => [String], {
    description:
      'Sets a cluster-wide OSD map flag (`ceph osd set`); returns the flags now set. BAD_USER_INPUT INVALID_OSD_FLAG.',
  })
  async setCephOsdFlag(@Ctx() context: RequestContext, @Arg('flag', () => String) flag: string) {
    requirePrivileged(context);
    await this.source.setCephOsdFlag(checkOsdFlag(flag), true);
    return this.source.cephOsdFlags();
  }

  @Mutation(() => [String], {
    description:
      'Unsets a cluster-wide OSD map flag (`ceph osd unset`); returns the flags still set. BAD_USER_INPUT INVALID_OSD_FLAG.',
  })
  async unsetCephOsdFlag(@Ctx() context: RequestContext, @Arg('flag', () => String) flag: string) {
    requirePrivileged(context);
    await this.source.setCephOsdFlag(checkOsdFlag(flag), false);
    return this.source.cephOsdFlags();
  }

  @Mutation(() => CephOsd, {
    description:
      'Creates an OSD on a block device of a node with a CRUSH weight. Checks in order: BAD_USER_INPUT INVALID_DEVICE / INVALID_WEIGHT, NOT_FOUND NODE_NOT_FOUND, CONFLICT DEVICE_IN_USE (with `osd`, the id using it).',
  })
  async addCephOsd(
    @Ctx() context: RequestContext,
    @Arg('node', () => ID) node: string,
    @Arg('device', () => String, { description: 'Block device path, e.g. `/dev/sdb`.' }) device: string,
    @Arg('weight', () => Float, { description: 'CRUSH weight (usually the capacity in TiB).' })
    weight: number,
  ) {
    requirePrivileged(context);
    if (!DEVICE.test(device) || device.length > 255 || device.split('/').includes('..')) {
      throw badInput(`'${device}' is not a valid block device path (/dev/…)`, {
        reason: 'INVALID_DEVICE',
        argument: 'device',
        device,
      });
    }
    if (!Number.isFinite(weight) || weight < 0 || weight > MAX_OSD_WEIGHT) {
      throw badInput(`OSD weight ${weight} is out of range (0 to ${MAX_OSD_WEIGHT})`, {
        reason: 'INVALID_WEIGHT',
        argument: 'weight',
      });
    }
    const [exists] = await this.source.existingNodes([node]);
    if (!exists) throw nodeNotFound(node);
    const used = (await this.source.cephOsdsOnNodes([node])).find((osd) => osd.device === device);
    if (used) {
      throw conflict(`Block device ${device} on node ${node} is used by OSD ${used.id}`, {
        reason: 'DEVICE_IN_USE',
        node,
        device,
        osd: used.id,
      });
    }
    return CephOsd.from(await this.source.addCephOsd({ node, device, weight }));
  }

  @Mutation(() => ID, {
    description:
      'Removes an OSD; returns its id. BAD_USER_INPUT CONFIRMATION_REQUIRED (checked first), NOT_FOUND OSD_NOT_FOUND.',
  })
  async removeCephOsd(
    @Ctx() context: RequestContext,
    @Arg('id', () => ID) id: string,
    @Arg('confirm', () => Boolean, { defaultValue: false, description: CONFIRM }) confirm: boolean,
  ) {
    requirePrivileged(context);
    if (!confirm) throw confirmationRequired('Removing an OSD');
    await this.requireOsd(id);
    await this.source.removeCephOsd(id);
    return id;
  }

  @Mutation(() => CephOsd, { description: 'Marks an OSD in (it takes data again). NOT_FOUND OSD_NOT_FOUND.' })
  async setCephOsdIn(@Ctx() context: RequestContext, @Arg('id', () => ID) id: string) {
    return this.setIn(context, id, true);
  }

  @Mutation(() => CephOsd, {
    description: 'Marks an OSD out (its data moves elsewhere). NOT_FOUND OSD_NOT_FOUND.',
  })
  async setCephOsdOut(@Ctx() context: RequestContext, @Arg('id', () => ID) id: string) {
    return this.setIn(context, id, false);
  }

  @Query(() => CephPoolConnection, { description: 'RBD pools ordered by name, with statistics.' })
  async cephPools(
    @Ctx() context: RequestContext,
    @Arg('filter', () => CephPoolFilter, { nullable: true }) filter?: CephPoolFilter | null,
    @Arg('first', () => Int, { nullable: true }) first?: number | null,
    @Arg('after', () => String, { nullable: true }) after?: string | null,
  ) {
    requireAuthenticated(context);
    const pattern = filter?.matches ? compilePattern(filter.matches, 'filter.matches') : null;
    const pools = (await this.source.listCephPools()).filter((pool) => !pattern || pattern.test(pool.name));
    return paginate(pools.map(CephPool.from), (pool) => pool.id, { first, after });
  }

  @Query(() => CephPool, { nullable: true, description: 'One pool by name.' })
  async cephPool(@Ctx() context: RequestContext, @Arg('name', () => ID) name: string) {
    requireAuthenticated(context);
    const record = plausible(name) ? await volumesLoaders(context, this.source).poolByName.load(name) : null;
    return record ? CephPool.from(record) : null;
  }

  @Mutation(() => CephPool, {
    description:
      'Creates an RBD pool with a placement-group count (default 128). BAD_USER_INPUT INVALID_NAME / INVALID_PG_COUNT, CONFLICT ALREADY_EXISTS.',
  })
  async addCephPool(
    @Ctx() context: RequestContext,
    @Arg('name', () => String) name: string,
    @Arg('pgs', () => Int, { defaultValue: 128, description: 'Placement groups, 1 to 65536.' }) pgs: number,
  ) {
    requirePrivileged(context);
    checkCephName('pool', name, 'name');
    if (!Number.isInteger(pgs) || pgs < 1 || pgs > MAX_PG_COUNT) {
      throw badInput(`A pool needs 1 to ${MAX_PG_COUNT} placement groups, not ${pgs}`, {
        reason: 'INVALID_PG_COUNT',
        argument: 'pgs',
      });
    }
    if ((await this.source.getCephPools([name])).length > 0) throw alreadyExists('Pool', name);
    await this.source.addCephPool(name, pgs);
    return CephPool.from(await this.requirePool(name));
  }

  @Mutation(() => ID, {
    description:
      'Removes a pool with all its volumes and snapshots; returns its name. BAD_USER_INPUT CONFIRMATION_REQUIRED (checked first), NOT_FOUND POOL_NOT_FOUND.',
  })
  async removeCephPool(
    @Ctx() context: RequestContext,
    @Arg('name', () => ID) name: string,
    @Arg('confirm', () => Boolean, { defaultValue: false, description: CONFIRM }) confirm: boolean,
  ) {
    requirePrivileged(context);
    if (!confirm) throw confirmationRequired('Removing a pool and all its volumes');
    await this.requirePool(name);
    await this.source.removeCephPool(name);
    return name;
  }

  @Query(() => RbdVolumeConnection, {
    description:
      'RBD volumes ordered by pool and name. NOT_FOUND POOL_NOT_FOUND for an unknown `filter.pool`.',
  })
  async rbdVolumes(
    @Ctx() context: RequestContext,
    @Arg('filter', () => RbdVolumeFilter, { nullable: true }) filter?: RbdVolumeFilter | null,
    @Arg('first', () => Int, { nullable: true }) first?: number | null,
    @Arg('after', () => String, { nullable: true }) after?: string | null,
  ) {
    requireAuthenticated(context);
    const pattern = filter?.matches ? compilePattern(filter.matches, 'filter.matches') : null;
    if (filter?.pool) await this.requirePool(filter.pool);
    const records = await this.source.listRbdVolumes(filter?.pool ? [filter.pool] : undefined);
    const volumes = records.map(RbdVolume.from).filter((volume) => !pattern || pattern.test(volume.id));
    return paginate(volumes, (volume) => volume.id, { first, after });
  }

  @Query(() => RbdVolume, {
    nullable: true,
    description: 'One volume; null when the pool holds no such volume. NOT_FOUND POOL_NOT_FOUND.',
  })
  async rbdVolume(
    @Ctx() context: RequestContext,
    @Arg('pool', () => String) pool: string,
    @Arg('name', () => String) name: string,
  ) {
    requireAuthenticated(context);
    await this.requirePool(pool);
    const record = plausible(name)
      ? await volumesLoaders(context, this.source).volumeById.load(`${pool}/${name}`)
      : null;
    return record ? RbdVolume.from(record) : null;
  }

  @Mutation(() => RbdVolume, {
    description:
      'Creates an RBD volume. Checks in order: BAD_USER_INPUT INVALID_NAME, INVALID_SIZE; NOT_FOUND POOL_NOT_FOUND; CONFLICT ALREADY_EXISTS.',
  })
  async addRbdVolume(
    @Ctx() context: RequestContext,
    @Arg('pool', () => String) pool: string,
    @Arg('name', () => String) name: string,
    @Arg('size', () => String, {
      description: 'Bytes, or digits with one suffix B, K, M, G, T or P (powers of 1024), e.g. `10G`.',
    })
    size: string,
  ) {
    requirePrivileged(context);
    checkCephName('pool', pool, 'pool');
    checkCephName('volume', name, 'name');
    const bytes = parseSize(size);
    await this.requirePool(pool);
    if ((await this.source.getRbdVolumes([{ pool, name }])).length > 0)
      throw alreadyExists('Volume', `${pool}/${name}`);
    await this.source.addRbdVolume(pool, name, bytes);
    return RbdVolume.from(await this.requireVolume(pool, name));
  }

  @Mutation(() => ID, {
    description:
      'Removes an RBD volume; returns its id. NOT_FOUND POOL_NOT_FOUND / VOLUME_NOT_FOUND, CONFLICT VOLUME_HAS_SNAPSHOTS (rbd refuses to remove an image with snapshots).',
  })
  async removeRbdVolume(
    @Ctx() context: RequestContext,
    @Arg('pool', () => String) pool: string,
    @Arg('name', () => String) name: string,
  ) {
    requirePrivileged(context);
    await this.requireVolume(pool, name);
    const snapshots = await this.source.listRbdSnapshots([{ pool, name }]);
    if (snapshots.length > 0) {
      throw conflict(`Volume ${pool}/${name} has ${snapshots.length} snapshot(s); remove them first.`, {
        reason: 'VOLUME_HAS_SNAPSHOTS',
        pool,
        volume: name,
      });
    }
    await this.source.removeRbdVolume(pool, name);
    return `${pool}/${name}`;
  }

  @Query(() => RbdSnapshotConnection, {
    description:
      'RBD snapshots ordered by pool, volume and name. NOT_FOUND POOL_NOT_FOUND / VOLUME_NOT_FOUND for filters naming nothing.',
  })
  async rbdSnapshots(
    @Ctx() context: RequestContext,
    @Arg('filter', () => RbdSnapshotFilter, { nullable: true }) filter?: RbdSnapshotFilter | null,
    @Arg('first', () => Int, { nullable: true }) first?: number | null,
    @Arg('after', () => String, { nullable: true }) after?: string | null,
  ) {
    requireAuthenticated(context);
    const pattern = filter?.matches ? compilePattern(filter.matches, 'filter.matches') : null;
    if (filter?.pool) await this.requirePool(filter.pool);
    let keys: { pool: string; name: string }[] | undefined;
    if (filter?.volume) {
      const candidates = plausible(filter.volume)
        ? await this.source.listRbdVolumes(filter.pool ? [filter.pool] : undefined)
        : [];
      keys = candidates.filter((volume) => volume.name === filter.volume);
      if (keys.length === 0) throw volumeNotFound(filter.volume, filter.pool ?? null);
    } else if (filter?.pool) {
      keys = (await this.source.listRbdVolumes([filter.pool])).map(({ pool, name }) => ({ pool, name }));
    }
    const records = keys && keys.length === 0 ? [] : await this.source.listRbdSnapshots(keys);
    const snapshots = records
      .map(RbdSnapshot.from)
      .filter((snapshot) => !pattern || pattern.test(snapshot.id));
    return paginate(snapshots, (snapshot) => snapshot.id, { first, after });
  }

  @Query(() => RbdSnapshot, {
    nullable: true,
    description:
      'One snapshot; null when the volume has no such snapshot. NOT_FOUND POOL_NOT_FOUND / VOLUME_NOT_FOUND.',
  })
  async rbdSnapshot(
    @Ctx() context: RequestContext,
    @Arg('pool', () => String) pool: string,
    @Arg('volume', () => String) volume: string,
    @Arg('name', () => String) name: string,
  ) {
    requireAuthenticated(context);
    await this.requireVolume(pool, volume);
    const snapshots = await volumesLoaders(context, this.source).snapshotsOfVolume.load(`${pool}/${volume}`);
    const record = snapshots.find((snapshot) => snapshot.name === name);
    return record ? RbdSnapshot.from(record) : null;
  }

  @Mutation(() => RbdSnapshot, {
    description:
      'Creates a snapshot of an RBD volume. BAD_USER_INPUT INVALID_NAME; NOT_FOUND POOL_NOT_FOUND / VOLUME_NOT_FOUND; CONFLICT ALREADY_EXISTS.',
  })
  async addRbdSnapshot(
    @Ctx() context: RequestContext,
    @Arg('pool', () => String) pool: string,
    @Arg('volume', () => String) volume: string,
    @Arg('name', () => String) name: string,
  ) {
    requirePrivileged(context);
    checkCephName('snapshot', name, 'name');
    await this.requireVolume(pool, volume);
    const existing = await this.source.listRbdSnapshots([{ pool, name: volume }]);
    if (existing.some((snapshot) => snapshot.name === name))
      throw alreadyExists('Snapshot', `${pool}/${volume}@${name}`);
    await this.source.addRbdSnapshot(pool, volume, name);
    const created = (await this.source.listRbdSnapshots([{ pool, name: volume }])).find(
      (s) => s.name === name,
    );
    return RbdSnapshot.from(created ?? { pool, volume, name, createdAt: null });
  }

  @Mutation(() => ID, {
    description:
      'Removes a snapshot; returns its id. NOT_FOUND POOL_NOT_FOUND / VOLUME_NOT_FOUND / SNAPSHOT_NOT_FOUND.',
  })
  async removeRbdSnapshot(
    @Ctx() context: RequestContext,
    @Arg('pool', () => String) pool: string,
    @Arg('volume', () => String) volume: string,
    @Arg('name', () => String) name: string,
  ) {
    requirePrivileged(context);
    await this.requireVolume(pool, volume);
    const existing = await this.source.listRbdSnapshots([{ pool, name: volume }]);
    if (!existing.some((snapshot) => snapshot.name === name)) throw snapshotNotFound(name, volume, pool);
    await this.source.removeRbdSnapshot(pool, volume, name);
    return `${pool}/${volume}@${name}`;
  }

  private async setIn(context: RequestContext, id: string, inCluster: boolean) {
    requirePrivileged(context);
    await this.requireOsd(id);
    await this.source.setCephOsdIn(id, inCluster);
    const [osd] = await this.source.getCephOsds([id]);
    if (!osd) throw osdNotFound(id);
    return CephOsd.from(osd);
  }

  private async requireOsd(id: string) {
    const [osd] = OSD_ID.test(id) ? await this.source.getCephOsds([id]) : [];
    if (!osd) throw osdNotFound(id);
    return osd;
  }

  private async requirePool(name: string): Promise<CephPoolRecord> {
    const [pool] = plausible(name) ? await this.source.getCephPools([name]) : [];
    if (!pool) throw poolNotFound(name);
    return pool;
  }

  private async requireVolume(pool: string, name: string): Promise<RbdVolumeRecord> {
    await this.requirePool(pool);
    const [volume] = plausible(name) ? await this.source.getRbdVolumes([{ pool, name }]) : [];
    if (!volume) throw volumeNotFound(name, pool);
    return volume;
  }
}

/** Field resolvers linking pools, volumes and snapshots (batched). */
@Resolver(() => CephPool)
export class CephPoolFieldsResolver {
  constructor(private readonly source: VolumesSource) {}

  @FieldResolver(() => [RbdVolume], { description: 'The pool’s volumes, ordered by name.' })
  async volumes(@Root() pool: CephPool, @Ctx() context: RequestContext) {
    requireAuthenticated(context);
    return (await volumesLoaders(context, this.source).volumesOfPool.load(pool.name)).map(RbdVolume.from);
  }
}

@Resolver(() => RbdVolume)
export class RbdVolumeFieldsResolver {
  constructor(private readonly source: VolumesSource) {}

  @FieldResolver(() => CephPool, { nullable: true, description: 'The pool holding the volume.' })
  async pool(@Root() volume: RbdVolume, @Ctx() context: RequestContext) {
    requireAuthenticated(context);
    const record = await volumesLoaders(context, this.source).poolByName.load(volume.poolName);
    return record ? CephPool.from(record) : null;
  }

  @FieldResolver(() => [RbdSnapshot], { description: 'Snapshots of the volume, ordered by name.' })
  async snapshots(@Root() volume: RbdVolume, @Ctx() context: RequestContext) {
    requireAuthenticated(context);
    return (await volumesLoaders(context, this.source).snapshotsOfVolume.load(volume.id)).map(
      RbdSnapshot.from,
    );
  }
}

@Resolver(() => RbdSnapshot)
export class RbdSnapshotFieldsResolver {
  constructor(private readonly source: VolumesSource) {}

  @FieldResolver(() => RbdVolume, { nullable: true, description: 'The snapshotted volume.' })
  async volume(@Root() snapshot: RbdSnapshot, @Ctx() context: RequestContext) {
    requireAuthenticated(context);
    const record = await volumesLoaders(context, this.source).volumeById.load(
      `${snapshot.poolName}/${snapshot.volumeName}`,
    );
    return record ? RbdVolume.from(record) : null;
  }
}
