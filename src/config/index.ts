/**
 * The typed configuration: one YAML file plus a few environment overrides, validated once at
 * start. This is the only module that reads `process.env`.
 */
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { AstakosShimConfig } from './astakos.js';
import { FosscloudShimConfig } from './fosscloud.js';
import { GlusterDriverConfig, GlusterShimConfig } from './gluster.js';
import { LdapDriverConfig } from './ldap.js';
import { EncryptedVolumesConfig, LuksctlShimConfig } from './luksctl.js';
import { PvcShimConfig } from './pvc.js';

const port = z.number().int().min(0).max(65535);

const embeddedOnly = z.strictObject({ driver: z.literal('embedded').default('embedded') });
/** A domain's settings without `driver` mean the embedded store. */
const embeddedByDefault = (value: unknown) =>
  typeof value === 'object' && value !== null && !('driver' in value)
    ? { ...value, driver: 'embedded' }
    : value;
/** Domains an LDAP directory can serve: embedded (the default when `driver` is absent) or ldap. */
const embeddedOrLdap = z.preprocess(
  embeddedByDefault,
  z.discriminatedUnion('driver', [embeddedOnly, LdapDriverConfig]),
);
/** The nodes domain: Gluster peers in the store or in a real trusted pool. */
const embeddedOrGluster = z.preprocess(
  embeddedByDefault,
  z.discriminatedUnion('driver', [embeddedOnly, GlusterDriverConfig]),
);
/**
 * The volumes domain: Gluster volumes in the store or a real trusted pool; with either, the
 * encrypted volumes' luks driver and Vault client.
 */
const volumesDrivers = z.preprocess(
  embeddedByDefault,
  z.discriminatedUnion('driver', [
    embeddedOnly.extend(EncryptedVolumesConfig),
    GlusterDriverConfig.extend(EncryptedVolumesConfig),
  ]),
);

const ConfigSchema = z.strictObject({
  server: z
    .strictObject({
      host: z.string().min(1).default('127.0.0.1'),
      port: port.default(4000),
      /** Serve GraphiQL at /graphiql. */
      graphiql: z.boolean().default(true),
      /** Deepest selection nesting a document may have. */
      maxDepth: z.number().int().min(2).max(100).default(12),
      /** Most field selections (aliases included) a document may have. */
      maxFields: z.number().int().min(10).max(100_000).default(5000),
      /** Largest request body in bytes. */
      bodyLimit: z.number().int().min(1024).default(1_048_576),
      /** Log each request to stderr. */
      accessLog: z.boolean().default(false),
    })
    .prefault({}),
  store: z
    .strictObject({
      /** SQLite file of the embedded driver, or `:memory:`. */
      path: z.string().min(1).default('./data/cloudfed.db'),
      /** Seed the demo datacenter into a new, empty store. */
      demo: z.boolean().default(true),
    })
    .prefault({}),
  identity: z
    .strictObject({
      /** Token of the admin user created with a new store; random (and printed) when absent. */
      adminToken: z.string().min(16).optional(),
      /** Lifetime of issued user tokens, in seconds. */
      tokenTtlSeconds: z
        .number()
        .int()
        .min(60)
        .default(30 * 24 * 3600),
    })
    .prefault({}),
  drivers: z
    .strictObject({
      nodes: embeddedOrGluster.prefault({}),
      vms: embeddedOrLdap.default({ driver: 'embedded' }),
      volumes: volumesDrivers.prefault({}),
      networks: embeddedOnly.prefault({}),
      users: embeddedOrLdap.default({ driver: 'embedded' }),
    })
    .prefault({}),
  split: z
    .strictObject({
      /** HMAC secret for the principal header between gateway and subgraphs; derived from the store when absent. */
      secret: z.string().min(32).optional(),
      /** Oldest principal header a subgraph accepts, in seconds. */
      maxSkewSeconds: z.number().int().min(1).max(3600).default(60),
      /** Remote subgraphs for `cloudfed gateway`: name → URL of its /graphql endpoint. */
      subgraphs: z.record(z.string(), z.url()).default({}),
    })
    .prefault({}),
  shims: z
    .strictObject({
      pvc: PvcShimConfig,
      astakos: AstakosShimConfig,
      gluster: GlusterShimConfig,
      fosscloud: FosscloudShimConfig,
      luksctl: LuksctlShimConfig,
    })
    .prefault({}),
});

