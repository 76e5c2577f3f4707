import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginInlineTraceDisabled,
  ApolloServerPluginLandingPageDisabled,
} from '@apollo/server/plugin/disabled';
import type { GatewayInterface } from '@apollo/server-gateway-interface';
import {
  GraphQLError,
  type DocumentNode,
  type ExecutionResult,
  type GraphQLFormattedError,
  type GraphQLSchema,
} from 'graphql';
import { codeOf, ERROR_CODES, isRegisteredCode } from '../src/errors/index.js';
import type { RequestContext } from '../src/subgraphs/kit/index.js';
import { depthLimit, fieldLimit } from './limits.js';
import type { Logger } from './log.js';

export interface ApolloOptions {
  maxDepth: number;
  maxFields: number;
  log: Logger;
  /** Runs parsed, validated operations instead of graphql-js `execute` over `schema`. */
  executor?: OperationExecutor;
}

/** One parsed and validated operation, as Apollo Server hands it over. */
export interface Operation {
  document: DocumentNode;
  /** The request's query text: the same text parses to the same document. */
  source: string;
  operationName: string | null;
  variables: Record<string, unknown>;
  context: RequestContext;
}

export type OperationExecutor = (operation: Operation) => Promise<ExecutionResult>;

/**
 * Apollo Server 5 over `schema`, with the public error contract: registered codes pass, anything
 * else is masked as INTERNAL_SERVER_ERROR and logged with the request id.
 */
export function createApollo(schema: GraphQLSchema, options: ApolloOptions): ApolloServer<RequestContext> {
  return new ApolloServer<RequestContext>({
    ...(options.executor ? { gateway: executorGateway(schema, options.executor) } : { schema }),
    introspection: true,
    includeStacktraceInErrorResponses: false,
    csrfPrevention: true,
    // Large queries (1,000-VM exports) are parsed often; keep token counts bounded instead.
    parseOptions: { maxTokens: 100_000 },
    validationRules: [depthLimit(options.maxDepth), fieldLimit(options.maxFields)],
    formatError: maskError,
    // GraphiQL is ours (/graphiql); Apollo's inline tracing is for Apollo Studio, which we do not use.
    // Cache control hooks every field resolution (a wrapper per field, ~20% of a 1,000-VM export)
    // for `@cacheControl` hints this API does not give: an authenticated API is never cached.
    plugins: [
      ApolloServerPluginLandingPageDisabled(),
      ApolloServerPluginCacheControlDisabled(),
      ApolloServerPluginInlineTraceDisabled(),
      errorLogging(options.log),
    ],
  });
}

/**
 * Apollo Server's gateway hook is its one way to execute with something else than graphql-js:
 * it still parses, validates (with our rules) and formats; `executor` only executes.
 */
function executorGateway(schema: GraphQLSchema, executor: OperationExecutor): GatewayInterface {
  return {
    onSchemaLoadOrUpdate(callback) {
      callback({ apiSchema: schema, coreSupergraphSdl: '' });
      return () => {};
    },
    async load() {
      return {
        executor: (request) =>
          executor({
            document: request.document,
            source: request.source,
            operationName: request.operationName ?? null,
            variables: request.request.variables ?? {},
            context: request.context as RequestContext,
          }),
      };
    },
    async stop() {},
  };
}

const PUBLIC_CODES = new Set(Object.keys(ERROR_CODES).filter((code) => code !== 'INTERNAL_SERVER_ERROR'));

/** Keeps public errors (registered code), masks the rest. */
export function maskError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
  const code = formatted.extensions?.code;
  const registered = isRegisteredCode(code) ? code : codeOf(error);
  if (PUBLIC_CODES.has(registered)) {
    const { stacktrace: _dropped, ...extensions } = (formatted.extensions ?? {}) as Record<string, unknown>;
    return { ...formatted, extensions: { ...extensions, code: registered } };
  }
  return {
    message: 'Internal server error',
    ...(formatted.locations ? { locations: formatted.locations } : {}),
    ...(formatted.path ? { path: formatted.path } : {}),
    extensions: { code: 'INTERNAL_SERVER_ERROR' },
  };
}

function errorLogging(log: Logger): ApolloServerPlugin<RequestContext> {
  return {
    async requestDidStart() {
      return {
        async didEncounterErrors({ contextValue, errors }) {
          for (const error of errors) {
            const code = codeOf(error);
            if (code === 'INTERNAL_SERVER_ERROR') {
              const original =
                error instanceof GraphQLError && error.originalError ? error.originalError : error;
              log.error('unexpected error', {
                requestId: contextValue.requestId,
                path: error.path?.join('.'),
                error: original instanceof Error ? (original.stack ?? original.message) : String(original),
              });
            } else if (code.startsWith('BACKEND_')) {
              const internal = (error.originalError as { internal?: unknown } | undefined)?.internal;
              log.warn('backend error', {
                requestId: contextValue.requestId,
                code,
                message: error.message,
                internal,
              });
            }
          }
        },
        async willSendResponse({ contextValue, response }) {
          response.http.headers.set('x-request-id', contextValue.requestId);
          if (response.body.kind !== 'single') return;
          for (const error of response.body.singleResult.errors ?? []) {
            if (error.extensions?.code === 'INTERNAL_SERVER_ERROR') {
              (error.extensions as Record<string, unknown>).requestId = contextValue.requestId;
            }
          }
        },
      };
    },
  };
}
