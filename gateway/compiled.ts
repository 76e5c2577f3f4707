/**
 * Compiled execution over the merged schema. graphql-jit turns an operation into one specialised
 * function (field plans resolved once, no per-field `execute` bookkeeping): the 1,000-VM export
 * costs ~115 CPU ms instead of ~165 with graphql-js `execute` (JSON.stringify included).
 * Compiling costs more than one execution, so a query text is compiled on its second sighting (a
 * one-off query never pays it);
 * fixed documents (the shims') can be compiled at first use. Answers must not change, so
 * graphql-js keeps what graphql-jit does differently (see `execute`): mutations, documents it
 * cannot compile, variables its coercion refuses, and answers where an error nulled more than its
 * own field. graphql-jit's remaining errors are rebuilt as graphql-js builds them.
 */
import {
  execute,
  getOperationAST,
  GraphQLError,
  Kind,
  type DocumentNode,
  type ExecutionResult,
  type GraphQLSchema,
} from 'graphql';
import { compileQuery, isCompiledQuery, type CompiledQuery } from 'graphql-jit';
import { LRUCache } from 'lru-cache';

export interface CompiledExecutorOptions {
  /** At which sighting of a document it is compiled: 2 (default) skips one-off queries, 1 compiles at once. */
  compileAt?: 1 | 2;
  /** Compiled operations kept; the least recently used go first. */
  maxCompiled?: number;
  /** Documents seen once and not compiled yet, remembered by their text. */
  maxSeen?: number;
}

export interface ExecutionRequest {
  document: DocumentNode;
  /** What identifies the document: its query text (the same text parses to the same document). */
  key: string;
  operationName: string | null;
  variables: Record<string, unknown> | undefined;
  context: unknown;
}

export interface CompiledExecutor {
  execute(request: ExecutionRequest): Promise<ExecutionResult>;
  /** Counters, for tests and diagnostics. */
  readonly stats: {
    compiled: number;
    uncompilable: number;
    /** Answers given by compiled code. */
    compiledRuns: number;
    /** Answers given by graphql-js (one-offs, mutations, uncompilable documents, reruns). */
    interpretedRuns: number;
    /** Compiled runs answered again by graphql-js (refused variables, an error nulling more than its field). */
    rerunRuns: number;
  };
}

/** A document graphql-jit refused: it keeps running through graphql-js without retrying. */
const UNCOMPILABLE = Symbol('uncompilable');
type Entry = CompiledQuery | typeof UNCOMPILABLE;

/** Bytes of query text each cache may hold (keys are whole documents; a request may carry a large one). */
const MAX_KEY_BYTES = 16 * 1024 * 1024;

