import { requireAuthenticated, type ReferenceResolver } from '../kit/index.js';
import { CephOsd, CephPool, RbdSnapshot, RbdVolume } from './ceph.type.js';
import { EncryptedVolume } from './encrypted.type.js';
import { GlusterVolume } from './gluster.type.js';
import { volumesLoaders } from './loaders.js';
import type { VolumesSource } from './source.js';

/**
 * Reference resolvers of the volumes subgraph's entities. Any authenticated principal may read
 * storage objects; each resolves through a per-request loader (one source call per batch).
 */
export function volumesReferences(source: VolumesSource): Record<string, ReferenceResolver> {
  return {
    CephOsd: async (reference, context) => {
      requireAuthenticated(context);
      const record = await volumesLoaders(context, source).osdById.load(String(reference.id));
      return record ? CephOsd.from(record) : null;
    },
    CephPool: async (reference, context) => {
      requireAuthenticated(context);
      const record = await volumesLoaders(context, source).poolByName.load(String(reference.id));
      return record ? CephPool.from(record) : null;
    },
    RbdVolume: async (reference, context) => {
      requireAuthenticated(context);
      const id = String(reference.id);
      if (!id.includes('/')) return null;
      const record = await volumesLoaders(context, source).volumeById.load(id);
      return record ? RbdVolume.from(record) : null;
    },
    RbdSnapshot: async (reference, context) => {
      requireAuthenticated(context);
      const id = String(reference.id);
      const at = id.lastIndexOf('@');
      if (at < 0 || !id.slice(0, at).includes('/')) return null;
      const snapshots = await volumesLoaders(context, source).snapshotsOfVolume.load(id.slice(0, at));
      const record = snapshots.find((snapshot) => snapshot.name === id.slice(at + 1));
      return record ? RbdSnapshot.from(record) : null;
    },
    GlusterVolume: async (reference, context) => {
      requireAuthenticated(context);
      const record = await volumesLoaders(context, source).glusterVolumeByName.load(String(reference.id));
      return record ? GlusterVolume.from(record) : null;
    },
    EncryptedVolume: async (reference, context) => {
      requireAuthenticated(context);
      const record = await volumesLoaders(context, source).encryptedVolumeById.load(String(reference.id));
      return record ? EncryptedVolume.from(record) : null;
    },
  };
}
