import { GraphQLError } from 'graphql';

/** Decision D17: what one GraphQL request may ask for. */
export const GRAPHQL_LIMITS = {
  /** Nesting of fields (fragments add none). */
  depth: 12,
  /** Fields selected once fragments and aliases are expanded. */
  fields: 500,
  /** Response keys of one root field: each alias runs the resolver again. */
  aliasesPerRootField: 20,
  /** Items of every list argument of every mutation of one request, summed (aliases included). */
  bulkItems: 50,
} as const;

/**
 * A refused operation: HTTP 400 and `GRAPHQL_VALIDATION_FAILED`, as Apollo answers its own validation errors. Used
 * where the check needs the variables (a plugin); validation rules report plain errors and Apollo adds the same code.
 */
export function limitError(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'GRAPHQL_VALIDATION_FAILED', http: { status: 400 } } });
}
