/**
 * Runs a plan: root fetches, then each fetch's dependents with every object of the level in one
 * `_entities` call per subgraph, entities merged into the objects that referenced them; then one
 * walk over the client's selection builds the answer in the client's field order, drops what the
 * gateway added, places subgraph errors at client paths and propagates nulls as graphql-js does.
 */
import {
  GraphQLError,
  Kind,
  execute as executeLocally,
  getOperationAST,
  getVariableValues,
  visit,
  isListType,
  isNonNullType,
  isObjectType,
  getNamedType,
  type DocumentNode,
  type ExecutionResult,
  type FragmentDefinitionNode,
  type GraphQLObjectType,
  type GraphQLOutputType,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from 'graphql';
import { KEY_ALIAS, Planner, type Dependent, type Fetch, type Plan, type PlannedField } from './plan.js';
import type { Supergraph } from './supergraph.js';

export interface SubgraphCall {
  subgraph: string;
  query: string;
  variables: Record<string, unknown>;
}

export interface SubgraphError {
  message: string;
  path?: readonly (string | number)[];
  extensions?: Record<string, unknown>;
}

export interface SubgraphReply {
  data?: Record<string, unknown> | null;
  errors?: readonly SubgraphError[];
}

/** Sends one document to one subgraph; rejects when the subgraph cannot be asked or answers no GraphQL. */
export type SubgraphFetcher<Context> = (call: SubgraphCall, context: Context) => Promise<SubgraphReply>;

export interface FederatedRequest<Context> {
  document: DocumentNode;
  operationName: string | null;
  variables: Record<string, unknown>;
  context: Context;
}

export interface ExecutorOptions<Context> {
  supergraph: Supergraph;
  /** The API schema (what clients validate against): field types for the answer's shape. */
  schema: GraphQLSchema;
  fetch: SubgraphFetcher<Context>;
  /** What a fetch that failed outright is reported as. */
  unreachable: (subgraph: string, cause: unknown) => GraphQLError;
}

const INVALID = Symbol('invalid');
type Completed = unknown | typeof INVALID;

interface PathNode {
  prev: PathNode | undefined;
  key: string | number;
}

interface Attached {
  rest: readonly (string | number)[];
  error: SubgraphError | GraphQLError;
}

export function createFederatedExecutor<Context>(
  options: ExecutorOptions<Context>,
): (request: FederatedRequest<Context>) => Promise<ExecutionResult> {
  const planner = new Planner(options.supergraph, options.schema);
  const plans = new WeakMap<DocumentNode, Map<string, Plan>>();
  const conditionVariables = new WeakMap<DocumentNode, string[]>();

  function planFor(request: FederatedRequest<Context>, operation: OperationDefinitionNode): Plan {
    let conditions = conditionVariables.get(request.document);
    if (!conditions)
      conditionVariables.set(request.document, (conditions = conditionVariablesOf(request.document)));
    // One plan per operation and per value of the variables `@skip`/`@include` read.
    const key = `${request.operationName ?? ''}\u0000${conditions.map((name) => String(request.variables[name])).join('\u0000')}`;
    let byKey = plans.get(request.document);
    if (!byKey) plans.set(request.document, (byKey = new Map()));
    let plan = byKey.get(key);
    if (!plan) {
      plan = planner.plan(request.document, operation, request.variables);
      byKey.set(key, plan);
    }
    return plan;
  }

  return async (request) => {
    const operation = getOperationAST(request.document, request.operationName ?? undefined);
    if (!operation) return { errors: [new GraphQLError('Unknown or ambiguous operation')] };
    // As graphql-js does before executing: no data at all when the variables do not fit.
    const coerced = getVariableValues(options.schema, operation.variableDefinitions ?? [], request.variables);
    if (coerced.errors) return { errors: coerced.errors };
    request = { ...request, variables: coerced.coerced };
    let plan: Plan;
    try {
      plan = planFor(request, operation);
    } catch (error) {
      return { errors: [error instanceof GraphQLError ? error : new GraphQLError(String(error))] };
    }
    const run = new Run(options, request);
    const data: Record<string, unknown> = {};
    /** Whether the fetch answered data (a failed non-null root field leaves none). */
    const runRoot = async (fetch: Fetch): Promise<boolean> => {
      const reply = await run.call(fetch, undefined, fetch.rootKeys);
      if (reply === null) return false;
      for (const error of reply.errors ?? []) run.rootError(error);
      if (!reply.data) return false;
      Object.assign(data, reply.data);
      await run.dependents(fetch.dependents, [reply.data]);
      return true;
    };
    if (plan.operation === 'mutation') {
      // As graphql-js runs mutation fields: in order, and none after one that failed the operation.
      for (const fetch of plan.fetches) if (!(await runRoot(fetch))) break;
    } else await Promise.all(plan.fetches.map(runRoot));
    if (plan.local.some((field) => field.name !== '__typename')) {
      const answered = await answerLocally(options.schema, request, operation, plan.local);
      Object.assign(data, answered.data ?? {});
      for (const error of answered.errors ?? []) run.errors.push(error);
    }
    const projected = run.projectObject(plan.rootType, plan.fields, data, undefined);
    return {
      data: projected === INVALID ? null : (projected as Record<string, unknown>),
      ...(run.errors.length ? { errors: run.errors } : {}),
    };
  };
}

/** The state of one request's execution. */
class Run<Context> {
  readonly errors: GraphQLError[] = [];
  private readonly errorPaths = new Set<string>();
  private readonly attached = new WeakMap<object, Attached[]>();

  constructor(
    private readonly options: ExecutorOptions<Context>,
    private readonly request: FederatedRequest<Context>,
  ) {}

  /**
   * One fetch; null when the subgraph could not be asked. The failure is recorded at the first of
   * `failedKeys` (root fields it leaves empty), or without a path for `_entities`.
   */
  async call(
    fetch: Fetch,
    representations: unknown[] | undefined,
    failedKeys: readonly string[] = [],
  ): Promise<SubgraphReply | null> {
    const variables: Record<string, unknown> = {};
    for (const name of fetch.variables)
      if (this.request.variables[name] !== undefined) variables[name] = this.request.variables[name];
    if (representations) variables.representations = representations;
    try {
      return await this.options.fetch(
        { subgraph: fetch.subgraph, query: fetch.query, variables },
        this.request.context,
      );
    } catch (cause) {
      const failure = this.options.unreachable(fetch.subgraph, cause);
      if (failedKeys.length === 0) this.errors.push(failure);
      else {
        this.errors.push(toGraphQLError(failure, [failedKeys[0]!]));
        for (const key of failedKeys) this.errorPaths.add(pathKey([key]));
      }
      return null;
    }
  }

  rootError(error: SubgraphError): void {
    this.errors.push(toGraphQLError(error, error.path));
    if (error.path) this.errorPaths.add(pathKey(error.path));
  }

  /** Runs `dependents` for the objects one fetch returned. */
  async dependents(dependents: readonly Dependent[], objects: readonly unknown[]): Promise<void> {
    if (dependents.length === 0) return;
    await Promise.all(dependents.map((dependent) => this.dependent(dependent, objects)));
  }

  private async dependent(dependent: Dependent, objects: readonly unknown[]): Promise<void> {
    const targets: Record<string, unknown>[] = [];
    collectAt(objects, dependent.path, 0, targets);
    if (targets.length === 0) return;
    // One representation per entity, however many objects reference it.
    const byId = new Map<unknown, Record<string, unknown>[]>();
    const representations: { __typename: string; id: unknown }[] = [];
    for (const target of targets) {
      const id = target[KEY_ALIAS];
      if (id === null || id === undefined) continue;
      const same = byId.get(id);
      if (same) same.push(target);
      else {
        byId.set(id, [target]);
        representations.push({ __typename: dependent.fetch.entityType!, id });
      }
    }
    if (representations.length === 0) return;
    const reply = await this.call(dependent.fetch, representations);
    const groups = [...byId.values()];
    if (reply === null) {
      // Reported once; the objects' fields from that subgraph stay empty.
      this.attach(groups[0]![0]!, { rest: [], error: this.errors.pop()! });
      return;
    }
    const entities = (reply.data?._entities ?? []) as unknown[];
    for (const error of reply.errors ?? []) {
      const [head, index, ...rest] = error.path ?? [];
      const group = head === '_entities' && typeof index === 'number' ? groups[index] : undefined;
      if (group) for (const target of group) this.attach(target, { rest, error });
      else this.attach(groups[0]![0]!, { rest: [], error });
    }
    const loaded: unknown[] = [];
    groups.forEach((group, index) => {
      const entity = entities[index];
      if (entity === null || typeof entity !== 'object') return;
      loaded.push(entity);
      for (const target of group) Object.assign(target, entity);
    });
    await this.dependents(dependent.fetch.dependents, loaded);
  }

  private attach(object: object, attachment: Attached): void {
    const list = this.attached.get(object);
    if (list) list.push(attachment);
    else this.attached.set(object, [attachment]);
  }

  projectObject(
    type: GraphQLObjectType,
    fields: readonly PlannedField[],
    object: Record<string, unknown>,
    path: PathNode | undefined,
  ): Completed {
    const attachments = this.attached.get(object);
    if (attachments) {
      for (const { rest, error } of attachments) {
        const at = [...pathArray(path), ...rest];
        this.errors.push(toGraphQLError(error, at));
        this.errorPaths.add(pathKey(at));
      }
    }
    const answer: Record<string, unknown> = {};
    for (const field of fields) {
      const value = object[field.responseKey];
      if (field.name === '__typename') {
        answer[field.responseKey] = value ?? type.name;
        continue;
      }
      const completed = this.complete(type, field, field.type, value, { prev: path, key: field.responseKey });
      if (completed === INVALID) return INVALID;
      answer[field.responseKey] = completed;
    }
    return answer;
  }

  private complete(
    parent: GraphQLObjectType,
    field: PlannedField,
    type: GraphQLOutputType,
    value: unknown,
    path: PathNode,
  ): Completed {
    if (isNonNullType(type)) {
      if (value === null || value === undefined) {
        if (!this.hasErrorAtOrAbove(path)) {
          const at = pathArray(path);
          this.errors.push(
            new GraphQLError(`Cannot return null for non-nullable field ${parent.name}.${field.name}.`, {
              path: at,
            }),
          );
          this.errorPaths.add(pathKey(at));
        }
        return INVALID;
      }
      const inner = this.complete(parent, field, type.ofType, value, path);
      return inner === null ? INVALID : inner;
    }
    if (value === null || value === undefined) return null;
    let completed: Completed;
    if (isListType(type)) {
      if (!Array.isArray(value)) return null;
      const items = new Array<unknown>(value.length);
      completed = items;
      for (let index = 0; index < value.length; index++) {
        const item = this.complete(parent, field, type.ofType, value[index], { prev: path, key: index });
        if (item === INVALID) {
          completed = INVALID;
          break;
        }
        items[index] = item;
      }
    } else if (field.children) {
      const named = getNamedType(type);
      completed =
        isObjectType(named) && typeof value === 'object'
          ? this.projectObject(named, field.children, value as Record<string, unknown>, path)
          : null;
    } else {
      completed = value;
    }
    return completed === INVALID ? null : completed;
  }

  private hasErrorAtOrAbove(path: PathNode): boolean {
    const keys = pathArray(path);
    for (let length = keys.length; length > 0; length--)
      if (this.errorPaths.has(pathKey(keys.slice(0, length)))) return true;
    return false;
  }
}

/** The objects at `path` below `objects`, through lists, skipping nulls. */
function collectAt(
  objects: readonly unknown[],
  path: readonly string[],
  depth: number,
  into: Record<string, unknown>[],
): void {
  for (const object of objects) {
    if (object === null || object === undefined) continue;
    if (Array.isArray(object)) {
      collectAt(object, path, depth, into);
      continue;
    }
    if (typeof object !== 'object') continue;
    if (depth === path.length) into.push(object as Record<string, unknown>);
    else collectAt([(object as Record<string, unknown>)[path[depth]!]], path, depth + 1, into);
  }
}

function pathArray(path: PathNode | undefined): (string | number)[] {
  const keys: (string | number)[] = [];
  for (let node = path; node; node = node.prev) keys.push(node.key);
  return keys.reverse();
}

function pathKey(path: readonly (string | number)[]): string {
  return path.join('\u0000');
}

function toGraphQLError(error: SubgraphError | GraphQLError, path: readonly (string | number)[] | undefined) {
  return new GraphQLError(error.message, {
    ...(path ? { path } : {}),
    extensions: error.extensions ?? {},
    // Keeps a gateway-made error (a CloudfedError) reachable for the error code and the log.
    ...(error instanceof GraphQLError ? { originalError: error.originalError ?? error } : {}),
  });
}

/** Introspection root fields, answered by graphql-js over the API schema. */
async function answerLocally<Context>(
  schema: GraphQLSchema,
  request: FederatedRequest<Context>,
  operation: OperationDefinitionNode,
  local: readonly PlannedField[],
): Promise<ExecutionResult> {
  const fragments = request.document.definitions.filter(
    (definition): definition is FragmentDefinitionNode => definition.kind === Kind.FRAGMENT_DEFINITION,
  );
  const document: DocumentNode = {
    kind: Kind.DOCUMENT,
    definitions: [
      {
        ...operation,
        selectionSet: { kind: Kind.SELECTION_SET, selections: local.flatMap((field) => field.nodes) },
      },
      ...fragments,
    ],
  };
  return executeLocally({ schema, document, variableValues: request.variables });
}

/** The variables a document's `@skip`/`@include` conditions read. */
function conditionVariablesOf(document: DocumentNode): string[] {
  const names = new Set<string>();
  visit(document, {
    Directive(directive) {
      if (directive.name.value !== 'skip' && directive.name.value !== 'include') return;
      for (const argument of directive.arguments ?? [])
        if (argument.value.kind === Kind.VARIABLE) names.add(argument.value.name.value);
    },
  });
  return [...names].sort();
}
