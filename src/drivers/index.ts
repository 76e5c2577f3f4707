/**
 * Chooses and opens the backends named by the configuration, once, at start: an exhaustive
 * switch per domain. Subgraphs only ever see the source interfaces.
 */
import type { Config } from '../config/index.js';
import type { CloudSources } from '../subgraphs/index.js';
import { openEmbedded, type EmbeddedBackend, type EmbeddedUsers } from './embedded/index.js';
import { openGluster } from './gluster/index.js';
import { openLdap, withExternalRealms, type LdapBackend } from './ldap/index.js';
import { createVaultClient, luksVolumes } from './luks/index.js';
import { createSmtpFeedbackNotifier } from './smtp/index.js';

export interface Backends {
  sources: CloudSources;
  /** The embedded store, when any domain uses it (import, seeding, secrets). */
  embedded: EmbeddedBackend | undefined;
  /** Whether every backend answers (for /readyz). */
  ready(): Promise<boolean>;
  close(): void;
}

export function openBackends(config: Config): Backends {
  const usesEmbedded = Object.values(config.drivers).some((domain) => {
    switch (domain.driver) {
      case 'embedded':
        return true;
      case 'ldap':
        return false;
      // The gluster driver serves only Gluster volumes and peers; the rest of its domain stays embedded.
      case 'gluster':
        return true;
    }
  });
  const vault = config.drivers.volumes.vault;
  const passphrases = createVaultClient({
    caFile: vault.caFile,
    tlsVerify: vault.tlsVerify,
    timeoutMs: vault.timeoutMs,
  });
  const secretsKey = config.shims.gluster.secretsKey;
  // The embedded store also keeps what a directory does not hold (tokens, components, API clients).
  const embedded = usesEmbedded
    ? openEmbedded(config.store.path, {
        users: secretsKey ? { secretsKey: Buffer.from(secretsKey, 'base64') } : {},
        volumes: { passphrases },
      })
    : undefined;
  if (!embedded) throw new Error('No driver is configured');
  let sources = embedded.sources;
  // One connection pool per directory, shared by the domains that name the same one.
  const directories = new Map<string, LdapBackend>();
  const directory = (settings: Extract<Config['drivers']['users'], { driver: 'ldap' }>) => {
    const key = JSON.stringify([settings.url, settings.bindDN, settings.baseDN]);
    let backend = directories.get(key);
    if (!backend)
      directories.set(
        key,
        (backend = openLdap(settings, embedded.sources.users.users, embedded.directoryTokens)),
      );
    return backend;
  };
  switch (config.drivers.users.driver) {
    case 'embedded': {
      // Realms of kind ldap with a stored directory log their users in there.
      const users = embedded.sources.users.users as EmbeddedUsers;
      sources = { ...sources, users: { ...sources.users, users: withExternalRealms(users) } };
      break;
    }
    case 'ldap':
      sources = { ...sources, users: { ...sources.users, users: directory(config.drivers.users).users } };
      break;
  }
  switch (config.drivers.vms.driver) {
    case 'embedded':
      break;
    case 'ldap':
      sources = { ...sources, vms: { ...sources.vms, vms: directory(config.drivers.vms).vms } };
      break;
  }
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
  // Astakos feedback goes out through the configured mail relay (stored either way).
  const smtp = config.shims.astakos.feedback.smtp;
  const mailer = smtp ? createSmtpFeedbackNotifier(smtp) : undefined;
  if (mailer) sources = { ...sources, users: { ...sources.users, feedbackNotifier: mailer } };
  // Encrypted volumes: their list stays in the store; state and open go to luksctl when configured.
  const encrypted = config.drivers.volumes.encrypted;
  switch (encrypted?.driver) {
    case undefined:
      break;
    case 'luks':
      sources = {
        ...sources,
        volumes: {
          ...sources.volumes,
          volumes: luksVolumes(sources.volumes.volumes, { ...encrypted, passphrases }),
        },
      };
      break;
  }
  const ldap = [...directories.values()];
  return {
    sources,
    embedded,
    ready: async () =>
      embedded.ready() &&
      (gluster ? await gluster.ready() : true) &&
      (await Promise.all(ldap.map((backend) => backend.ready()))).every(Boolean),
    close: () => {
      mailer?.close();
      for (const backend of ldap) void backend.close();
      embedded.close();
    },
  };
}

export type { EmbeddedBackend } from './embedded/index.js';
