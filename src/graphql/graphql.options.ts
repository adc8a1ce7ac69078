import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { InMemoryLRUCache } from '@apollo/utils.keyvaluecache';
import { ApolloDriverConfig } from '@nestjs/apollo';
import type { DocumentNode } from 'graphql';
import type { Settings } from '../config/index.js';
import { hostileInputPlugin } from '../common/validation/hostile-graphql.plugin.js';
import { graphiqlLandingPage } from '../playground/index.js';
import { formatGraphqlError } from './graphql-errors.js';
import { supportedOperationTypesRule } from './operation-types.rule.js';
import { StrictDateTime } from './strict-date-time.scalar.js';
import { aliasesPerRootFieldRule, depthLimitRule, fieldCountRule, graphqlLimitsPlugin, withoutSuggestions } from './limits/index.js';

/** What Apollo's parsed-document cache may hold, measured as its documents' JSON (a typical query: 1–5 KB). */
const DOCUMENT_CACHE_BYTES = 4 * 1024 * 1024;

/** Tokens in one GraphQL document; past it parsing stops with a 400 `GRAPHQL_PARSE_FAILED`. */
export const GRAPHQL_MAX_TOKENS = 20_000;

/**
 * Code-first GraphQL at /graphql. The schema is built in memory at start-up; `npm run schema` writes the same,
 * sorted, to schema.gql (a test fails when the committed file is stale).
 */
export function graphqlOptions(settings: Settings): ApolloDriverConfig {
  // Decision D17: introspection, "Did you mean" hints and the playground (GraphiQL) are one switch (off in production
  // by default).
  const open = settings.graphqlIntrospection;
  return {
    path: '/graphql',
    autoSchemaFile: true,
    sortSchema: true,
    // skipCheck: no introspection query run against the new schema at every start (a twentieth of a restart's CPU);
    // `npm run schema` still runs it, and graphql-js validates the schema before the first query.
    buildSchemaOptions: { scalarsMap: [{ type: Date, scalar: StrictDateTime }], skipCheck: true },
    playground: false,
    introspection: open,
    hideSchemaDetailsFromClientErrors: !open,
    includeStacktraceInErrorResponses: false,
    formatError: open ? formatGraphqlError : (formatted) => withoutSuggestions(formatGraphqlError(formatted)),
    // Decision D17, checked before anything runs. Apollo caches a document once it passes, so these run once per
    // distinct query text. A bomb stops at the first few errors (graphql-js aborts validation there): a small answer.
    validationRules: [supportedOperationTypesRule, depthLimitRule(), fieldCountRule(), aliasesPerRootFieldRule()],
    validationOptions: { maxErrors: 10 },
    // Parsing is the one step before validation: a token cap bounds its work (a 1,000-alias bomb is ~9,000 tokens,
    // Herald's largest legitimate documents, bulk inputs as literals, a few thousand).
    parseOptions: { maxTokens: GRAPHQL_MAX_TOKENS },
    // Parsed documents are cached by query text, and anyone can send new texts: Apollo's default bound (30 MiB of
    // the documents' JSON) held several times that in heap, each AST keeping its token list.
    documentStore: new InMemoryLRUCache<DocumentNode>({ maxSize: DOCUMENT_CACHE_BYTES }),
    // Errors thrown by field resolvers get the same codes and `detail` as those of queries and mutations.
    fieldResolverEnhancers: ['filters'],
    plugins: [
      // Answers are per caller and never cached; without this plugin Apollo no longer wraps every field resolver
      // to collect cache hints (a tenth of a query's CPU, measured by bench/api.bench.mjs).
      ApolloServerPluginCacheControlDisabled(),
      hostileInputPlugin(),
      // The bulk limit needs the variables of each request.
      graphqlLimitsPlugin(),
      // A browser's GET /graphql: GraphiQL served by Herald itself (src/playground/), or nothing (a 400, as any GET
      // without a query).
      open ? graphiqlLandingPage() : ApolloServerPluginLandingPageDisabled(),
    ],
  };
}
