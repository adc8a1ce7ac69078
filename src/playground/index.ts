// The playground module: GraphiQL at GET /graphql for browsers, its files, and the start page at GET /.
export { graphiqlLandingPage } from './graphiql-page.js';
export { registerPlayground } from './register-playground.js';
