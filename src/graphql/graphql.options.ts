import { ApolloServerPluginLandingPageLocalDefault, ApolloServerPluginLandingPageProductionDefault } from '@apollo/server/plugin/landingPage/default';
import { ApolloServerPluginCacheControlDisabled } from '@apollo/server/plugin/disabled';
import { ApolloDriverConfig } from '@nestjs/apollo';
import type { Settings } from '../config/settings.js';
import { hostileInputPlugin } from '../common/validation/hostile-graphql.plugin.js';
import { formatGraphqlError } from './graphql-errors.js';

/**
 * Code-first GraphQL at /graphql. The schema is built in memory at start-up; `npm run schema` writes the same,
 * sorted, to schema.gql (a test fails when the committed file is stale).
 */
export function graphqlOptions(settings: Settings): ApolloDriverConfig {
  return {
    path: '/graphql',
    autoSchemaFile: true,
    sortSchema: true,
    playground: false,
    introspection: true,
    includeStacktraceInErrorResponses: false,
    formatError: formatGraphqlError,
    // Errors thrown by field resolvers get the same codes and `detail` as those of queries and mutations.
    fieldResolverEnhancers: ['filters'],
    plugins: [
      // Answers are per caller and never cached; without this plugin Apollo no longer wraps every field resolver
      // to collect cache hints (a tenth of a query's CPU, measured by bench/api.bench.mjs).
      ApolloServerPluginCacheControlDisabled(),
      hostileInputPlugin(),
      settings.production
        ? ApolloServerPluginLandingPageProductionDefault({ footer: false })
        : ApolloServerPluginLandingPageLocalDefault({ embed: true, footer: false }),
    ],
  };
}
