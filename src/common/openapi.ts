import { Type, type Static, type TOptional, type TProperties, type TSchema } from '@sinclair/typebox';
import { ApiResponse, type OpenAPIObject, type PathItemObject, type ResponseObject, type SchemaObject } from '@nestjs/swagger';

/**
 * Response schemas for the OpenAPI document, and the TypeScript types of the answers: one source per shape. Each
 * module's `*.openapi.ts` names its shapes once with these builders (TypeBox schemas, so `Static<typeof X>` is the
 * type its mapper must return); adding a field to a REST answer touches that schema and the mapper, and the compiler
 * holds the two together. `e2e` checks every response the tests see against the document.
 */
export type Schema = TSchema;
/** The TypeScript type of the answers a schema describes. */
export type { Static };

const models = new Map<string, TSchema>();

/** The schema registered under `name`, if any (for serializers compiled from the same shapes: see `response-serializer.ts`). */
export const registeredModel = (name: string): TSchema | undefined => models.get(name);

/** Registers a named schema under `components.schemas` and returns a reference to it (typed as the schema). */
export function model<S extends TSchema>(name: string, schema: S) {
  if (models.has(name) && models.get(name) !== schema) throw new Error(`OpenAPI model ${name} is defined twice`);
  models.set(name, schema);
  return Type.Unsafe<Static<S>>({ $ref: `#/components/schemas/${name}` });
}

type Optional<P extends TProperties, O extends keyof P> = { [K in keyof P]: K extends O ? TOptional<P[K]> : P[K] };

/** An object whose listed properties are all present (nullable ones say so) but the `optional` ones, with no others. */
export function object<P extends TProperties, O extends keyof P & string = never>(properties: P, optional: readonly O[] = []) {
  const props = Object.fromEntries(
    Object.entries(properties).map(([key, schema]) => [key, optional.includes(key as O) ? Type.Optional(schema) : schema]),
  ) as Optional<P, O>;
  return Type.Object(props, { additionalProperties: false });
}

export const string = Type.String();
export const enumOf = <const T extends readonly string[]>(values: T) => Type.Unsafe<T[number]>({ type: 'string', enum: [...values] });
export const integer = Type.Integer();
export const boolean = Type.Boolean();
export const dateTime = Type.String({ format: 'date-time' });
/** The schema or null (OpenAPI 3.0's `nullable`; an enum lists null too, as OpenAPI 3.0 asks). */
export const nullable = <S extends TSchema>(schema: S) =>
  Type.Unsafe<Static<S> | null>({
    ...schema,
    nullable: true,
    ...(Array.isArray(schema.enum) && { enum: [...(schema.enum as unknown[]), null] }),
  });
export const arrayOf = <S extends TSchema>(items: S) => Type.Array(items);
/** The JSON `null` some Fides routes answer with. */
export const NULL = Type.Unsafe<null>({ type: 'object', nullable: true, enum: [null], description: 'null' });
/** A field Fides has that is always null here. */
export const alwaysNull = (description: string) => Type.Unsafe<null>({ type: 'object', nullable: true, enum: [null], description });
/** A free-form JSON object (jsonb columns whose shape belongs to another document). */
export const anyObject = Type.Unsafe<Record<string, unknown>>({ type: 'object', additionalProperties: true });
/** One of several shapes. */
export const oneOf = <S extends TSchema[]>(schemas: [...S], description?: string) =>
  Type.Unsafe<Static<S[number]>>({ oneOf: schemas, ...(description && { description }) });

/** An object of any keys whose values all have one shape. */
export const mapOf = <S extends TSchema>(values: S, description?: string) =>
  Type.Unsafe<Record<string, Static<S>>>({ type: 'object', additionalProperties: values, ...(description && { description }) });
/** A reference to a model registered later (a recursive shape). */
export const refTo = <T>(name: string) => Type.Unsafe<T>({ $ref: `#/components/schemas/${name}` });

