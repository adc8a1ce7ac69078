import { GraphQLError, Kind, type SelectionSetNode, type ValidationContext, type ValidationRule } from 'graphql';
import { GRAPHQL_LIMITS } from './limits.js';

/**
 * At most `GRAPHQL_LIMITS.fields` fields per operation once fragments and aliases are expanded: a fragment spread
 * counts the fields of the fragment each time it is spread. Counted from the document alone so that Apollo caches the
 * verdict with the document: `@skip`/`@include` are ignored and every branch of a union counts (an upper bound).
 * Each fragment is counted once and remembered, so a document of nested fragments doubling at every level costs no
 * more to count than to parse.
 */
export function fieldCountRule(max: number = GRAPHQL_LIMITS.fields): ValidationRule {
  return (context) => {
    const fragmentCounts = new Map<string, number>();
    return {
      OperationDefinition(operation) {
        const count = countFields(context, operation.selectionSet, fragmentCounts, new Set());
        if (count > max) {
          const shown = count > 1e9 ? 'more than 1,000,000,000' : String(count);
          context.reportError(new GraphQLError(`Query selects ${shown} fields, over the limit of ${max}`, { nodes: [operation] }));
        }
      },
    };
  };
}

function countFields(context: ValidationContext, selectionSet: SelectionSetNode, fragmentCounts: Map<string, number>, active: Set<string>): number {
  let count = 0;
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD) {
      count += 1 + (selection.selectionSet ? countFields(context, selection.selectionSet, fragmentCounts, active) : 0);
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      count += countFields(context, selection.selectionSet, fragmentCounts, active);
    } else {
      const name = selection.name.value;
      let fragmentCount = fragmentCounts.get(name);
      // A cycle (refused by graphql-js's NoFragmentCyclesRule) or an unknown fragment counts nothing here.
      if (fragmentCount === undefined && !active.has(name)) {
        const fragment = context.getFragment(name);
        active.add(name);
        fragmentCount = fragment ? countFields(context, fragment.selectionSet, fragmentCounts, active) : 0;
        active.delete(name);
        fragmentCounts.set(name, fragmentCount);
      }
      count += fragmentCount ?? 0;
    }
  }
  return count;
}
