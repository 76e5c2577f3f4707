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
  Kind,
  type FieldNode,
  type GraphQLFieldResolver,
  type GraphQLResolveInfo,
  type GraphQLSchema,
  type SelectionSetNode,
} from 'graphql';
import { scoped, type RequestContext, type Subgraph } from '../src/subgraphs/kit/index.js';

type Resolver = GraphQLFieldResolver<unknown, RequestContext>;

interface FieldOwner {
  subgraph: Subgraph;
  resolve: Resolver;
}

/**
 * Which subgraph produced an object; decides whether a field can use it as its parent directly.
 * Kept on the object under a symbol (invisible to JSON and to the subgraphs): a WeakMap entry per
 * object made a 1,000-VM export spend a third of its time on the GC's ephemeron tables.
 */
const ORIGIN = Symbol('merged.origin');
/** An entity loaded from another subgraph's form of the same object: subgraph name → that form. */
const OTHER_FORMS = Symbol('merged.otherForms');

type Marked = { [ORIGIN]?: string; [OTHER_FORMS]?: Map<string, object> };
// Frozen objects cannot carry the marks; they (rare) use these.
const frozenOrigins = new WeakMap<object, string>();
const frozenForms = new WeakMap<object, Map<string, object>>();

function originOf(object: object): string | undefined {
  return (object as Marked)[ORIGIN] ?? frozenOrigins.get(object);
}

function setOrigin(object: object, subgraph: string): void {
  if (Object.isExtensible(object)) (object as Marked)[ORIGIN] = subgraph;
  else frozenOrigins.set(object, subgraph);
}

