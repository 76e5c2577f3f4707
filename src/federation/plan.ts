/**
 * Query planning: the client's operation, with fragments flattened and `@skip`/`@include` applied,
 * cut into subgraph fetches. A fetch asks one subgraph for every field it resolves, as deep as it
 * can; where a field belongs to another subgraph, the fetch asks for the entity's key instead and
 * a dependent `_entities` fetch to that subgraph takes the field and what lies below it. Each
 * dependent fetch runs once per parent fetch, for all of the parent's objects together.
 */
import {
  GraphQLError,
  Kind,
  SchemaMetaFieldDef,
  TypeMetaFieldDef,
  TypeNameMetaFieldDef,
  getNamedType,
  isCompositeType,
  isObjectType,
  print,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLField,
  type GraphQLObjectType,
  type GraphQLOutputType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValueNode,
} from 'graphql';
import type { Supergraph } from './supergraph.js';

/** The response key a fetch adds for an entity's key where the client did not ask for it. */
export const KEY_ALIAS = '_cloudfedKey';

/** A field of the client's operation, with every selection of the same response key merged. */
export interface PlannedField {
  responseKey: string;
  name: string;
  nodes: FieldNode[];
  /** The field's type in the API schema (`String` for `__typename`). */
  type: GraphQLOutputType;
  /** The merged selection of a composite field; null for leaves. */
  children: PlannedField[] | null;
}

export interface Fetch {
  subgraph: string;
  /** The document sent to the subgraph. */
  query: string;
  /** The client's variables the document uses. */
  variables: readonly string[];
  /** For an `_entities` fetch: the entity type. */
  entityType: string | null;
  /** For a root fetch: the response keys of its root fields. */
  rootKeys: readonly string[];
  /** Fetches that need this one's objects. */
  dependents: readonly Dependent[];
}

export interface Dependent {
  /** Response keys from a fetched object down to the entities (lists are walked through). */
  path: readonly string[];
  fetch: Fetch;
}

export interface Plan {
  operation: 'query' | 'mutation';
  rootType: GraphQLObjectType;
  fields: PlannedField[];
  /** Root fetches; a mutation's run one after the other, in field order. */
  fetches: Fetch[];
  /** Root fields answered by the gateway itself: introspection and `__typename`. */
  local: PlannedField[];
}

/** Variable name → its declaration in the client's operation (type and default). */
type VariableTypes = ReadonlyMap<string, string>;

function typeOfVariable(types: VariableTypes, name: string): string {
  const type = types.get(name);
  if (!type) throw new GraphQLError(`Variable "$${name}" is not defined`);
  return type;
}

const INTROSPECTION = new Set(['__schema', '__type', '__typename']);

export class Planner {
  constructor(
    private readonly supergraph: Supergraph,
    private readonly schema: GraphQLSchema,
  ) {}

  plan(document: DocumentNode, operation: OperationDefinitionNode, variables: Record<string, unknown>): Plan {
    const fragments: Record<string, FragmentDefinitionNode> = {};
    for (const definition of document.definitions)
      if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments[definition.name.value] = definition;
    const kind = operation.operation;
    if (kind === 'subscription') throw new GraphQLError('Subscriptions are not supported');
    const rootType = kind === 'query' ? this.schema.getQueryType() : this.schema.getMutationType();
    if (!rootType) throw new GraphQLError(`The schema has no ${kind} type`);
    // `variables` are coerced (defaults applied): they decide `@skip`/`@include` as given.
    const fields = collectFields(rootType, [operation.selectionSet], fragments, variables);
    const variableTypes: VariableTypes = new Map(
      (operation.variableDefinitions ?? []).map((definition) => [
        definition.variable.name.value,
        print(definition.type) + (definition.defaultValue ? ` = ${print(definition.defaultValue)}` : ''),
      ]),
    );
    const local = fields.filter((field) => INTROSPECTION.has(field.name));
    const remote = fields.filter((field) => !INTROSPECTION.has(field.name));
    // Query fields of one subgraph go in one fetch; mutation fields keep their order.
    const groups: { subgraph: string; fields: PlannedField[] }[] = [];
    for (const field of remote) {
      const subgraph = this.ownerOf(rootType.name, field.name)[0]!;
      const last = groups.at(-1);
      const group = kind === 'query' ? groups.find((candidate) => candidate.subgraph === subgraph) : last;
      if (group && group.subgraph === subgraph) group.fields.push(field);
      else groups.push({ subgraph, fields: [field] });
    }
    const fetches = groups.map(({ subgraph, fields: groupFields }) => {
      const selection = this.selection(subgraph, rootType.name, groupFields, variableTypes);
      const used = [...selection.variables];
      const definitions = used.map((name) => `$${name}: ${typeOfVariable(variableTypes, name)}`).join(', ');
      return {
        subgraph,
        query: `${kind}${definitions ? `(${definitions})` : ''} { ${selection.text} }`,
        variables: used,
        entityType: null,
        rootKeys: groupFields.map((field) => field.responseKey),
        dependents: selection.dependents,
      };
    });
    return { operation: kind, rootType, fields, fetches, local };
  }

