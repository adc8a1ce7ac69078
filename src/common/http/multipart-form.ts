import multipart from '@fastify/multipart';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyRequest } from 'fastify';
import { RequestValidationError } from '../errors/herald.error.js';

/** Statuses @fastify/multipart gives its own errors (limits, prototype keys); busboy's parse errors have none. */
const statusOf = (error: unknown): number | undefined => (error as { statusCode?: unknown }).statusCode as number | undefined;

/**
 * Fides' /oauth/token takes multipart forms too: their fields become a plain object, files are refused. Fields are
 * read here rather than by the plugin's `attachFieldsToBody`, so that a body busboy cannot parse (no boundary, a
 * truncated part) is a 422 like malformed JSON, not busboy's bare Error (a 500).
 */
export async function readMultipartForms(app: NestFastifyApplication): Promise<void> {
  await app.register(multipart, { limits: { files: 0, fieldSize: 16 * 1024, fields: 20 } });
  app
    .getHttpAdapter()
    .getInstance()
    // Callback style: most requests are not multipart, and an async hook would cost each of them a promise.
    .addHook('preValidation', (request, _reply, done) => {
      if (!request.isMultipart()) return done();
      readFields(request).then(() => done(), done);
    });
}

/** The fields of a multipart body, as the request's body. */
async function readFields(request: FastifyRequest): Promise<void> {
  const fields: Record<string, unknown> = {};
  try {
    for await (const part of request.parts()) {
      if (part.type === 'field') fields[part.fieldname] = part.value;
    }
  } catch (error) {
    const status = statusOf(error);
    if (status !== undefined && status >= 400 && status < 500) throw error;
    throw new RequestValidationError([{ loc: ['body'], msg: 'Invalid multipart body: the body could not be parsed', type: 'value_error.multipart' }]);
  }
  request.body = fields;
}
