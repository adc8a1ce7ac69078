import { GraphQLError, Kind, type GraphQLObjectType, type SelectionSetNode, type ValidationContext, type ValidationRule } from 'graphql';
import { GRAPHQL_LIMITS } from './limits.js';

/**
 * At most `GRAPHQL_LIMITS.aliasesPerRootField` response keys per root field of an operation: each alias runs the
 * resolver again, so aliases multiply the cost of one field (the 1,000-alias `__schema` bomb). Fields under one
 * response key are merged by graphql-js and run once, so they count once. Checked when the operation is entered,
 * before the field-level rules report anything.
 */
export function aliasesPerRootFieldRule(max: number = GRAPHQL_LIMITS.aliasesPerRootField): ValidationRule {
  return (context) => ({
    OperationDefinition(operation) {
      const root = context.getSchema().getRootType(operation.operation);
      if (!root) return;
      const keys = new Map<string, Set<string>>();
      collectRootKeys(context, root, operation.selectionSet, keys, new Set());
      for (const [field, responseKeys] of keys) {
        if (responseKeys.size > max) {
          context.reportError(new GraphQLError(`Root field ${field} has ${responseKeys.size} aliases, over the limit of ${max}`, { nodes: [operation] }));
        }
      }
    },
  });
}

const META_FIELDS = new Set(['__schema', '__type', '__typename']);

/** The root fields of a selection set, through inline fragments and fragment spreads (each fragment once). */
function collectRootKeys(
  context: ValidationContext,
  root: GraphQLObjectType,
  selectionSet: SelectionSetNode,
  keys: Map<string, Set<string>>,
  fragments: Set<string>,
): void {
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD) {
      const name = selection.name.value;
      // Unknown fields are refused by graphql-js's own rules; only names from the schema appear in a message.
      if (!META_FIELDS.has(name) && root.getFields()[name] === undefined) continue;
      let set = keys.get(name);
      if (!set) keys.set(name, (set = new Set()));
      set.add(selection.alias?.value ?? name);
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      collectRootKeys(context, root, selection.selectionSet, keys, fragments);
    } else if (!fragments.has(selection.name.value)) {
      fragments.add(selection.name.value);
      const fragment = context.getFragment(selection.name.value);
      if (fragment) collectRootKeys(context, root, fragment.selectionSet, keys, fragments);
    }
  }
}
