/** The LUKSctl API shim (Laniakea `luksctl_api`); see ../shared/compat/luksctl.md. */
export { createLuksctlShim } from './routes.js';
export { asciiString, flaskJson } from './responses.js';
export { isJsonContentType, targetAddress, vaultUrlAllowed } from './routes.js';
