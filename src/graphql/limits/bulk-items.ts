import {
  getNullableType,
  isListType,
  Kind,
  OperationTypeNode,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLObjectType,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValueNode,
} from 'graphql';
import { GRAPHQL_LIMITS, limitError } from './limits.js';

/**
 * What the list arguments of an operation's mutations add up to: the items written in the document, and the
 * variables whose values add theirs on each request.
 */
export interface BulkPlan {
  literalItems: number;
  variables: { name: string; defaultItems: number }[];
}

/**
 * Reads the list arguments of the root fields of a mutation, through fragments, once per response key (graphql-js
 * runs the fields of one key once). `@skip`/`@include` are ignored: a skipped field still counts. Undefined when the
 * operation has no list argument (queries never do: only mutations write in bulk).
 */
export function bulkPlan(document: DocumentNode, operation: OperationDefinitionNode, mutationType: GraphQLObjectType | null | undefined): BulkPlan | undefined {
  if (operation.operation !== OperationTypeNode.MUTATION || !mutationType) return undefined;
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  const defaults = new Map<string, ValueNode | undefined>();
  for (const definition of operation.variableDefinitions ?? []) defaults.set(definition.variable.name.value, definition.defaultValue);

  const plan: BulkPlan = { literalItems: 0, variables: [] };
  const seenKeys = new Set<string>();
  const seenFragments = new Set<string>();
  const visit = (selectionSet: SelectionSetNode): void => {
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.INLINE_FRAGMENT) {
        visit(selection.selectionSet);
      } else if (selection.kind === Kind.FRAGMENT_SPREAD) {
        const fragment = fragments.get(selection.name.value);
        if (fragment && !seenFragments.has(fragment.name.value)) {
          seenFragments.add(fragment.name.value);
          visit(fragment.selectionSet);
        }
      } else {
        const key = selection.alias?.value ?? selection.name.value;
        const field = mutationType.getFields()[selection.name.value];
        if (!field || seenKeys.has(key)) continue;
        seenKeys.add(key);
        for (const argument of field.args) {
          if (!isListType(getNullableType(argument.type))) continue;
          const node = selection.arguments?.find((a) => a.name.value === argument.name);
          if (!node) {
            if (Array.isArray(argument.defaultValue)) plan.literalItems += argument.defaultValue.length;
          } else if (node.value.kind === Kind.VARIABLE) {
            const name = node.value.name.value;
            plan.variables.push({ name, defaultItems: itemsOf(defaults.get(name)) });
          } else {
            plan.literalItems += itemsOf(node.value);
          }
        }
      }
    }
  };
  visit(operation.selectionSet);
  return plan.literalItems === 0 && plan.variables.length === 0 ? undefined : plan;
}

/** A list literal has its items; a single value given for a list is coerced to a list of one; null has none. */
function itemsOf(value: ValueNode | undefined): number {
  if (!value || value.kind === Kind.NULL) return 0;
  return value.kind === Kind.LIST ? value.values.length : 1;
}

/** Refuses a request whose mutations, all aliases together, take more than `max` items. Runs on every mutation. */
export function checkBulkItems(plan: BulkPlan, variables: Record<string, unknown> | undefined, max: number = GRAPHQL_LIMITS.bulkItems): void {
  let items = plan.literalItems;
  for (const variable of plan.variables) {
    const value = variables?.[variable.name];
    items += value === undefined ? variable.defaultItems : Array.isArray(value) ? value.length : value === null ? 0 : 1;
  }
  if (items > max) throw limitError(`Mutation list arguments hold ${items} items, over the limit of ${max} per request`);
}
