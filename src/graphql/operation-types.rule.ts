import { GraphQLError, OperationTypeNode, type ASTVisitor, type ValidationContext } from 'graphql';

/**
 * graphql-js validates a `subscription` (or `mutation`) on a schema without that root type only when executing it,
 * which Apollo reports as INTERNAL_SERVER_ERROR; refused here, it is a validation error like any other. Over HTTP a
 * subscription is refused the same way: it needs the websocket (graphql-ws) at the same path.
 */
export function supportedOperationTypesRule(context: ValidationContext): ASTVisitor {
  return operationTypesRule(context, true);
}

/** The same for the websocket, where subscriptions are served (queries and mutations are refused after validation). */
export function websocketOperationTypesRule(context: ValidationContext): ASTVisitor {
  return operationTypesRule(context, false);
}

function operationTypesRule(context: ValidationContext, http: boolean): ASTVisitor {
  return {
    OperationDefinition(node) {
      const schema = context.getSchema();
      const root = { query: schema.getQueryType(), mutation: schema.getMutationType(), subscription: schema.getSubscriptionType() }[node.operation];
      if (!root) context.reportError(new GraphQLError(`This schema does not support ${node.operation} operations`, { nodes: node }));
      else if (http && node.operation === OperationTypeNode.SUBSCRIPTION) {
        context.reportError(new GraphQLError('Subscriptions are served over WebSocket (graphql-ws) at /graphql, not over HTTP', { nodes: node }));
      }
    },
  };
}