function otherFormsOf(object: object, create: boolean): Map<string, object> | undefined {
  let forms = (object as Marked)[OTHER_FORMS] ?? frozenForms.get(object);
  if (!forms && create) {
    forms = new Map();
    if (Object.isExtensible(object)) (object as Marked)[OTHER_FORMS] = forms;
    else frozenForms.set(object, forms);
  }
  return forms;
}
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

  /**
   * The parent as `owner` knows it: itself when `owner` produced it (or it was loaded from that
   * form), a key stub when `owner` only extends the type (its resolvers see what `_entities`
   * would give them in split mode), else the entity loaded by `owner`'s reference resolver.
   */
  function parentFor(
    owner: Subgraph,
    typeName: string,
    parent: Record<string, unknown>,
    context: RequestContext,
  ): unknown {
    if (originOf(parent) === owner.name) return parent;
    const known = otherFormsOf(parent, false)?.get(owner.name);
    if (known) return known;
    const reference = referenceOf(owner, typeName);
    if (!reference) {
      const stub = { __typename: typeName, id: parent.id };
      setOrigin(stub, owner.name);
      return stub;
    }
    const cache = scoped(context, ENTITY_CACHE, () => new Map<string, Promise<unknown>>());
    const key = `${owner.name}\u0000${typeName}\u0000${String(parent.id)}`;
    let pending = cache.get(key);
    if (!pending) {
      pending = Promise.resolve(reference({ __typename: typeName, id: parent.id }, context)).then(
        (entity) => {
          if (entity && typeof entity === 'object') setOrigin(entity, owner.name);
          return entity;
        },
      );
      cache.set(key, pending);
    }
    return pending;
  }

  /** For each selection of an entity-returning field: the subgraph to load its objects from at once. */
  const loadTargets = new WeakMap<FieldNode, Subgraph | null>();

  /**
   * The subgraph (with a reference resolver) owning most of the selected fields that the
   * producing subgraph cannot serve; null when the producer serves them all (or stubs do).
   */
  function loadTargetOf(typeName: string, producer: string, info: GraphQLResolveInfo): Subgraph | null {
    const fieldNode = info.fieldNodes[0]!;
    const cached = loadTargets.get(fieldNode);
    if (cached !== undefined) return cached;
    const fieldOwners = owners.get(typeName);
    const votes = new Map<Subgraph, number>();
    const visit = (selectionSet: SelectionSetNode | undefined) => {
      for (const selection of selectionSet?.selections ?? []) {
        if (selection.kind === Kind.FIELD) {
          const candidates = fieldOwners?.get(selection.name.value);
          if (!candidates || candidates.some((candidate) => candidate.subgraph.name === producer)) continue;
          const owner = candidates[0]!.subgraph;
          if (referenceOf(owner, typeName)) votes.set(owner, (votes.get(owner) ?? 0) + 1);
        } else if (selection.kind === Kind.INLINE_FRAGMENT) {
          const condition = selection.typeCondition?.name.value;
          if (!condition || condition === typeName) visit(selection.selectionSet);
        } else {
          const fragment = info.fragments[selection.name.value];
          if (fragment && fragment.typeCondition.name.value === typeName) visit(fragment.selectionSet);
        }
      }
    };
    for (const node of info.fieldNodes) visit(node.selectionSet);
    let best: Subgraph | null = null;
    for (const [subgraph, count] of votes) if (!best || count > votes.get(best)!) best = subgraph;
    loadTargets.set(fieldNode, best);
    return best;
  }

  /**
   * An entity-returning field's value, marked with its producer and — when most selected fields
   * belong to another subgraph — already loaded as that subgraph's entity (one batched load per
   * object instead of one wait per selected field). Where that subgraph has no such entity, the
   * producer's object stays and each field finds its parent as before.
   */
  function entityResult(
    producer: string,
    typeName: string,
    value: unknown,
    info: GraphQLResolveInfo,
    context: RequestContext,
  ): unknown {
    const marked = markResult(producer, value);
    const target = isObjectType(getNamedType(info.returnType))
      ? loadTargetOf(typeName, producer, info)
      : null;
    if (!target) return marked;
    const load = (item: unknown): unknown => {
      if (item === null || typeof item !== 'object') return item;
      let entity: unknown;
      try {
        entity = parentFor(target, typeName, item as Record<string, unknown>, context);
      } catch {
        return item; // the failure surfaces where a field of `target` asks for the entity itself
      }
      if (!isThenable(entity)) return entity ?? item;
      return entity.then(
        (loaded) => {
          if (!loaded || typeof loaded !== 'object') return item;
          otherFormsOf(loaded, true)!.set(producer, item);
          return loaded;
        },
        // A refused or failed load must fail only the fields that need it, at their own paths.
        () => item,
      );
    };
    const loadAll = (resolved: unknown) =>
      Array.isArray(resolved) ? Promise.all(resolved.map(load)) : load(resolved);
    return isThenable(marked) ? marked.then(loadAll) : loadAll(marked);
  }

  function markResult(owner: string, value: unknown): unknown {
    if (value === null || typeof value !== 'object') return value;
    if (Array.isArray(value)) {
      for (const item of value) markResult(owner, item);
    } else if (isThenable(value)) {
      return value.then((resolved) => markResult(owner, resolved));
    } else {
      setOrigin(value, owner);
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
      const returnedType = getNamedType(field.type).name;
      const returnsEntity = isEntity(returnedType);
      const [first] = candidates;
      const single = candidates.length === 1;
      if (!entity) {
        if (!returnsEntity && first!.resolve === defaultFieldResolver) continue;
        typeResolvers[field.name] = returnsEntity
          ? (parent, args, context, info) =>
              entityResult(
                first!.subgraph.name,
                returnedType,
                first!.resolve(parent, args, context, info),
                info,
                context,
              )
          : first!.resolve;
        continue;
      }
      typeResolvers[field.name] = (parent, args, context, info) => {
        const object = parent as Record<string, unknown>;
        const origin = originOf(object);
        const owner = single
          ? first!
          : (candidates.find((candidate) => candidate.subgraph.name === origin) ?? first!);
        const ready = parentFor(owner.subgraph, apiType.name, object, context);
        const run = (resolvedParent: unknown) => {
          if (resolvedParent === null || resolvedParent === undefined) return null;
          const result = owner.resolve(resolvedParent, args, context, info);
          return returnsEntity
            ? entityResult(owner.subgraph.name, returnedType, result, info, context)
            : result;
        };
        return isThenable(ready) ? ready.then(run) : run(ready);
      };
    }
    resolvers[apiType.name] = typeResolvers;
  }

  return makeExecutableSchema({ typeDefs: apiSdl, resolvers: resolvers as never });
}

function isThenable(value: unknown): value is Promise<unknown> {
  return (
    value !== null && typeof value === 'object' && typeof (value as PromiseLike<unknown>).then === 'function'
  );
}
