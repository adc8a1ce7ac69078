import type { IncomingMessage } from 'node:http';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { Logger, PinoLogger } from 'nestjs-pino';
import type { FastifyError, FastifyReply, FastifyRequest, RawServerDefault } from 'fastify';
import type { DestinationStream } from 'pino';
import { AppModule } from './app.module.js';
import { AllExceptionsFilter } from './common/errors/all-exceptions.filter.js';
import { registerHttpHygiene } from './common/http/http-hygiene.js';
import { readMultipartForms } from './common/http/multipart-form.js';
import { FrameworkQuietingLogger, logRequests } from './common/logging.js';
import { completeDocument } from './common/openapi.js';
import { requestIdFor } from './common/request-id.js';
import { FidesValidationPipe } from './common/validation/fides-validation.pipe.js';
import { MAX_LENGTH } from './common/validation/fides-validators.js';
import { answerFrameworkError, jsonBodyParser, refuseHostileInput } from './common/validation/hostile-input.js';
import { HERALD_VERSION } from './common/version.js';
import type { Settings } from './config/settings.js';
import { registerConsole, registerPlayground } from './playground/index.js';

/** Request bodies above this are refused with 413 (Fides' largest bodies, bulk datasets, stay far below). */
export const BODY_LIMIT_BYTES = 1024 * 1024;

/**
 * Builds the whole application, initialised but not listening: the same app for `main.ts` and for the tests.
 * `settings.databaseUrl` must point at a running PostgreSQL.
 */
export async function createApp(settings: Settings, options: { logDestination?: DestinationStream } = {}): Promise<NestFastifyApplication> {
  const adapter: FastifyAdapter = new FastifyAdapter({
    bodyLimit: BODY_LIMIT_BYTES,
    // A path that does not percent-decode is a 422 in Fides' shape (D19), as Nest's default after its security hook.
    frameworkErrors: (error: FastifyError, request: FastifyRequest, reply: FastifyReply) =>
      answerFrameworkError(error, request, reply, securityHookOf(adapter)),
    // Fides answers every route with and without a trailing slash, without redirecting. A key of the longest length
    // the DTOs accept (decision D19) stays addressable in a path, percent-encoded too (Fastify's default is 100).
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 3 * MAX_LENGTH.key },
    genReqId: (req: IncomingMessage) => requestIdFor(req),
    // The client address (rate limits per address) comes from X-Forwarded-For only through trusted proxies.
    // (A hop count is a number: Fastify takes it, the adapter's type omits it.)
    trustProxy: settings.trustProxy,
  });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(settings, options.logDestination), adapter, {
    bufferLogs: true,
    abortOnError: false,
  });
  // nestjs-pino's logger, with Nest's start-up narration (modules loaded, routes mapped) at debug rather than info.
  app.useLogger(new FrameworkQuietingLogger(app.get(Logger)));
  logRequests(app.getHttpAdapter().getInstance(), await app.resolve(PinoLogger));
  parseJsonBodies(app);
  app.flushLogs();
  await registerHttpHygiene(app, settings);

  await readMultipartForms(app);
  // After multipart, whose fields its preValidation hook checks (decision D19).
  refuseHostileInput(app.getHttpAdapter().getInstance());

  app.setGlobalPrefix('api/v1', { exclude: ['health'] });
  app.useGlobalPipes(new FidesValidationPipe());
  app.useGlobalFilters(new AllExceptionsFilter());
  setUpOpenApi(app);
  registerPlayground(app, settings);
  registerConsole(app);
  await app.init();
  return app;
}

/**
 * JSON bodies: an empty body is no body, as in FastAPI (not Fastify's 400); nesting past 64 levels and hostile
 * strings are refused (D19); the rest goes to Fastify's own parser, with its prototype-poisoning checks.
 */
function parseJsonBodies(app: NestFastifyApplication): void {
  // Fastify types its default parser as callback- or promise-style; the default one is callback-style.
  const parseJson = app.getHttpAdapter().getInstance().getDefaultJsonParser('error', 'error') as Parameters<typeof jsonBodyParser>[0];
  app.useBodyParser<RawServerDefault>('application/json', { bodyLimit: BODY_LIMIT_BYTES }, jsonBodyParser(parseJson));
}

/** The adapter's security hook (`app.useSecurityHeaders()`), which its default `frameworkErrors` runs. */
function securityHookOf(adapter: FastifyAdapter) {
  return (adapter as unknown as { securityHook?: Parameters<typeof answerFrameworkError>[3] }).securityHook;
}

function setUpOpenApi(app: NestFastifyApplication): void {
  const config = new DocumentBuilder()
    .setTitle('Herald')
    .setDescription(
      'Messaging for privacy requests, compatible with Fides clients. Get a token at `POST /api/v1/oauth/token` ' +
        '(client credentials); each route names the scope it needs. GraphQL lives at `/graphql`.',
    )
    .setVersion(HERALD_VERSION)
    .addOAuth2({ type: 'oauth2', flows: { clientCredentials: { tokenUrl: '/api/v1/oauth/token', scopes: {} } } }, 'oauth2')
    .build();
  // Built on the first request for it, not at start-up: scanning every route took a tenth of a restart's CPU.
  const document = () => completeDocument(SwaggerModule.createDocument(app, config));
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'openapi.json', yamlDocumentUrl: 'openapi.yaml' });
}
