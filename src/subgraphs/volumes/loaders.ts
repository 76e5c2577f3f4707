import { groupLoader, nullableLoader, scoped, DataLoader, type RequestContext } from '../kit/index.js';
import type { PoolVolumeKey, VolumesSource } from './source.js';

const KEY = Symbol('volumes.loaders');

const volumeKey = (key: PoolVolumeKey) => `${key.pool}/${key.name}`;

function createLoaders(source: VolumesSource) {
  return {
    osdById: nullableLoader(
      (ids: readonly string[]) => source.getCephOsds(ids),
      (osd) => osd.id,
    ),
    osdsOnNode: groupLoader(
      (nodes: readonly string[]) => source.cephOsdsOnNodes(nodes),
      (osd) => osd.node,
    ),
    poolByName: nullableLoader(
      (names: readonly string[]) => source.getCephPools(names),
      (pool) => pool.name,
    ),
    /** Keyed by `pool/name`. */
    volumeById: nullableLoader(
      (ids: readonly string[]) =>
        source.getRbdVolumes(
          ids.map((id) => {
            const slash = id.indexOf('/');
            return { pool: id.slice(0, slash), name: id.slice(slash + 1) };
          }),
        ),
      (volume) => volumeKey(volume),
    ),
    volumesOfPool: groupLoader(
      (pools: readonly string[]) => source.listRbdVolumes(pools),
      (volume) => volume.pool,
    ),
    volumesOfVm: groupLoader(
      (vmIds: readonly string[]) => source.rbdVolumesOfVms(vmIds),
      (row) => row.vmId,
    ),
    /** Keyed by `pool/volume`. */
    snapshotsOfVolume: groupLoader(
      (ids: readonly string[]) =>
        source.listRbdSnapshots(
          ids.map((id) => {
            const slash = id.indexOf('/');
            return { pool: id.slice(0, slash), name: id.slice(slash + 1) };
          }),
        ),
      (snapshot) => `${snapshot.pool}/${snapshot.volume}`,
    ),
    glusterVolumeByName: nullableLoader(
      (names: readonly string[]) => source.getGlusterVolumes(names),
      (volume) => volume.name,
    ),
    brickStatusOfVolume: groupLoader(
      (names: readonly string[]) => source.glusterBrickStatus(names),
      (brick) => brick.volume,
    ),
    bricksOnNode: groupLoader(
      (nodes: readonly string[]) => source.glusterBricksOnNodes(nodes),
      (brick) => brick.node ?? '',
    ),
    /** Keyed by `option` (empty for all) NUL `volume`. */
    optionValuesOfVolume: groupLoader(
      async (keys: readonly string[]) => {
        const byOption = new Map<string, string[]>();
        for (const key of keys) {
          const [option = '', volume = ''] = key.split('\u0000');
          byOption.set(option, [...(byOption.get(option) ?? []), volume]);
        }
        const rows = [];
        for (const [option, volumes] of byOption) {
          for (const row of await source.glusterOptionValues(volumes, option || null)) {
            rows.push({ key: `${option}\u0000${row.volume}`, name: row.name, value: row.value });
          }
        }
        return rows;
      },
      (row) => row.key,
    ),
    rebalanceOfVolume: nullableLoader(
      (names: readonly string[]) => source.glusterRebalanceStatus(names),
      (row) => row.volume,
    ),
    encryptedVolumeById: nullableLoader(
      (ids: readonly string[]) => source.getEncryptedVolumes(ids),
      (volume) => volume.id,
    ),
    encryptedVolumeByAddress: nullableLoader(
      (addresses: readonly string[]) => source.encryptedVolumesByAddress(addresses),
      (volume) => volume.address,
    ),
    encryptedVolumesOnNode: groupLoader(
      (nodes: readonly string[]) => source.encryptedVolumesOnNodes(nodes),
      (volume) => volume.node ?? '',
    ),
    encryptedVolumeState: new DataLoader(async (ids: readonly string[]) => {
      const rows = await source.encryptedVolumeStates(ids);
      const index = new Map(rows.map((row) => [row.id, row]));
      return ids.map(
        (id) =>
          index.get(id) ?? { id, state: 'unavailable' as const, output: '', stderr: 'instance unreachable' },
      );
    }),
    workerByAddress: nullableLoader(
      (addresses: readonly string[]) => source.workerNfsStates(addresses),
      (worker) => worker.address,
    ),
  };
}

export type VolumesLoaders = ReturnType<typeof createLoaders>;

/** This request's loaders of the volumes subgraph. */
export function volumesLoaders(context: RequestContext, source: VolumesSource): VolumesLoaders {
  return scoped(context, KEY, () => createLoaders(source));
}
