import { z } from 'zod';

/** `shims.pvc`: the PVC API shim (its keys come with the shim). */
export const PvcShimConfig = z.strictObject({}).prefault({});
