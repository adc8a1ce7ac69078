import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

const ids = new WeakMap<IncomingMessage, string>();
const ACCEPTED = /^[\w.:-]{1,128}$/;

/**
 * The id of an HTTP request (Fastify's `request.id`, which the request log line and the `X-Request-Id` answer
 * header use): the caller's `X-Request-Id` when it is sane, else a new UUID.
 */
export function requestIdFor(raw: IncomingMessage): string {
  let id = ids.get(raw);
  if (id === undefined) {
    const header = raw.headers['x-request-id'];
    id = typeof header === 'string' && ACCEPTED.test(header) ? header : randomUUID();
    ids.set(raw, id);
  }
  return id;
}
