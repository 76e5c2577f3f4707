/**
 * The gateway side of the REST shims: the in-process executor they call the graph through, their
 * mounts on the main server, and their historical listeners.
 */
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import {
  execute,
  print,
  type DocumentNode,
  type ExecutionResult,
  type GraphQLError,
  type GraphQLSchema,
} from 'graphql';
import { codeOf } from '../src/errors/index.js';
import { toGraphFailures, type GraphExecutor, type Shim } from '../src/shims/index.js';
import { createRequestContext, type RequestContext } from '../src/subgraphs/index.js';
import { maskError } from './apollo.js';
import type { CompiledExecutor } from './compiled.js';
import type { HttpMount } from './http.js';
import type { Logger } from './log.js';

/** Runs one document with a request context: over the merged schema, or through the split gateway. */
export type DocumentRunner = (
  document: DocumentNode,
  variables: Record<string, unknown> | undefined,
  context: RequestContext,
) => Promise<ExecutionResult> | ExecutionResult;

/** Documents run over an executable schema in this process (single-process mode, the CLI). */
export function schemaRunner(schema: GraphQLSchema): DocumentRunner {
  return (document, variables, context) =>
    execute({ schema, document, variableValues: variables, contextValue: context });
}

/**
 * Documents run compiled (gateway/compiled.ts) over the schema `compiled` was built for: the
 * shims' documents are fixed, so the executor should compile them at first use.
 */
export function compiledRunner(compiled: CompiledExecutor): DocumentRunner {
  // The compiled-query cache is keyed by text; a typed document is printed once.
  const keys = new WeakMap<DocumentNode, string>();
  const keyOf = (document: DocumentNode) => {
    let key = keys.get(document);
    if (key === undefined) keys.set(document, (key = print(document)));
    return key;
  };
  return (document, variables, context) =>
    compiled.execute({ document, key: keyOf(document), operationName: null, variables, context });
}

/**
 * Executes typed documents with the caller's principal. The documents were validated against the
 * API schema by codegen (and its drift test), so they are not validated again per request; errors
 * are masked and logged exactly as on `/graphql`.
 */
export function createGraphExecutor(run: DocumentRunner, log: Logger): GraphExecutor {
  return {
    async execute(operation, variables, caller) {
      const context = createRequestContext(caller.principal, caller.requestId);
      const result = await run(operation, variables as Record<string, unknown> | undefined, context);
      if (!result.errors?.length) return { ok: true, data: result.data as never };
      for (const error of result.errors) logUnexpected(log, error, context.requestId);
      const formatted = result.errors.map((error) => maskError(error.toJSON(), error));
      return { ok: false, data: (result.data ?? null) as never, errors: toGraphFailures(formatted) };
    },
  };
}

function logUnexpected(log: Logger, error: GraphQLError, requestId: string): void {
  const code = codeOf(error);
  if (code === 'INTERNAL_SERVER_ERROR') {
    const original = error.originalError ?? error;
    log.error('unexpected error', {
      requestId,
      path: error.path?.join('.'),
      error: original.stack ?? original.message,
    });
  } else if (code.startsWith('BACKEND_')) {
    log.warn('backend error', {
      requestId,
      code,
      message: error.message,
      internal: (error.originalError as { internal?: unknown } | undefined)?.internal,
    });
  }
}

/** A shim as a mount of the main server. */
export function shimMount(shim: Shim): HttpMount {
  return {
    name: shim.name,
    prefixes: shim.prefixes,
    handle: (request, response) => shim.handle(request, response),
  };
}

/** The historical listeners of the shims that configure one; each answers every path itself. */
export async function startShimListeners(
  shims: readonly Shim[],
  log: Logger,
): Promise<{ urls: string[]; close(): Promise<void> }> {
  const servers: Server[] = [];
  const urls: string[] = [];
  try {
    for (const shim of shims) {
      const listener = shim.listener;
      if (!listener) continue;
      const handle = (request: IncomingMessage, response: ServerResponse) =>
        (shim.handleHistorical ?? shim.handle).call(shim, request, response).catch((error: unknown) => {
          log.error('shim request failed', {
            shim: shim.name,
            path: (request.url ?? '').split('?')[0],
            error: String((error as Error)?.stack ?? error),
          });
          if (!response.headersSent) {
            response.writeHead(500, { 'content-type': 'application/json' });
            response.end('{"message":"Internal server error"}');
          } else response.destroy();
        });
      const server = listener.tls
        ? createTlsServer(
            { cert: readFileSync(listener.tls.cert), key: readFileSync(listener.tls.key) },
            handle,
          )
        : createServer(handle);
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(listener.port, listener.host, () => {
          server.off('error', reject);
          resolve();
        });
      });
      servers.push(server);
      const address = server.address() as import('node:net').AddressInfo;
      const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
      urls.push(`${shim.name}: ${listener.tls ? 'https' : 'http'}://${host}:${address.port}`);
    }
  } catch (error) {
    await closeAll(servers);
    throw error;
  }
  return { urls, close: () => closeAll(servers) };
}

async function closeAll(servers: readonly Server[]): Promise<void> {
  await Promise.all(
    servers.map(
      (server) =>
        new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        }),
    ),
  );
}
