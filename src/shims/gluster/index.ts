/**
 * The Gluster REST API ("glusterrestd", compat/gluster-rest.md) under `/v1/`, and its historical
 * listener (port 8080): a route table from the documented URLs to named GraphQL operations and
 * pure renderers. Authentication (HS256 JWT + `qsh`) is on by default; the application's
 * signature is checked by the identity domain through the graph.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Config } from '../../config/index.js';
import type { Principal } from '../../identity/index.js';
import { readBody, send, type Shim, type ShimDependencies, type ShimResponse } from '../kit/index.js';
import { GlusterRestSettingsDocument, GlusterRestVerifySignatureDocument } from '../__generated__/graphql.js';
import { authenticate, type RequestFacts } from './auth.js';
import {
  commandFailure,
  errorEnvelope,
  methodNotAllowed,
  notFound,
  options,
  reasonPhrase,
} from './responses.js';
import { ROUTES, type Handler } from './routes.js';
import { parseGlusterSetting } from './settings.js';

export { qsh, requestHashes } from './auth.js';
export { canonicalJson, parsePyJson, pyDumps, pyFloat } from './pyjson.js';
export {
  convertGlusterSetting,
  isGlusterSetting,
  parseGlusterSetting,
  GLUSTER_SETTINGS,
  type GlusterSettingName,
  type GlusterSettingValue,
} from './settings.js';

const SYSTEM: Principal = { kind: 'system' };

interface Match {
  handlers: Partial<Record<string, Handler>>;
  params: Record<string, string>;
}

function match(segments: readonly string[]): Match | null {
  for (const route of ROUTES) {
    if (route.path.length !== segments.length) continue;
    const params: Record<string, string> = {};
    let ok = true;
    for (let index = 0; index < segments.length && ok; index++) {
      const pattern = route.path[index]!;
      const segment = segments[index]!;
      if (pattern.startsWith(':')) {
        const decoded = decodeSegment(segment);
        if (segment === '' || decoded === null) ok = false;
        else params[pattern.slice(1)] = decoded;
      } else if (pattern !== segment) ok = false;
    }
    if (ok) return { handlers: route.methods, params };
  }
  return null;
}

function decodeSegment(segment: string): string | null {
  try {
    return decodeURIComponent(segment);
  } catch {
    return null;
  }
}

function allowed(handlers: Match['handlers']): string[] {
  const methods = new Set(Object.keys(handlers));
  if (methods.has('GET')) methods.add('HEAD');
  methods.add('OPTIONS');
  return [...methods].sort();
}

function header(request: IncomingMessage, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** The shim; null when `shims.gluster.enabled` is false. */
export function createGlusterShim(config: Config, dependencies: ShimDependencies): Shim | null {
  const settings = config.shims.gluster;
  if (!settings.enabled) return null;
  const { graph, log } = dependencies;
  const bodyLimit = config.server.bodyLimit;

  /** `auth-enabled` as stored (every replica the same), else as configured. */
  async function authEnabled(): Promise<boolean> {
    const stored = await graph.execute(GlusterRestSettingsDocument, {}, { principal: SYSTEM });
    if (!stored.ok) throw new Error('cannot read the Gluster REST settings from the graph');
    const entry = stored.data.apiSettings.find((setting) => setting.name === 'auth-enabled');
    if (!entry) return settings.authEnabled;
    const value = parseGlusterSetting('auth-enabled', entry.value);
    return value === true;
  }

  async function answer(request: IncomingMessage, historical: boolean): Promise<ShimResponse> {
    const url = request.url ?? '/';
    const mark = url.indexOf('?');
    const rawPath = mark === -1 ? url : url.slice(0, mark);
    const rawQuery = mark === -1 ? null : url.slice(mark + 1);
    const method = (request.method ?? 'GET').toUpperCase();
    if (historical && (rawPath === '/' || rawPath === '/doc'))
      return historicalPage(request, rawPath, method);
    if (!rawPath.startsWith('/v1/')) return notFound();
    const route = match(rawPath.slice(1).split('/'));
    if (!route) return notFound();
    const allow = allowed(route.handlers);
    const handler = route.handlers[method === 'HEAD' ? 'GET' : method];
    if (!handler) return method === 'OPTIONS' ? options(allow) : methodNotAllowed(allow);

    const read = await readBody(request, bodyLimit);
    if (!read.ok) return errorEnvelope(413, 'Request Entity Too Large');
    const facts: RequestFacts = { method, rawPath, rawQuery, body: read.body };

    let principal: Principal = { kind: 'operator', id: 'anonymous', via: 'gluster-rest' };
    if (await authEnabled()) {
      const result = await authenticate(
        header(request, 'authorization'),
        facts,
        async (appId, signingInput, signature) => {
          const checked = await graph.execute(
            GlusterRestVerifySignatureDocument,
            { appId, signingInput, signature },
            { principal: SYSTEM },
          );
          if (!checked.ok) throw new Error('cannot check the application signature through the graph');
          return checked.data.verifyApiClientSignature;
        },
        { now: Date.now() / 1000, leewaySeconds: settings.leewaySeconds },
      );
      if (!result.ok) return errorEnvelope(401, result.error);
      principal = { kind: 'operator', id: result.appId, via: 'gluster-rest' };
    }
    return handler({
      method,
      params: route.params,
      query: new URLSearchParams(rawQuery ?? ''),
      contentType: header(request, 'content-type') ?? '',
      body: read.body,
      caller: { principal, requestId: header(request, 'x-request-id') },
      graph,
    });
  }

  async function handleOn(request: IncomingMessage, response: ServerResponse, historical: boolean) {
    let reply: ShimResponse;
    try {
      reply = await answer(request, historical);
    } catch (error) {
      log.error('gluster-rest request failed', {
        path: (request.url ?? '').split('?')[0],
        error: String((error as Error)?.stack ?? error),
      });
      reply = commandFailure(1, 'Internal error');
    }
    const reason = reasonPhrase(reply.status);
    if (reason) response.statusMessage = reason;
    send(response, reply);
  }

  const listener = settings.listener
    ? {
        port: settings.listener.port,
        host: settings.listener.host ?? (settings.authEnabled ? '0.0.0.0' : '127.0.0.1'),
        ...(settings.listener.tls ? { tls: settings.listener.tls } : {}),
      }
    : undefined;

  return {
    name: 'gluster',
    prefixes: ['/v1'],
    handle: (request, response) => handleOn(request, response, false),
    handleHistorical: (request, response) => handleOn(request, response, true),
    ...(listener ? { listener } : {}),
  };
}

/** `/` (302 to `/v1/doc`) and `/doc` (empty HTML page) on the historical listener. */
function historicalPage(request: IncomingMessage, path: string, method: string): ShimResponse {
  const allow = ['GET', 'HEAD', 'OPTIONS'];
  if (method === 'OPTIONS') return options(allow);
  if (method !== 'GET' && method !== 'HEAD') return methodNotAllowed(allow);
  if (path === '/doc')
    return { status: 200, headers: { 'content-type': 'text/html; charset=utf-8' }, body: '' };
  const scheme = (request.socket as { encrypted?: boolean }).encrypted ? 'https' : 'http';
  const host = header(request, 'host') ?? 'localhost';
  return {
    status: 302,
    headers: { location: `${scheme}://${host}/v1/doc`, 'content-type': 'text/html; charset=utf-8' },
    body: '',
  };
}