export type Config = z.infer<typeof ConfigSchema>;
/** The configuration as written in a file: every key optional. */
export type ConfigInput = z.input<typeof ConfigSchema>;

/** A configuration problem, with one line per bad key, meant to be printed as is. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

export interface LoadConfigOptions {
  /** Path of the YAML file; falls back to CLOUDFED_CONFIG, then to defaults only. */
  file?: string | undefined;
  /** Values merged over the file (used by tests and CLI flags). */
  overrides?: ConfigInput;
  /** The environment to read; `process.env` unless given. */
  env?: NodeJS.ProcessEnv;
}

export function loadConfig(options: LoadConfigOptions = {}): Config {
  const env = options.env ?? process.env;
  const file = options.file ?? nonEmpty(env.CLOUDFED_CONFIG);
  let fromFile: unknown = {};
  if (file) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (error) {
      throw new ConfigError(`config: cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? error}`);
    }
    try {
      fromFile = parseYaml(text) ?? {};
    } catch (error) {
      throw new ConfigError(`config: ${file} is not valid YAML: ${(error as Error).message}`);
    }
    if (typeof fromFile !== 'object' || Array.isArray(fromFile)) {
      throw new ConfigError(`config: ${file} must hold a mapping at the top level`);
    }
  }
  const merged = deepMerge(
    deepMerge(fromFile as Record<string, unknown>, envOverrides(env)),
    options.overrides ?? {},
  );
  return parseConfig(merged, file ?? 'config');
}

/** Validates an in-memory configuration object (defaults applied). */
export function parseConfig(input: unknown, source = 'config'): Config {
  const result = ConfigSchema.safeParse(input);
  if (!result.success) {
    const lines = result.error.issues.map((issue) => {
      const path = issue.path.join('.') || '(top level)';
      if (issue.code === 'unrecognized_keys') {
        const keys = issue.keys.map((key) => (path === '(top level)' ? key : `${path}.${key}`));
        return `  ${keys.join(', ')}: unknown key`;
      }
      return `  ${path}: ${issue.message}`;
    });
    throw new ConfigError(`${source} is not valid:\n${lines.join('\n')}`);
  }
  return result.data;
}

function envOverrides(env: NodeJS.ProcessEnv): Record<string, unknown> {
  const server: Record<string, unknown> = {};
  const store: Record<string, unknown> = {};
  const identity: Record<string, unknown> = {};
  const split: Record<string, unknown> = {};
  if (nonEmpty(env.CLOUDFED_PORT)) server.port = envInteger('CLOUDFED_PORT', env.CLOUDFED_PORT!);
  if (nonEmpty(env.CLOUDFED_HOST)) server.host = env.CLOUDFED_HOST;
  if (nonEmpty(env.CLOUDFED_DB)) store.path = env.CLOUDFED_DB;
  if (nonEmpty(env.CLOUDFED_DEMO)) store.demo = envBoolean('CLOUDFED_DEMO', env.CLOUDFED_DEMO!);
  if (nonEmpty(env.CLOUDFED_ADMIN_TOKEN)) identity.adminToken = env.CLOUDFED_ADMIN_TOKEN;
  if (nonEmpty(env.CLOUDFED_SPLIT_SECRET)) split.secret = env.CLOUDFED_SPLIT_SECRET;
  const out: Record<string, unknown> = {};
  if (Object.keys(server).length) out.server = server;
  if (Object.keys(store).length) out.store = store;
  if (Object.keys(identity).length) out.identity = identity;
  if (Object.keys(split).length) out.split = split;
  return out;
}

function envInteger(name: string, value: string): number {
  if (!/^\d+$/.test(value)) throw new ConfigError(`config: ${name} must be a whole number, got "${value}"`);
  return Number(value);
}

function envBoolean(name: string, value: string): boolean {
  if (/^(1|true|yes|on)$/i.test(value)) return true;
  if (/^(0|false|no|off)$/i.test(value)) return false;
  throw new ConfigError(`config: ${name} must be 1/0, true/false, yes/no or on/off, got "${value}"`);
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}

function deepMerge(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(over)) {
    const current = out[key];
    out[key] = isPlainObject(current) && isPlainObject(value) ? deepMerge(current, value) : value;
  }
  return out;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
