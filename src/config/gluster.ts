import { z } from 'zod';

/** `shims.gluster`: the Gluster REST API shim (its keys come with the shim). */
export const GlusterShimConfig = z.strictObject({}).prefault({});