/** Fides' page (fastapi-pagination): `{items, total, page, size}`; `totalDescription` says what `total` is when not a count. */
export const pageOf = <S extends TSchema>(item: S, totalDescription?: string) =>
  object({
    items: arrayOf(item),
    total: totalDescription ? Type.Integer({ description: totalDescription }) : integer,
    page: Type.Integer({ minimum: 1 }),
    size: Type.Integer({ minimum: 1 }),
  });

/** Fides' bulk answer: the stored items, and the refused ones with their message and the item as echoed. */
export const bulkResultOf = <S extends TSchema, R extends TSchema>(item: S, request: R) =>
  object({ succeeded: arrayOf(item), failed: arrayOf(object({ message: string, data: request })) });

/** `{"detail": "..."}`: every error but validation. */
export const DETAIL = model('Detail', object({ detail: string }));

/** `{"detail": ["...", ...]}`: secrets refused by their schema (400), as Fides words them. */
export const DETAIL_LIST = model('DetailList', object({ detail: arrayOf(string) }));

/** FastAPI's validation error (422). */
export const VALIDATION_ERROR = model(
  'ValidationError',
  object({
    detail: arrayOf(Type.Object({ loc: arrayOf(oneOf([string, integer])), msg: string, type: string, ctx: Type.Optional(anyObject) })),
  }),
);

/** The route answers `status` with this JSON body. */
export const Answers = (status: number, schema: Schema, description = 'OK') => ApiResponse({ status, description, schema: schema });

/** The route can refuse with `status` for this reason (`{"detail": "..."}` unless told otherwise). */
export const Refuses = (status: number, description: string, schema: Schema = DETAIL) => ApiResponse({ status, description, schema: schema });

/** The route is rate limited (decision D18): 429 `{"detail": "Too many requests"}` with `Retry-After`. */
export const RateLimited = (description: string) =>
  ApiResponse({
    status: 429,
    description: `Too many requests: ${description}. Nothing was done; try again after \`Retry-After\` seconds`,
    schema: DETAIL,
    headers: { 'Retry-After': { description: 'Seconds until the limit lets the caller in again', schema: { type: 'integer', minimum: 1 } } },
  });

const METHODS = ['get', 'head', 'put', 'post', 'delete', 'patch'] as const;
const jsonOf = (schema: Schema) => ({ 'application/json': { schema: schema as SchemaObject } });

/**
 * Completes the generated document: adds the named models, gives 401/403 their body, and documents the errors every
 * route shares instead of repeating them on each: 404 where a path names something, 422 everywhere (hostile bytes
 * can arrive on any route). A route that documented an error itself keeps its own description.
 */
export function completeDocument(document: OpenAPIObject): OpenAPIObject {
  document.components ??= {};
  document.components.schemas = { ...document.components.schemas, ...(Object.fromEntries(models) as Record<string, SchemaObject>) };
  for (const operations of Object.values<PathItemObject>(document.paths)) {
    for (const method of METHODS) {
      const operation = operations[method];
      if (!operation) continue;
      const responses = operation.responses;
      const parameters = (operation.parameters ?? []) as { in?: string }[];
      const add = (status: string, description: string, schema: Schema) => {
        const own = responses[status] as ResponseObject | undefined;
        responses[status] = { ...own, description: own?.description || description, content: own?.content ?? jsonOf(schema) };
      };
      if (responses['401']) add('401', 'Missing, malformed or expired token', DETAIL);
      if (responses['403']) add('403', 'Token without the scope', DETAIL);
      if (parameters.some((parameter) => parameter.in === 'path')) add('404', 'Nothing of that key', DETAIL);
      // Every route: a NUL or lone surrogate in any query value or read header is refused before routing (D19).
      add('422', 'Invalid request, or hostile bytes in a header, query or body (FastAPI shape: a `loc` for each problem)', VALIDATION_ERROR);
      if (operation.requestBody) add('413', 'Body over the size limit', DETAIL);
    }
  }
  return document;
}
