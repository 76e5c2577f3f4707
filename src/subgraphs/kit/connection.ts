import { Directive, Field, Int, ObjectType, type ClassType } from 'type-graphql';
import { badInput } from '../../errors/index.js';

/** Relay page information, shared by every subgraph that has connections. */
@ObjectType({ description: 'Where a page of a connection sits in the whole list.' })
@Directive('@shareable')
export class PageInfo {
  @Field(() => Boolean)
  hasNextPage!: boolean;

  @Field(() => Boolean)
  hasPreviousPage!: boolean;

  @Field(() => String, { nullable: true })
  startCursor!: string | null;

  @Field(() => String, { nullable: true })
  endCursor!: string | null;
}

export interface Edge<T> {
  cursor: string;
  node: T;
}

export interface Connection<T> {
  edges: Edge<T>[];
  nodes: T[];
  pageInfo: PageInfo;
  totalCount: number;
}

/**
 * Declares `<Name>Connection` and `<Name>Edge` object types for `nodeType`. Call once per node
 * type at module level and use the returned class as the field's return type.
 */
export function connectionType<T extends object>(name: string, nodeType: ClassType<T>) {
  @ObjectType(`${name}Edge`)
  class EdgeType {
    @Field(() => String)
    cursor!: string;

    @Field(() => nodeType)
    node!: T;
  }

  @ObjectType(`${name}Connection`, { description: `A page of ${name} objects (Relay connection).` })
  class ConnectionType {
    @Field(() => [EdgeType])
    edges!: EdgeType[];

    @Field(() => [nodeType], { description: 'The nodes of `edges`, for clients that need no cursors.' })
    nodes!: T[];

    @Field(() => PageInfo)
    pageInfo!: PageInfo;

    @Field(() => Int, { description: 'How many objects match, over all pages.' })
    totalCount!: number;
  }
  return ConnectionType as ClassType<Connection<T>>;
}

/** Most items one page may hold. */
export const MAX_PAGE_SIZE = 5000;
export const DEFAULT_PAGE_SIZE = 100;

/** The page size asked for, checked: `first` or the default. */
export function pageSize(first: number | null | undefined): number {
  const size = first ?? DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(size) || size < 0 || size > MAX_PAGE_SIZE) {
    throw badInput(`first must be between 0 and ${MAX_PAGE_SIZE}`, {
      reason: 'PAGE_SIZE',
      argument: 'first',
    });
  }
  return size;
}

export function cursorNotInList(): Error {
  return badInput('The after cursor does not point into this list', { reason: 'CURSOR' });
}

/**
 * Cuts one page out of an ordered list. Cursors are opaque encodings of the item's stable key,
 * so a page boundary survives inserts and deletes elsewhere in the list.
 */
export function paginate<T>(
  items: readonly T[],
  keyOf: (item: T) => string,
  args: { first?: number | null | undefined; after?: string | null | undefined },
): Connection<T> {
  const first = pageSize(args.first);
  let start = 0;
  if (args.after) {
    const afterKey = decodeCursor(args.after);
    const position = items.findIndex((item) => keyOf(item) === afterKey);
    if (position < 0) throw cursorNotInList();
    start = position + 1;
  }
  return connectionOf(items.slice(start, start + first), keyOf, {
    totalCount: items.length,
    hasPreviousPage: start > 0,
    hasNextPage: start + first < items.length,
  });
}

/** A connection over a page a store cut itself (for lists too long to read whole). */
export function connectionOf<T>(
  page: T[],
  keyOf: (item: T) => string,
  around: { totalCount: number; hasPreviousPage: boolean; hasNextPage: boolean },
): Connection<T> {
  const edges = page.map((node) => ({ cursor: encodeCursor(keyOf(node)), node }));
  return {
    edges,
    nodes: page,
    totalCount: around.totalCount,
    pageInfo: {
      hasNextPage: around.hasNextPage,
      hasPreviousPage: around.hasPreviousPage,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? null,
    },
  };
}

export function encodeCursor(key: string): string {
  return Buffer.from(`k:${key}`, 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string): string {
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!text.startsWith('k:')) throw badInput('Malformed cursor', { reason: 'CURSOR' });
  return text.slice(2);
}
