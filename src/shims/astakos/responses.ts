/**
 * Pure renderers of the Astakos 0.14 wire format (compat/astakos.md §5, §7): Python's default
 * JSON layout, faults in JSON and XML, the user object, catalogs, the Keystone access document
 * (JSON and the fixed XML template), the cloud bar lists, and the API headers.
 */
import type {
  AstakosComponentsQuery,
  AstakosServiceFieldsFragment,
  AstakosUserFieldsFragment,
} from '../__generated__/graphql.js';
import type { ShimResponse } from '../kit/index.js';

/** A JSON object whose members keep the given order (integer-like keys included). */
export class Ordered {
  constructor(readonly members: readonly (readonly [string, PyValue])[]) {}
}

export type PyValue = string | number | boolean | null | readonly PyValue[] | Ordered;

/** `json.dumps(value)` with Python's defaults: `, ` and `: `, ASCII only, no trailing newline. */
export function pyJson(value: PyValue): string {
  if (value === null) return 'null';
  if (typeof value === 'string') return pyString(value);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : 'null';
  if (value instanceof Ordered)
    return `{${value.members.map(([key, member]) => `${pyString(key)}: ${pyJson(member)}`).join(', ')}}`;
  return `[${value.map(pyJson).join(', ')}]`;
}

function pyString(text: string): string {
  // JSON.stringify already escapes like Python for \b \f \n \r \t and other controls (lower-case
  // hex, lone surrogates too); Python also escapes U+007F and everything above.
  return JSON.stringify(text).replace(
    /[\u007f-\uffff]/g,
    (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

const obj = (...members: (readonly [string, PyValue])[]) => new Ordered(members);

export type Serialization = 'json' | 'xml';

export type FaultName = 'badRequest' | 'unauthorized' | 'forbidden' | 'itemNotFound' | 'internalServerError';

const FAULT_CODES: Record<FaultName, number> = {
  badRequest: 400,
  unauthorized: 401,
  forbidden: 403,
  itemNotFound: 404,
  internalServerError: 500,
};

/** XML escaping of §5 (Django's `escape`). */
export function xmlEscape(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

export function contentTypeOf(serialization: Serialization): string {
  return serialization === 'xml' ? 'application/xml; charset=UTF-8' : 'application/json; charset=UTF-8';
}

/** Headers every API response carries (§5), set from the serialisation after the view ran. */
export function apiHeaders(serialization: Serialization, now: Date): Record<string, string> {
  const date = now.toUTCString();
  return {
    'content-type': contentTypeOf(serialization),
    vary: 'X-Auth-Token',
    'cache-control': 'no-cache, no-store, must-revalidate, max-age=0',
    expires: date,
    'last-modified': date,
  };
}

/** An API response: status, body and the API headers. */
export function apiResponse(
  status: number,
  body: string,
  serialization: Serialization,
  now: Date = new Date(),
): ShimResponse {
  return { status, headers: apiHeaders(serialization, now), body };
}

export function faultBody(name: FaultName, message: string, serialization: Serialization): string {
  const code = FAULT_CODES[name];
  if (serialization === 'xml') {
    return (
      '<?xml version="1.0" encoding="UTF-8"?>\n' +
      `<${name} xmlns="http://docs.openstack.org/identity/api/v2.0" code="${code}">\n` +
      `  <message>${xmlEscape(message)}</message>\n` +
      '  <details></details>\n' +
      `</${name}>\n`
    );
  }
  return pyJson(obj([name, obj(['message', message], ['code', code], ['details', ''])]));
}

/** A fault as an API response (§5). */
export function fault(
  name: FaultName,
  message: string,
  serialization: Serialization,
  now: Date = new Date(),
): ShimResponse {
  return apiResponse(FAULT_CODES[name], faultBody(name, message, serialization), serialization, now);
}

/** Whole seconds, in milliseconds (§7.1). */
function epochMillis(iso: string): number {
  return Math.floor(Date.parse(iso) / 1000) * 1000;
}

/** The authenticate user object (§7.1). */
export function userObject(
  user: AstakosUserFieldsFragment,
  token: { createdAt: string; expiresAt: string },
  headerToken: string | null,
): string {
  return pyJson(
    obj(
      ['username', user.username],
      ['auth_token_expires', epochMillis(token.expiresAt)],
      ['auth_token_created', epochMillis(token.createdAt)],
      ['uuid', user.id],
      ['name', user.realName],
      ['auth_token', headerToken],
      ['groups', [...user.groups]],
      ['id', user.numericId],
      ['email', [user.emails[0] ?? user.username]],
    ),
  );
}

/** The user catalogs (§7.2). */
export function catalogs(result: {
  uuidCatalog: readonly { uuid: string; displayName: string }[];
  displayNameCatalog: readonly { uuid: string; displayName: string }[];
}): string {
  return pyJson(
    obj(
      ['displayname_catalog', new Ordered(result.displayNameCatalog.map((e) => [e.displayName, e.uuid]))],
      ['uuid_catalog', new Ordered(result.uuidCatalog.map((e) => [e.uuid, e.displayName]))],
    ),
  );
}

/** ISO 8601 in UTC with `+00:00`, microseconds only when non-zero (Python's `isoformat`). */
export function pythonIsoFormat(iso: string): string {
  const date = new Date(iso);
  const base = date.toISOString().slice(0, 19);
  const millis = date.getUTCMilliseconds();
  return `${base}${millis ? `.${String(millis * 1000).padStart(6, '0')}` : ''}+00:00`;
}

export interface AccessToken {
  id: string;
  expires: string;
  tenantId: string;
  tenantName: string;
}

export interface AccessUser {
  id: string;
  name: string;
  roles: readonly { id: number; name: string }[];
}

export interface AccessDocument {
  token: AccessToken | null;
  user: AccessUser | null;
  services: readonly AstakosServiceFieldsFragment[];
}

/** The access document of the tokens call in JSON (§7.3). */
export function accessJson(access: AccessDocument): string {
  const catalog: PyValue = access.services.map((service) =>
    obj(
      ['endpoints_links', []],
      [
        'endpoints',
        service.endpoints.map(
          (endpoint) => new Ordered(endpoint.catalogEntries.map((entry) => [entry.key, entry.value])),
        ),
      ],
      ['type', service.type],
      ['name', service.name],
    ),
  );
  const members: [string, PyValue][] = [];
  if (access.token) {
    members.push([
      'token',
      obj(
        ['expires', access.token.expires],
        ['id', access.token.id],
        ['tenant', obj(['id', access.token.tenantId], ['name', access.token.tenantName])],
      ),
    ]);
  }
  members.push(['serviceCatalog', catalog]);
  if (access.user) {
    members.push([
      'user',
      obj(
        ['roles_links', []],
        ['id', access.user.id],
        ['roles', access.user.roles.map((role) => obj(['id', role.id], ['name', role.name]))],
        ['name', access.user.name],
      ),
    ]);
  }
  return pyJson(obj(['access', new Ordered(members)]));
}

/** The access document through the original's fixed XML template, whitespace included (§7.3). */
export function accessXml(access: AccessDocument): string {
  const E = xmlEscape;
  let out =
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    '\n<access xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"\n' +
    '    xmlns="http://docs.openstack.org/identity/api/v2.0">\n    ';
  if (access.token) {
    const t = access.token;
    out +=
      `\n    <token id="${E(t.id)}" expires="${E(t.expires)}">\n` +
      `        <tenant id="${E(t.tenantId)}" name="${E(t.tenantName)}" />\n` +
      '    </token>\n    ';
  }
  out += '\n    ';
  if (access.user) {
    out += `\n    <user id="${E(access.user.id)}" name="${E(access.user.name)}">\n        <roles>\n            `;
    for (const role of access.user.roles) {
      out += `\n                <role id="${E(String(role.id))}" name="${E(role.name)}"/>\n            `;
    }
    out += '\n        </roles>\n    </user>\n    ';
  }
  out += '\n    <serviceCatalog>\n    ';
  for (const service of access.services) {
    out += `\n        <service type="${E(service.type)}" name="${E(service.name)}">\n            `;
    for (const endpoint of service.endpoints) {
      out += '\n            <endpoint ';
      for (const entry of endpoint.catalogEntries) out += ` ${E(entry.key)}="${E(entry.value)}" `;
      out += ' />\n            ';
    }
    out += '\n        </service>\n    ';
  }
  out += '\n    </serviceCatalog>\n</access>\n';
  return out;
}

/** The cloud bar component list (§7.4). */
export function componentList(components: AstakosComponentsQuery['components']): string {
  return pyJson(
    components.map((component) =>
      obj(
        ['name', component.name],
        ['url', component.url],
        ['cloudbar', obj(['title', component.cloudbar.title], ['show', component.cloudbar.show])],
        [
          'dashboard',
          obj(
            ['description', component.dashboard.description],
            ['order', component.dashboard.order],
            ['show', component.dashboard.show],
          ),
        ],
        ['verbose_name', component.verboseName],
        ['order', component.order],
      ),
    ),
  );
}

export interface MenuItem {
  url: string;
  name: string;
  isActive?: boolean;
}

export function menuList(items: readonly MenuItem[]): string {
  return pyJson(
    items.map((item) =>
      item.isActive
        ? obj(['url', item.url], ['is_active', true], ['name', item.name])
        : obj(['url', item.url], ['name', item.name]),
    ),
  );
}

const CALLBACK = /^[A-Za-z_$][0-9A-Za-z_$]*(\.[A-Za-z_$][0-9A-Za-z_$]*)*$/;

/** A cloud bar answer: JSON, or JSONP for a callback that is an identifier path (§6.1). */
export function cloudbarResponse(json: string, callback: string | null): ShimResponse {
  if (callback !== null && callback.length <= 128 && CALLBACK.test(callback)) {
    return {
      status: 200,
      headers: { 'content-type': 'application/javascript' },
      body: `${callback}(${json})`,
    };
  }
  return { status: 200, headers: { 'content-type': 'application/json' }, body: json };
}

/** The cloud bar's catch-all (§5): the fault in JSON, plain headers. */
export function cloudbarFailure(): ShimResponse {
  return {
    status: 500,
    headers: { 'content-type': 'application/json' },
    body: faultBody('internalServerError', 'Unexpected error', 'json'),
  };
}

export type { AstakosUserFieldsFragment };
