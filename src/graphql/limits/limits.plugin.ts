import type { ApolloServerPlugin, BaseContext, GraphQLRequestListener } from '@apollo/server';
import { OperationTypeNode, type OperationDefinitionNode } from 'graphql';
import { bulkPlan, checkBulkItems, type BulkPlan } from './bulk-items.js';

/**
 * The limits that need the request's variables (decision D17: list arguments given through variables count), checked
 * once the operation is known and before anything runs. The reading of each operation is kept with the parsed
 * document Apollo caches, so a request only adds up its variables.
 */
export function graphqlLimitsPlugin(): ApolloServerPlugin {
  const plans = new WeakMap<OperationDefinitionNode, BulkPlan | null>();
  const listener: GraphQLRequestListener<BaseContext> = {
    async didResolveOperation({ document, operation, schema, request }) {
      if (!operation || operation.operation !== OperationTypeNode.MUTATION) return;
      let plan = plans.get(operation);
      if (plan === undefined) {
        plan = bulkPlan(document, operation, schema.getMutationType()) ?? null;
        plans.set(operation, plan);
      }
      if (plan) checkBulkItems(plan, request.variables);
    },
  };
  // One listener for every request: nothing is allocated per request.
  return { requestDidStart: async () => listener };
}
