import { z } from 'zod';

/**
 * `drivers.users` / `drivers.vms` with `driver: ldap`: users, realms, VMs, pools and assignments
 * in a FOSS-Cloud-style LDAP directory (schema: src/drivers/ldap/fosscloud.schema).
 * - `url`: `ldap://host:port` or `ldaps://…`;
 * - `bindDN` / `bindPassword`: the service account cloudfed reads and writes as (never empty);
 * - `baseDN`: the tree's root (FOSS-Cloud: `dc=foss-cloud,dc=org`);
 * - `timeoutMs` (5000): per operation and per connection attempt;
 * - `poolSize` (4): pooled service connections.
 */
export const LdapDriverConfig = z.strictObject({
  driver: z.literal('ldap'),
  url: z.string().regex(/^ldaps?:\/\/[^\s/]+\/?$/, 'ldap://host[:port] or ldaps://host[:port]'),
  bindDN: z.string().min(1),
  bindPassword: z.string().min(1),
  baseDN: z.string().min(1),
  timeoutMs: z.number().int().min(100).max(120_000).default(5000),
  poolSize: z.number().int().min(1).max(32).default(4),
});

export type LdapDriverSettings = z.infer<typeof LdapDriverConfig>;
