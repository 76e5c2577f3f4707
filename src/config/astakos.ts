import { z } from 'zod';

/** `shims.astakos`: the Astakos API shim (its keys come with the shim). */
export const AstakosShimConfig = z.strictObject({}).prefault({});
