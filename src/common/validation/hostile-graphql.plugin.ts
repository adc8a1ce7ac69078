import type { ApolloServerPlugin } from '@apollo/server';

/** Decision D19 for GraphQL: NUL characters and lone surrogates in literals and variables. (Filled in by D19 work.) */
export function hostileInputPlugin(): ApolloServerPlugin {
  return {};
}
