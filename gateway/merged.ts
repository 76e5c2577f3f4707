/**
 * Single-process execution without a delegation layer: one executable schema with the composed
 * API shape, whose fields run the owning subgraph's own resolvers. A field owned by another
 * subgraph than the one that produced its parent first turns the parent into that subgraph's
 * entity through the subgraph's reference resolver — the same batched resolver that serves
 * `_entities` in split mode — so both modes answer identically.
 */
import { makeExecutableSchema } from '@graphql-tools/schema';
import {
  defaultFieldResolver,
  getNamedType,
  isEnumType,
  isObjectType,
  isScalarType,
  isUnionType,
  type GraphQLFieldResolver,
  type GraphQLSchema,
} from 'graphql';
import { scoped, type RequestContext, type Subgraph } from '../src/subgraphs/kit/index.js';

type Resolver = GraphQLFieldResolver<unknown, RequestContext>;

interface FieldOwner {
  subgraph: Subgraph;
  resolve: Resolver;
}

/** Which subgraph produced an object; decides whether a field can use it as its parent directly. */
const origins = new WeakMap<object, string>();
const ENTITY_CACHE = Symbol('merged.entities');
const BUILTIN_SCALARS = new Set(['String', 'Int', 'Float', 'Boolean', 'ID']);

export function buildMergedSchema(subgraphs: readonly Subgraph[], apiSdl: string): GraphQLSchema {
  const entityTypes = new Set<string>();
  const owners = new Map<string, Map<string, FieldOwner[]>>();
  const resolvers: Record<string, Record<string, unknown> | unknown> = {};

  for (const subgraph of subgraphs) {
    const entityUnion = subgraph.schema.getType('_Entity');
    if (entityUnion && isUnionType(entityUnion))
      for (const type of entityUnion.getTypes()) entityTypes.add(type.name);
    for (const type of Object.values(subgraph.schema.getTypeMap())) {
      if (type.name.startsWith('_')) continue;
      if (isObjectType(type)) {
        let fields = owners.get(type.name);
        if (!fields) owners.set(type.name, (fields = new Map()));
        for (const field of Object.values(type.getFields())) {
          if (field.name.startsWith('_')) continue;
          const list = fields.get(field.name) ?? [];
          list.push({ subgraph, resolve: (field.resolve ?? defaultFieldResolver) as Resolver });
          fields.set(field.name, list);
        }
      } else if (isScalarType(type) && !BUILTIN_SCALARS.has(type.name)) {
        resolvers[type.name] = type;
      } else if (isEnumType(type)) {
        // Subgraph resolvers speak the enums' internal values; keep them in the merged schema.
        resolvers[type.name] = Object.fromEntries(type.getValues().map((value) => [value.name, value.value]));
      }
    }
  }

  const isEntity = (typeName: string) => entityTypes.has(typeName);
  const referenceOf = (subgraph: Subgraph, typeName: string) => subgraph.references[typeName];

  /** The parent as `owner` knows it: itself when `owner` produced it, else loaded by key. */
  function parentFor(
    owner: Subgraph,
    typeName: string,
    parent: Record<string, unknown>,
    context: RequestContext,
  ) {
    if (origins.get(parent) === owner.name) return parent;
    const cache = scoped(context, ENTITY_CACHE, () => new Map<string, Promise<unknown>>());
    const key = `${owner.name}\u0000${typeName}\u0000${String(parent.id)}`;
    let pending = cache.get(key);
    if (!pending) {
      const representation = { __typename: typeName, id: parent.id };
      const reference = referenceOf(owner, typeName);
      pending = Promise.resolve(reference ? reference(representation, context) : { ...representation }).then(
        (entity) => {
          if (entity && typeof entity === 'object') origins.set(entity, owner.name);
          return entity;
        },
      );
      cache.set(key, pending);
    }
    return pending;
  }

  function markResult(owner: string, value: unknown): unknown {
    if (value === null || typeof value !== 'object') return value;
    if (Array.isArray(value)) {
      for (const item of value) markResult(owner, item);
    } else if (typeof (value as PromiseLike<unknown>).then === 'function') {
      return (value as Promise<unknown>).then((resolved) => markResult(owner, resolved));
    } else {
      origins.set(value, owner);
    }
    return value;
  }

  const apiTypes = makeExecutableSchema({ typeDefs: apiSdl }).getTypeMap();
  // Federation's own scalars and enums (link__Purpose, FieldSet…) are not part of the API.
  for (const name of Object.keys(resolvers)) if (!apiTypes[name]) delete resolvers[name];
  for (const apiType of Object.values(apiTypes)) {
    if (!isObjectType(apiType) || apiType.name.startsWith('__')) continue;
    const fieldOwners = owners.get(apiType.name);
    if (!fieldOwners) throw new Error(`No subgraph defines type ${apiType.name}`);
    const typeResolvers: Record<string, Resolver> = {};
    const entity = isEntity(apiType.name);
    for (const field of Object.values(apiType.getFields())) {
      const candidates = fieldOwners.get(field.name);
      if (!candidates?.length) throw new Error(`No subgraph resolves ${apiType.name}.${field.name}`);
      if (entity && field.name === 'id') continue; // the key: every form of the object has it
      const returnsEntity = isEntity(getNamedType(field.type).name);
      const [first] = candidates;
      const single = candidates.length === 1;
      if (!entity) {
        if (!returnsEntity && first!.resolve === defaultFieldResolver) continue;
        typeResolvers[field.name] = returnsEntity
          ? (parent, args, context, info) =>
              markResult(first!.subgraph.name, first!.resolve(parent, args, context, info))
          : first!.resolve;
        continue;
      }
      typeResolvers[field.name] = (parent, args, context, info) => {
        const object = parent as Record<string, unknown>;
        const origin = origins.get(object);
        const owner = single
          ? first!
          : (candidates.find((candidate) => candidate.subgraph.name === origin) ?? first!);
        const ready = parentFor(owner.subgraph, apiType.name, object, context);
        const run = (resolvedParent: unknown) => {
          if (resolvedParent === null || resolvedParent === undefined) return null;
          const result = owner.resolve(resolvedParent, args, context, info);
          return returnsEntity ? markResult(owner.subgraph.name, result) : result;
        };
        return ready === object ? run(ready) : (ready as Promise<unknown>).then(run);
      };
    }
    resolvers[apiType.name] = typeResolvers;
  }

  return makeExecutableSchema({ typeDefs: apiSdl, resolvers: resolvers as never });
}