  private ownerOf(typeName: string, fieldName: string): readonly string[] {
    const owners = this.supergraph.types.get(typeName)?.fields.get(fieldName);
    if (!owners?.length) throw new GraphQLError(`No subgraph resolves ${typeName}.${fieldName}`);
    return owners;
  }

  /**
   * The selection `subgraph` is asked for on `typeName`, and the fetches that take the fields it
   * does not resolve. Variables: the client's variables the selection uses (for the fetch's own
   * document).
   */
  private selection(
    subgraph: string,
    typeName: string,
    fields: readonly PlannedField[],
    variableTypes: VariableTypes,
  ): { text: string; variables: Set<string>; dependents: Dependent[] } {
    const parts: string[] = [];
    const variables = new Set<string>();
    const dependents: Dependent[] = [];
    const elsewhere = new Map<string, PlannedField[]>();
    for (const field of fields) {
      const head = `${field.responseKey === field.name ? '' : `${field.responseKey}: `}${field.name}`;
      if (field.name === '__typename') {
        parts.push(head);
        continue;
      }
      const owners = this.ownerOf(typeName, field.name);
      if (!owners.includes(subgraph)) {
        const target = this.entityOwner(typeName, owners, field.name);
        const list = elsewhere.get(target) ?? [];
        list.push(field);
        elsewhere.set(target, list);
        continue;
      }
      const args = field.nodes[0]!.arguments ?? [];
      for (const arg of args) collectVariables(arg.value, variables);
      const argumentText = args.length ? `(${args.map(print).join(', ')})` : '';
      if (!field.children) {
        parts.push(head + argumentText);
        continue;
      }
      const inner = this.selection(subgraph, getNamedType(field.type).name, field.children, variableTypes);
      for (const name of inner.variables) variables.add(name);
      for (const dependent of inner.dependents)
        dependents.push({ path: [field.responseKey, ...dependent.path], fetch: dependent.fetch });
      parts.push(`${head}${argumentText} { ${inner.text} }`);
    }
    if (elsewhere.size > 0) {
      parts.push(`${KEY_ALIAS}: id`);
      for (const [target, targetFields] of elsewhere) {
        const inner = this.selection(target, typeName, targetFields, variableTypes);
        const used = [...inner.variables];
        const definitions = [
          '$representations: [_Any!]!',
          ...used.map((name) => `$${name}: ${typeOfVariable(variableTypes, name)}`),
        ];
        dependents.push({
          path: [],
          fetch: {
            subgraph: target,
            query: `query(${definitions.join(', ')}) { _entities(representations: $representations) { ... on ${typeName} { ${inner.text} } } }`,
            variables: used,
            entityType: typeName,
            rootKeys: [],
            dependents: inner.dependents,
          },
        });
      }
    }
    if (parts.length === 0) parts.push('__typename');
    return { text: parts.join(' '), variables, dependents };
  }

