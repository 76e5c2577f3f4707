/**
 * The original server's configuration items (compat/gluster-rest.md §3.1), as kept in the store
 * through the users subgraph's API settings (api `gluster`): names, defaults and the conversion
 * `gluster-restapi config-set` applied to a value typed on the command line.
 */

type Kind = 'boolean' | 'integer' | 'string';

/** Every item and its default, in the original's order. */
export const GLUSTER_SETTINGS = {
  'auth-enabled': { kind: 'boolean', default: true },
  https: { kind: 'boolean', default: false },
  port: { kind: 'integer', default: 8080 },
  csr: { kind: 'string', default: '' },
  key: { kind: 'string', default: '' },
  'log-level': { kind: 'string', default: 'INFO' },
  'num-workers': { kind: 'integer', default: 2 },
} as const satisfies Record<string, { kind: Kind; default: boolean | number | string }>;

export type GlusterSettingName = keyof typeof GLUSTER_SETTINGS;
export type GlusterSettingValue = boolean | number | string;

export function isGlusterSetting(name: string): name is GlusterSettingName {
  return Object.hasOwn(GLUSTER_SETTINGS, name);
}

const TRUE_WORDS = /^(enabled|true|on|yes)$/i;

/**
 * A command-line value converted as the original did: booleans are true for `enabled`, `true`,
 * `on`, `yes` (any case) and false otherwise; integers must be digits. Null when not convertible.
 */
export function convertGlusterSetting(name: GlusterSettingName, text: string): GlusterSettingValue | null {
  switch (GLUSTER_SETTINGS[name].kind) {
    case 'boolean':
      return TRUE_WORDS.test(text.trim());
    case 'integer':
      return /^\d{1,9}$/.test(text.trim()) ? Number(text.trim()) : null;
    case 'string':
      return text;
  }
}

/** A stored value (JSON text) read back; the default when it is missing or of the wrong type. */
export function parseGlusterSetting(name: GlusterSettingName, json: string | undefined): GlusterSettingValue {
  const fallback = GLUSTER_SETTINGS[name].default;
  if (json === undefined) return fallback;
  try {
    const value: unknown = JSON.parse(json);
    const kind = GLUSTER_SETTINGS[name].kind;
    if (kind === 'boolean' && typeof value === 'boolean') return value;
    if (kind === 'integer' && typeof value === 'number' && Number.isInteger(value)) return value;
    if (kind === 'string' && typeof value === 'string') return value;
  } catch {
    // A damaged value reads as the default.
  }
  return fallback;
}