export function createCompiledExecutor(
  schema: GraphQLSchema,
  options: CompiledExecutorOptions = {},
): CompiledExecutor {
  const compileAt = options.compileAt ?? 2;
  const sizeOfKey = (_value: unknown, key: string) => Math.max(1, key.length);
  const compiled = new LRUCache<string, Entry>({
    max: options.maxCompiled ?? 500,
    maxSize: MAX_KEY_BYTES,
    sizeCalculation: sizeOfKey,
  });
  const seen = new LRUCache<string, true>({
    max: options.maxSeen ?? 2_000,
    maxSize: MAX_KEY_BYTES,
    sizeCalculation: sizeOfKey,
  });
  const stats = { compiled: 0, uncompilable: 0, compiledRuns: 0, interpretedRuns: 0, rerunRuns: 0 };

  const interpret = (request: ExecutionRequest): Promise<ExecutionResult> => {
    stats.interpretedRuns++;
    return Promise.resolve(
      execute({
        schema,
        document: request.document,
        operationName: request.operationName,
        variableValues: request.variables,
        contextValue: request.context,
      }),
    );
  };

  function entryFor(request: ExecutionRequest): Entry | undefined {
    // The operation name picks which operation of the text runs: part of the key.
    const key = `${request.operationName ?? ''}\u0000${request.key}`;
    const known = compiled.get(key);
    if (known !== undefined) return known;
    if (compileAt === 2 && !seen.has(key)) {
      seen.set(key, true);
      return undefined;
    }
    seen.delete(key);
    const entry = compile(schema, request);
    if (entry === UNCOMPILABLE) stats.uncompilable++;
    else stats.compiled++;
    compiled.set(key, entry);
    return entry;
  }

  return {
    stats,
    async execute(request) {
      // graphql-jit runs every mutation field even after one failed into a non-null position;
      // graphql-js stops there. Mutations have effects: they keep graphql-js.
      if (getOperationAST(request.document, request.operationName)?.operation !== 'query')
        return interpret(request);
      const entry = entryFor(request);
      if (entry === undefined || entry === UNCOMPILABLE) return interpret(request);
      const result = await entry.query(undefined, request.context, request.variables);
      if (!result.errors?.length) {
        stats.compiledRuns++;
        return result;
      }
      // No data at all: the request failed before execution (variable coercion). graphql-js runs
      // no resolver then either, and its errors carry the variable's node (Apollo answers them
      // as BAD_USER_INPUT with status 400 by that node).
      if (!('data' in result) || result.data === undefined) {
        stats.rerunRuns++;
        return interpret(request);
      }
      // An error nulled an ancestor (a non-null field failed): graphql-jit then keeps every such
      // error, or drops those after one that nulled `data`, where graphql-js keeps the first per
      // nulled field, in arrival order. Such answers are rare (a failed query): the query runs
      // again through graphql-js, which answers it exactly (queries have no effects). Not when
      // the operation's only field failed itself (a refused login): nothing else ran then.
      if (
        !result.errors.every((error) => nulledInPlace(result.data, error.path)) &&
        !soleRootFieldFailed(request, result.errors)
      ) {
        stats.rerunRuns++;
        return interpret(request);
      }
      stats.compiledRuns++;
      return { ...result, errors: result.errors.map(asGraphQLJsError) };
    },
  };
}

/** Whether the error's own field is null in `data`, its parent present: nothing else was nulled. */
function nulledInPlace(data: unknown, path: readonly (string | number)[] | undefined): boolean {
  if (!path?.length) return false;
  let parent = data;
  for (let i = 0; i < path.length - 1; i++) {
    if (parent === null || typeof parent !== 'object') return false;
    parent = (parent as Record<string | number, unknown>)[path[i]!];
  }
  return (
    parent !== null &&
    typeof parent === 'object' &&
    (parent as Record<string | number, unknown>)[path.at(-1)!] === null
  );
}

/** The operation selects one root field, and that field's resolver failed: the only error there is. */
function soleRootFieldFailed(request: ExecutionRequest, errors: readonly GraphQLError[]): boolean {
  const selections = getOperationAST(request.document, request.operationName)?.selectionSet.selections;
  return (
    errors.length === 1 &&
    errors[0]!.path?.length === 1 &&
    selections?.length === 1 &&
    selections[0]!.kind === Kind.FIELD
  );
}

function compile(schema: GraphQLSchema, request: ExecutionRequest): Entry {
  try {
    const compiled = compileQuery(schema, request.document, request.operationName ?? undefined);
    return isCompiledQuery(compiled) ? compiled : UNCOMPILABLE;
  } catch {
    return UNCOMPILABLE;
  }
}

/**
 * graphql-jit's errors are its own objects: no `extensions` when the original error has none
 * (Apollo's formatter reads `extensions.code` and would fail), no `nodes`. Rebuilt here the way
 * graphql-js `locatedError` builds them: a thrown error that already has a path is kept as it is;
 * otherwise message, path, locations, and the original error (whose extensions become the
 * error's, as the masking reads them) are kept.
 */
function asGraphQLJsError(error: GraphQLError): GraphQLError {
  const original = error.originalError ?? undefined;
  if (original instanceof GraphQLError && Array.isArray(original.path)) return original;
  const rebuilt = new GraphQLError(error.message, {
    path: error.path,
    originalError: original,
    ...(original instanceof GraphQLError
      ? { nodes: original.nodes, source: original.source, positions: original.positions }
      : {}),
  });
  if (!rebuilt.locations && error.locations) Object.assign(rebuilt, { locations: error.locations });
  return rebuilt;
}
