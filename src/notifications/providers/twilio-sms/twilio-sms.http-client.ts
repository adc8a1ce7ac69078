import twilio from 'twilio';
import type RequestClient from 'twilio/lib/base/RequestClient.js';
import type * as TwilioHttpResponse from 'twilio/lib/http/response.js';

/**
 * The HTTP client every Twilio call goes through (twilio's documented `httpClient` option): an explicit timeout, no
 * automatic retries (Herald's outbox retries), and, when `TWILIO_API_URL` is set, every request sent to that origin
 * instead (path and query kept). The SDK has no base-URL setting of its own, and `edge`/`region` only rename
 * `api.twilio.com`. It holds no credentials: they come with each request.
 */
export class HeraldTwilioRequestClient extends twilio.RequestClient {
  private readonly baseUrl: string | undefined;
  private timeoutMs: number;

  /** `socketTimeoutMs` bounds the agent's sockets: the longest timeout any call may be given. */
  constructor(baseUrl: string | undefined, timeoutMs: number, socketTimeoutMs = timeoutMs) {
    super({ timeout: Math.max(timeoutMs, socketTimeoutMs), autoRetry: false });
    this.baseUrl = baseUrl?.replace(/\/+$/, '');
    this.timeoutMs = timeoutMs;
  }

  /** The same client (agent and connections shared) with another request timeout, for one call. */
  withTimeout(timeoutMs: number): HeraldTwilioRequestClient {
    if (timeoutMs === this.timeoutMs) return this;
    const view = Object.create(this) as HeraldTwilioRequestClient;
    view.timeoutMs = timeoutMs;
    return view;
  }

  override request<TData>(opts: RequestClient.RequestOptions<TData>): Promise<TwilioHttpResponse.default<TData>> {
    const timed = { ...opts, timeout: this.timeoutMs };
    if (this.baseUrl === undefined) return super.request<TData>(timed);
    const original = new URL(opts.uri);
    return super.request<TData>({ ...timed, uri: `${this.baseUrl}${original.pathname}${original.search}` });
  }
}
