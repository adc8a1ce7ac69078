import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyInstance, FastifyReply } from 'fastify';

/**
 * The operator console's build (console/, `vite build` by scripts/build.mjs). Found from src/playground/ under the
 * tests and from dist/playground/ when running: both sit one folder below the repository's root.
 */
export const CONSOLE_DIR = fileURLToPath(new URL('../../dist/console/', import.meta.url));
export const CONSOLE_PREFIX = '/console';
/** Vite names every asset by its content's hash: a changed file is a new URL, so a browser may keep one for a year. */
const ASSET_CACHE = 'public, max-age=31536000, immutable';

const NOT_BUILT = `<!doctype html>
<html lang="en"><head><meta charset="utf-8" /><title>Herald console: not built</title></head>
<body><main><h1>The console is not built</h1><p>Run <code>npm run build</code> (or <code>npm start</code>, which builds what changed), then reload.</p></main></body></html>
`;

/**
 * GET /console: the console's page for itself and for each of its client routes (/console/activity, ...), and its
 * hashed files under /console/assets/. The page policy (CSP) is common/http/http-hygiene.ts's, as for `/`.
 */
export function registerConsole(app: NestFastifyApplication, dir = CONSOLE_DIR): void {
  const fastify = app.getHttpAdapter().getInstance();
  let page: string | undefined;
  // Read once it exists: a Herald started before the console was built serves it after the build.
  const indexPage = (): string | undefined => (page ??= existsSync(join(dir, 'index.html')) ? readFileSync(join(dir, 'index.html'), 'utf8') : undefined);
  indexPage();
  const answer = (_request: unknown, reply: FastifyReply) => {
    const html = indexPage();
    return html === undefined ? reply.code(503).type('text/html; charset=utf-8').send(NOT_BUILT) : reply.type('text/html; charset=utf-8').send(html);
  };
  fastify.get(CONSOLE_PREFIX, answer);
  fastify.get(`${CONSOLE_PREFIX}/*`, answer);
  // Encapsulated and without reply decorators, as the playground's files (Swagger registers its own copy).
  void fastify.register(async (instance: FastifyInstance) => {
    await instance.register(fastifyStatic, {
      root: join(dir, 'assets'),
      prefix: `${CONSOLE_PREFIX}/assets/`,
      decorateReply: false,
      index: false,
      list: false,
      dotfiles: 'deny',
      cacheControl: false,
      // Missing until the first build; the page's 503 says so.
      allowedPath: () => existsSync(join(dir, 'assets')),
      setHeaders: (response) => {
        response.setHeader('cache-control', ASSET_CACHE);
      },
    });
  });
}
