/**
 * What the executor needs to know of a Federation 2 supergraph: which subgraph resolves each
 * field, and which subgraphs can turn an entity key into their form of the entity.
 *
 * cloudfed's composition (src/compose) produces one shape of supergraph: object types only,
 * every entity keyed by its `id`, no `@requires`, `@provides`, `@external`, `@override` or
 * interface objects. The executor is built for exactly that shape, and a supergraph outside it
 * is refused here, at start, rather than answered wrongly.
 */
import {
  Kind,
  parse,
  type ConstDirectiveNode,
  type ConstValueNode,
  type ObjectTypeDefinitionNode,
  type ObjectTypeExtensionNode,
} from 'graphql';

export interface TypeOwnership {
  /** Subgraphs that define the type. */
  graphs: readonly string[];
  /** Subgraphs that resolve a `{ __typename, id }` representation of it (`_entities`). */
  keyedIn: readonly string[];
  /** Field name → subgraphs that resolve it. */
  fields: ReadonlyMap<string, readonly string[]>;
}

export interface Supergraph {
  /** Subgraph names, as `@join__graph(name:)` gives them. */
  subgraphs: readonly string[];
  types: ReadonlyMap<string, TypeOwnership>;
}

export class UnsupportedSupergraphError extends Error {
  override name = 'UnsupportedSupergraphError';
}

const SUPPORTED_KEY = 'id';

export function readSupergraph(supergraphSdl: string): Supergraph {
  const document = parse(supergraphSdl, { noLocation: true });
  const graphNames = new Map<string, string>();
  const objects: (ObjectTypeDefinitionNode | ObjectTypeExtensionNode)[] = [];
  for (const definition of document.definitions) {
    switch (definition.kind) {
      case Kind.ENUM_TYPE_DEFINITION:
        if (definition.name.value !== 'join__Graph') break;
        for (const value of definition.values ?? []) {
          const graph = directive(value.directives, 'join__graph');
          const name = graph && stringArgument(graph, 'name');
          if (!name) throw new UnsupportedSupergraphError(`join__Graph.${value.name.value} has no name`);
          graphNames.set(value.name.value, name);
        }
        break;
      case Kind.OBJECT_TYPE_DEFINITION:
      case Kind.OBJECT_TYPE_EXTENSION:
        objects.push(definition);
        break;
      case Kind.INTERFACE_TYPE_DEFINITION:
      case Kind.UNION_TYPE_DEFINITION:
        throw new UnsupportedSupergraphError(
          `${definition.name.value}: abstract types are outside what the gateway executes`,
        );
    }
  }
  const graphOf = (node: ConstDirectiveNode, where: string): string => {
    const value = argument(node, 'graph');
    const name = value?.kind === Kind.ENUM ? graphNames.get(value.value) : undefined;
    if (!name) throw new UnsupportedSupergraphError(`${where}: unknown join__Graph`);
    return name;
  };

  const types = new Map<string, TypeOwnership>();
  for (const object of objects) {
    const typeName = object.name.value;
    const graphs: string[] = [];
    const keyedIn: string[] = [];
    for (const join of object.directives?.filter((node) => node.name.value === 'join__type') ?? []) {
      const graph = graphOf(join, typeName);
      graphs.push(graph);
      const key = stringArgument(join, 'key');
      if (key === undefined) continue;
      if (key.trim() !== SUPPORTED_KEY)
        throw new UnsupportedSupergraphError(
          `${typeName}: key "${key}" (only "${SUPPORTED_KEY}" is supported)`,
        );
      if (booleanArgument(join, 'isInterfaceObject'))
        throw new UnsupportedSupergraphError(`${typeName}: interface objects are not supported`);
      if (booleanArgument(join, 'resolvable') !== false) keyedIn.push(graph);
    }
    const fields = new Map<string, string[]>();
    for (const field of object.fields ?? []) {
      const where = `${typeName}.${field.name.value}`;
      const joins = field.directives?.filter((node) => node.name.value === 'join__field') ?? [];
      for (const join of joins) {
        for (const unsupported of ['requires', 'provides', 'override', 'external'] as const) {
          const value = argument(join, unsupported);
          if (value && !(value.kind === Kind.BOOLEAN && !value.value))
            throw new UnsupportedSupergraphError(`${where}: @${unsupported} is not supported`);
        }
      }
      // No join__field: every subgraph that defines the type resolves the field.
      fields.set(field.name.value, joins.length ? joins.map((join) => graphOf(join, where)) : graphs);
    }
    types.set(typeName, { graphs, keyedIn, fields });
  }
  return { subgraphs: [...graphNames.values()], types };
}

function directive(
  directives: readonly ConstDirectiveNode[] | undefined,
  name: string,
): ConstDirectiveNode | undefined {
  return directives?.find((node) => node.name.value === name);
}

function argument(node: ConstDirectiveNode, name: string): ConstValueNode | undefined {
  return node.arguments?.find((arg) => arg.name.value === name)?.value;
}

function stringArgument(node: ConstDirectiveNode, name: string): string | undefined {
  const value = argument(node, name);
  return value?.kind === Kind.STRING ? value.value : undefined;
}

function booleanArgument(node: ConstDirectiveNode, name: string): boolean | undefined {
  const value = argument(node, name);
  return value?.kind === Kind.BOOLEAN ? value.value : undefined;
}
