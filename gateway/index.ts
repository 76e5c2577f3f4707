/**
 * The composition root: configuration → backends → subgraphs → GraphQL server (+ shims,
 * GraphiQL, health) → listen. Building is separate from listening, so tests build on port 0.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { buildSchema, type GraphQLFieldResolver } from 'graphql';
import type { Config } from '../src/config/index.js';
import { composeGraph } from '../src/compose/index.js';
import { openBackends, type Backends } from '../src/drivers/index.js';
import { createFederatedExecutor, readSupergraph } from '../src/federation/index.js';
import { unauthenticated } from '../src/errors/index.js';
import {
  buildSubgraph,
  buildSubgraphs,
  createRequestContext,
  type RequestContext,
  type SubgraphName,
} from '../src/subgraphs/index.js';
import { createAuthenticator } from '../src/subgraphs/users/index.js';
import { buildShims, type Shim } from '../src/shims/index.js';
import { createApollo } from './apollo.js';
import { createCompiledExecutor } from './compiled.js';
import { authenticateRequest, subgraphPrincipal, type Authenticator } from './auth.js';
import { createRequestListener } from './http.js';
import { createLogger, type Logger } from './log.js';
import { compiledRunner, createGraphExecutor, shimMount, startShimListeners } from './shims.js';
import { createSubgraphClient, subgraphUnreachable } from './subgraph-client.js';
import { buildMergedSchema } from './merged.js';

export { createLogger, memoryLogger, type Logger } from './log.js';
export type { Authenticator } from './auth.js';
export type { HttpMount } from './http.js';

/** A built server that is not listening yet. */
export interface Cloudfed {
  server: Server;
  backends: Backends | undefined;
  /** Starts listening (and the shims' historical listeners); resolves with the base URL (port 0 picks a free port). */
  listen(port?: number, host?: string): Promise<string>;
  /** `name: url` of each shim's historical listener, once listening. */
  shimListeners: string[];
  close(): Promise<void>;
}

export interface BuildOptions {
  log?: Logger;
  /** Backends already opened by the caller (tests, CLI); opened from the config otherwise. */
  backends?: Backends;
  authenticator?: Authenticator;
}

/** Single-process mode: every subgraph in one merged schema, no delegation layer. */
export async function buildCloudfed(config: Config, options: BuildOptions = {}): Promise<Cloudfed> {
  const log = options.log ?? createLogger('gateway');
  const backends = options.backends ?? openBackends(config);
  const subgraphs = buildSubgraphs(backends.sources);
  const schema = buildMergedSchema(subgraphs, composeGraph(subgraphs).apiSdl);
  const authenticator = options.authenticator ?? authenticatorOf(backends);
  // Operations run compiled (gateway/compiled.ts): clients' queries from their second sighting,
  // the shims' fixed documents from their first.
  const compiled = createCompiledExecutor(schema);
  const apollo = createApollo(schema, {
    maxDepth: config.server.maxDepth,
    maxFields: config.server.maxFields,
    log,
    executor: (operation) =>
      compiled.execute({
        document: operation.document,
        key: operation.source,
        operationName: operation.operationName,
        variables: operation.variables,
        context: operation.context,
      }),
  });
  await apollo.start();
  const graph = createGraphExecutor(compiledRunner(createCompiledExecutor(schema, { compileAt: 1 })), log);
  const shims = buildShims(config, { graph, log });
  return serve({
    config,
    log,
    backends,
    ownsBackends: !options.backends,
    apolloStop: () => apollo.stop(),
    shims,
    listener: createRequestListener({
      apollo,
      context: async (request) =>
        createRequestContext(await authenticateRequest(request, authenticator), requestIdOf(request)),
      graphiql: config.server.graphiql,
      ready: backends.ready,
      mounts: shims.map(shimMount),
      bodyLimit: config.server.bodyLimit,
      log,
      accessLog: config.server.accessLog,
    }),
  });
}

/** Split mode, one side: a single subgraph as a Federation 2 HTTP service. */
export async function buildSubgraphServer(
  name: SubgraphName,
  config: Config,
  options: BuildOptions = {},
): Promise<Cloudfed> {
  const log = options.log ?? createLogger(`subgraph:${name}`);
  const backends = options.backends ?? openBackends(config);
  const subgraph = buildSubgraph(name, backends.sources);
  guardEntities(subgraph.schema);
  const secret = splitSecret(config, backends);
  const apollo = createApollo(subgraph.schema, {
    maxDepth: config.server.maxDepth + 2,
    maxFields: config.server.maxFields * 2,
    log,
  });
  await apollo.start();
  return serve({
    config,
    log,
    backends,
    ownsBackends: !options.backends,
    apolloStop: () => apollo.stop(),
    listener: createRequestListener({
      apollo,
      context: async (request) => {
        const { principal, signed } = subgraphPrincipal(request, secret, config.split.maxSkewSeconds);
        const context = createRequestContext(principal, requestIdOf(request));
        if (signed) context.scope.set(SIGNED, true);
        return context;
      },
      graphiql: false,
      ready: backends.ready,
      bodyLimit: config.server.bodyLimit * 8,
      log,
      accessLog: config.server.accessLog,
    }),
  });
}

