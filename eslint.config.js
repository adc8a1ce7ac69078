// ESLint (flat config): `npm run lint:code`. Formatting is Prettier's (`npm run lint:format`, eslint-config-prettier
// turns off the rules that would argue with it); module arrows and cycles are dependency-cruiser's
// (`npm run lint:arrows`, .dependency-cruiser.mjs). This file checks what the code does.
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import { defineConfig, globalIgnores } from 'eslint/config';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default defineConfig(
  globalIgnores(['dist/', 'coverage/', '.data/', '.scratch/', '.ci-results/']),
  js.configs.recommended,
  {
    name: 'herald/typescript',
    files: ['**/*.ts', '**/*.mts'],
    extends: [tseslint.configs.recommendedTypeChecked],
    languageOptions: {
      // tsconfig.spec.json rather than projectService: the project service gives each file its nearest tsconfig.json,
      // and ours covers src/ only, without jest's types (every test/ file is "not found"; in specs describe/expect
      // become `any`). tsconfig.spec.json is the program `npm run typecheck` checks: src, test, bench, jest's types.
      parserOptions: { project: './tsconfig.spec.json', tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      // `const { dropped: _, ...rest } = value` is how the code leaves a key out of a copy.
      '@typescript-eslint/no-unused-vars': ['error', { ignoreRestSiblings: true }],
      // Async without await here implements a Promise-returning contract (Apollo plugin hooks, `() => Promise<T>`
      // callbacks); the mistakes that matter, a promise left unawaited or passed where void is expected, are
      // no-floating-promises and no-misused-promises, which stay on.
      '@typescript-eslint/require-await': 'off',
    },
  },
  {
    // The operator console (console/): a browser program with its own tsconfig (DOM, JSX, bundler resolution).
    name: 'herald/console',
    files: ['console/**/*.ts', 'console/**/*.tsx'],
    extends: [tseslint.configs.recommendedTypeChecked],
    languageOptions: {
      globals: globals.browser,
      parserOptions: { project: './console/tsconfig.json', tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { ignoreRestSiblings: true }],
    },
  },
  {
    name: 'herald/tests',
    files: ['test/**/*.ts'],
    rules: {
      // supertest's `response.body` and GraphQL `data` are `any` by design; every REST answer is checked against the
      // OpenAPI document (test/support/openapi-conformance.ts) and by the expectations, so casts would add nothing.
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      // GraphQL answers are read as `any` in specs, as supertest bodies are; each spec's expectations check their shape.
      '@typescript-eslint/no-explicit-any': 'off',
    },
  },
  {
    name: 'herald/javascript',
    files: ['**/*.js', '**/*.mjs'],
    languageOptions: { globals: globals.node },
  },
  prettier,
);
