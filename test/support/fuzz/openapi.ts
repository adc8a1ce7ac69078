import fc from 'fast-check';
import {
  asText,
  deepNesting,
  encodeUrlPart,
  enumLeaf,
  hostileNumber,
  hostileString,
  hostileValue,
  mostly,
  percentEncode,
  stringLeaf,
  urlEncoding,
  weighted,
  word,
  wtf8,
} from './hostile.js';
import { Obj, Raw, toJson, type J } from './json-text.js';
import { validByName, type Known } from './known.js';
import { JSON_TYPES, ODD_TYPES, authArb, extraHeadersArb, type FuzzRequest } from './request.js';

/** The parts of an OpenAPI 3.0 document the generator reads. */
export interface Schema {
  $ref?: string;
  type?: string;
  enum?: unknown[];
  format?: string;
  example?: unknown;
  default?: unknown;
  nullable?: boolean;
  minimum?: number;
  maximum?: number;
  maxItems?: number;
  items?: Schema;
  properties?: Record<string, Schema>;
  required?: string[];
  additionalProperties?: boolean | Schema;
  allOf?: Schema[];
}
interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header';
  required?: boolean;
  schema?: Schema;
}
interface Operation {
  parameters?: Parameter[];
  requestBody?: { content: Record<string, { schema: Schema }> };
  security?: unknown[];
}
export interface OpenApi {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Schema> };
}

/** A body as sent: its content type (none when undefined) and bytes, and what is hostile about it. */
interface BodyPart {
  type?: string;
  body?: Buffer;
  notes: string[];
}

export interface RestOperation {
  method: string;
  path: string;
  name: string;
  operation: Operation;
}

export function restOperations(document: OpenApi): RestOperation[] {
  return Object.entries(document.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, operation]) => ({ method: method.toUpperCase(), path, name: `${method.toUpperCase()} ${path}`, operation })),
  );
}

/** Arbitraries for every REST operation of the document: path and query parameters and bodies from its schemas. */
export class RestGenerator {
  constructor(
    private readonly document: OpenApi,
    private readonly known: Known,
  ) {}

  private resolve(schema: Schema): Schema {
    let s = schema;
    for (let i = 0; s.$ref && i < 10; i++) s = this.document.components.schemas[s.$ref.replace('#/components/schemas/', '')] ?? {};
    if (s.allOf?.length) s = { ...this.resolve(s.allOf[0]), ...s, allOf: undefined };
    return s;
  }

  /** A JSON value for the schema: the example, a name hint or the schema's shape; hostile at any leaf now and then. */
  value(schema: Schema, name: string, depth = 0): fc.Arbitrary<J> {
    const s = this.resolve(schema);
    const hint = validByName(name, this.known);
    if (s.enum?.length) return enumLeaf(s.enum.map(String));
    if (s.type === 'array') {
      const item = this.value(s.items ?? {}, name.replace(/s$/, ''), depth + 1);
      const max = s.maxItems ?? 50;
      // Mostly a few items; now and then the bulk limit and past it.
      const list = fc.oneof(
        { arbitrary: fc.array(item, { maxLength: 3 }), weight: 12 },
        { arbitrary: fc.array(item, { minLength: max - 2, maxLength: max + 5 }), weight: 1 },
      );
      return mostly(
        list.map((a): J => a),
        1,
        12,
      );
    }
    if (s.type === 'object' && s.properties && depth < 8) {
      const entries = Object.entries(s.properties).map(([key, property]) => {
        const required = s.required?.includes(key) ?? false;
        const value = this.value(property, key, depth + 1);
        // A required field is left out now and then; an optional one is sent half the time; either may be null.
        const present = required ? fc.oneof({ arbitrary: fc.constant(true), weight: 15 }, { arbitrary: fc.constant(false), weight: 1 }) : fc.boolean();
        return fc.record({ key: fc.constant(key), value, present });
      });
      const extras = fc.oneof(
        { arbitrary: fc.constant<[string, J][]>([]), weight: 10 },
        {
          arbitrary: fc.array(fc.tuple(fc.oneof(word, fc.constantFrom('__proto__', 'constructor', '', '\u0000', '\ud800')), hostileValue), { maxLength: 2 }),
          weight: 1,
        },
      );
      const duplicate = fc.oneof({ arbitrary: fc.constant(false), weight: 12 }, { arbitrary: fc.constant(true), weight: 1 });
      const object = fc
        .record({ fields: fc.tuple(...entries), extras, duplicate, dupValue: hostileValue })
        .map(({ fields, extras, duplicate, dupValue }): J => {
          const chosen: [string, J][] = fields.filter((f) => f.present).map((f) => [f.key, f.value]);
          // A repeated key: the later value wins in JSON.parse, after a validator may have looked at the first.
          if (duplicate && chosen.length > 0) chosen.push([chosen[0][0], dupValue]);
          return new Obj([...chosen, ...extras]);
        });
      return mostly(object, 1, 15);
    }
    if (s.example !== undefined && (s.type === 'object' || s.type === undefined) && depth < 8) {
      const fromExample = this.fromExample(s.example, name);
      return hint ? fc.oneof(fromExample, stringLeaf(hint)) : fromExample;
    }
    if (s.type === 'number' || s.type === 'integer') {
      const min = s.minimum ?? 0;
      const max = s.maximum ?? min + 100;
      return mostly(fc.integer({ min, max }), 1, 5);
    }
    if (s.type === 'boolean') return mostly(fc.boolean(), 1, 6);
    if (s.type === 'string' || hint)
      return stringLeaf(
        hint ??
          (s.format === 'date-time'
            ? validByName('created_at', this.known)!
            : s.example
              ? fc.constant(typeof s.example === 'string' ? s.example : JSON.stringify(s.example))
              : word),
      );
    // Untyped (`type: object` with no properties: a union Swagger could not name): any value.
    return fc.oneof({ arbitrary: stringLeaf(word), weight: 3 }, { arbitrary: hostileNumber, weight: 1 }, { arbitrary: hostileValue, weight: 1 });
  }

