import { GraphQLError, type ASTVisitor, type ValidationContext } from 'graphql';

/**
 * graphql-js validates a `subscription` (or `mutation`) on a schema without that root type only when executing it,
 * which Apollo reports as INTERNAL_SERVER_ERROR; refused here, it is a validation error like any other.
 */
export function supportedOperationTypesRule(context: ValidationContext): ASTVisitor {
  return {
    OperationDefinition(node) {
      const schema = context.getSchema();
      const root = { query: schema.getQueryType(), mutation: schema.getMutationType(), subscription: schema.getSubscriptionType() }[node.operation];
      if (!root) context.reportError(new GraphQLError(`This schema does not support ${node.operation} operations`, { nodes: node }));
    },
  };
}
