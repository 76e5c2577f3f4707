import 'reflect-metadata';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { printSchemaWithDirectives } from '@graphql-tools/utils';
import {
  getNamedType,
  isEnumType,
  isInputObjectType,
  isObjectType,
  parse,
  valueFromAST,
  type GraphQLArgument,
  type GraphQLInputField,
  type GraphQLSchema,
} from 'graphql';
import { buildSchemaSync, createResolversMap, getMetadataStorage, type NonEmptyArray } from 'type-graphql';
import type { RequestContext } from './context.js';

export const SUBGRAPH_NAMES = ['nodes', 'vms', 'volumes', 'networks', 'users'] as const;
export type SubgraphName = (typeof SUBGRAPH_NAMES)[number];

export function isSubgraphName(name: string): name is SubgraphName {
  return (SUBGRAPH_NAMES as readonly string[]).includes(name);
}

/** A federation entity representation: `__typename` plus the `@key` fields. */
export type Representation = { __typename: string } & Record<string, unknown>;

/**
 * Resolves an entity from its key, for `_entities` in split mode and for cross-subgraph fields in
 * the merged schema. Must batch (through a per-request loader) and must authorize.
 */
export type ReferenceResolver = (representation: Representation, context: RequestContext) => unknown;

/** One built subgraph: its federated, executable schema and its entity reference resolvers. */
export interface Subgraph {
  name: SubgraphName;
  schema: GraphQLSchema;
  /** Type name → reference resolver, for the entities this subgraph can resolve from a key. */
  references: Readonly<Record<string, ReferenceResolver>>;
}

const FEDERATION_LINK = `extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key", "@shareable", "@external", "@requires", "@provides"])`;

export interface BuildSubgraphOptions {
  name: SubgraphName;
  /** Resolver instances, constructed with the subgraph's sources (no global container). */
  resolvers: NonEmptyArray<object>;
  /** Types not reachable from any resolver that must still be in the schema. */
  orphanedTypes?: Function[];
  references?: Record<string, ReferenceResolver>;
}

/**
 * Builds a Federation 2 subgraph from type-graphql resolvers: type-graphql emits the SDL with the
 * `@key`/`@shareable` directives, @apollo/subgraph adds `_entities`/`_service` and wires the
 * reference resolvers.
 */
export function buildFederatedSubgraph(options: BuildSubgraphOptions): Subgraph {
  const instances = options.resolvers;
  const resolverClasses = instances.map((instance) => instance.constructor) as NonEmptyArray<Function>;
  plainFieldsWithoutResolvers();
  const typeGraphqlSchema = buildSchemaSync({
    resolvers: resolverClasses,
    orphanedTypes: options.orphanedTypes ?? [],
    container: {
      get(someClass: Function) {
        const instance = instances.find((candidate) => candidate.constructor === someClass);
        if (!instance)
          throw new Error(`No resolver instance for ${someClass.name} in subgraph ${options.name}`);
        return instance;
      },
    },
    skipCheck: true,
    validate: false,
  });
  const references = options.references ?? {};
  const resolverMap = createResolversMap(typeGraphqlSchema) as Record<string, Record<string, unknown>>;
  for (const [typeName, resolveReference] of Object.entries(references)) {
    resolverMap[typeName] = {
      ...(resolverMap[typeName] ?? {}),
      __resolveReference: (representation: Representation, context: RequestContext) =>
        resolveReference(representation, context),
    };
  }
  const schema = buildSubgraphSchema({
    typeDefs: parse(`${FEDERATION_LINK}\n${printSchemaWithDirectives(typeGraphqlSchema)}`),
    resolvers: resolverMap as never,
  });
  restoreEnumDefaults(schema);
  return { name: options.name, schema, references };
}

/**
 * type-graphql gives every plain field a resolver that reads `root[name]` through its middleware
 * chain. We use no type-graphql middlewares or auth checker (authorization lives in the
 * resolvers and sources), so graphql-js's default resolver does the same without a call per
 * field — which is most of the fields of a 1,000-VM export. `@FieldResolver`s are unaffected.
 */
function plainFieldsWithoutResolvers(): void {
  for (const type of getMetadataStorage().objectTypes) {
    if (type.fields?.some((field) => field.middlewares?.length || field.roles?.length))
      throw new Error(`${type.name}: field middlewares or roles need type-graphql's field resolvers`);
    type.simpleResolvers ??= true;
  }
}

/**
 * Defaults are read from the SDL before the enum resolvers give enum values their internal
 * values, so an enum default would reach resolvers as its GraphQL name ("TCP" for `tcp`).
 * Re-reading each enum-typed default now yields the internal value resolvers expect.
 */
function restoreEnumDefaults(schema: GraphQLSchema): void {
  const reread = (slot: GraphQLArgument | GraphQLInputField) => {
    const literal = slot.astNode?.defaultValue;
    if (literal && isEnumType(getNamedType(slot.type))) {
      (slot as { defaultValue: unknown }).defaultValue = valueFromAST(literal, slot.type);
    }
  };
  for (const type of Object.values(schema.getTypeMap())) {
    if (isObjectType(type)) {
      for (const field of Object.values(type.getFields())) field.args.forEach(reread);
    } else if (isInputObjectType(type)) {
      Object.values(type.getFields()).forEach(reread);
    }
  }
}
