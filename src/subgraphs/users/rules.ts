/**
 * The users domain's rules: name patterns, token lifetimes, component presentation defaults and
 * the service-catalog view of an endpoint. Pure functions, shared by resolvers and the
 * authenticator.
 */
import { badInput } from '../../errors/index.js';
import { hasNulByte } from '../../identity/index.js';
import type { ComponentRecord, KeyValue, ServiceRecord } from './source.js';

/** Astakos' default user token lifetime: 30 days. */
export const DEFAULT_USER_TOKEN_SECONDS = 30 * 24 * 3600;
/** Component tokens last a year unless the operator says otherwise. */
export const DEFAULT_COMPONENT_TOKEN_SECONDS = 365 * 24 * 3600;
/** Longest lifetime an operator may give a token: ten years. */
export const MAX_TOKEN_SECONDS = 10 * 365 * 24 * 3600;

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** A lower-case e-mail address used as username / display name. */
export const USERNAME = /^[a-z0-9._%+][a-z0-9._%+-]{0,63}@[a-z0-9](?:[a-z0-9.-]{0,252}[a-z0-9])?$/;
const EMAIL = /^[A-Za-z0-9._%+][A-Za-z0-9._%+-]{0,63}@[A-Za-z0-9](?:[A-Za-z0-9.-]{0,252}[A-Za-z0-9])?$/;
export const GROUP = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
/** FOSS-Cloud realm uids are `\w+`. */
export const REALM_ID = /^[A-Za-z0-9_]{1,64}$/;
export const COMPONENT_NAME = /^[a-z0-9][a-z0-9_-]{0,63}$/;
export const SERVICE_NAME = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$/;
export const ENDPOINT_KEY = /^[A-Za-z][A-Za-z0-9_.:-]{0,63}$/;
export const APP_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;

export const MAX_PASSWORD_LENGTH = 1024;
export const MAX_SECRET_LENGTH = 512;
export const MAX_FEEDBACK_LENGTH = 64 * 1024;
const MAX_TEXT = 256;
const MAX_URL = 2048;

function check(value: string, pattern: RegExp, reason: string, argument: string, what: string): string {
  if (!pattern.test(value)) {
    throw badInput(`'${value.slice(0, 300)}' is not a valid ${what}`, {
      reason,
      argument,
      value: value.slice(0, 300),
    });
  }
  return value;
}

export const checkUserId = (id: string, argument = 'id') =>
  check(id, UUID, 'INVALID_UUID', argument, 'user UUID (lower-case)');
export const checkUsername = (name: string, argument = 'username') =>
  check(name, USERNAME, 'INVALID_USERNAME', argument, 'username (a lower-case e-mail address)');
export const checkEmail = (email: string, argument = 'emails') =>
  check(email, EMAIL, 'INVALID_EMAIL', argument, 'e-mail address');
export const checkGroup = (group: string, argument = 'groups') =>
  check(group, GROUP, 'INVALID_GROUP', argument, 'group name (letters, digits, ".", "_", "-")');
export const checkRealmId = (id: string, argument = 'realm') =>
  check(id, REALM_ID, 'INVALID_REALM_ID', argument, 'realm id (letters, digits, "_")');
export const checkComponentName = (name: string, argument = 'name') =>
  check(
    name,
    COMPONENT_NAME,
    'INVALID_COMPONENT_NAME',
    argument,
    'component name (lower-case letters, digits, "_", "-")',
  );
export const checkAppId = (appId: string, argument = 'appId') =>
  check(appId, APP_ID, 'INVALID_APP_ID', argument, 'application id (letters, digits, ".", "_", "-")');

/** Free text (real names, display names, titles): bounded, no control characters. */
export function checkText(value: string, argument: string, max = MAX_TEXT): string {
  if (value.length > max || CONTROL.test(value)) {
    throw badInput(`${argument} must be at most ${max} characters without control characters`, {
      reason: 'INVALID_TEXT',
      argument,
    });
  }
  return value;
}

