// The arrows of docs/architecture.md ("Allowed arrows"), checked by `npm run lint:arrows`.
// Type-only imports count (tsPreCompilationDeps): "common imports nothing of Herald's (types included)".

const SHARED = ['config', 'database', 'common'];
/** Module (a folder under src/) -> the modules it may import besides itself. */
const MAY_IMPORT = {
  config: ['common'], // common is the lowest layer: config parses its types and provides its KeyRing
  common: [],
  // GraphiQL at GET /graphql and the start page at /: graphql installs its landing page, app.factory.ts its routes.
  playground: ['config', 'common'],
  database: ['config', 'common'],
  'rate-limits': [...SHARED],
  auth: ['rate-limits', ...SHARED],
  secrets: ['auth', 'rate-limits', ...SHARED],
  'messaging-config': ['secrets', 'auth', 'rate-limits', ...SHARED],
  notifications: ['messaging-config', 'secrets', 'auth', 'rate-limits', ...SHARED],
  connections: ['notifications', 'messaging-config', 'secrets', 'auth', 'rate-limits', ...SHARED],
  datasets: ['connections', 'notifications', 'messaging-config', 'secrets', 'auth', 'rate-limits', ...SHARED],
  'privacy-requests': ['datasets', 'connections', 'notifications', 'messaging-config', 'secrets', 'auth', 'rate-limits', ...SHARED],
};
/** On top: they may import any module but one another; no module imports them. */
const TOP = ['graphql', 'health', 'crypto-rotation'];
/** Modules whose every file is public (docs/architecture.md: "everything in it"). */
const OPEN = ['common'];

const any = (names) => `(${names.join('|')})`;
const everyModule = [...Object.keys(MAY_IMPORT), ...TOP];
// Every module but the open ones is entered through its index.ts (docs/architecture.md, "Module surfaces").
const withIndex = Object.keys(MAY_IMPORT).filter((m) => !OPEN.includes(m));

/** @type {import('dependency-cruiser').IConfiguration} */
export default {
  forbidden: [
    ...Object.entries(MAY_IMPORT).map(([module, allowed]) => ({
      name: `arrows-${module}`,
      comment: `${module} may import only ${allowed.length ? allowed.join(', ') : 'nothing of Herald'} (docs/architecture.md, "Allowed arrows").`,
      severity: 'error',
      from: { path: `^src/${module}/` },
      to: { path: '^src/', pathNot: `^src/${any([module, ...allowed])}/` },
    })),
    {
      name: 'arrows-top',
      comment: 'graphql, health and crypto-rotation are on top: no module imports them.',
      severity: 'error',
      from: { path: '^src/[^/]+/', pathNot: `^src/${any(TOP)}/` },
      to: { path: `^src/${any(TOP)}/` },
    },
    {
      name: 'arrows-root',
      comment: 'main.ts, app.module.ts and app.factory.ts put the modules together: no module imports them.',
      severity: 'error',
      from: { path: '^src/[^/]+/' },
      to: { path: '^src/[^/]+$' },
    },
    {
      name: 'arrows-top-among-themselves',
      comment: 'graphql, health and crypto-rotation do not import one another.',
      severity: 'error',
      from: { path: `^src/${any(TOP)}/` },
      to: { path: `^src/${any(TOP)}/`, pathNot: '^src/$1/' },
    },
    {
      name: 'module-surface',
      comment: 'Another module is used through its index.ts only, never its entities, resolvers, DTOs or files (docs/architecture.md rule 5).',
      severity: 'error',
      from: { path: '^src/([^/]+)/' },
      to: { path: `^src/${any(withIndex)}/`, pathNot: ['^src/$1/', `^src/${any(withIndex)}/index\\.ts$`] },
    },
    {
      name: 'arrows-unknown-module',
      comment: 'A new folder under src/ gets its place in MAY_IMPORT or TOP above (and in docs/architecture.md) first.',
      severity: 'error',
      from: { path: '^src/[^/]+/', pathNot: `^src/${any(everyModule)}/` },
      to: {},
    },
    {
      name: 'no-cycles',
      comment: 'No import cycles, within a module or between modules, type-only ones included (docs/architecture.md rule 6).',
      severity: 'error',
      from: { path: '^(src|test|bench)/' },
      to: { circular: true },
    },
    {
      name: 'not-to-unresolvable',
      comment: 'An import the checker cannot resolve is an import it cannot check (dist/ is built after lint runs).',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true, pathNot: '^([.][.]/)+dist/' },
    },
    {
      name: 'not-to-dev-dep',
      comment: 'src/ runs in production, where devDependencies are not installed (type-only imports are fine).',
      severity: 'error',
      from: { path: '^src/', pathNot: '\\.spec\\.ts$' },
      to: { dependencyTypes: ['npm-dev'], dependencyTypesNot: ['type-only'], pathNot: '/@types/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(dist|node_modules|\\.data|\\.scratch|coverage)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.spec.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      mainFields: ['module', 'main', 'types', 'typings'],
    },
  },
};
