/**
 * The Astakos 0.14 route table (compat/astakos.md): URL → method and credential checks → a named
 * operation run with the caller's principal → a renderer from `responses.ts`. Every answer under
 * the shim's prefixes comes from here, faults included.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TLSSocket } from 'node:tls';
import type { AstakosShimSettings } from '../../config/astakos.js';
import type { Principal } from '../../identity/index.js';
import {
  AstakosComponentByTokenDocument,
  AstakosComponentsDocument,
  AstakosServiceCatalogDocument,
  AstakosSubmitFeedbackDocument,
  AstakosTokensDocument,
  AstakosUserByTokenDocument,
  AstakosUserCatalogsDocument,
  type AstakosUserFieldsFragment,
  type UserTokenStatus,
} from '../__generated__/graphql.js';
import {
  failureWith,
  readBody,
  send,
  type GraphExecutor,
  type ShimLogger,
  type ShimResponse,
} from '../kit/index.js';
import {
  accessJson,
  accessXml,
  apiResponse,
  catalogs,
  cloudbarFailure,
  cloudbarResponse,
  componentList,
  fault,
  menuList,
  pythonIsoFormat,
  userObject,
  type MenuItem,
  type Serialization,
} from './responses.js';

type Credential = 'none' | 'user' | 'service';

interface ApiRequest {
  request: IncomingMessage;
  url: URL;
  serialization: Serialization;
  /** The token of §3 (query parameter first, then header); set for user and service endpoints. */
  token: string;
  /** The `X-Auth-Token` header when non-empty (authenticate echoes it). */
  headerToken: string | null;
  /** Who the operation runs as: the token's user or component. */
  principal: Principal;
  user: AstakosUserFieldsFragment | null;
  /** The user token's times, from the same check. */
  tokenTimes: { createdAt: string; expiresAt: string } | null;
}

interface ApiRoute {
  method: 'GET' | 'POST';
  credential: Credential;
  view(call: ApiRequest): Promise<ShimResponse>;
}

/** Statuses of a user token check → the 401 message of §3. */
const USER_TOKEN_MESSAGES: Record<Exclude<UserTokenStatus, 'VALID'>, string> = {
  INVALID_TOKEN: 'Invalid X-Auth-Token',
  USER_INACTIVE: 'User inactive',
  TOKEN_EXPIRED: 'Authentication expired',
  PENDING_TERMS: 'Pending approval terms',
};

class Refusal extends Error {
  constructor(readonly response: ShimResponse) {
    super('refused');
  }
}

export class AstakosRoutes {
  private readonly base: string;
  private readonly routes: ReadonlyMap<string, ApiRoute>;

  constructor(
    private readonly settings: AstakosShimSettings,
    private readonly graph: GraphExecutor,
    private readonly log: ShimLogger,
  ) {
    this.base = settings.basePath;
    const authenticate: ApiRoute = {
      method: 'GET',
      credential: 'user',
      view: (call) => this.authenticate(call),
    };
    const feedback: ApiRoute = { method: 'POST', credential: 'user', view: (call) => this.feedback(call) };
    const userCatalogs: ApiRoute = {
      method: 'POST',
      credential: 'user',
      view: (call) => this.userCatalogs(call, false),
    };
    const serviceCatalogs: ApiRoute = {
      method: 'POST',
      credential: 'service',
      view: (call) => this.userCatalogs(call, true),
    };
    this.routes = new Map([
      ['/account/v1.0/authenticate', authenticate],
      ['/ui/authenticate', authenticate],
      ['/account/v1.0/feedback', feedback],
      ['/feedback', feedback],
      ['/account/v1.0/user_catalogs', userCatalogs],
      ['/user_catalogs', userCatalogs],
      ['/account/v1.0/service/user_catalogs', serviceCatalogs],
      ['/service/api/user_catalogs', serviceCatalogs],
      ['/identity/v2.0/tokens', { method: 'POST', credential: 'none', view: (call) => this.tokens(call) }],
    ]);
  }

  /** The path prefixes the shim owns on the main server. */
  prefixes(): string[] {
    if (this.base) return [this.base];
    // Without a base path the shim must not swallow the server's own paths (/graphql, …).
    return ['/ui', '/account', '/identity', '/feedback', '/user_catalogs', '/service'];
  }

