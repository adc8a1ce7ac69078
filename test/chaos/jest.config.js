/**
 * The chaos suite (`npm run test:chaos`): real Herald processes (`dist/main.js`), real signals, one case at a time.
 * Same ESM transform as the main config; no globalSetup (each case starts its own databases).
 */
import base from '../../jest.config.js';

export default {
  testEnvironment: base.testEnvironment,
  extensionsToTreatAsEsm: base.extensionsToTreatAsEsm,
  moduleNameMapper: base.moduleNameMapper,
  transform: base.transform,
  rootDir: '../..',
  roots: ['<rootDir>/test/chaos'],
  testRegex: '\\.chaos-spec\\.ts$',
  // Two cores: cases measure recovery, so they never share the machine with each other.
  maxWorkers: 1,
  // Each case sets its own bound; this one only catches a case that forgot to.
  testTimeout: 120_000,
};
