import { z } from 'zod';

/**
 * `shims.fosscloud`: the FOSS-Cloud vm-manager API shim (`/vm-manager/api/`).
 * - `enable` (false, as the original): when false every matched route answers 500022.
 * - `defaultRealm` (`4000013`): realm of requests that name none; empty → every route answers 500023.
 * - `macByParameter` (false): accept a MAC address given in the request (else 403056/403066).
 * - `mappingEnabled` (true): the FC4School MAC mapping calls are available (else 500052/500062).
 */
export const FosscloudShimConfig = z
  .strictObject({
    enable: z.boolean().default(false),
    defaultRealm: z.string().max(64).default('4000013'),
    macByParameter: z.boolean().default(false),
    mappingEnabled: z.boolean().default(true),
  })
  .prefault({});

export type FosscloudShimSettings = z.infer<typeof FosscloudShimConfig>;