export function checkUrl(value: string, argument: string): string {
  let url: URL | null = null;
  try {
    url = new URL(value);
  } catch {
    url = null;
  }
  if (
    !url ||
    (url.protocol !== 'http:' && url.protocol !== 'https:') ||
    value.length > MAX_URL ||
    CONTROL.test(value)
  ) {
    throw badInput(`'${value.slice(0, 300)}' is not a valid http(s) URL`, {
      reason: 'INVALID_URL',
      argument,
    });
  }
  return value;
}

/** A new secret (API client secret): not blank, bounded, printable. Never echoed in errors. */
export function checkSecret(secret: string, argument = 'secret'): string {
  if (secret.trim() === '')
    throw badInput(`${argument} must not be empty`, { reason: 'EMPTY_SECRET', argument });
  if (secret.length > MAX_SECRET_LENGTH || CONTROL.test(secret)) {
    throw badInput(`${argument} must be at most ${MAX_SECRET_LENGTH} printable characters`, {
      reason: 'INVALID_SECRET',
      argument,
    });
  }
  return secret;
}

/** A new password: not blank, bounded. Never echoed in errors. */
export function checkNewPassword(password: string, argument = 'password'): string {
  if (password.trim() === '')
    throw badInput(`${argument} must not be empty`, { reason: 'EMPTY_PASSWORD', argument });
  if (hasNulByte(password))
    throw badInput(`${argument} must not contain a NUL character`, { reason: 'INVALID_PASSWORD', argument });
  if (password.length > MAX_PASSWORD_LENGTH) {
    throw badInput(`${argument} must be at most ${MAX_PASSWORD_LENGTH} characters`, {
      reason: 'INVALID_PASSWORD',
      argument,
    });
  }
  return password;
}

export function checkLifetime(seconds: number, argument = 'lifetimeSeconds'): number {
  if (!Number.isInteger(seconds) || seconds < 1 || seconds > MAX_TOKEN_SECONDS) {
    throw badInput(`${argument} must be a whole number of seconds between 1 and ${MAX_TOKEN_SECONDS}`, {
      reason: 'INVALID_LIFETIME',
      argument,
      value: seconds,
    });
  }
  return seconds;
}

/** Astakos reports token times in whole seconds: the current time without milliseconds. */
export function nowWholeSeconds(now = Date.now()): Date {
  return new Date(Math.floor(now / 1000) * 1000);
}

/** Groups without duplicates, in the order given. */
export function normalizeGroups(groups: readonly string[], argument = 'groups'): string[] {
  return [...new Set(groups.map((group) => checkGroup(group, argument)))];
}

/** Python's `str.title()` for ASCII names: "cyclades" → "Cyclades", "my-service" → "My-Service". */
export function titleCase(name: string): string {
  return name.replace(/[A-Za-z]+/g, (word) => word[0]!.toUpperCase() + word.slice(1).toLowerCase());
}

interface Presentation {
  order: number;
  verboseName: string;
  cloudbar: { show: boolean; title: string };
  dashboard: { show: boolean; order: number; description: string };
}

/** Astakos 0.14's built-in presentation of its own components (astakos.md §7.4). */
const BUILT_IN: Record<
  string,
  { order: number; cloudbarShow: boolean; dashboardOrder: number; description: string }
> = {
  astakos: {
    order: 1,
    cloudbarShow: false,
    dashboardOrder: 3,
    description:
      'Access the dashboard from the top right corner of your screen. Here you can manage your profile, see the usage of your resources and manage projects to share virtual resources with colleagues.',
  },
  pithos: {
    order: 2,
    cloudbarShow: true,
    dashboardOrder: 1,
    description:
      'Pithos is the File Storage service. Click to start uploading and managing your files on the cloud.',
  },
  cyclades: {
    order: 3,
    cloudbarShow: true,
    dashboardOrder: 2,
    description:
      'Cyclades is the Compute and Network Service. Click to start creating Virtual Machines and connect them to arbitrary Networks.',
  },
};

