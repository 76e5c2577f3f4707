import type { IncomingMessage, ServerResponse } from 'node:http';
import { HeaderMap, type ApolloServer } from '@apollo/server';
import type { RequestContext } from '../src/subgraphs/kit/index.js';
import { graphiqlPage } from './graphiql.js';
import type { Logger } from './log.js';

/** A legacy API mounted on the server: it owns every path under its prefixes. */
export interface HttpMount {
  name: string;
  prefixes: readonly string[];
  /** Reads the body itself: each legacy API answers an oversized body in its own way. */
  handle(request: IncomingMessage, response: ServerResponse): Promise<void>;
}

export interface RequestListenerOptions {
  apollo: ApolloServer<RequestContext>;
  /** Builds the request's context (authentication); throws an HttpError to refuse the request. */
  context(request: IncomingMessage): Promise<RequestContext>;
  graphiql: boolean;
  /** Readiness: resolves true when every backend answers. */
  ready(): Promise<boolean>;
  mounts?: readonly HttpMount[];
  bodyLimit: number;
  log: Logger;
  accessLog: boolean;
}

/** An HTTP failure with a JSON body, raised before GraphQL execution starts. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
    readonly headers: Record<string, string> = {},
  ) {
    super(`HTTP ${status}`);
  }
}

export function createRequestListener(options: RequestListenerOptions) {
  const mounts = options.mounts ?? [];
  return (request: IncomingMessage, response: ServerResponse) => {
    const started = process.hrtime.bigint();
    if (options.accessLog) {
      response.on('finish', () => {
        options.log.info('request', {
          method: request.method,
          // Query strings may carry tokens (legacy APIs): log the path only.
          path: (request.url ?? '').split('?')[0],
          status: response.statusCode,
          ms: Number(process.hrtime.bigint() - started) / 1e6,
        });
      });
    }
    handle(request, response).catch((error: unknown) => {
      if (error instanceof HttpError) return sendJson(response, error.status, error.body, error.headers);
      options.log.error('request failed', {
        path: (request.url ?? '').split('?')[0],
        error: String((error as Error)?.stack ?? error),
      });
      if (!response.headersSent)
        sendJson(response, 500, {
          errors: [{ message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } }],
        });
      else response.destroy();
    });
  };

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://localhost');
    const path = url.pathname;
    const mount = mounts.find((candidate) =>
      candidate.prefixes.some((prefix) => path === prefix || path.startsWith(`${prefix}/`)),
    );
    if (mount) return mount.handle(request, response);

    switch (path) {
      case '/graphql':
        return graphql(request, response, url);
      case '/graphiql':
        if (!options.graphiql) break;
        return sendGraphiql(request, response);
      case '/healthz':
        return sendJson(response, 200, { status: 'ok' });
      case '/readyz': {
        const ready = await options.ready().catch(() => false);
        return sendJson(response, ready ? 200 : 503, { status: ready ? 'ready' : 'unavailable' });
      }
      case '/':
        if (options.graphiql && (request.method === 'GET' || request.method === 'HEAD')) {
          response.writeHead(302, { location: '/graphiql' }).end();
          return;
        }
        break;
    }
    sendJson(response, 404, {
      error: 'Not Found',
      message: `Nothing is served at ${path}; GraphQL is at /graphql`,
    });
  }

  async function graphql(request: IncomingMessage, response: ServerResponse, url: URL): Promise<void> {
    const method = request.method ?? 'GET';
    if (method !== 'GET' && method !== 'POST' && method !== 'HEAD') {
      return sendJson(
        response,
        405,
        graphqlError(`${method} is not supported; use GET or POST`, 'BAD_REQUEST'),
        {
          allow: 'GET, POST, HEAD',
        },
      );
    }
    const raw = await readBody(request, options.bodyLimit);
    const headers = new HeaderMap();
    for (const [key, value] of Object.entries(request.headers)) {
      if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(', ') : value);
    }
    let body: unknown = undefined;
    if (raw.length > 0) {
      const type = headers.get('content-type') ?? '';
      if (type.startsWith('application/json') || type.startsWith('application/graphql-response+json')) {
        try {
          body = JSON.parse(raw.toString('utf8'));
        } catch {
          return sendJson(response, 400, graphqlError('The request body is not valid JSON', 'BAD_REQUEST'));
        }
      } else {
        body = raw.toString('utf8');
      }
    }
    const context = await options.context(request);
    const result = await options.apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest: { method: method === 'HEAD' ? 'GET' : method, headers, search: url.search, body },
      context: async () => context,
    });
    const outHeaders: Record<string, string> = {};
    for (const [key, value] of result.headers) outHeaders[key] = value;
    response.writeHead(result.status ?? 200, outHeaders);
    if (result.body.kind === 'complete') {
      response.end(method === 'HEAD' ? undefined : result.body.string);
    } else {
      for await (const chunk of result.body.asyncIterator) response.write(chunk);
      response.end();
    }
  }
}

function sendGraphiql(request: IncomingMessage, response: ServerResponse): void {
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    sendJson(response, 405, { error: 'Method Not Allowed' }, { allow: 'GET, HEAD' });
    return;
  }
  const page = graphiqlPage();
  const common = {
    'content-type': page.contentType,
    etag: page.etag,
    'cache-control': 'public, max-age=3600, must-revalidate',
    vary: 'accept-encoding',
  };
  if (request.headers['if-none-match'] === page.etag) {
    response.writeHead(304, common).end();
    return;
  }
  const accepted = String(request.headers['accept-encoding'] ?? '');
  const [encoding, body] = /\bbr\b/.test(accepted)
    ? ['br', page.brotli]
    : /\bgzip\b/.test(accepted)
      ? ['gzip', page.gzip]
      : [undefined, page.identity];
  response.writeHead(200, {
    ...common,
    ...(encoding ? { 'content-encoding': encoding } : {}),
    'content-length': body.length,
  });
  response.end(request.method === 'HEAD' ? undefined : body);
}

export function graphqlError(message: string, code: string) {
  return { errors: [{ message, extensions: { code } }] };
}

export function sendJson(
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  response.end(text);
}

/** Reads the whole body, refusing more than `limit` bytes with 413. */
export function readBody(request: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(request.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) {
    request.resume();
    return Promise.reject(
      new HttpError(413, graphqlError(`The request body is larger than ${limit} bytes`, 'BAD_REQUEST'), {
        connection: 'close',
      }),
    );
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        request.removeAllListeners('data');
        request.resume();
        reject(
          new HttpError(413, graphqlError(`The request body is larger than ${limit} bytes`, 'BAD_REQUEST'), {
            connection: 'close',
          }),
        );
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => resolve(Buffer.concat(chunks)));
    request.on('error', reject);
  });
}
