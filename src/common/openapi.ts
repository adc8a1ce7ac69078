import { ApiResponse, type OpenAPIObject, type PathItemObject, type ReferenceObject, type ResponseObject, type SchemaObject } from '@nestjs/swagger';

/**
 * Response schemas for the OpenAPI document. Responses are plain objects built by each module's mapper (Fides'
 * snake_case shapes), so they are described as JSON schemas named here once and referenced from the routes, rather
 * than as classes that would only exist for the documentation. `e2e` checks every response the tests see against them.
 */
export type Schema = SchemaObject | ReferenceObject;

const models = new Map<string, SchemaObject>();

/** Registers a named schema under `components.schemas` and returns a reference to it. */
export function model(name: string, schema: SchemaObject): ReferenceObject {
  if (models.has(name) && models.get(name) !== schema) throw new Error(`OpenAPI model ${name} is defined twice`);
  models.set(name, schema);
  return { $ref: `#/components/schemas/${name}` };
}

/** An object whose listed properties are all present (nullable ones say so), with no others. */
export function object(properties: Record<string, Schema>, optional: string[] = []): SchemaObject {
  return {
    type: 'object',
    properties,
    required: Object.keys(properties).filter((key) => !optional.includes(key)),
    additionalProperties: false,
  };
}

export const string: SchemaObject = { type: 'string' };
export const enumOf = (values: readonly string[]): SchemaObject => ({ type: 'string', enum: [...values] });
export const integer: SchemaObject = { type: 'integer' };
export const boolean: SchemaObject = { type: 'boolean' };
export const dateTime: SchemaObject = { type: 'string', format: 'date-time' };
/** The schema or null (an enum lists null too, as OpenAPI 3.0 asks). */
export const nullable = (schema: SchemaObject): SchemaObject => ({
  ...schema,
  nullable: true,
  ...(schema.enum && { enum: [...(schema.enum as unknown[]), null] }),
});
export const arrayOf = (items: Schema): SchemaObject => ({ type: 'array', items });
/** The JSON `null` some Fides routes answer with. */
export const NULL: SchemaObject = { type: 'object', nullable: true, enum: [null], description: 'null' };
/** A field Fides has that is always null here. */
export const alwaysNull = (description: string): SchemaObject => ({ ...NULL, description });
/** A free-form JSON object (jsonb columns whose shape belongs to another document). */
export const anyObject: SchemaObject = { type: 'object', additionalProperties: true };

/** Fides' page (fastapi-pagination): `{items, total, page, size}`. */
export const pageOf = (item: Schema): SchemaObject =>
  object({ items: arrayOf(item), total: integer, page: { type: 'integer', minimum: 1 }, size: { type: 'integer', minimum: 1 } });

/** Fides' bulk answer: the stored items, and the refused ones with their message and the item as echoed. */
export const bulkResultOf = (item: Schema, request: Schema): SchemaObject =>
  object({ succeeded: arrayOf(item), failed: arrayOf(object({ message: string, data: request })) });

/** `{"detail": "..."}`: every error but validation. */
export const DETAIL = model('Detail', object({ detail: string }));

/** `{"detail": ["...", ...]}`: secrets refused by their schema (400), as Fides words them. */
export const DETAIL_LIST = model('DetailList', object({ detail: arrayOf(string) }));

/** FastAPI's validation error (422). */
export const VALIDATION_ERROR = model(
  'ValidationError',
  object({
    detail: arrayOf({
      type: 'object',
      required: ['loc', 'msg', 'type'],
      properties: { loc: arrayOf({ oneOf: [string, integer] }), msg: string, type: string, ctx: anyObject },
    }),
  }),
);

/** The route answers `status` with this JSON body. */
export const Answers = (status: number, schema: Schema, description = 'OK') => ApiResponse({ status, description, schema });

/** The route can refuse with `status` for this reason (`{"detail": "..."}` unless told otherwise). */
export const Refuses = (status: number, description: string, schema: Schema = DETAIL) => ApiResponse({ status, description, schema });

/** The route is rate limited (decision D18): 429 `{"detail": "Too many requests"}` with `Retry-After`. */
export const RateLimited = (description: string) =>
  ApiResponse({
    status: 429,
    description: `Too many requests: ${description}. Nothing was done; try again after \`Retry-After\` seconds`,
    schema: DETAIL,
    headers: { 'Retry-After': { description: 'Seconds until the limit lets the caller in again', schema: { type: 'integer', minimum: 1 } } },
  });

const METHODS = ['get', 'put', 'post', 'delete', 'patch'] as const;
const jsonOf = (schema: Schema) => ({ 'application/json': { schema } });

/**
 * Completes the generated document: adds the named models, gives 401/403 their body, and documents the errors every
 * route shares instead of repeating them on each: 404 where a path names something, 422 everywhere (hostile bytes
 * can arrive on any route). A route that documented an error itself keeps its own description.
 */
export function completeDocument(document: OpenAPIObject): OpenAPIObject {
  document.components ??= {};
  document.components.schemas = { ...document.components.schemas, ...Object.fromEntries(models) };
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
