/**
 * The PVC API shim (compat/pvc.md): PVC's flat HTTP API of mid-2019 at `/api/v1`, and on its
 * historical listener (port 7370) when `shims.pvc.listener` is configured.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TLSSocket } from 'node:tls';
import type { Config } from '../../config/index.js';
import type { Principal } from '../../identity/index.js';
import { readBody, send, type Shim, type ShimDependencies, type ShimResponse } from '../kit/index.js';
import { PvcAuth } from './auth.js';
import { cookie, parseForm, pathSegments, valuesOf, type Values } from './request.js';
import { html, LOGIN_FORM, message, REASONS, redirectPage } from './responses.js';
import { Router } from './router.js';
import { ROUTES, type Handler } from './routes.js';

export const PVC_PREFIX = '/api/v1';
const SESSION_COOKIE = 'session';

/** What the shim itself answers before the route table: the root and the auth pages. */
type Special = 'root' | 'login' | 'logout';
type Entry = { special: Special } | { handler: Handler };

/** The PVC shim; always mounted (authentication is on by default). */
export function createPvcShim(config: Config, dependencies: ShimDependencies): Shim {
  const settings = config.shims.pvc;
  const bodyLimit = config.server.bodyLimit;
  const auth = new PvcAuth(settings.auth.tokens);
  const router = new Router<Entry>([
    { methods: ['GET'], path: '', handler: { special: 'root' } },
    { methods: ['GET', 'POST'], path: 'auth/login', handler: { special: 'login' } },
    { methods: ['GET', 'POST'], path: 'auth/logout', handler: { special: 'logout' } },
    ...ROUTES.map((route) => ({
      methods: route.methods,
      path: route.path,
      handler: { handler: route.handler },
    })),
  ]);
  const openOperator: Principal = { kind: 'operator', id: 'anonymous', via: 'pvc' };

  async function answer(request: IncomingMessage): Promise<ShimResponse> {
    const url = new URL(request.url ?? '/', 'http://localhost');
    const segments = pathSegments(url.pathname, PVC_PREFIX);
    if (segments === null) return message(404, 'Not Found');
    const matched = router.match(request.method ?? 'GET', segments);
    switch (matched.kind) {
      case 'not-found':
        return message(404, 'Not Found');
      case 'method-not-allowed':
        return message(405, 'Method Not Allowed', { allow: matched.allow });
      case 'options':
        return {
          status: 200,
          headers: { allow: matched.allow, 'content-type': 'text/html; charset=utf-8' },
          body: '',
        };
    }
    const read = await readBody(request, bodyLimit);
    if (!read.ok) {
      return read.reason === 'TOO_LARGE'
        ? message(413, 'ERROR: The request body is too large.')
        : message(400, 'ERROR: The request body could not be read.');
    }
    const form = await parseForm(request.headers['content-type'], read.body);
    if (form === null) return message(400, 'ERROR: The form data could not be read.');
    const values = valuesOf(url.searchParams, form.fields);
    const entry = matched.spec.handler;

    if ('special' in entry) {
      switch (entry.special) {
        case 'root':
          return message(209, 'PVC API version 1');
        case 'login':
          return login(request, values);
        case 'logout':
          if (!settings.auth.enabled) return message(200, 'Authentication is disabled.');
          return redirect(
            request,
            `${SESSION_COOKIE}=; Expires=Thu, 01-Jan-1970 00:00:00 GMT; Max-Age=0; Path=/`,
          );
      }
    }

    let principal: Principal = openOperator;
    if (settings.auth.enabled) {
      const holder = authenticate(request, values);
      if ('denied' in holder) return holder.denied;
      principal = { kind: 'operator', id: holder.description, via: 'pvc' };
    }
    return entry.handler({
      params: matched.params,
      values,
      body: read.body,
      isForm: form.isForm,
      run: (operation, variables) => dependencies.graph.execute(operation, variables, { principal }),
    });
  }

  function authenticate(
    request: IncomingMessage,
    values: Values,
  ): { description: string } | { denied: ShimResponse } {
    const session = auth.session(cookie(request, SESSION_COOKIE));
    if (session) return { description: session.description };
    const token = values.get('token');
    if (token === undefined) return { denied: message(401, 'Authentication required') };
    const matched = auth.match(token);
    if (!matched) return { denied: message(401, 'Authentication failed') };
    return { description: matched.description };
  }

  function login(request: IncomingMessage, values: Values): ShimResponse {
    if (!settings.auth.enabled) return message(200, 'Authentication is disabled.');
    if (request.method === 'GET' || request.method === 'HEAD') return html(200, LOGIN_FORM);
    const token = values.get('token');
    if (token === undefined) return message(401, 'Authentication required');
    const matched = auth.match(token);
    if (!matched) return message(401, 'Authentication failed');
    return redirect(request, `${SESSION_COOKIE}=${auth.newSession(matched)}; HttpOnly; Path=/`);
  }

  /** 302 to the API root, absolute from the request as werkzeug built it, with the session cookie change. */
  function redirect(request: IncomingMessage, setCookie: string): ShimResponse {
    const scheme = (request.socket as TLSSocket).encrypted ? 'https' : 'http';
    const host = request.headers.host ?? 'localhost';
    return html(302, redirectPage(PVC_PREFIX), {
      location: `${scheme}://${host}${PVC_PREFIX}`,
      'set-cookie': setCookie,
    });
  }

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    let reply: ShimResponse;
    try {
      reply = await answer(request);
    } catch (error) {
      dependencies.log.error('pvc request failed', {
        path: (request.url ?? '').split('?')[0],
        error: String((error as Error)?.stack ?? error),
      });
      reply = message(510, 'ERROR: An unexpected error occurred.');
    }
    response.statusMessage = REASONS[reply.status] ?? '';
    send(response, reply);
  }

  return {
    name: 'pvc',
    prefixes: [PVC_PREFIX],
    handle,
    ...(settings.listener
      ? {
          listener: {
            port: settings.listener.port,
            host: settings.listener.host,
            ...(settings.listener.tls ? { tls: settings.listener.tls } : {}),
          },
        }
      : {}),
    // The historical listener serves only this API: paths outside /api/v1 get its not-found answer.
    handleHistorical: handle,
  };
}
