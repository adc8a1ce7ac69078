import { HERALD_VERSION } from '../common/version.js';

const escape = (text: string): string => text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/**
 * GET /: what a person who opens Herald's address finds. One static page, no script, nothing loaded from elsewhere;
 * its links are Herald's own routes. The repository's documents are named, not linked (Herald does not serve them).
 */
export function startPage(options: { playground: boolean; rootClientId: string; publicUrl: string }): string {
  const graphql = options.playground
    ? '<li><a href="/graphql">/graphql</a>: the GraphQL playground (GraphiQL). Put a token in its Headers tab.</li>'
    : '<li><code>/graphql</code>: GraphQL (POST). The playground is off here (<code>HERALD_GRAPHQL_INTROSPECTION</code>).</li>';
  return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <meta name="robots" content="noindex" />
    <link rel="icon" href="data:," />
    <title>Herald</title>
    <style>
      body { font: 16px/1.5 system-ui, sans-serif; max-width: 46rem; margin: 2rem auto; padding: 0 1rem; color: #1d2430; }
      h1 { margin-bottom: 0; }
      .what { margin-top: 0.25rem; color: #4b5565; }
      code, pre { font: 14px/1.4 ui-monospace, monospace; background: #f2f4f7; border-radius: 4px; }
      code { padding: 0 0.25rem; }
      pre { padding: 0.75rem; overflow-x: auto; }
      li { margin: 0.35rem 0; }
    </style>
  </head>
  <body>
    <h1>Herald</h1>
    <p class="what">Messaging for privacy requests, compatible with Fides clients. Version ${escape(HERALD_VERSION)}.</p>
    <h2>On this server</h2>
    <ul>
      <li><a href="/console">/console</a>: the operator console (messages, providers, templates, suppressions, privacy requests). Sign in with a client id and secret.</li>
      <li><a href="/docs">/docs</a>: the REST API under <code>/api/v1</code> (Swagger UI); the OpenAPI document is <a href="/openapi.json">/openapi.json</a>.</li>
      ${graphql}
      <li><a href="/health">/health</a>: the web server, the database and the queue (no token).</li>
    </ul>
    <h2>A token</h2>
    <p>Every route but a few public ones needs a bearer token from the OAuth client-credentials route, for instance for
      the root client <code>${escape(options.rootClientId)}</code> (with the embedded database its secret is in
      <code>.data/herald-secrets.json</code>):</p>
    <pre>curl -s -X POST ${escape(options.publicUrl)}/api/v1/oauth/token \\
  -d client_id=${escape(options.rootClientId)} -d client_secret="$SECRET"</pre>
    <h2>In the repository</h2>
    <ul>
      <li><code>README.md</code>: running Herald, a walk-through from a token to a privacy request, every setting.</li>
      <li><code>docs/architecture.md</code>: the map of the code.</li>
      <li><code>docs/compatibility.md</code>: where Herald follows Fides and where it differs, decision by decision.</li>
    </ul>
  </body>
</html>
`;
}
