/**
 * Chooses and opens the backends named by the configuration, once, at start: an exhaustive
 * switch per domain. Subgraphs only ever see the source interfaces.
 */
import type { Config } from '../config/index.js';
import type { CloudSources } from '../subgraphs/index.js';
import { openEmbedded, type EmbeddedBackend } from './embedded/index.js';
import { openGluster } from './gluster/index.js';

export interface Backends {
  sources: CloudSources;
  /** The embedded store, when any domain uses it (import, seeding, secrets). */
  embedded: EmbeddedBackend | undefined;
  /** Whether every backend answers (for /readyz). */
  ready(): Promise<boolean>;
  close(): void;
}

export function openBackends(config: Config): Backends {
  // Only the embedded driver exists so far; each real driver adds its case here.
  const usesEmbedded = Object.values(config.drivers).some((domain) => {
    switch (domain.driver) {
      case 'embedded':
        return true;
      // The gluster driver serves only Gluster volumes and peers; the rest of its domain stays embedded.
      case 'gluster':
        return true;
    }
  });
  const secretsKey = config.shims.gluster.secretsKey;
  const embedded = usesEmbedded
    ? openEmbedded(config.store.path, secretsKey ? { secretsKey: Buffer.from(secretsKey, 'base64') } : {})
    : undefined;
  if (!embedded) throw new Error('No driver is configured');
  let sources = embedded.sources;
  const { volumes, nodes } = config.drivers;
  const glusterOptions = volumes.driver === 'gluster' ? volumes : nodes.driver === 'gluster' ? nodes : null;
  const gluster = glusterOptions ? openGluster(glusterOptions) : undefined;
  if (gluster && volumes.driver === 'gluster') {
    sources = {
      ...sources,
      volumes: { ...sources.volumes, volumes: gluster.volumes(sources.volumes.volumes) },
    };
  }
  if (gluster && nodes.driver === 'gluster') {
    sources = { ...sources, nodes: { ...sources.nodes, nodes: gluster.nodes(sources.nodes.nodes) } };
  }
  return {
    sources,
    embedded,
    ready: async () => embedded.ready() && (gluster ? await gluster.ready() : true),
    close: () => embedded.close(),
  };
}

export type { EmbeddedBackend } from './embedded/index.js';
