/**
 * The browser suite (`npm run test:browser`): Herald's pages in a real Chromium through playwright-core. Not part of
 * `npm test`, which needs no browser; .ci/run installs Debian's chromium when it is missing and runs this config.
 * Same ESM transform and test database as the main config.
 */
import base from '../../jest.config.js';

export default {
  ...base,
  roots: ['<rootDir>/test/browser'],
  testRegex: '\\.browser-spec\\.ts$',
  rootDir: '../..',
  globalSetup: '<rootDir>/test/support/global-setup.js',
  globalTeardown: '<rootDir>/test/support/global-teardown.js',
  // A browser and a Herald per suite are enough for two cores.
  maxWorkers: 1,
  testTimeout: 120_000,
};
