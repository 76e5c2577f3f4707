import core from './001_core.js';
import nodes from './002_nodes.js';
import vms from './003_vms.js';
import volumes from './004_volumes.js';
import networks from './005_networks.js';
import users from './006_users.js';
import groupIds from './008_group_ids.js';
import apiSettings from './009_api_settings.js';
import directories from './010_directories.js';
import vmAllocationIndex from './011_vm_allocation_index.js';

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/** Applied in order, each in its own transaction; never edit a released one, add a new one. */
export const MIGRATIONS: readonly Migration[] = [
  { version: 1, name: 'core', sql: core },
  { version: 2, name: 'nodes', sql: nodes },
  { version: 3, name: 'vms', sql: vms },
  { version: 4, name: 'volumes', sql: volumes },
  { version: 5, name: 'networks', sql: networks },
  { version: 6, name: 'users', sql: users },
  { version: 8, name: 'group_ids', sql: groupIds },
  { version: 9, name: 'api_settings', sql: apiSettings },
  { version: 10, name: 'directories', sql: directories },
  { version: 11, name: 'vm_allocation_index', sql: vmAllocationIndex },
];
