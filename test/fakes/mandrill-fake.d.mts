import type { FakeHttpServer, FakeServerOptions } from './fake-http-server.mjs';

export interface MandrillFakeOptions extends FakeServerOptions {
  /** The only key accepted; any non-empty one when not given. */
  apiKey?: string;
}

export interface MandrillFake extends FakeHttpServer {
  /** The next `count` recipients are rejected with `reason` (`hard-bounce`, `soft-bounce`, `unsigned`, ...). */
  rejectNext(count: number, reason: string): void;
  /** The status of the recipients not rejected (`sent` by default). */
  answerStatus(status: 'sent' | 'queued' | 'scheduled' | 'invalid' | undefined): void;
}

export function startMandrillFake(options?: MandrillFakeOptions): Promise<MandrillFake>;