  /** The schema's example with each leaf kept, replaced by a name hint or made hostile; keys dropped now and then. */
  private fromExample(example: unknown, name: string): fc.Arbitrary<J> {
    if (Array.isArray(example)) {
      const items = example.map((item) => this.fromExample(item, name));
      return mostly(items.length ? fc.tuple(...items).map((a): J => a) : fc.constant<J>([]), 1, 12);
    }
    if (example !== null && typeof example === 'object') {
      const entries = Object.entries(example).map(([key, value]) =>
        fc.record({
          key: fc.constant(key),
          value: this.fromExample(value, key),
          present: fc.oneof({ arbitrary: fc.constant(true), weight: 10 }, { arbitrary: fc.constant(false), weight: 1 }),
        }),
      );
      return mostly(
        fc.tuple(...entries).map((fields): J => new Obj(fields.filter((f) => f.present).map((f) => [f.key, f.value]))),
        1,
        15,
      );
    }
    const hint = validByName(name, this.known);
    if (typeof example === 'string') return stringLeaf(hint ? fc.oneof(fc.constant(example), hint) : fc.constant(example));
    if (typeof example === 'number') return mostly(fc.constant(example), 1, 8);
    if (typeof example === 'boolean') return mostly(fc.boolean(), 1, 8);
    return hostileValue;
  }

  /** A query string for the operation's parameters, with repeated, unknown and garbage pairs now and then. */
  private query(parameters: Parameter[]): fc.Arbitrary<{ text: string; notes: string[] }> {
    const pairs = parameters
      .filter((p) => p.in === 'query')
      .map((p) => {
        const schema = this.resolve(p.schema ?? {});
        const value: fc.Arbitrary<J[]> =
          schema.type === 'array' ? fc.array(this.value(schema.items ?? {}, p.name), { maxLength: 3 }) : this.value(schema, p.name).map((v) => [v]);
        const present = p.required
          ? fc.oneof({ arbitrary: fc.constant(true), weight: 8 }, { arbitrary: fc.constant(false), weight: 1 })
          : fc.oneof({ arbitrary: fc.constant(true), weight: 1 }, { arbitrary: fc.constant(false), weight: 2 });
        return fc.record({ name: fc.constant(p.name), values: value, present, how: urlEncoding });
      });
    const junk = fc.oneof(
      { arbitrary: fc.constant<string[]>([]), weight: 10 },
      {
        arbitrary: fc.array(
          fc.oneof(
            fc.constantFrom(
              '__proto__[x]=1',
              'constructor[prototype][x]=1',
              'a',
              '=',
              '&&',
              '%',
              '%zz=%zz',
              'page=1&page=2',
              'size[]=1',
              'x=%00',
              'x=%ED%A0%80',
              'size=1e999',
            ),
            fc.tuple(hostileString(), hostileString()).map(([k, v]) => `${percentEncode(k)}=${percentEncode(v)}`),
          ),
          { minLength: 1, maxLength: 3 },
        ),
        weight: 1,
      },
    );
    return fc.record({ pairs: pairs.length ? fc.tuple(...pairs) : fc.constant([]), junk }).map(({ pairs, junk }) => {
      const parts: string[] = [];
      for (const p of pairs) if (p.present) for (const v of p.values) parts.push(`${encodeUrlPart(p.name, 'encoded')}=${encodeUrlPart(asText(v), p.how)}`);
      parts.push(...junk);
      return { text: parts.length ? `?${parts.join('&')}` : '', notes: junk.length ? [`query junk ${junk.join('&')}`] : [] };
    });
  }

