/**
 * Chooses and opens the backends named by the configuration, once, at start: an exhaustive
 * switch per domain. Subgraphs only ever see the source interfaces.
 */
import type { Config } from '../config/index.js';
import type { CloudSources } from '../subgraphs/index.js';
import { openEmbedded, type EmbeddedBackend } from './embedded/index.js';
import { createSmtpFeedbackNotifier } from './smtp/index.js';
import { createVaultClient, luksVolumes } from './luks/index.js';

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
  const vault = config.drivers.volumes.vault;
  const passphrases = createVaultClient({
    caFile: vault.caFile,
    tlsVerify: vault.tlsVerify,
    timeoutMs: vault.timeoutMs,
  });
  const embedded = usesEmbedded ? openEmbedded(config.store.path, { volumes: { passphrases } }) : undefined;
  if (!embedded) throw new Error('No driver is configured');
  // Astakos feedback goes out through the configured mail relay (stored either way).
  const smtp = config.shims.astakos.feedback.smtp;
  const mailer = smtp ? createSmtpFeedbackNotifier(smtp) : undefined;
  let sources = mailer
    ? { ...embedded.sources, users: { ...embedded.sources.users, feedbackNotifier: mailer } }
    : embedded.sources;
  // Encrypted volumes: their list stays in the store; state and open go to luksctl when configured.
  const encrypted = config.drivers.volumes.encrypted;
  switch (encrypted?.driver) {
    case undefined:
      break;
    case 'luks':
      sources = {
        ...sources,
        volumes: { volumes: luksVolumes(sources.volumes.volumes, { ...encrypted, passphrases }) },
      };
      break;
  }
  return {
    sources,
    embedded,
    ready: async () => embedded.ready(),
    close: () => {
      mailer?.close();
      embedded.close();
    },
  };
}

export type { EmbeddedBackend } from './embedded/index.js';
