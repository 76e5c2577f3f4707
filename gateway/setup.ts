import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../src/config/index.js';
import type { Backends } from '../src/drivers/index.js';
import { ensureAdmin } from '../src/subgraphs/users/index.js';

export interface PreparedStore {
  /** The new store was seeded with the demo datacenter. */
  seeded: boolean;
  /** A new admin token this start generated (printed once); never the configured one. */
  token?: string;
}

/**
 * First start of a store: seed the demo datacenter (unless CLOUDFED_DEMO=0) and create the admin
 * user, whose token is printed once (or taken from CLOUDFED_ADMIN_TOKEN).
 */
export async function prepareStore(config: Config, backends: Backends, root: string): Promise<PreparedStore> {
  const embedded = backends.embedded;
  if (!embedded) return { seeded: false };
  let seeded = false;
  if (config.store.demo && embedded.store.isEmpty()) {
    const demo = join(root, 'demo', 'datacenter.yaml');
    if (!existsSync(demo)) throw new Error(`The demo datacenter ${demo} is missing from this installation`);
    embedded.importText(readFileSync(demo, 'utf8'), demo);
    seeded = true;
  }
  const configured = config.identity.adminToken;
  const admin = await ensureAdmin(backends.sources.users.users, configured ? { token: configured } : {});
  return { seeded, ...(admin.token && admin.token !== configured ? { token: admin.token } : {}) };
}
