import type { GraphQLFormattedError } from 'graphql';

/**
 * graphql-js suggests schema names in its messages ("Did you mean ...?"): they tell a caller without introspection
 * what the schema holds. Apollo's `hideSchemaDetailsFromClientErrors` strips them from validation errors only; this
 * also covers the errors of variable coercion (input fields, enum values), raised when the operation runs.
 */
export function withoutSuggestions(formatted: GraphQLFormattedError): GraphQLFormattedError {
  return formatted.message.includes('Did you mean') ? { ...formatted, message: formatted.message.replace(/ ?Did you mean [^?]*\?/g, '') } : formatted;
}
