import { AsyncLocalStorage } from 'node:async_hooks';
import { subscribe } from 'node:diagnostics_channel';
import type { ClientRequest, IncomingMessage } from 'node:http';

/**
 * What the provider's last HTTP answer said beyond its status. mailgun.js and twilio drop the response headers from
 * the errors they throw (docs/architecture.md, "Provider SDK notes"), so the headers are read where Node's HTTP client receives them (its
 * diagnostics channels), for the requests made inside `observeResponses`: one mechanism for every SDK on `node:http`.
 */
export interface ObservedResponse {
  /** The `Retry-After` header of the last answer, as sent. */
  retryAfter?: string;
}

const calls = new AsyncLocalStorage<ObservedResponse>();
const observers = new WeakMap<ClientRequest, ObservedResponse>();

// The request starts synchronously inside the SDK call, so the call's store is current there; the answer arrives in
// another context, and finds its observer through the request.
subscribe('http.client.request.start', (message) => {
  const observed = calls.getStore();
  if (observed) observers.set((message as { request: ClientRequest }).request, observed);
});
subscribe('http.client.response.finish', (message) => {
  const { request, response } = message as { request: ClientRequest; response: IncomingMessage };
  const observed = observers.get(request);
  if (!observed) return;
  const value = response.headers['retry-after'];
  observed.retryAfter = typeof value === 'string' ? value : undefined;
});

/** Runs `call`, recording into `observed` what the answers to the HTTP requests it makes carry. */
export function observeResponses<T>(observed: ObservedResponse, call: () => Promise<T>): Promise<T> {
  return calls.run(observed, call);
}

/**
 * `Retry-After` in seconds from now: delay-seconds (`120`) or an HTTP date (`Wed, 21 Oct 2015 07:28:00 GMT`).
 * Undefined when absent or unreadable; 0 for a date already past.
 */
export function parseRetryAfter(value: string | undefined, now = Date.now()): number | undefined {
  const text = value?.trim();
  if (!text) return undefined;
  if (/^\d+$/.test(text)) return Number(text);
  // An HTTP date starts with the day of the week; a number with a sign or a fraction is neither form.
  if (!/^[A-Za-z]{3}/.test(text)) return undefined;
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : Math.max(0, (at - now) / 1000);
}
