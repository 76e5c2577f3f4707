/**
 * `cloudfed import`: a datacenter description (YAML or JSON) loaded into the embedded store in
 * one transaction, each domain validating and inserting its own sections.
 */
import { DatacenterImportError } from './import-error.js';
import { importNetworks } from './networks.import.js';
import { importNodes } from './nodes.import.js';
import type { Store } from './store.js';
import { importUsers } from './users.import.js';
import { importVms } from './vms.import.js';
import { importVolumes } from './volumes.import.js';

export { DatacenterImportError };

/**
 * Top-level sections and the domain importer that owns each, in the order they are loaded: what
 * a section refers to is loaded before it (VMs name nodes and users, volumes name VMs).
 */
const IMPORTERS: { sections: readonly string[]; load: (store: Store, description: unknown) => void }[] = [
  { sections: ['nodes', 'glusterPeers'], load: importNodes },
  {
    sections: ['realms', 'users', 'components', 'apiClients'],
    load: (store, data) => importUsers(store, data),
  },
  { sections: ['networks'], load: importNetworks },
  { sections: ['vmSettings', 'vmPools', 'vms', 'vmMacMappings'], load: importVms },
  { sections: ['ceph', 'glusterVolumes', 'encryptedVolumes'], load: importVolumes },
];

export function importDatacenter(store: Store, description: unknown): void {
  if (typeof description !== 'object' || description === null || Array.isArray(description)) {
    throw new DatacenterImportError(
      'A datacenter description is a mapping of sections (nodes, users, networks, vms, …)',
    );
  }
  const known = new Set(IMPORTERS.flatMap((importer) => importer.sections));
  const unknown = Object.keys(description).filter((section) => !known.has(section));
  if (unknown.length > 0) {
    throw new DatacenterImportError(
      `Unknown section(s) ${unknown.join(', ')}; known: ${[...known].join(', ')}`,
    );
  }
  store.transaction(() => {
    for (const importer of IMPORTERS) importer.load(store, description);
    store.setMeta('seeded', new Date().toISOString());
  });
}
