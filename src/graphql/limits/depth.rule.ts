import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth';
import { GraphQLError, type ValidationRule } from 'graphql';
import { GRAPHQL_LIMITS } from './limits.js';

/**
 * At most `max` levels of fields (graphql-armor's rule; fragments add no level). `__schema` is left to graphql-js's
 * own MaxIntrospectionDepthRule: the introspection query that GraphiQL and codegen tools send is 15 deep. The library
 * throws its refusal (a 500 under Apollo) unless told not to, so it is reported as a validation error instead.
 */
export function depthLimitRule(max: number = GRAPHQL_LIMITS.depth): ValidationRule {
  return maxDepthRule({
    n: max,
    flattenFragments: true,
    ignoreIntrospection: true,
    exposeLimits: true,
    propagateOnRejection: false,
    onReject: [
      (context, error) => {
        // The library's message is "Syntax Error: Query depth limit of 12 exceeded, found 15."
        const found = /found (\d+)/.exec(error.message)?.[1];
        context?.reportError(new GraphQLError(found ? `Query depth ${found} exceeds the limit of ${max}` : `Query depth exceeds the limit of ${max}`));
      },
    ],
  });
}
