/** Jest in ESM mode (Nest 12 is ESM-only): unit specs beside their sources, e2e specs under test/e2e. */
export default {
  testEnvironment: 'node',
  rootDir: '.',
  roots: ['<rootDir>/src', '<rootDir>/test'],
  testRegex: '.*\\.(e2e-)?spec\\.ts$',
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: {
    '^(\\.{1,2}/.*)\\.js$': '$1',
    // sanitize-html (CommonJS) requires htmlparser2 12, which is ESM-only: Node loads it (require(esm)), Jest's runtime
    // cannot before Node 24.9. Under Jest it gets htmlparser2 10's CommonJS build, the same parser API.
    '^htmlparser2$': '<rootDir>/node_modules/htmlparser2/dist/commonjs/index.js',
  },
  transform: { '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: 'tsconfig.spec.json' }] },
  globalSetup: '<rootDir>/test/support/global-setup.js',
  globalTeardown: '<rootDir>/test/support/global-teardown.js',
  maxWorkers: 2,
  testTimeout: 60_000,
};
