import { isIP } from 'node:net';
import { z } from 'zod';

const port = z.number().int().min(0).max(65535);

/** `a.b.c.d/n` or `v6::/n` (a bare address means one host). */
const cidr = z.string().refine((value) => {
  const [address = '', prefix, ...rest] = value.split('/');
  const family = isIP(address);
  if (family === 0 || rest.length > 0) return false;
  if (prefix === undefined) return true;
  return /^\d{1,3}$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128);
}, 'an IP address or CIDR network (10.0.0.0/8, fd00::/8)');

/** A volume name or worker address from the store: never an option, never a path. */
const targetName = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._:-]*$/, 'a volume name or address');

/**
 * `shims.luksctl`: the LUKSctl API shim.
 *
 * - `enabled` (true): serve `/luksctl_api/` and `/luksctl_api_wn/` on the main server.
 * - `listener`: the historical listener (absent: none); `port` 5000, `host` 127.0.0.1, `tls`
 *   with PEM `cert` and `key` files (the dashboard always calls `https://`).
 * - `target.from` (`host`): where the target address comes from, the `Host` header or the local
 *   address of the connection (`localAddress`, when a proxy rewrites `Host`);
 *   `target.defaultVolume` / `target.defaultWorker`: used when no instance has the address.
 * - `clientNetworks` ([] = any): CIDR allow-list of clients; others get 403 `Forbidden`.
 * - `vaultUrls` ([]): allowed `vault_url` prefixes; empty allows any `https://` URL.
 * - `bodyLimit` (65536): largest `open` body, bytes.
 */
export const LuksctlShimConfig = z
  .strictObject({
    enabled: z.boolean().default(true),
    listener: z
      .strictObject({
        port: port.default(5000),
        host: z.string().min(1).default('127.0.0.1'),
        tls: z.strictObject({ cert: z.string().min(1), key: z.string().min(1) }).optional(),
      })
      .optional(),
    target: z
      .strictObject({
        from: z.enum(['host', 'localAddress']).default('host'),
        defaultVolume: targetName.optional(),
        defaultWorker: targetName.optional(),
      })
      .prefault({}),
    clientNetworks: z.array(cidr).default([]),
    vaultUrls: z.array(z.url({ protocol: /^https?$/ })).default([]),
    bodyLimit: z.number().int().min(1024).max(1_048_576).default(65_536),
  })
  .prefault({});

export type LuksctlShimSettings = z.infer<typeof LuksctlShimConfig>;

const unitName = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9@._-]*$/, 'a systemd unit name');

/** Actions after a successful open (the original's NFS restart and docker restart). */
const PostOpen = z.strictObject({
  /** NFS server unit to restart (`nfs-server` on CentOS-like, `nfs-kernel-server` on Debian-like); null: none. */
  nfsService: unitName.nullable().default(null),
  /** Restart docker (docker-based instances). */
  restartDocker: z.boolean().default(false),
});

/**
 * `drivers.volumes.encrypted`: the `luks` driver for encrypted volumes. Their list (names,
 * addresses, workers) stays in the store; state, open and post-open actions run `luksctl` on the
 * instance: locally without `ssh`, else over ssh as `ssh.user` with `ssh.keyFile`.
 */
export const LuksDriverConfig = z.strictObject({
  driver: z.literal('luks'),
  /** The luksctl program (name on PATH or absolute path). */
  luksctl: z
    .string()
    .regex(/^[A-Za-z0-9_./][A-Za-z0-9_./-]*$/, 'a program name or path')
    .default('luksctl'),
  /** Run luksctl (and post-open actions) through `sudo -n`. */
  sudo: z.boolean().default(false),
  statusTimeoutMs: z.number().int().min(100).max(600_000).default(15_000),
  openTimeoutMs: z.number().int().min(100).max(600_000).default(60_000),
  ssh: z
    .strictObject({
      user: z.string().regex(/^[a-z_][a-z0-9_-]*$/, 'a user name'),
      keyFile: z.string().min(1),
      port: port.default(22),
      knownHostsFile: z.string().min(1).optional(),
      /** `ssh` program (name on PATH or absolute path). */
      program: z.string().min(1).default('ssh'),
      connectTimeoutSeconds: z.number().int().min(1).max(300).default(10),
    })
    .optional(),
  postOpen: PostOpen.prefault({}),
  /** Per-volume overrides: the host to reach (default its first address) and its post-open actions. */
  instances: z
    .record(targetName, z.strictObject({ host: targetName.optional(), postOpen: PostOpen.optional() }))
    .default({}),
});

/** How the volumes domain's Vault client reaches Vault (to fetch LUKS passphrases). */
export const VaultClientConfig = z
  .strictObject({
    /** PEM CA bundle trusted for Vault's certificate (default: the system's). */
    caFile: z.string().min(1).optional(),
    /** Verify Vault's TLS certificate; switch off only explicitly. */
    tlsVerify: z.boolean().default(true),
    timeoutMs: z.number().int().min(100).max(300_000).default(10_000),
  })
  .prefault({});

/** The keys of `drivers.volumes` for encrypted volumes: the `luks` driver and the Vault client. */
export const EncryptedVolumesConfig = {
  encrypted: LuksDriverConfig.optional(),
  vault: VaultClientConfig,
};

export type LuksDriverSettings = z.infer<typeof LuksDriverConfig>;
export type VaultClientSettings = z.infer<typeof VaultClientConfig>;