  async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://localhost');
    const rest = url.pathname.slice(this.base.length);
    if (this.base && (rest === '' || rest === '/')) {
      request.resume();
      return send(response, { status: 302, headers: { location: `${this.root(request)}/ui/` } });
    }
    const path = rest.length > 1 && rest.endsWith('/') ? rest.slice(0, -1) : rest;
    if (path === '/ui/get_services') return send(response, await this.cloudbar(request, url, 'services'));
    if (path === '/ui/get_menu') return send(response, await this.cloudbar(request, url, 'menu'));
    const serialization = serializationOf(request, url);
    const route = this.routes.get(path);
    let reply: ShimResponse;
    try {
      if (route) reply = await this.api(route, request, url, serialization);
      else {
        request.resume();
        reply =
          path.startsWith('/account/') || path.startsWith('/identity/')
            ? fault('badRequest', 'API endpoint not found', serialization)
            : fault('itemNotFound', 'Not Found', serialization);
      }
    } catch (error) {
      this.log.error('astakos request failed', { path: url.pathname, error: errorText(error) });
      reply = fault('internalServerError', 'Unexpected error', serialization);
    }
    send(response, reply);
  }

  // The API decorator of §4: method, then token, then the view; faults for every failure.
  private async api(
    route: ApiRoute,
    request: IncomingMessage,
    url: URL,
    serialization: Serialization,
  ): Promise<ShimResponse> {
    if (request.method !== route.method) {
      request.resume();
      return fault('badRequest', 'Method not allowed', serialization);
    }
    const headerToken = headerValue(request.headers['x-auth-token']) || null;
    const call: ApiRequest = {
      request,
      url,
      serialization,
      token: '',
      headerToken,
      principal: { kind: 'anonymous' },
      user: null,
      tokenTimes: null,
    };
    try {
      if (route.credential !== 'none') {
        const token = lastParam(url, 'X-Auth-Token') || headerToken;
        if (!token) throw this.refuse('unauthorized', 'Access denied. No authentication token', call);
        call.token = token;
        if (route.credential === 'user') await this.checkUser(call);
        else await this.checkService(call);
      }
      return await route.view(call);
    } catch (error) {
      if (error instanceof Refusal) {
        request.resume();
        return error.response;
      }
      throw error;
    }
  }

  private refuse(name: Parameters<typeof fault>[0], message: string, call: { serialization: Serialization }) {
    return new Refusal(fault(name, message, call.serialization));
  }

  private async checkUser(call: ApiRequest): Promise<void> {
    const result = await this.graph.execute(
      AstakosUserByTokenDocument,
      { token: call.token },
      { principal: { kind: 'anonymous' } },
    );
    if (!result.ok) throw new Error(`userByToken failed: ${result.errors[0]?.code}`);
    const { status, user, token } = result.data.userByToken;
    if (status !== 'VALID') throw this.refuse('unauthorized', USER_TOKEN_MESSAGES[status], call);
    if (!user || !token) throw new Error('userByToken gave VALID without the user');
    call.user = user;
    call.tokenTimes = token;
    call.principal = {
      kind: 'user',
      id: user.id,
      name: user.username,
      admin: user.admin,
      groups: [...user.groups],
    };
  }

  private async checkService(call: ApiRequest): Promise<void> {
    const result = await this.graph.execute(
      AstakosComponentByTokenDocument,
      { token: call.token },
      { principal: { kind: 'anonymous' } },
    );
    if (!result.ok) throw new Error(`componentByToken failed: ${result.errors[0]?.code}`);
    const { status, component } = result.data.componentByToken;
    if (status === 'TOKEN_EXPIRED') throw this.refuse('unauthorized', 'Authentication expired', call);
    if (status !== 'VALID' || !component) throw this.refuse('unauthorized', 'Invalid X-Auth-Token', call);
    call.principal = { kind: 'service', id: component.name };
  }

  // §6.3: the decorator's token check already holds the answer.
  private async authenticate(call: ApiRequest): Promise<ShimResponse> {
    call.request.resume();
    if (!call.user || !call.tokenTimes) throw new Error('authenticate ran without a checked user');
    return apiResponse(200, userObject(call.user, call.tokenTimes, call.headerToken), call.serialization);
  }

  // §6.4: form fields whatever the content type (multipart parsed as multipart).
  private async feedback(call: ApiRequest): Promise<ShimResponse> {
    const body = await readBody(call.request, this.settings.bodyLimit);
    if (!body.ok) throw this.refuse('badRequest', 'Invalid data', call);
    const form = await formFields(call.request.headers['content-type'], body.body);
    const message = form?.get('feedback_msg') ?? '';
    if (!form || message === '') throw this.refuse('badRequest', 'Invalid data', call);
    const data = form.get('feedback_data') ?? null;
    const result = await this.graph.execute(
      AstakosSubmitFeedbackDocument,
      { message, data },
      { principal: call.principal },
    );
    if (!result.ok) {
      if (failureWith(result.errors, 'BACKEND_FAILED', 'FEEDBACK_NOT_DELIVERED')) {
        return apiResponse(502, '', call.serialization);
      }
      if (failureWith(result.errors, 'BAD_USER_INPUT', 'INVALID_FEEDBACK')) {
        throw this.refuse('badRequest', 'Invalid data', call);
      }
      throw new Error(`submitFeedback failed: ${result.errors[0]?.code}`);
    }
    return apiResponse(200, '', call.serialization);
  }

  // §6.5: both calls; `null` means every user only in the service call.
  private async userCatalogs(call: ApiRequest, service: boolean): Promise<ShimResponse> {
    const malformed = () => this.refuse('badRequest', 'Request body should be json formatted.', call);
    const body = await readBody(call.request, this.settings.bodyLimit);
    if (!body.ok) throw malformed();
    let parsed: unknown;
    try {
      parsed = JSON.parse(body.body.toString('utf8'));
    } catch {
      throw malformed();
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw malformed();
    const uuids = stringList((parsed as Record<string, unknown>).uuids);
    const names = stringList((parsed as Record<string, unknown>).displaynames);
    if (uuids === undefined || names === undefined) throw malformed();
    const result = await this.graph.execute(
      AstakosUserCatalogsDocument,
      {
        uuids: uuids ?? [],
        displayNames: names ?? [],
        allUuids: service && uuids === null,
        allDisplayNames: service && names === null,
      },
      { principal: call.principal },
    );
    if (!result.ok) {
      if (failureWith(result.errors, 'BAD_USER_INPUT', 'TOO_MANY_KEYS')) {
        throw this.refuse('badRequest', 'Too many uuids or displaynames', call);
      }
      throw new Error(`userCatalogs failed: ${result.errors[0]?.code}`);
    }
    return apiResponse(200, catalogs(result.data.userCatalogs), call.serialization);
  }

  // §6.6, in the original's order of checks.
  private async tokens(call: ApiRequest): Promise<ShimResponse> {
    const { request } = call;
    const length = contentLength(request.headers['content-length']);
    if (length === null) {
      request.resume();
      const result = await this.graph.execute(
        AstakosServiceCatalogDocument,
        {},
        { principal: call.principal },
      );
      if (!result.ok) throw new Error(`serviceCatalog failed: ${result.errors[0]?.code}`);
      return this.access(call, { token: null, user: null, services: result.data.serviceCatalog });
    }
    const contentType = headerValue(request.headers['content-type']);
    if (!contentType) throw this.refuse('badRequest', 'Missing Content-Type header field', call);
    if (!contentType.startsWith('application/json')) {
      throw this.refuse('badRequest', `Unsupported Content-type: '${contentType}'`, call);
    }
    const body = await readBody(request, this.settings.bodyLimit);
    if (!body.ok) throw this.refuse('badRequest', 'Invalid JSON data', call);
    let parsed: unknown;
    try {
      parsed = JSON.parse(body.body.toString('utf8'));
    } catch {
      throw this.refuse('badRequest', 'Invalid JSON data', call);
    }
    const auth = member(parsed, 'auth');
    const tokenPart = member(auth, 'token');
    const passwordPart = member(auth, 'passwordCredentials');
    let token: unknown;
    let username: unknown = undefined;
    if (isObject(tokenPart) && 'id' in tokenPart) token = tokenPart.id;
    else if (isObject(passwordPart) && 'password' in passwordPart) {
      token = passwordPart.password;
      username = passwordPart.username;
    } else throw this.refuse('badRequest', 'Malformed request: missing credentials', call);
    if (token === null) throw this.refuse('badRequest', 'Malformed request: missing token', call);
    if (typeof token !== 'string' || token === '') throw this.refuse('unauthorized', 'Invalid token', call);

    const result = await this.graph.execute(AstakosTokensDocument, { token }, { principal: call.principal });
    if (!result.ok) throw new Error(`tokens failed: ${result.errors[0]?.code}`);
    const { status, user, token: record } = result.data.userByToken;
    if (status === 'INVALID_TOKEN') throw this.refuse('unauthorized', 'Invalid token', call);
    if (status !== 'VALID') throw this.refuse('unauthorized', USER_TOKEN_MESSAGES[status], call);
    if (!user || !record) throw new Error('userByToken gave VALID without the user');
    if (username !== undefined && username !== null && username !== user.id) {
      throw this.refuse('unauthorized', 'Invalid credentials', call);
    }
    const tenantName = member(auth, 'tenantName');
    if (pythonTruthy(tenantName) && tenantName !== user.id) {
      throw this.refuse('badRequest', 'Not conforming tenantName', call);
    }
    return this.access(call, {
      token: {
        id: token,
        expires: pythonIsoFormat(record.expiresAt),
        tenantId: user.id,
        tenantName: user.realName,
      },
      user: { id: user.id, name: user.realName, roles: user.roles },
      services: result.data.serviceCatalog,
    });
  }

  private access(call: ApiRequest, document: Parameters<typeof accessJson>[0]): ShimResponse {
    const body = call.serialization === 'xml' ? accessXml(document) : accessJson(document);
    return apiResponse(200, body, call.serialization);
  }

  // §6.1, §6.2: plain views, every method, JSONP.
  private async cloudbar(
    request: IncomingMessage,
    url: URL,
    which: 'services' | 'menu',
  ): Promise<ShimResponse> {
    request.resume();
    const callback = url.searchParams.has('callback') ? lastParam(url, 'callback') : null;
    try {
      if (which === 'services') {
        const result = await this.graph.execute(
          AstakosComponentsDocument,
          {},
          { principal: { kind: 'anonymous' } },
        );
        if (!result.ok) throw new Error(`components failed: ${result.errors[0]?.code}`);
        return cloudbarResponse(componentList(result.data.components), callback);
      }
      return await this.menu(request, url, callback);
    } catch (error) {
      this.log.error('astakos cloud bar failed', { path: url.pathname, error: errorText(error) });
      return cloudbarFailure();
    }
  }

  private async menu(request: IncomingMessage, url: URL, callback: string | null): Promise<ShimResponse> {
    const root = this.root(request);
    const cookie = cookieValue(request.headers.cookie, this.settings.cookieName);
    if (cookie === null)
      return cloudbarResponse(menuList([{ url: `${root}/ui/`, name: 'Sign in' }]), callback);
    const separator = cookie.indexOf('|');
    const uuid = separator >= 0 ? cookie.slice(0, separator) : '';
    const token = separator >= 0 ? cookie.slice(separator + 1) : '';
    let email: string | null = null;
    if (uuid && token) {
      const result = await this.graph.execute(
        AstakosUserByTokenDocument,
        { token },
        { principal: { kind: 'anonymous' } },
      );
      if (!result.ok) throw new Error(`userByToken failed: ${result.errors[0]?.code}`);
      const { status, user } = result.data.userByToken;
      // The cookie stands for an active user with a live token; terms are the site's business.
      if ((status === 'VALID' || status === 'PENDING_TERMS') && user && user.id === uuid) {
        email = user.emails[0] ?? user.username;
      }
    }
    if (email === null) {
      const domain = this.settings.cookieDomain ? `; Domain=${this.settings.cookieDomain}` : '';
      return {
        status: 302,
        headers: {
          location: `${origin(request)}${url.pathname}${url.search}`,
          'set-cookie': `${this.settings.cookieName}=${domain}; expires=Thu, 01-Jan-1970 00:00:00 GMT; Max-Age=0; Path=/`,
        },
        body: '',
      };
    }
    const current = `${origin(request)}${url.pathname}`;
    const items: MenuItem[] = [
      { url: `${root}/ui/`, name: email },
      { url: `${root}/ui/landing`, name: 'Dashboard' },
      { url: `${root}/ui/logout`, name: 'Sign out' },
    ].map((item) => ({ ...item, isActive: current.startsWith(item.url) }));
    return cloudbarResponse(menuList(items), callback);
  }

  /** The absolute URL of `{base}`. */
  private root(request: IncomingMessage): string {
    return `${origin(request)}${this.base}`;
  }
}

