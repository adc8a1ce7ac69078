import type { MessagingServiceType } from '../../common/messaging-service-type.js';
import type { MessagingConfigDetails } from '../../messaging-config/index.js';
import type { MessagingSecrets } from '../../secrets/index.js';

export type Channel = 'email' | 'sms';

interface OutgoingBase {
  /** Herald's id of the message (the `message` row), passed to providers that carry custom data. */
  messageId: string;
  /** The same for every attempt at one logical message; sent as a header where the provider takes one. */
  idempotencyKey: string;
  /** Recipient address: an email address or an E.164 phone number. */
  to: string;
}

export interface OutgoingEmail extends OutgoingBase {
  channel: 'email';
  subject: string;
  html: string;
  text: string;
  /** Fides' template variables of the message, for a provider-side template (`use_provider_template`); absent: none. */
  variables?: Record<string, unknown>;
}

export interface OutgoingSms extends OutgoingBase {
  channel: 'sms';
  body: string;
}

export type OutgoingMessage = OutgoingEmail | OutgoingSms;

/** What a provider is given with each message: the config's details and decrypted secrets, never kept. */
export interface ProviderContext {
  details: MessagingConfigDetails | null;
  secrets: MessagingSecrets;
  /** How long this attempt waits for the provider; the `HERALD_PROVIDER_TIMEOUT_MS` setting when not given. */
  timeoutMs?: number;
}

export interface DeliveryReceipt {
  /** The provider's id for the message, when it gives one. */
  providerMessageId: string | null;
}

/** One messaging provider (a strategy chosen by service type). The only code that imports its SDK. */
export interface MessagingProvider {
  readonly serviceType: MessagingServiceType;
  readonly channel: Channel;
  /** Sends one message; throws `DeliveryError` for every failure. */
  send(message: OutgoingMessage, context: ProviderContext): Promise<DeliveryReceipt>;
}

/** The injection token under which every provider is registered (see MessagingProviderRegistry). */
export const MESSAGING_PROVIDERS = Symbol('MESSAGING_PROVIDERS');

/**
 * A failed delivery, whatever the SDK: retryable for network errors, timeouts, 408, 429 and 5xx; permanent for other
 * 4xx and for problems found before calling (bad config). `reason` is safe to store and show: no secret, no recipient.
 */
export class DeliveryError extends Error {
  constructor(
    readonly retryable: boolean,
    readonly status: number | undefined,
    readonly reason: string,
    /** No answer came within the timeout: the provider may still have taken the message. */
    readonly timedOut = false,
  ) {
    super(reason);
    this.name = 'DeliveryError';
  }
}
