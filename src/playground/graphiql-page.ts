import type { ApolloServerPlugin } from '@apollo/server';
import { ASSETS_PREFIX, ASSETS_VERSION, START_SCRIPT } from './playground-assets.js';

const asset = (name: string): string => `${ASSETS_PREFIX}${name}?v=${ASSETS_VERSION}`;

/** GraphiQL's page: Herald's own files only, and no inline script (the page's policy allows none). */
export const GRAPHIQL_PAGE = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <meta name="robots" content="noindex" />
    <link rel="icon" href="data:," />
    <title>Herald: GraphQL playground</title>
    <link rel="stylesheet" href="${asset('graphiql.min.css')}" />
    <style>
      body { margin: 0; overflow: hidden; }
      #graphiql { height: 100vh; }
    </style>
  </head>
  <body>
    <div id="graphiql">Loading GraphiQL…</div>
    <noscript>The GraphQL playground needs JavaScript. Without it, POST queries to /graphql.</noscript>
    <script src="${asset('react.production.min.js')}"></script>
    <script src="${asset('react-dom.production.min.js')}"></script>
    <script src="${asset('graphiql.min.js')}"></script>
    <script src="${asset(START_SCRIPT)}"></script>
  </body>
</html>
`;

/**
 * Apollo's landing page hook: a browser's GET /graphql (Accept: text/html, no query) gets GraphiQL; queries over GET
 * and POST are answered as before. Installed only while introspection is on (decision D17's one switch).
 */
export function graphiqlLandingPage(): ApolloServerPlugin {
  return {
    async serverWillStart() {
      return {
        async renderLandingPage() {
          return { html: GRAPHIQL_PAGE };
        },
      };
    },
  };
}