/** §4 serialisation: `format`, then a `.json`/`.xml` suffix, then `Accept`, then JSON. */
export function serializationOf(request: IncomingMessage, url: URL): Serialization {
  const format = lastParam(url, 'format');
  if (format === 'json' || format === 'xml') return format;
  if (url.pathname.endsWith('.json')) return 'json';
  if (url.pathname.endsWith('.xml')) return 'xml';
  for (const item of (headerValue(request.headers.accept) ?? '').split(',')) {
    const type = item.split(';')[0]!.trim();
    if (type === 'application/json') return 'json';
    if (type === 'application/xml') return 'xml';
  }
  return 'json';
}

/** Django's `QueryDict.get`: the last value of a repeated parameter. */
function lastParam(url: URL, name: string): string | null {
  const values = url.searchParams.getAll(name);
  return values.length ? values[values.length - 1]! : null;
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** The body length when it announces a body, else null (public mode of §6.6). */
function contentLength(value: string | undefined): number | null {
  if (value === undefined || !/^\s*\+?\d+\s*$/.test(value)) return null;
  const length = Number(value);
  return length > 0 ? length : null;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function member(value: unknown, key: string): unknown {
  return isObject(value) && Object.hasOwn(value, key) ? value[key] : undefined;
}

/** Python's truthiness of a JSON value (tenantName). */
function pythonTruthy(value: unknown): boolean {
  if (value === undefined || value === null || value === false || value === 0 || value === '') return false;
  if (Array.isArray(value)) return value.length > 0;
  if (isObject(value)) return Object.keys(value).length > 0;
  return true;
}

/** A catalog list: absent → [], null → null, an array of strings → itself, else undefined (malformed). */
function stringList(value: unknown): string[] | null | undefined {
  if (value === undefined) return [];
  if (value === null) return null;
  if (Array.isArray(value) && value.every((item) => typeof item === 'string')) return value as string[];
  return undefined;
}

/** Form fields of a feedback body: multipart as multipart, anything else URL-encoded (last value wins). */
async function formFields(
  contentType: string | undefined,
  body: Buffer,
): Promise<{ get(name: string): string | null } | null> {
  if (contentType && /^multipart\/form-data/i.test(contentType.trim())) {
    try {
      const form = await new Response(new Uint8Array(body), {
        headers: { 'content-type': contentType },
      }).formData();
      return {
        get(name) {
          const values = form.getAll(name).filter((value): value is string => typeof value === 'string');
          return values.length ? values[values.length - 1]! : null;
        },
      };
    } catch {
      return null;
    }
  }
  const params = new URLSearchParams(body.toString('utf8'));
  return {
    get(name) {
      const values = params.getAll(name);
      return values.length ? values[values.length - 1]! : null;
    },
  };
}

/** The URL-decoded value of a cookie, or null when absent or empty. */
function cookieValue(header: string | undefined, name: string): string | null {
  if (!header) return null;
  let found: string | null = null;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0 || part.slice(0, eq).trim() !== name) continue;
    let raw = part.slice(eq + 1).trim();
    if (raw.length >= 2 && raw.startsWith('"') && raw.endsWith('"')) raw = raw.slice(1, -1);
    try {
      found = decodeURIComponent(raw);
    } catch {
      found = raw;
    }
  }
  return found === '' ? null : found;
}

/** Scheme and `Host` of the request (the address it came to when there is no Host). */
function origin(request: IncomingMessage): string {
  const scheme = (request.socket as TLSSocket).encrypted ? 'https' : 'http';
  const host = headerValue(request.headers.host);
  if (host && /^[A-Za-z0-9.\-:[\]]+$/.test(host)) return `${scheme}://${host}`;
  const address = request.socket.localAddress ?? '127.0.0.1';
  const shown = address.includes(':') ? `[${address}]` : address;
  return `${scheme}://${shown}:${request.socket.localPort}`;
}

function errorText(error: unknown): string {
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}
