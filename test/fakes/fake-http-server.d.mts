import type { IncomingHttpHeaders } from 'node:http';

/** A form field's value: a string, several strings for a repeated name, or an uploaded file. */
export type FieldValue = string | string[] | UploadedFile | UploadedFile[];
export interface UploadedFile {
  filename: string;
  mimeType: string;
  content: string;
}

/** Everything a fake saw of one request, and what became of it. */
export interface RecordedRequest {
  /** `mailgun`, `twilio` or `sendgrid` (the fake's name). */
  provider: string;
  method: string;
  /** Path and query as sent. */
  url: string;
  /** Path only. */
  path: string;
  query: Record<string, string>;
  /** All request headers, `authorization` included (the fake is local; serve.mjs does not print it). */
  headers: IncomingHttpHeaders;
  authorization: string | undefined;
  contentType: string | undefined;
  /** The body as UTF-8 text. */
  rawBody: string;
  /** Parsed: the fields of a form body, the value of a JSON body, the text of anything else (undefined when empty). */
  body: unknown;
  /** Fields of a `multipart/form-data` or `application/x-www-form-urlencoded` body; `{}` otherwise. */
  fields: Record<string, FieldValue>;
  receivedAt: Date;
  /** When the answer was written (or given up). */
  answeredAt?: Date;
  /** The status answered (undefined while pending or when dropped). */
  status: number | undefined;
  /** `answered`; `dropped` (connection destroyed on purpose); `abandoned` (the client left before a delayed answer). */
  outcome: 'pending' | 'answered' | 'dropped' | 'abandoned';
  handlerError?: string;
}

export interface FailOptions {
  /** Sent as the `retry-after` header. */
  retryAfter?: number | string;
  /** Instead of the provider's usual error body for that status. */
  body?: unknown;
}

export interface FakeAnswer {
  status: number;
  headers?: Record<string, string>;
  /** A string or Buffer is sent as is; anything else as JSON. */
  body?: unknown;
}

export interface FakeHttpServer {
  readonly name: string;
  readonly port: number;
  /** `http://127.0.0.1:{port}`: the base URL to give the SDK. */
  readonly url: string;
  /** Every request received, oldest first (control requests under `/__fake/` excluded). */
  readonly requests: RecordedRequest[];
  lastRequest(): RecordedRequest | undefined;
  /** The next `count` requests are answered `status` with the provider's error body (queued after earlier calls). */
  failNext(count: number, status: number, options?: FailOptions): void;
  /**
   * Until changed or reset, each request (after those of `failNext`) fails with probability `rate` (0 to stop), with a
   * status drawn from `statuses` (default 429 and 503) and the provider's error body.
   */
  failRandomly(rate: number, statuses?: number[], options?: Pick<FailOptions, 'retryAfter'>): void;
  /** Every answer waits `ms` milliseconds (0 to stop), until changed or reset. */
  setDelay(ms: number): void;
  /** The connections of the next `count` requests are destroyed without an answer. */
  dropNext(count: number): void;
  /** Forgets the recorded requests and every pending fault and delay. */
  reset(): void;
  /** Resolves with the first `count` requests once that many were received. */
  waitForRequests(count: number, timeoutMs?: number): Promise<RecordedRequest[]>;
  close(): Promise<void>;
}

export interface FakeServerOptions {
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 0: any free port. */
  port?: number;
  /** Called once the fate of each request is known (after the answer, drop or abandonment). */
  onRequest?: (request: RecordedRequest) => void;
}

export function startFakeHttpServer(
  options: FakeServerOptions & {
    name: string;
    handle: (request: RecordedRequest) => FakeAnswer | Promise<FakeAnswer>;
    errorBody: (status: number, request: RecordedRequest) => unknown;
    /** Extra controls under `/__fake/<name>`: `(method, query)` → the answer, as JSON. */
    controls?: Record<string, (method: string, query: URLSearchParams) => { status: number; body: unknown } | Promise<{ status: number; body: unknown }>>;
  },
): Promise<FakeHttpServer>;
