// The operator console: React 18 built by Vite into dist/console/, served by Herald at /console (src/playground/).
// No @vitejs/plugin-react: Vite's own transform (oxc) compiles JSX with React's automatic runtime; no fast refresh.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/console/',
  oxc: { jsx: { runtime: 'automatic' } },
  // Herald's page policy allows no inline script: Vite's module preload polyfill would be one.
  build: {
    outDir: fileURLToPath(new URL('../dist/console/', import.meta.url)),
    emptyOutDir: true,
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    sourcemap: false,
    reportCompressedSize: false,
    rolldownOptions: {
      // react-router's "use client" directives mean nothing outside server components.
      onwarn(warning, warn) {
        if (warning.code !== 'MODULE_LEVEL_DIRECTIVE') warn(warning);
      },
    },
  },
  // `npx vite console` for a dev server against a Herald on :8080 (GraphQL and the token route proxied).
  server: {
    proxy: {
      '/graphql': { target: 'http://127.0.0.1:8080', ws: true },
      '/api': 'http://127.0.0.1:8080',
    },
  },
  logLevel: 'warn',
});
