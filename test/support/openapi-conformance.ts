import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Ajv, type ValidateFunction } from 'ajv';

/**
 * Holds every REST answer the e2e tests provoke to the OpenAPI document the same app serves: the route must be
 * documented, the status must be one it documents, and a JSON body must match that status's schema. Problems are
 * collected, not thrown mid-request, and reported when the test app closes (failing the suite that saw them).
 */
export class OpenApiConformance {
  private readonly problems = new Set<string>();
  private readonly validators = new Map<string, ValidateFunction>();
  private readonly pending: Answer[] = [];
  private document?: OpenApiDocument;
  private ajv?: Ajv;

  /** `fetchDocument` reads `/openapi.json` through the real HTTP stack (Fastify's inject pulls in an ESM-only module). */
  constructor(
    app: NestFastifyApplication,
    private readonly fetchDocument: () => Promise<OpenApiDocument>,
  ) {
    const fastify = app.getHttpAdapter().getInstance();
    fastify.addHook('onSend', async (request, reply, payload) => {
      const route = request.routeOptions.url;
      if (route && route !== START_PAGE && !UNDOCUMENTED.some((prefix) => route.startsWith(prefix))) {
        this.pending.push({
          method: request.method.toLowerCase(),
          route,
          status: reply.statusCode,
          type: String(reply.getHeader('content-type') ?? ''),
          payload,
        });
      }
      return payload;
    });
  }

  /** Checks the answers seen so far; returns the problems found since the app started. */
  async check(): Promise<string[]> {
    if (this.pending.length > 0) {
      this.document ??= await this.fetchDocument();
      for (const answer of this.pending.splice(0)) this.checkOne(answer);
    }
    return [...this.problems];
  }

  private checkOne({ method, route, status, type, payload }: Answer): void {
    const path = route.replace(/:([A-Za-z_]+)/g, '{$1}').replace(/\/$/, '') || '/';
    const name = `${method.toUpperCase()} ${path}`;
    const operation = this.document!.paths[path]?.[method];
    if (!operation) return void this.problems.add(`${name}: not in the OpenAPI document`);
    if (status >= 500) return; // internal errors are not part of any route's contract
    const response = operation.responses[String(status)];
    if (!response) return void this.problems.add(`${name}: answered ${status}, which it does not document`);
    const schema = response.content?.['application/json']?.schema;
    const body = typeof payload === 'string' ? payload : Buffer.isBuffer(payload) ? payload.toString('utf8') : undefined;
    if (!type.startsWith('application/json') || body === undefined) {
      if (schema && status !== 204) this.problems.add(`${name} ${status}: documents a JSON body but sent ${type || 'none'}`);
      return;
    }
    if (!schema) return void this.problems.add(`${name} ${status}: sent JSON but documents no schema`);
    const validate = this.validator(`${name} ${status}`, schema);
    if (!validate(JSON.parse(body))) {
      const first = validate.errors!.slice(0, 3).map((e) => `${e.instancePath || '/'} ${e.message} ${JSON.stringify(e.params)}`);
      this.problems.add(`${name} ${status}: body does not match its schema: ${first.join('; ')}`);
    }
  }

  private validator(key: string, schema: object): ValidateFunction {
    if (!this.validators.has(key)) {
      if (!this.ajv) {
        // OpenAPI 3.0 schemas: `nullable` and `example` are theirs; formats are documentation here.
        this.ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
        this.ajv.addSchema({ $id: 'openapi', components: refsToDocument(this.document!.components) });
      }
      this.validators.set(key, this.ajv.compile(refsToDocument(schema)));
    }
    return this.validators.get(key)!;
  }
}

/**
 * Routes outside the REST contract: GraphQL has its schema, the documentation routes serve themselves, the operator
 * console's page and files are a web application (src/playground/register-console.ts), and `*` is @fastify/cors'
 * catch-all OPTIONS route for preflights.
 */
const UNDOCUMENTED = ['/graphql', '/docs', '/openapi', '/console', '*'];
/** The page of links at / (src/playground/): a page, not a REST operation. */
const START_PAGE = '/';

const refsToDocument = <T>(schema: T): T => JSON.parse(JSON.stringify(schema).replaceAll('"#/components/', '"openapi#/components/')) as T;

interface Answer {
  method: string;
  route: string;
  status: number;
  type: string;
  payload: unknown;
}

export interface OpenApiDocument {
  paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, { schema?: object }> }> }>>;
  components: object;
}
