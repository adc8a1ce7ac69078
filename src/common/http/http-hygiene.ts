import cors from '@fastify/cors';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyReply, FastifyRequest } from 'fastify';

type Directives = Record<string, string[]>;

const policy = (directives: Directives): string =>
  Object.entries(directives)
    .map(([name, values]) => [name, ...values].join(' '))
    .join(';'); // as helmet writes it

/**
 * Every API answer is data, never a page: nothing may load, run, frame it or submit from it. (A JSON body opened in
 * a browser, or an HTML-looking error, stays inert.)
 */
export const API_CSP: Directives = {
  'default-src': ["'none'"],
  'base-uri': ["'none'"],
  'form-action': ["'none'"],
  'frame-ancestors': ["'none'"],
};

/**
 * Herald's pages: Swagger UI at /docs, the GraphQL playground (GraphiQL) at GET /graphql, the start page at / and the
 * operator console at /console (its subscriptions are WebSockets to /graphql: 'self' covers ws: and wss: there).
 * Each loads Herald's own files only: scripts from 'self' and no inline script; styles from 'self' and inline (Swagger
 * UI's <style> block, GraphiQL's dialogs and style attributes); data: fonts and images (GraphiQL's stylesheet inlines
 * its fonts); requests to 'self' (GraphiQL posts to /graphql). Helmet's page defaults without
 * `upgrade-insecure-requests`, which would break the pages on a plain-HTTP intranet.
 */
export const PAGE_CSP: Directives = {
  'default-src': ["'self'"],
  'base-uri': ["'self'"],
  'connect-src': ["'self'"],
  'font-src': ["'self'", 'data:'],
  'form-action': ["'self'"],
  'frame-ancestors': ["'none'"],
  'img-src': ["'self'", 'data:'],
  'object-src': ["'none'"],
  'script-src': ["'self'"],
  'script-src-attr': ["'none'"],
  'style-src': ["'self'", "'unsafe-inline'"],
};

const PAGE_POLICY = policy(PAGE_CSP);

/** Methods and request headers a browser on an allowed origin may use; the headers it may read from answers. */
export const CORS_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'];
export const CORS_REQUEST_HEADERS = ['Authorization', 'Content-Type', 'X-Request-Id'];
export const CORS_EXPOSED_HEADERS = ['Retry-After', 'X-Request-Id', 'Content-Disposition'];
const CORS_MAX_AGE_SECONDS = 600;

/**
 * Decision D20: security headers on every answer and CORS for the configured origins only.
 *
 * The headers are helmet 8's through Nest's `useSecurityHeaders()`, not the `@fastify/helmet` plugin, whose hook
 * never runs for the router's own refusals (a path that does not percent-decode, an over-long parameter): those
 * went out bare. Nest's hook runs first on every request and from `frameworkErrors`. `@fastify/cors` is registered
 * as a plugin, not through `enableCors()`, whose hook runs before the security hook and so answered preflights bare.
 */
export async function registerHttpHygiene(app: NestFastifyApplication, settings: { security: { corsOrigins: readonly string[] } }): Promise<void> {
  // Helmet's defaults (HSTS, nosniff, no-referrer, same-origin COOP/CORP, ...) with an API's CSP and no framing.
  app.useSecurityHeaders({
    contentSecurityPolicy: { useDefaults: false, directives: API_CSP },
    xFrameOptions: { action: 'deny' },
  });

  const origins = settings.security.corsOrigins;
  if (origins.length > 0) {
    const any = origins.includes('*');
    const allowed = new Set(origins);
    await app.register(cors, {
      // A refused origin gets no CORS header at all, and its preflight falls through to a plain 404.
      origin: any
        ? '*'
        : (origin: string | undefined, done: (error: Error | null, allow: string | false) => void) =>
            done(null, origin !== undefined && allowed.has(origin) ? origin : false),
      methods: CORS_METHODS,
      allowedHeaders: CORS_REQUEST_HEADERS,
      exposedHeaders: CORS_EXPOSED_HEADERS,
      // Bearer tokens, never cookies: browsers need no credentials mode.
      credentials: false,
      maxAge: CORS_MAX_AGE_SECONDS,
    });
  }

  app
    .getHttpAdapter()
    .getInstance()
    // One callback-style hook for every answer's headers: each async hook cost every request a promise (issue 20).
    .addHook('onSend', (request: FastifyRequest, reply: FastifyReply, payload: unknown, done: (error: null, payload: unknown) => void) => {
      // The request's id (logged with each line) for the caller to quote.
      void reply.header('x-request-id', request.id);
      // Answers carry tokens and personal data: no cache keeps them unless a route says otherwise (static assets do).
      if (!reply.hasHeader('cache-control')) void reply.header('cache-control', 'no-store');
      const type = reply.getHeader('content-type');
      if (typeof type === 'string' && type.startsWith('text/html')) relaxForPages(request, reply);
      done(null, payload);
    });
}

/** The HTML pages Herald serves get the page policy; every other HTML answer keeps the API's. */
function relaxForPages(request: FastifyRequest, reply: FastifyReply): void {
  const route = request.routeOptions.url;
  if (route === undefined) return;
  const page =
    route === '/' ||
    route === '/docs' ||
    route.startsWith('/docs/') ||
    route === '/console' ||
    route.startsWith('/console/') ||
    (route === '/graphql' && request.method === 'GET');
  // The security hook wrote its header on the raw response; replacing it there keeps a single policy.
  if (page) reply.raw.setHeader('content-security-policy', PAGE_POLICY);
}
