import { z } from 'zod';

/** `shims.fosscloud`: the FOSS-Cloud vm-manager API shim (its keys come with the shim). */
export const FosscloudShimConfig = z.strictObject({}).prefault({});
