import { z } from 'zod';

/**
 * `shims.pvc`: the PVC API shim, mounted at `/api/v1`. Mirrors the original's configuration:
 *
 * - `auth.enabled` (default true): require a configured token (or its session cookie);
 * - `auth.tokens`: `{description, token}` pairs; empty tokens are ignored, and the description
 *   names the operator principal the token's requests run as;
 * - `listener` (absent: none): the historical listener, port 7370 and loopback unless given,
 *   HTTPS when `tls.cert` and `tls.key` (PEM file paths) are given.
 */
export const PvcShimConfig = z
  .strictObject({
    auth: z
      .strictObject({
        enabled: z.boolean().default(true),
        tokens: z
          .array(z.strictObject({ description: z.string().default(''), token: z.string() }))
          .default([]),
      })
      .prefault({}),
    listener: z
      .strictObject({
        port: z.number().int().min(0).max(65535).default(7370),
        host: z.string().min(1).default('127.0.0.1'),
        tls: z.strictObject({ cert: z.string().min(1), key: z.string().min(1) }).optional(),
      })
      .optional(),
  })
  .prefault({});

export type PvcShimSettings = z.infer<typeof PvcShimConfig>;