/** Split mode, other side: our gateway over remote subgraphs (any Federation 2 router could take its place). */
export async function buildSplitGateway(
  config: Config,
  subgraphUrls: Record<string, string>,
  options: BuildOptions = {},
): Promise<Cloudfed> {
  const log = options.log ?? createLogger('gateway');
  const backends = options.backends ?? openBackends(config);
  const secret = splitSecret(config, backends);
  const { supergraphSdl, apiSdl } = composeGraph(buildSubgraphs(backends.sources), subgraphUrls);
  const schema = buildSchema(apiSdl);
  const subgraphClient = createSubgraphClient({
    urls: subgraphUrls,
    secret,
    maxResponseBytes: SUBGRAPH_ANSWER_LIMIT,
    timeoutMs: SUBGRAPH_TIMEOUT_MS,
  });
  const federated = createFederatedExecutor<RequestContext>({
    supergraph: readSupergraph(supergraphSdl),
    schema,
    fetch: subgraphClient.fetch,
    unreachable: subgraphUnreachable,
  });
  const authenticator = options.authenticator ?? authenticatorOf(backends);
  const apollo = createApollo(schema, {
    maxDepth: config.server.maxDepth,
    maxFields: config.server.maxFields,
    log,
    executor: (operation) =>
      federated({
        document: operation.document,
        operationName: operation.operationName,
        variables: operation.variables,
        context: operation.context,
      }),
  });
  await apollo.start();
  const shims = buildShims(config, {
    graph: createGraphExecutor(
      (document, variables, context) =>
        federated({ document, operationName: null, variables: variables ?? {}, context }),
      log,
    ),
    log,
  });
  return serve({
    config,
    log,
    backends,
    ownsBackends: !options.backends,
    apolloStop: async () => {
      await apollo.stop();
      subgraphClient.close();
    },
    shims,
    listener: createRequestListener({
      apollo,
      context: async (request) =>
        createRequestContext(await authenticateRequest(request, authenticator), requestIdOf(request)),
      graphiql: config.server.graphiql,
      ready: backends.ready,
      mounts: shims.map(shimMount),
      bodyLimit: config.server.bodyLimit,
      log,
      accessLog: config.server.accessLog,
    }),
  });
}

/** Largest answer the split gateway takes from a subgraph (a 5,000-VM page is a few MB). */
const SUBGRAPH_ANSWER_LIMIT = 256 * 1024 * 1024;
/** As long as the gateway's own clients may wait (server requestTimeout). */
const SUBGRAPH_TIMEOUT_MS = 120_000;

const SIGNED = Symbol('principal.signed');

/** `_entities` serves only the gateway: an unsigned request may not resolve references. */
function guardEntities(schema: import('graphql').GraphQLSchema): void {
  const entities = schema.getQueryType()?.getFields()._entities;
  if (!entities) return;
  const resolve = entities.resolve as GraphQLFieldResolver<unknown, RequestContext>;
  entities.resolve = (source, args, context, info) => {
    if (context.scope.get(SIGNED) !== true)
      throw unauthenticated('_entities needs a principal signed by the gateway');
    return resolve(source, args, context, info);
  };
}

/** The secret shared by the gateway and its subgraphs: configured, or kept in the shared store. */
function splitSecret(config: Config, backends: Backends): string {
  if (config.split.secret) return config.split.secret;
  const store = backends.embedded?.store;
  if (!store) throw new Error('split.secret must be configured when no embedded store is shared');
  let secret = store.getMeta('split.secret');
  if (!secret) {
    secret = randomBytes(32).toString('base64url');
    store.setMeta('split.secret', secret);
  }
  return secret;
}

function authenticatorOf(backends: Backends): Authenticator {
  const users = createAuthenticator(backends.sources.users.users);
  return {
    authenticateToken: (token) => users.authenticateToken(token),
    authenticatePassword: async (username, password) => {
      const login = await users.authenticatePassword(username, password);
      return login.ok ? login.principal : null;
    },
  };
}

function requestIdOf(request: import('node:http').IncomingMessage): string | undefined {
  const given = request.headers['x-request-id'];
  return typeof given === 'string' && /^[A-Za-z0-9._-]{1,64}$/.test(given) ? given : undefined;
}

function serve(parts: {
  config: Config;
  log: Logger;
  backends: Backends;
  ownsBackends: boolean;
  apolloStop: () => Promise<void>;
  shims?: readonly Shim[];
  listener: ReturnType<typeof createRequestListener>;
}): Cloudfed {
  const server = createServer({ keepAliveTimeout: 5_000, requestTimeout: 120_000 }, parts.listener);
  let closing: Promise<void> | undefined;
  const shims = parts.shims ?? [];
  const shimListeners: string[] = [];
  let historical: Awaited<ReturnType<typeof startShimListeners>> | undefined;
  return {
    server,
    backends: parts.backends,
    shimListeners,
    async listen(port = parts.config.server.port, host = parts.config.server.host) {
      const url = await new Promise<string>((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          const address = server.address() as AddressInfo;
          const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
          resolve(`http://${shownHost}:${address.port}`);
        });
      });
      try {
        historical = await startShimListeners(shims, parts.log);
      } catch (error) {
        server.close();
        throw error;
      }
      shimListeners.push(...historical.urls);
      return url;
    },
    close() {
      closing ??= (async () => {
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeIdleConnections();
        });
        await historical?.close();
        await Promise.all(shims.map((shim) => shim.close?.()));
        await parts.apolloStop();
        if (parts.ownsBackends) parts.backends.close();
      })();
      return closing;
    },
  };
}
