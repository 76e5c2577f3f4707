import { z } from 'zod';

const port = z.number().int().min(0).max(65535);

/**
 * `shims.gluster`: the Gluster REST API shim (`/v1/…`, compat/gluster-rest.md).
 *
 * - `enabled` (true): mount `/v1/` on the main server.
 * - `authEnabled` (true): require the HS256 JWT with `qsh` (§3). The store's `auth-enabled`
 *   setting (`cloudfed gluster-restapi config-set auth-enabled …`) overrides it for every replica.
 * - `leewaySeconds` (0): clock leeway for `exp` and `nbf`.
 * - `listener` (absent: none): the historical listener, `port` 8080; `host` defaults to
 *   `0.0.0.0` when authentication is enabled here, to `127.0.0.1` when it is off; `tls` (cert and
 *   key PEM files) makes it HTTPS.
 * - `secretsKey` (absent: a key kept in the store): base64 of the 32-byte AES-256-GCM key that
 *   encrypts application secrets at rest, so a dump of the store alone does not reveal them.
 */
export const GlusterShimConfig = z
  .strictObject({
    enabled: z.boolean().default(true),
    authEnabled: z.boolean().default(true),
    leewaySeconds: z.number().int().min(0).max(86_400).default(0),
    listener: z
      .strictObject({
        port: port.default(8080),
        host: z.string().min(1).optional(),
        tls: z.strictObject({ cert: z.string().min(1), key: z.string().min(1) }).optional(),
      })
      .optional(),
    secretsKey: z
      .string()
      .refine((value) => /^[A-Za-z0-9+/]{43}=$/.test(value), 'must be the base64 of 32 bytes')
      .optional(),
  })
  .prefault({});

/**
 * The `gluster` driver of a domain (`drivers.volumes` for Gluster volumes, `drivers.nodes` for
 * the peers): runs `gluster --mode=script …` against a real trusted pool; everything else of the
 * domain stays in the embedded store.
 *
 * - `program` (`gluster`): the CLI, on PATH or absolute.
 * - `remoteHost` (absent: the local glusterd): `--remote-host` of the CLI.
 * - `timeoutSeconds` (120): per command (volume create/start can take a while).
 */
export const GlusterDriverConfig = z.strictObject({
  driver: z.literal('gluster'),
  program: z.string().min(1).default('gluster'),
  remoteHost: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9.:-]{0,252}$/, 'must be a host name or address')
    .optional(),
  timeoutSeconds: z.number().int().min(1).max(3600).default(120),
});

export type GlusterDriverOptions = z.infer<typeof GlusterDriverConfig>;
export type GlusterShimOptions = z.infer<typeof GlusterShimConfig>;