/** A component's presentation: the operator's values, else the built-in ones, else the defaults. */
export function presentation(component: ComponentRecord): Presentation {
  const builtIn = BUILT_IN[component.name];
  return {
    order: component.order ?? builtIn?.order ?? 1000,
    verboseName: component.verboseName ?? titleCase(component.name),
    cloudbar: {
      show: component.cloudbarShow ?? builtIn?.cloudbarShow ?? true,
      title: component.cloudbarTitle ?? component.name,
    },
    dashboard: {
      show: component.dashboardShow ?? true,
      order: component.dashboardOrder ?? builtIn?.dashboardOrder ?? 1000,
      description: component.dashboardDescription ?? builtIn?.description ?? `${component.name} service`,
    },
  };
}

/** Components ordered for the cloud bar: by `order`, then registration order. */
export function orderComponents(components: readonly ComponentRecord[]): ComponentRecord[] {
  return [...components].sort(
    (a, b) => presentation(a).order - presentation(b).order || a.position - b.position,
  );
}

/**
 * An endpoint as the Astakos service catalog shows it: `SNF:uiURL` (the owning component's URL)
 * first, then the registered pairs in order; the service `astakos_weblogin` also gets
 * `SNF:webloginURL` (its `publicURL`) just before `publicURL` (the original's key order).
 */
export function catalogEntries(
  service: ServiceRecord,
  endpoint: readonly KeyValue[],
  componentUrl: string,
): KeyValue[] {
  const entries: KeyValue[] = [{ key: 'SNF:uiURL', value: componentUrl }];
  const publicUrl = endpoint.find((pair) => pair.key === 'publicURL');
  const weblogin =
    service.name === 'astakos_weblogin' && publicUrl
      ? { key: 'SNF:webloginURL', value: publicUrl.value }
      : null;
  for (const pair of endpoint) {
    if (weblogin && pair === publicUrl) entries.push(weblogin);
    entries.push({ key: pair.key, value: pair.value });
  }
  return entries;
}

/** Keys the catalog adds itself; an operator may not register them. */
export const RESERVED_ENDPOINT_KEYS = new Set(['SNF:uiURL', 'SNF:webloginURL']);

export interface ServiceInputLike {
  name: string;
  type: string;
  endpoints?: { entries: KeyValue[] }[] | null;
}

/** Validates services given for a component; names are unique within the list. */
export function checkServices(
  services: readonly ServiceInputLike[],
  argument = 'services',
): Omit<ServiceRecord, 'component'>[] {
  const seen = new Set<string>();
  return services.map((service, index) => {
    const at = `${argument}[${index}]`;
    check(service.name, SERVICE_NAME, 'INVALID_SERVICE_NAME', `${at}.name`, 'service name');
    check(service.type, SERVICE_NAME, 'INVALID_SERVICE_TYPE', `${at}.type`, 'service type');
    if (seen.has(service.name)) {
      throw badInput(`Service '${service.name}' is given twice`, {
        reason: 'DUPLICATE_SERVICE',
        argument: at,
        service: service.name,
      });
    }
    seen.add(service.name);
    const endpoints = (service.endpoints ?? []).map((endpoint, e) => {
      const keys = new Set<string>();
      return endpoint.entries.map((pair, p) => {
        const where = `${at}.endpoints[${e}].entries[${p}]`;
        check(pair.key, ENDPOINT_KEY, 'INVALID_ENDPOINT_KEY', `${where}.key`, 'endpoint key');
        if (RESERVED_ENDPOINT_KEYS.has(pair.key) || keys.has(pair.key)) {
          throw badInput(`Endpoint key '${pair.key}' is reserved or given twice`, {
            reason: 'INVALID_ENDPOINT_KEY',
            argument: `${where}.key`,
            value: pair.key,
          });
        }
        keys.add(pair.key);
        checkText(pair.value, `${where}.value`, MAX_URL);
        return { key: pair.key, value: pair.value };
      });
    });
    return { name: service.name, type: service.type, endpoints };
  });
}

/** The name patterns, for importers that validate data before it reaches the subgraph. */
export const USERS_PATTERNS = {
  uuid: UUID,
  username: USERNAME,
  email: EMAIL,
  group: GROUP,
  realmId: REALM_ID,
  componentName: COMPONENT_NAME,
  serviceName: SERVICE_NAME,
  endpointKey: ENDPOINT_KEY,
  appId: APP_ID,
} as const;
