import { X509Certificate, type KeyObject } from 'node:crypto';
import { HeraldError } from '../../../common/errors/herald.error.js';
import { WebhookRefused } from '../provider-webhook.js';

/** A signing certificate's path as SNS names it. */
const CERT_PATH = /^\/SimpleNotificationService-[a-zA-Z0-9]{32}\.pem$/;
/** A PEM certificate is 2–3 KB; anything longer is not one. */
const MAX_CERT_BYTES = 16 * 1024;
/** SNS's answer to a confirmation is a few hundred bytes of XML. */
const MAX_CONFIRMATION_BYTES = 16 * 1024;
/** SNS rotates its certificates rarely; one per region is in use at a time. */
const CACHE_SIZE = 32;
const CERT_TTL_MS = 24 * 3_600_000;
/** A certificate URL that answered no certificate is not asked again for this long (guessed URLs cost one fetch). */
const FAILURE_TTL_MS = 5 * 60_000;
const FETCH_TIMEOUT_MS = 5_000;
/** Certificates fetched at once: SNS uses one per region, so more in flight are guesses, answered 503 without a fetch. */
const MAX_IN_FLIGHT = 4;

type Cached = { key: KeyObject; expires: number } | { refused: string; expires: number };

/**
 * Amazon SNS as seen by an HTTPS subscriber: the certificates its messages are signed with, fetched from SNS itself
 * (only from `https://sns.{region}.amazonaws.com`, the topic's own region, or `AWS_SNS_ENDPOINT_URL` when set), and
 * the confirmation of a subscription (a GET of its `SubscribeURL`, on the same host). Nothing else is ever fetched,
 * so a forged message cannot point Herald at an address of its choosing.
 */
export class SnsEndpoint {
  private readonly cache = new Map<string, Cached>();
  private readonly inFlight = new Map<string, Promise<KeyObject>>();

  /** `endpoint`: `AWS_SNS_ENDPOINT_URL`, without a trailing slash. */
  constructor(
    private readonly endpoint: string | undefined,
    private readonly now: () => number = Date.now,
  ) {}

  /** The public key of the certificate at `certUrl`, which must be SNS's own for the topic's region. */
  async publicKey(certUrl: string, topicArn: string): Promise<KeyObject> {
    const url = this.snsUrl(certUrl, topicArn);
    if (!url || !CERT_PATH.test(url.pathname) || url.search !== '') throw new WebhookRefused("SigningCertURL is not an SNS certificate of the topic's region");
    const cached = this.cache.get(url.href);
    if (cached && cached.expires > this.now()) {
      if ('refused' in cached) throw new WebhookRefused(cached.refused);
      return cached.key;
    }
    let pending = this.inFlight.get(url.href);
    if (!pending && this.inFlight.size >= MAX_IN_FLIGHT)
      throw new HeraldError('unavailable', 'Too many SNS signing certificates are being fetched; SNS retries the message');
    if (!pending) {
      pending = this.fetchKey(url).finally(() => this.inFlight.delete(url.href));
      this.inFlight.set(url.href, pending);
    }
    return pending;
  }

  /** Confirms a subscription by GETting its `SubscribeURL` (SNS's `ConfirmSubscription` for that topic and token). */
  async confirm(subscribeUrl: string, topicArn: string): Promise<void> {
    const url = this.snsUrl(subscribeUrl, topicArn);
    const query = url?.searchParams;
    if (!url || url.pathname !== '/' || query?.get('Action') !== 'ConfirmSubscription' || query.get('TopicArn') !== topicArn || !query.get('Token')) {
      throw new WebhookRefused('SubscribeURL is not a ConfirmSubscription of the topic on SNS');
    }
    const answer = await this.get(url, MAX_CONFIRMATION_BYTES).catch(() => undefined);
    if (!answer || answer.status !== 200) {
      // SNS posts the confirmation again (and it can be confirmed by hand): a 503 asks for that retry.
      throw new HeraldError('unavailable', `SNS did not confirm the subscription${answer ? ` (HTTP ${answer.status})` : ''}; SNS retries the confirmation`);
    }
  }

  /** `text` as a URL on SNS's host for the topic's region (or the configured endpoint), else undefined. */
  private snsUrl(text: string, topicArn: string): URL | undefined {
    let url: URL;
    try {
      url = new URL(text);
    } catch {
      return undefined;
    }
    if (url.username !== '' || url.password !== '' || url.hash !== '') return undefined;
    if (this.endpoint !== undefined) {
      const base = new URL(this.endpoint);
      return url.origin === base.origin ? url : undefined;
    }
    const [, partition, , region] = topicArn.split(':');
    const host = `sns.${region}.amazonaws.com${partition === 'aws-cn' ? '.cn' : ''}`;
    return url.protocol === 'https:' && url.port === '' && url.hostname === host ? url : undefined;
  }

  private async fetchKey(url: URL): Promise<KeyObject> {
    let answer: { status: number; body: string };
    try {
      answer = await this.get(url, MAX_CERT_BYTES);
    } catch {
      // SNS unreachable: not the caller's fault, and SNS retries the message.
      throw new HeraldError('unavailable', 'The SNS signing certificate could not be fetched; SNS retries the message');
    }
    if (answer.status >= 500) throw new HeraldError('unavailable', `SNS answered HTTP ${answer.status} for its signing certificate; SNS retries the message`);
    const at = this.now();
    let key: KeyObject | undefined;
    let refused = `SNS has no certificate at SigningCertURL (HTTP ${answer.status})`;
    if (answer.status === 200) {
      try {
        const certificate = new X509Certificate(answer.body);
        const valid = Date.parse(certificate.validFrom) <= at && at <= Date.parse(certificate.validTo);
        if (valid && certificate.publicKey.asymmetricKeyType === 'rsa') key = certificate.publicKey;
        else refused = 'The SNS signing certificate is expired or not an RSA certificate';
      } catch {
        refused = 'SigningCertURL holds no certificate';
      }
    }
    if (this.cache.size >= CACHE_SIZE) this.cache.delete(this.cache.keys().next().value!);
    this.cache.set(url.href, key ? { key, expires: at + CERT_TTL_MS } : { refused, expires: at + FAILURE_TTL_MS });
    if (!key) throw new WebhookRefused(refused);
    return key;
  }

  /** A GET without redirects, its body read up to `limit` bytes (a longer one fails). */
  private async get(url: URL, limit: number): Promise<{ status: number; body: string }> {
    const response = await fetch(url, { redirect: 'error', signal: AbortSignal.timeout(FETCH_TIMEOUT_MS) });
    const chunks: Uint8Array[] = [];
    let size = 0;
    for await (const chunk of response.body ?? []) {
      size += (chunk as Uint8Array).byteLength;
      if (size > limit) {
        await response.body?.cancel().catch(() => undefined);
        throw new Error('answer too long');
      }
      chunks.push(chunk as Uint8Array);
    }
    return { status: response.status, body: Buffer.concat(chunks).toString('utf8') };
  }
}
