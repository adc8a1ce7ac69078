// The playground module: GraphiQL at GET /graphql for browsers, its files, the start page at GET / and the operator
// console's built files at /console.
export { graphiqlLandingPage } from './graphiql-page.js';
export { registerPlayground } from './register-playground.js';
export { registerConsole } from './register-console.js';
