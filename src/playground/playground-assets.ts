import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);

/** The folder of an installed package (each of these exports its package.json). */
const packageDir = (name: string): string => dirname(require.resolve(`${name}/package.json`));
const versionOf = (name: string): string => (require(`${name}/package.json`) as { version: string }).version;

/** Where the playground's files are served from: Herald's own address, never a CDN. */
export const ASSETS_PREFIX = '/graphql/assets/';

/**
 * GraphiQL 3's browser bundle (a UMD script and its stylesheet, fonts inlined as data: URLs) and the React 18 UMD
 * builds it runs on, served from node_modules as they were installed. Only these files are served under the prefix.
 */
export const VENDOR_FILES: readonly { name: string; folder: string }[] = [
  { name: 'react.production.min.js', folder: join(packageDir('react'), 'umd') },
  { name: 'react-dom.production.min.js', folder: join(packageDir('react-dom'), 'umd') },
  { name: 'graphiql.min.js', folder: packageDir('graphiql') },
  { name: 'graphiql.min.css', folder: packageDir('graphiql') },
];

/** Appended to the files' URLs: a new GraphiQL or React changes it, so a browser's cached copy is not reused. */
export const ASSETS_VERSION = `graphiql-${versionOf('graphiql')}.react-${versionOf('react')}`;

/** The script that starts GraphiQL (no inline script: the page's policy allows Herald's own files only). */
export const START_SCRIPT = 'playground.js';

/** The query GraphiQL shows first: how to get a token, and a query to try it (`{origin}` is the page's). */
const defaultQuery = (rootClientId: string): string =>
  [
    "# Herald's GraphQL playground: GraphiQL, served by Herald itself.",
    '#',
    '# Most fields need a token. Ask for one, e.g. for the root',
    `# client ${rootClientId} (with the embedded database its secret`,
    '# is in .data/herald-secrets.json):',
    '#',
    '#   curl -s -X POST {origin}/api/v1/oauth/token \\',
    `#     -d client_id=${rootClientId} -d client_secret="$SECRET"`,
    '#',
    '# Paste its access_token after "Bearer " in Headers below,',
    '# then run this query (the pink button, or Ctrl-Enter).',
    '# The Docs button (top left) lists every query and mutation.',
    '',
    '{',
    '  authInfo {',
    '    clientId',
    '    scopes',
    '  }',
    '}',
    '',
  ].join('\n');

/**
 * Started by the page once React, ReactDOM and GraphiQL are loaded. It posts to /graphql on the page's own origin
 * with the headers of GraphiQL's header editor, prefilled with an `Authorization: Bearer ` template; headers are not
 * kept in the browser's storage (GraphiQL's default), queries and tabs are.
 */
export const startScript = (rootClientId: string): string => `'use strict';
(function () {
  var endpoint = new URL('/graphql', window.location.href).href;
  function fetcher(params, options) {
    var headers = Object.assign({ 'content-type': 'application/json', accept: 'application/json' }, (options && options.headers) || {});
    return fetch(endpoint, { method: 'POST', headers: headers, body: JSON.stringify(params), credentials: 'omit' }).then(function (response) {
      return response.text().then(function (text) {
        try {
          return JSON.parse(text);
        } catch (error) {
          return { errors: [{ message: 'HTTP ' + response.status + ': ' + text }] };
        }
      });
    });
  }
  var element = document.getElementById('graphiql');
  element.textContent = '';
  ReactDOM.createRoot(element).render(
    React.createElement(GraphiQL, {
      fetcher: fetcher,
      defaultQuery: ${JSON.stringify(defaultQuery(rootClientId))}.replace('{origin}', window.location.origin),
      defaultHeaders: ${JSON.stringify('{\n  "Authorization": "Bearer "\n}')},
      defaultEditorToolsVisibility: 'headers',
      shouldPersistHeaders: false,
    }),
  );
})();
`;