  /** The subgraph that takes a field the current one lacks: one that resolves both the field and the entity's key. */
  private entityOwner(typeName: string, owners: readonly string[], fieldName: string): string {
    const keyedIn = this.supergraph.types.get(typeName)?.keyedIn ?? [];
    const target = owners.find((owner) => keyedIn.includes(owner));
    if (!target) throw new GraphQLError(`${typeName}.${fieldName} cannot be reached from another subgraph`);
    return target;
  }
}

/**
 * The fields of `selectionSets` on `type`, in order of first appearance, with fragments flattened,
 * `@skip`/`@include` applied and the selections of one response key merged.
 */
export function collectFields(
  type: GraphQLObjectType,
  selectionSets: readonly SelectionSetNode[],
  fragments: Record<string, FragmentDefinitionNode>,
  variables: Record<string, unknown>,
): PlannedField[] {
  const byKey = new Map<string, { name: string; nodes: FieldNode[] }>();
  const visit = (selectionSet: SelectionSetNode, seen: Set<string>) => {
    for (const selection of selectionSet.selections) {
      if (!included(selection.directives, variables)) continue;
      if (selection.kind === Kind.FIELD) {
        const key = selection.alias?.value ?? selection.name.value;
        if (key === KEY_ALIAS)
          throw new GraphQLError(`The response key "${KEY_ALIAS}" is reserved by the gateway`, {
            nodes: [selection],
            extensions: { code: 'BAD_USER_INPUT', reason: 'RESERVED_ALIAS' },
          });
        const entry = byKey.get(key);
        if (entry) entry.nodes.push(selection);
        else byKey.set(key, { name: selection.name.value, nodes: [selection] });
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        visit(selection.selectionSet, seen);
      } else {
        const name = selection.name.value;
        const fragment = fragments[name];
        if (!fragment || seen.has(name)) continue;
        visit(fragment.selectionSet, new Set(seen).add(name));
      }
    }
  };
  for (const selectionSet of selectionSets) visit(selectionSet, new Set());
  const fields: PlannedField[] = [];
  for (const [responseKey, { name, nodes }] of byKey) {
    if (name === '__typename') {
      fields.push({ responseKey, name, nodes, type: TypeNameMetaFieldDef.type, children: null });
      continue;
    }
    const definition: GraphQLField<unknown, unknown> | undefined =
      name === '__schema'
        ? SchemaMetaFieldDef
        : name === '__type'
          ? TypeMetaFieldDef
          : type.getFields()[name];
    if (!definition) throw new GraphQLError(`Cannot query field "${name}" on type "${type.name}".`);
    const named = getNamedType(definition.type);
    let children: PlannedField[] | null = null;
    if (isCompositeType(named)) {
      if (!isObjectType(named)) throw new GraphQLError(`${named.name}: abstract types are not supported`);
      const sets = nodes.flatMap((node) => (node.selectionSet ? [node.selectionSet] : []));
      children = collectFields(named, sets, fragments, variables);
    }
    fields.push({ responseKey, name, nodes, type: definition.type, children });
  }
  return fields;
}

function included(
  directives: readonly import('graphql').DirectiveNode[] | undefined,
  variables: Record<string, unknown>,
): boolean {
  if (!directives?.length) return true;
  for (const directive of directives) {
    const name = directive.name.value;
    if (name !== 'skip' && name !== 'include') continue;
    const condition = directive.arguments?.find((arg) => arg.name.value === 'if')?.value;
    const value =
      condition?.kind === Kind.BOOLEAN
        ? condition.value
        : condition?.kind === Kind.VARIABLE
          ? variables[condition.name.value] === true
          : false;
    if (name === 'skip' && value) return false;
    if (name === 'include' && !value) return false;
  }
  return true;
}

function collectVariables(value: ValueNode, into: Set<string>): void {
  switch (value.kind) {
    case Kind.VARIABLE:
      into.add(value.name.value);
      break;
    case Kind.LIST:
      for (const item of value.values) collectVariables(item, into);
      break;
    case Kind.OBJECT:
      for (const field of value.fields) collectVariables(field.value, into);
      break;
  }
}
