import { applyDecorators } from '@nestjs/common';
import { RouteSchema } from '@nestjs/platform-fastify';
import { Answers, registeredModel, type Schema } from './openapi.js';

const REF = '#/components/schemas/';
/** Keywords fast-json-stringify would resolve by validating the value against each branch (slow per request). */
const BRANCHING = ['oneOf', 'anyOf', 'allOf', 'if', 'not'];

/**
 * A response schema for Fastify's serializer (fast-json-stringify) from a schema of `*.openapi.ts`: models inlined,
 * and any part whose shape branches (`oneOf`: a provider's details) left free-form, so JSON.stringify writes it as
 * before. The objects keep `additionalProperties: false`: the mappers' `Static<>` types already hold the keys to the
 * schema, and the serializer writes exactly those.
 */
export function serializerSchema(schema: Schema, seen: readonly string[] = []): Record<string, unknown> {
  const node = schema as Record<string, unknown>;
  if (typeof node.$ref === 'string') {
    const name = node.$ref.startsWith(REF) ? node.$ref.slice(REF.length) : '';
    const target = registeredModel(name);
    // A recursive or unknown model: free-form.
    if (!target || seen.includes(name)) return {};
    return serializerSchema(target, [...seen, name]);
  }
  if (BRANCHING.some((keyword) => keyword in node)) return {};
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === 'properties' && value && typeof value === 'object') {
      out.properties = Object.fromEntries(Object.entries(value).map(([name, property]) => [name, serializerSchema(property as Schema, seen)]));
    } else if ((key === 'items' || key === 'additionalProperties') && value && typeof value === 'object') {
      out[key] = serializerSchema(value as Schema, seen);
    } else if (key !== 'example' && key !== 'examples') {
      out[key] = value;
    }
  }
  return out;
}

/**
 * The route answers `status` with this JSON body: documented (Answers), and written by a serializer Fastify compiles
 * once from the same schema instead of JSON.stringify on every request (issue 20: a measured share of REST's cost).
 */
export const AnswersSerialized = (status: number, schema: Schema, description?: string) =>
  applyDecorators(Answers(status, schema, description), RouteSchema({ response: { [status]: serializerSchema(schema) } }));