  private pathArb(route: RestOperation): fc.Arbitrary<string> {
    const names = [...route.path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
    if (names.length === 0) return fc.constant(route.path);
    // Half the time the parameters name things that belong together (the seeded policy, its rule, its target).
    const valid = (name: string) => {
      const together = this.known.together[name];
      const alone = validByName(name, this.known) ?? word;
      return together ? fc.oneof(fc.constant(together), alone) : alone;
    };
    const values = names.map((name) => fc.record({ value: stringLeaf(valid(name)), how: urlEncoding }));
    return fc.tuple(...values).map((vs) => {
      let path = route.path;
      names.forEach((name, i) => (path = path.replace(`{${name}}`, encodeUrlPart(asText(vs[i].value), vs[i].how))));
      return path;
    });
  }

  /** The body as bytes under a content type: JSON mostly, and malformed, odd-typed, deep, huge or non-UTF-8 ones. */
  private body(route: RestOperation): fc.Arbitrary<BodyPart> {
    const content = route.operation.requestBody?.content ?? {};
    if (content['application/x-www-form-urlencoded'] || content['multipart/form-data']) return this.formBody(content);
    const schema = content['application/json']?.schema;
    if (!schema) {
      return weighted<BodyPart>(
        { arbitrary: fc.constant({ notes: [] }), weight: 12 },
        {
          arbitrary: fc.record({
            type: fc.constantFrom(...JSON_TYPES),
            body: fc.constantFrom('{}', '[]', 'null', '', '{"a":1}').map((b) => Buffer.from(b)),
            notes: fc.constant(['unexpected body']),
          }),
          weight: 1,
        },
      );
    }
    const json = this.value(schema, 'body');
    return weighted<BodyPart>(
      {
        arbitrary: fc
          .record({ type: fc.constantFrom(...JSON_TYPES), value: json })
          .map(({ type, value }) => ({ type, body: Buffer.from(toJson(value)), notes: [] as string[] })),
        weight: 30,
      },
      {
        arbitrary: fc
          .record({ type: fc.constantFrom(...ODD_TYPES), value: json })
          .map(({ type, value }) => ({ type, body: Buffer.from(toJson(value)), notes: [`content-type ${JSON.stringify(type)}`] })),
        weight: 2,
      },
      {
        arbitrary: fc.record({ value: json, cut: fc.nat() }).map(({ value, cut }) => {
          const text = toJson(value);
          return { type: 'application/json', body: Buffer.from(text.slice(0, cut % Math.max(1, text.length))), notes: ['truncated JSON'] };
        }),
        weight: 1,
      },
      { arbitrary: fc.constantFrom('application/json', undefined).map((type) => ({ type, body: undefined, notes: ['no body'] })), weight: 1 },
      { arbitrary: deepNesting.map((raw: Raw) => ({ type: 'application/json', body: Buffer.from(raw.json), notes: [raw.label] })), weight: 2 },
      {
        arbitrary: fc.uint8Array({ minLength: 1, maxLength: 40 }).map((bytes) => ({
          type: 'application/json',
          body: Buffer.concat([Buffer.from('[{"name":"'), Buffer.from(bytes), Buffer.from('"}]')]),
          notes: ['raw bytes in a JSON string'],
        })),
        weight: 1,
      },
      {
        arbitrary: fc
          .integer({ min: 1024 * 1024 - 10, max: 1024 * 1024 + 100 })
          .map((n) => ({ type: 'application/json', body: Buffer.from(`"${'a'.repeat(n)}"`), notes: [`body of ${n + 2} bytes`] })),
        weight: 1,
      },
    );
  }

  /** The token route's form: each field valid-looking or hostile, urlencoded (percent or raw), multipart, or JSON. */
  private formBody(content: Record<string, { schema: Schema }>): fc.Arbitrary<BodyPart> {
    const schema = this.resolve(content['application/x-www-form-urlencoded']?.schema ?? content['multipart/form-data'].schema);
    const fields = Object.entries(schema.properties ?? {}).map(([name, property]) =>
      fc.record({
        name: fc.constant(name),
        value: this.value(property, name),
        present: fc.oneof({ arbitrary: fc.constant(true), weight: 6 }, { arbitrary: fc.constant(false), weight: 1 }),
        twice: fc.oneof({ arbitrary: fc.constant(false), weight: 12 }, { arbitrary: fc.constant(true), weight: 1 }),
      }),
    );
    const form = fc.tuple(...fields).map((fs) =>
      fs
        .filter((f) => f.present)
        .flatMap((f) => (f.twice ? [f, f] : [f]))
        .map((f) => [f.name, asText(f.value)] as [string, string]),
    );
    const boundary = 'fuzzboundary7MA4YWxkTrZu0gW';
    return weighted<BodyPart>(
      {
        arbitrary: fc.record({ form, how: urlEncoding }).map(({ form, how }) => ({
          type: 'application/x-www-form-urlencoded',
          body: Buffer.from(form.map(([k, v]) => `${encodeUrlPart(k, 'encoded')}=${encodeUrlPart(v, how)}`).join('&'), 'latin1'),
          notes: how === 'raw' ? ['raw form encoding'] : [],
        })),
        weight: 8,
      },
      {
        arbitrary: fc.record({ form, file: fc.boolean() }).map(({ form, file }) => {
          const parts = form.map(([k, v]) =>
            Buffer.concat([Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n`), wtf8(v), Buffer.from('\r\n')]),
          );
          if (file)
            parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="f"; filename="a.txt"\r\nContent-Type: text/plain\r\n\r\nhello\r\n`));
          parts.push(Buffer.from(`--${boundary}--\r\n`));
          return {
            type: `multipart/form-data; boundary=${boundary}`,
            body: Buffer.concat(parts),
            notes: ['multipart form', ...(file ? ['with a file part'] : [])],
          };
        }),
        weight: 3,
      },
      {
        arbitrary: fc
          .record({ form, type: fc.constantFrom('application/json', 'text/plain', 'multipart/form-data', 'multipart/form-data; boundary=x') })
          .map(({ form, type }) => ({
            type,
            body: Buffer.from(type === 'application/json' ? JSON.stringify(Object.fromEntries(form)) : form.map(([k, v]) => `${k}=${v}`).join('&')),
            notes: [`form fields sent as ${type}`],
          })),
        weight: 1,
      },
      {
        arbitrary: fc.constant({ type: 'application/x-www-form-urlencoded', body: Buffer.from('%zz=%&%00=%00&client_id'), notes: ['broken form encoding'] }),
        weight: 1,
      },
    );
  }

  request(route: RestOperation): fc.Arbitrary<FuzzRequest> {
    const hasBody = !['GET', 'DELETE', 'HEAD'].includes(route.method);
    return fc
      .record({
        path: this.pathArb(route),
        query: this.query(route.operation.parameters ?? []),
        body: hasBody ? this.body(route) : fc.constant<BodyPart>({ notes: [] }),
        auth: authArb,
        headers: extraHeadersArb,
      })
      .map(({ path, query, body, auth, headers }): FuzzRequest => {
        const all: [string, string][] = [...headers];
        if (body.type !== undefined) all.push(['content-type', body.type]);
        return {
          kind: 'rest',
          operation: route.name,
          method: route.method,
          path: path + query.text,
          headers: all,
          body: body.body,
          auth,
          notes: [...query.notes, ...body.notes],
        };
      });
  }

  /** Requests that are not operations: other methods, preflights, HEAD, paths around the routes, the docs. */
  extras(routes: RestOperation[]): fc.Arbitrary<FuzzRequest> {
    const concrete = fc.constantFrom(...routes).chain((route) => this.pathArb(route).map((path) => ({ route, path })));
    const mk = (operation: string, method: string, path: string, headers: [string, string][] = []): FuzzRequest => ({
      kind: 'http',
      operation,
      method,
      path,
      headers,
      auth: { kind: 'none' },
      notes: [],
    });
    return fc.oneof(
      concrete.map(({ route, path }) =>
        mk('OPTIONS (preflight)', 'OPTIONS', path, [
          ['origin', 'http://evil.example'],
          ['access-control-request-method', route.method],
          ['access-control-request-headers', 'authorization, content-type, x-evil'],
        ]),
      ),
      concrete.map(({ path }) => mk('HEAD', 'HEAD', path)),
      fc
        .record({ route: fc.constantFrom(...routes), method: fc.constantFrom('PUT', 'POST', 'TRACE', 'PROPFIND', 'FOO') })
        .map(({ route, method }) => mk('other method', method, route.path.replace(/\{[^}]+\}/g, 'x'))),
      fc
        .oneof(
          fc.constantFrom(
            '/',
            '//api/v1/dsr/policy',
            '/api/v1/dsr/policy/',
            '/api/v1/../health',
            '/api/v1/%2e%2e/health',
            '/api/v2/health',
            '/health?%00',
            '/docs',
            '/docs/',
            '/openapi.json',
            '/openapi.yaml',
            '/api/v1/oauth/token/..%2F..%2F',
            '/%C0%AE%C0%AE/',
            '/api/v1/privacy-request/%ED%A0%80/verify',
            '*',
          ),
          fc.integer({ min: 1, max: 20_000 }).map((n) => `/api/v1/${'a/'.repeat(n)}`),
          hostileString().map((s) => `/api/v1/${percentEncode(s)}`),
        )
        .map((path) => mk('path around the routes', 'GET', path)),
    );
  }
}
