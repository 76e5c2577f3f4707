import { GraphQLError, Kind, type ASTVisitor, type ValidationContext, type ValidationRule } from 'graphql';

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
    const measure = (selectionSet: { selections: readonly any[] } | undefined, depth: number, seen: Set<string>): number => {
      if (!selectionSet) return depth;
      let deepest = depth;
      for (const selection of selectionSet.selections) {
        if (selection.kind === Kind.FIELD) {
          if (selection.name.value.startsWith('__')) continue;
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
          context.reportError(
            new GraphQLError(`The operation is nested ${depth > maxDepth + 1 ? 'more than ' : ''}${Math.min(depth, maxDepth + 1)} levels deep; at most ${maxDepth} are allowed.`, {
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
