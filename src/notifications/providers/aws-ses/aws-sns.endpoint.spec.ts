// SnsEndpoint: which certificate and confirmation URLs Herald will fetch (SNS's host for the topic's region, or
// AWS_SNS_ENDPOINT_URL), and how it answers what it gets back (a real local HTTP server plays SNS).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { selfSignedCertificate } from '../../../../test/fakes/self-signed-cert.mjs';
import { HeraldError } from '../../../common/errors/herald.error.js';
import { WebhookRefused } from '../provider-webhook.js';
import { SnsEndpoint } from './aws-sns.endpoint.js';

const TOPIC = 'arn:aws:sns:eu-west-1:123456789012:ses-events';
const CERT = `/SimpleNotificationService-${'a1'.repeat(16)}.pem`;

async function failure(promise: Promise<unknown>): Promise<Error> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof Error)) throw new Error('expected a failure');
  return error;
}

describe('SnsEndpoint', () => {
  describe('without AWS_SNS_ENDPOINT_URL: only SNS itself, in the topic’s region, is ever asked', () => {
    const sns = new SnsEndpoint(undefined);
    it.each([
      ['another region', `https://sns.us-east-1.amazonaws.com${CERT}`],
      ['plain http', `http://sns.eu-west-1.amazonaws.com${CERT}`],
      ['a port', `https://sns.eu-west-1.amazonaws.com:8443${CERT}`],
      ['another host', `https://sns.eu-west-1.amazonaws.com.example.net${CERT}`],
      ['credentials in the URL', `https://user@sns.eu-west-1.amazonaws.com${CERT}`],
      ['a query', `https://sns.eu-west-1.amazonaws.com${CERT}?x=1`],
      ['another file', 'https://sns.eu-west-1.amazonaws.com/SimpleNotificationService-short.pem'],
      ['the China host for an aws topic', `https://sns.eu-west-1.amazonaws.com.cn${CERT}`],
      ['no URL', 'not a url'],
    ])('refuses a certificate URL with %s, before any fetch', async (_, url) => {
      const error = await failure(sns.publicKey(url, TOPIC));
      expect(error).toBeInstanceOf(WebhookRefused);
      expect(error.message).toBe("SigningCertURL is not an SNS certificate of the topic's region");
    });

    it.each([
      ['another action', `https://sns.eu-west-1.amazonaws.com/?Action=Subscribe&TopicArn=${TOPIC}&Token=abc`],
      ['another topic', 'https://sns.eu-west-1.amazonaws.com/?Action=ConfirmSubscription&TopicArn=arn:aws:sns:eu-west-1:1:x&Token=abc'],
      ['no token', `https://sns.eu-west-1.amazonaws.com/?Action=ConfirmSubscription&TopicArn=${TOPIC}`],
      ['another host', `https://example.net/?Action=ConfirmSubscription&TopicArn=${TOPIC}&Token=abc`],
      ['a path', `https://sns.eu-west-1.amazonaws.com/x?Action=ConfirmSubscription&TopicArn=${TOPIC}&Token=abc`],
    ])('refuses a SubscribeURL with %s', async (_, url) => {
      expect(await failure(sns.confirm(url, TOPIC))).toBeInstanceOf(WebhookRefused);
    });
  });

  describe('with AWS_SNS_ENDPOINT_URL', () => {
    let server: Server;
    let base: string;
    const answers = new Map<string, { status: number; body: string }>();
    const asked: string[] = [];

    beforeAll(async () => {
      server = createServer((request, response) => {
        asked.push(request.url!);
        const answer = answers.get(request.url!.split('?')[0]) ?? { status: 404, body: 'Not Found' };
        response.writeHead(answer.status, { 'content-type': 'text/plain' }).end(answer.body);
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    afterAll(() => new Promise((resolve) => server.close(resolve)));
    beforeEach(() => {
      answers.clear();
      asked.length = 0;
    });

    const path = (n: number) => `/SimpleNotificationService-${String(n).padStart(32, '0')}.pem`;

    it('reads an RSA certificate once and keeps its key', async () => {
      const { cert } = selfSignedCertificate({ keyType: 'rsa', commonName: 'sns.amazonaws.com', dnsNames: [], ips: [] });
      answers.set(path(1), { status: 200, body: cert });
      const sns = new SnsEndpoint(base);
      const [a, b] = await Promise.all([sns.publicKey(`${base}${path(1)}`, TOPIC), sns.publicKey(`${base}${path(1)}`, TOPIC)]);
      expect(a.asymmetricKeyType).toBe('rsa');
      expect(b).toBe(a);
      await sns.publicKey(`${base}${path(1)}`, TOPIC);
      expect(asked).toEqual([path(1)]);
      // Another origin than the endpoint's is refused, even SNS's own.
      expect(await failure(sns.publicKey(`https://sns.eu-west-1.amazonaws.com${path(1)}`, TOPIC))).toBeInstanceOf(WebhookRefused);
    });

    it('refuses a 404, an EC certificate, an expired one and a text that is none, and remembers the refusal', async () => {
      const { cert: ec } = selfSignedCertificate();
      const { cert: expired } = selfSignedCertificate({ keyType: 'rsa', days: -0.5 });
      answers.set(path(3), { status: 200, body: ec });
      answers.set(path(4), { status: 200, body: expired });
      answers.set(path(5), { status: 200, body: '<html>hello</html>' });
      const sns = new SnsEndpoint(base);
      const words = async (n: number) => (await failure(sns.publicKey(`${base}${path(n)}`, TOPIC))).message;
      expect(await words(2)).toBe('SNS has no certificate at SigningCertURL (HTTP 404)');
      expect(await words(3)).toBe('The SNS signing certificate is expired or not an RSA certificate');
      expect(await words(4)).toBe('The SNS signing certificate is expired or not an RSA certificate');
      expect(await words(5)).toBe('SigningCertURL holds no certificate');
      expect(await words(2)).toBe('SNS has no certificate at SigningCertURL (HTTP 404)');
      expect(asked).toEqual([path(2), path(3), path(4), path(5)]);
    });

    it('answers 503 (SNS retries) when SNS fails, is unreachable or answers too much, and asks again next time', async () => {
      answers.set(path(6), { status: 500, body: 'oops' });
      answers.set(path(7), { status: 200, body: 'x'.repeat(64 * 1024) });
      const sns = new SnsEndpoint(base);
      for (const url of [`${base}${path(6)}`, `${base}${path(6)}`, `${base}${path(7)}`]) {
        const error = await failure(sns.publicKey(url, TOPIC));
        expect(error).toBeInstanceOf(HeraldError);
        expect((error as HeraldError).kind).toBe('unavailable');
      }
      expect(asked).toEqual([path(6), path(6), path(7)]);
      const closed = new SnsEndpoint('http://127.0.0.1:9');
      expect(await failure(closed.publicKey(`http://127.0.0.1:9${path(1)}`, TOPIC))).toMatchObject({ kind: 'unavailable' });
    });

    it('fetches at most 4 certificates at once: a fifth distinct one is a 503 without a fetch', async () => {
      const slow = createServer(() => undefined);
      await new Promise<void>((resolve) => slow.listen(0, '127.0.0.1', resolve));
      const slowBase = `http://127.0.0.1:${(slow.address() as AddressInfo).port}`;
      try {
        const sns = new SnsEndpoint(slowBase);
        const hanging = [1, 2, 3, 4].map((n) => failure(sns.publicKey(`${slowBase}${path(n)}`, TOPIC)));
        expect(await failure(sns.publicKey(`${slowBase}${path(5)}`, TOPIC))).toMatchObject({ kind: 'unavailable' });
        slow.closeAllConnections();
        for (const error of await Promise.all(hanging)) expect(error).toMatchObject({ kind: 'unavailable' });
      } finally {
        await new Promise((resolve) => slow.close(resolve));
      }
    });

    it('confirms a subscription with one GET of its SubscribeURL; a refusal by SNS is a 503', async () => {
      answers.set('/', { status: 200, body: '<ConfirmSubscriptionResponse/>' });
      const sns = new SnsEndpoint(base);
      const url = `${base}/?Action=ConfirmSubscription&TopicArn=${encodeURIComponent(TOPIC)}&Token=t0k3n`;
      await sns.confirm(url, TOPIC);
      expect(asked).toEqual([`/?Action=ConfirmSubscription&TopicArn=${encodeURIComponent(TOPIC)}&Token=t0k3n`]);
      answers.set('/', { status: 400, body: '<ErrorResponse/>' });
      expect(await failure(sns.confirm(url, TOPIC))).toMatchObject({
        kind: 'unavailable',
        detail: 'SNS did not confirm the subscription (HTTP 400); SNS retries the confirmation',
      });
    });
  });
});
