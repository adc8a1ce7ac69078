import type { FakeHttpServer, FakeServerOptions } from './fake-http-server.mjs';
import type { FakeEventOptions, FakeEventSource } from './provider-events.mjs';

/** `webhookSigningKey` is the webhook key Mandrill signs events with (default FAKE_MANDRILL_WEBHOOK_KEY). */
export interface MandrillFakeOptions extends FakeServerOptions, Omit<FakeEventOptions, 'webhookKeyPair'> {
  /** The only key accepted; any non-empty one when not given. */
  apiKey?: string;
}

export interface MandrillFake extends FakeHttpServer, FakeEventSource {
  /** The next `count` recipients are rejected with `reason` (`hard-bounce`, `soft-bounce`, `unsigned`, ...). */
  rejectNext(count: number, reason: string): void;
  /** The status of the recipients not rejected (`sent` by default). */
  answerStatus(status: 'sent' | 'queued' | 'scheduled' | 'invalid' | undefined): void;
}

export function startMandrillFake(options?: MandrillFakeOptions): Promise<MandrillFake>;
