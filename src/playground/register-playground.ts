import fastifyStatic from '@fastify/static';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyInstance } from 'fastify';
import type { Settings } from '../config/index.js';
import { ASSETS_PREFIX, START_SCRIPT, VENDOR_FILES, startScript } from './playground-assets.js';
import { startPage } from './start-page.js';

/** GraphiQL's and React's files carry their versions in their URLs: a browser may keep them a day. */
const ASSET_MAX_AGE = '1d';

type PlaygroundSettings = Pick<Settings, 'graphqlIntrospection' | 'publicUrl'> & { security: Pick<Settings['security'], 'oauthRootClientId'> };

/**
 * GET / (a static page of links, always) and, while GraphQL introspection is on (D17's switch), the files GraphiQL's
 * page at GET /graphql loads, under /graphql/assets/. Plain Fastify routes, outside Nest's router like Swagger's /docs:
 * no guard, no global prefix. The page policy (CSP) of `/` and `/graphql` is set by common/http/http-hygiene.ts.
 */
export function registerPlayground(app: NestFastifyApplication, settings: PlaygroundSettings): void {
  const fastify = app.getHttpAdapter().getInstance();
  const page = startPage({ playground: settings.graphqlIntrospection, rootClientId: settings.security.oauthRootClientId, publicUrl: settings.publicUrl });
  fastify.get('/', (_request, reply) => reply.type('text/html; charset=utf-8').send(page));
  if (!settings.graphqlIntrospection) return;

  const script = startScript(settings.security.oauthRootClientId);
  const allowed = new Set(VENDOR_FILES.map((file) => `/${file.name}`));
  // Encapsulated, and without reply decorators, as Swagger registers its own copy of the plugin for /docs.
  void fastify.register(async (instance: FastifyInstance) => {
    await instance.register(fastifyStatic, {
      root: [...new Set(VENDOR_FILES.map((file) => file.folder))],
      prefix: ASSETS_PREFIX,
      decorateReply: false,
      // Only the listed files, whatever else those folders hold.
      allowedPath: (pathname: string) => allowed.has(pathname),
      index: false,
      list: false,
      dotfiles: 'deny',
      maxAge: ASSET_MAX_AGE,
    });
    // Herald's own script (it names the root client) is not cached: no-store, as every answer without a policy.
    instance.get(`${ASSETS_PREFIX}${START_SCRIPT}`, (_request, reply) => reply.type('text/javascript; charset=utf-8').send(script));
  });
}
