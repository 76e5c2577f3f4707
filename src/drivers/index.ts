/**
 * Chooses and opens the backends named by the configuration, once, at start: an exhaustive
 * switch per domain. Subgraphs only ever see the source interfaces.
 */
import type { Config } from '../config/index.js';
import type { CloudSources } from '../subgraphs/index.js';
import { openEmbedded, type EmbeddedBackend } from './embedded/index.js';

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
    }
  });
  const embedded = usesEmbedded ? openEmbedded(config.store.path) : undefined;
  if (!embedded) throw new Error('No driver is configured');
  return {
    sources: embedded.sources,
    embedded,
    ready: async () => embedded.ready(),
    close: () => embedded.close(),
  };
}

export type { EmbeddedBackend } from './embedded/index.js';
