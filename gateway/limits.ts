import { GraphQLError, Kind, type ASTVisitor, type ValidationContext, type ValidationRule } from 'graphql';

/** Deep enough for GraphiQL's and graphql-js' introspection queries, not for ofType towers. */
const INTROSPECTION_MAX_DEPTH = 16;

/**
 * Refuses documents nested deeper than `maxDepth` selection levels (fragments followed), so a
 * client cannot make the server walk an unbounded tree.
 */
export function depthLimit(maxDepth: number): ValidationRule {
  return (context: ValidationContext): ASTVisitor => {
    const fragments = new Map(
      context
        .getDocument()
        .definitions.filter((definition) => definition.kind === Kind.FRAGMENT_DEFINITION)
        .map((fragment) => [fragment.name.value, fragment]),
    );
    const measure = (
      selectionSet: { selections: readonly any[] } | undefined,
      depth: number,
      seen: Set<string>,
    ): number => {
      if (!selectionSet) return depth;
      let deepest = depth;
      for (const selection of selectionSet.selections) {
        if (selection.kind === Kind.FIELD) {
          const name: string = selection.name.value;
          if (name === '__typename') continue;
          if (name === '__schema' || name === '__type') {
            // Introspection is finite but deep (GraphiQL's type references nest ofType ~10
            // levels): it gets its own bound, and never counts against the data depth.
            const introspectionDepth = measure(selection.selectionSet, 1, seen);
            if (introspectionDepth > INTROSPECTION_MAX_DEPTH) return Number.POSITIVE_INFINITY;
            continue;
          }
          deepest = Math.max(deepest, measure(selection.selectionSet, depth + 1, seen));
        } else if (selection.kind === Kind.INLINE_FRAGMENT) {
          deepest = Math.max(deepest, measure(selection.selectionSet, depth, seen));
        } else if (selection.kind === Kind.FRAGMENT_SPREAD) {
          const name = selection.name.value;
          if (seen.has(name)) continue; // cycles are reported by the standard rules
          const fragment = fragments.get(name);
          deepest = Math.max(deepest, measure(fragment?.selectionSet, depth, new Set([...seen, name])));
        }
        if (deepest > maxDepth) return deepest;
      }
      return deepest;
    };
    return {
      OperationDefinition(operation) {
        const depth = measure(operation.selectionSet, 0, new Set());
        if (depth > maxDepth) {
          const message = Number.isFinite(depth)
            ? `The operation is nested ${depth > maxDepth + 1 ? 'more than ' : ''}${Math.min(depth, maxDepth + 1)} levels deep; at most ${maxDepth} are allowed.`
            : `The introspection query is nested more than ${INTROSPECTION_MAX_DEPTH} levels deep.`;
          context.reportError(
            new GraphQLError(message, {
              nodes: [operation],
              extensions: { code: 'GRAPHQL_VALIDATION_FAILED', reason: 'MAX_DEPTH' },
            }),
          );
        }
      },
    };
  };
}

/**
 * Refuses documents with more than `maxFields` field selections once fragments are expanded
 * (aliases count), which bounds wide queries and alias amplification.
 */
export function fieldLimit(maxFields: number): ValidationRule {
  return (context: ValidationContext): ASTVisitor => {
    const fragments = new Map(
      context
        .getDocument()
        .definitions.filter((definition) => definition.kind === Kind.FRAGMENT_DEFINITION)
        .map((fragment) => [fragment.name.value, fragment]),
    );
    const memo = new Map<string, number>();
    const count = (selectionSet: { selections: readonly any[] } | undefined, seen: Set<string>): number => {
      if (!selectionSet) return 0;
      let total = 0;
      for (const selection of selectionSet.selections) {
        if (selection.kind === Kind.FIELD) total += 1 + count(selection.selectionSet, seen);
        else if (selection.kind === Kind.INLINE_FRAGMENT) total += count(selection.selectionSet, seen);
        else if (selection.kind === Kind.FRAGMENT_SPREAD) {
          const name = selection.name.value;
          if (seen.has(name)) continue;
          let size = memo.get(name);
          if (size === undefined) {
            size = count(fragments.get(name)?.selectionSet, new Set([...seen, name]));
            memo.set(name, size);
          }
          total += size;
        }
        if (total > maxFields) return total;
      }
      return total;
    };
    return {
      OperationDefinition(operation) {
        const total = count(operation.selectionSet, new Set());
        if (total > maxFields) {
          context.reportError(
            new GraphQLError(`The operation selects more than ${maxFields} fields.`, {
              nodes: [operation],
              extensions: { code: 'GRAPHQL_VALIDATION_FAILED', reason: 'MAX_FIELDS' },
            }),
          );
        }
      },
    };
  };
}
