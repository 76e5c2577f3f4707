/**
 * The embedded driver: every domain's source over one SQLite store.
 */
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import type { CloudSources } from '../../subgraphs/index.js';
import { EmbeddedNodes } from './nodes.js';
import { EmbeddedNetworks } from './networks.js';
import { EmbeddedUsers, type EmbeddedUsersOptions } from './users.js';
import { EmbeddedVms } from './vms.js';
import { EmbeddedVolumes, type EmbeddedVolumesOptions } from './volumes.js';
import { EmbeddedDirectoryTokens } from './directory-tokens.js';
import { Store } from './store.js';
import { importDatacenter } from './import.js';

export { Store } from './store.js';
export { importDatacenter, DatacenterImportError } from './import.js';
export { EmbeddedDirectoryTokens } from './directory-tokens.js';
export type { EmbeddedUsers } from './users.js';

export interface EmbeddedBackend {
  store: Store;
  sources: CloudSources;
  /** Tokens of users a directory keeps (for the LDAP users driver). */
  directoryTokens: EmbeddedDirectoryTokens;
  ready(): boolean;
  close(): void;
  /** Loads a datacenter description (YAML or JSON text) in one transaction. */
  importText(text: string, source: string): void;
}

export function openEmbedded(
  path: string,
  options: { users?: EmbeddedUsersOptions; volumes?: EmbeddedVolumesOptions } = {},
): EmbeddedBackend {
  const store = new Store(path);
  const sources: CloudSources = {
    nodes: { nodes: new EmbeddedNodes(store) },
    vms: { vms: new EmbeddedVms(store) },
    volumes: { volumes: new EmbeddedVolumes(store, options.volumes) },
    networks: { networks: new EmbeddedNetworks(store) },
    users: { users: new EmbeddedUsers(store, options.users) },
  };
  return {
    store,
    sources,
    directoryTokens: new EmbeddedDirectoryTokens(store),
    ready: () => {
      store.db.prepare('SELECT 1').get();
      return true;
    },
    close: () => store.close(),
    importText: (text, source) => importDatacenter(store, parseDescription(text, source)),
  };
}

function parseDescription(text: string, source: string): unknown {
  try {
    // YAML is a superset of JSON: one parser for both formats.
    return parseYaml(text, { maxAliasCount: 100 });
  } catch (error) {
    throw new Error(`${source} is neither valid YAML nor JSON: ${(error as Error).message}`);
  }
}

export function readDescriptionFile(path: string): string {
  return readFileSync(path, 'utf8');
}
