/**
 * The `luks` driver of encrypted volumes (`luksctl status` / `luksctl open`, locally or over
 * ssh) and the Vault client that fetches their passphrases.
 */
export { luksVolumes, type LuksOptions, type LuksPostOpen } from './luksctl.js';
export { createVaultClient, type VaultClientOptions } from './vault.js';
