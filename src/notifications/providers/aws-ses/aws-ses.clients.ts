import { GetEmailIdentityCommand, NotFoundException, SESv2Client } from '@aws-sdk/client-sesv2';
import { createHash } from 'node:crypto';
import { credentialsFor } from './aws-ses.credentials.js';
import { identityNotVerified } from './aws-ses.errors.js';
import type { AwsSesTarget } from './aws-ses.target.js';

/** How long an identity SES called verified is trusted without asking again (§3: Fides asks on every send). */
export const IDENTITY_CHECK_TTL_MS = 5 * 60_000;
/** Configs (or versions of one) with a live client; one config per service type, so more only follow changes. */
const MAX_CLIENTS = 4;
/** An evicted client may still be sending: its sockets are closed a while later. */
const DESTROY_AFTER_MS = 60_000;

export interface AwsSesClientOptions {
  /** `AWS_SES_ENDPOINT_URL`, `AWS_STS_ENDPOINT_URL`. */
  sesEndpoint?: string;
  stsEndpoint?: string;
  /** The longest any one call may take (the STS call has no per-send signal; SES calls are also cut by the send's). */
  timeoutMs: number;
  now: () => number;
}

/** One config's SES client and what it knows of the config's identities. */
export interface AwsSesClient {
  client: SESv2Client;
  /** Resolves when every identity of the target is verified (asking SES at most once per TTL); throws Fides' refusal otherwise. */
  checkIdentities(target: AwsSesTarget, abortSignal: AbortSignal): Promise<void>;
}

/**
 * One SES client per config, re-created when the config or its secrets change: the client is keyed by a hash of
 * everything it was built from (region, credentials, endpoints), so a changed secret finds no client and builds one.
 */
export class AwsSesClients {
  private readonly clients = new Map<string, AwsSesClient>();

  constructor(private readonly options: AwsSesClientOptions) {}

  for(target: AwsSesTarget): AwsSesClient {
    const { sesEndpoint, stsEndpoint } = this.options;
    const key = createHash('sha256')
      .update(JSON.stringify([target.region, target.auth, sesEndpoint, stsEndpoint]))
      .digest('hex');
    const existing = this.clients.get(key);
    if (existing) return existing;
    const created = this.create(target);
    this.clients.set(key, created);
    for (const [oldKey, old] of this.clients) {
      if (this.clients.size <= MAX_CLIENTS) break;
      this.clients.delete(oldKey);
      setTimeout(() => old.client.destroy(), DESTROY_AFTER_MS).unref();
    }
    return created;
  }

  private create(target: AwsSesTarget): AwsSesClient {
    const { sesEndpoint, stsEndpoint, timeoutMs, now } = this.options;
    const credentials = credentialsFor(target.auth, { region: target.region, stsEndpoint, timeoutMs, now });
    const client = new SESv2Client({
      region: target.region,
      ...(sesEndpoint && { endpoint: sesEndpoint }),
      ...(credentials && { credentials }),
      // Herald's outbox owns retries (backoff, failover, the circuit breaker): the SDK makes exactly one attempt.
      maxAttempts: 1,
      requestHandler: { connectionTimeout: timeoutMs },
    });
    const verifiedUntil = new Map<string, number>();
    const checking = new Map<string, Promise<void>>();

    const check = async (identity: string, abortSignal: AbortSignal): Promise<void> => {
      let status: string | undefined;
      try {
        status = (await client.send(new GetEmailIdentityCommand({ EmailIdentity: identity }), { abortSignal })).VerificationStatus;
      } catch (error) {
        // An identity SES does not know is not verified either (Fides' check finds no attributes for it).
        if (!(error instanceof NotFoundException)) throw error;
      }
      if (status !== 'SUCCESS') throw identityNotVerified(identity);
      verifiedUntil.set(identity, now() + IDENTITY_CHECK_TTL_MS);
    };

    return {
      client,
      async checkIdentities(t, abortSignal) {
        for (const identity of t.identities) {
          if ((verifiedUntil.get(identity) ?? 0) > now()) continue;
          // Concurrent sends share one check of an identity.
          let pending = checking.get(identity);
          if (!pending) {
            pending = check(identity, abortSignal).finally(() => checking.delete(identity));
            checking.set(identity, pending);
          }
          await pending;
        }
      },
    };
  }
}
