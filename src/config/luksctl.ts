import { z } from 'zod';

/** `shims.luksctl`: the LUKSctl API shim (its keys come with the shim). */
export const LuksctlShimConfig = z.strictObject({}).prefault({});
