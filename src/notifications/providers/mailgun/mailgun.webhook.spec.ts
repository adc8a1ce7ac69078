import { createHmac } from 'node:crypto';
import type { MessagingSecrets } from '../../../secrets/index.js';
import { WebhookRefused, type WebhookRequest } from '../provider-webhook.js';
import { readMailgunWebhook } from './mailgun.webhook.js';

const KEY = 'signing-key-for-tests';
const secrets = { mailgun_api_key: 'key', mailgun_webhook_signing_key: KEY } as unknown as MessagingSecrets;
const NOW = new Date('2026-01-01T12:00:00Z');
const MESSAGE = '6f1c1c2e-6a53-4a8e-9a4c-2f2f7b1f0c11';

function call(eventData: Record<string, unknown>, timestamp = String(NOW.getTime() / 1000), key = KEY): WebhookRequest {
  const token = 'token-1';
  const signature = createHmac('sha256', key)
    .update(timestamp + token)
    .digest('hex');
  return {
    url: 'https://herald.example/x',
    headers: {},
    body: { signature: { timestamp, token, signature }, 'event-data': eventData },
    rawBody: undefined,
    now: NOW,
  };
}

describe("Mailgun's webhook", () => {
  it('maps delivered, failed by severity and complained; a failure without severity bounces without suppressing', () => {
    const read = (data: Record<string, unknown>) => readMailgunWebhook(call({ 'user-variables': { herald_message_id: MESSAGE }, ...data }), secrets);
    expect(read({ event: 'delivered' })[0]).toMatchObject({ type: 'delivered', suppress: null, messageId: MESSAGE, replayKey: 'mailgun:token:token-1' });
    expect(read({ event: 'failed', severity: 'permanent' })[0]).toMatchObject({ type: 'bounced', suppress: 'bounce' });
    expect(read({ event: 'failed', severity: 'temporary' })[0]).toMatchObject({ type: 'deferred', suppress: null });
    expect(read({ event: 'failed' })[0]).toMatchObject({ type: 'bounced', suppress: null });
    expect(read({ event: 'complained' })[0]).toMatchObject({ type: 'complained', suppress: 'complaint' });
    expect(read({ event: 'opened' })).toEqual([]);
  });

  it('redacts the recipient from the reason and keeps only a UUID as the message id', () => {
    const [event] = readMailgunWebhook(
      call({
        event: 'failed',
        severity: 'permanent',
        recipient: 'alice@example.org',
        'delivery-status': { code: 550, message: 'No such user alice@example.org (alias of bob@example.net)' },
        'user-variables': { herald_message_id: "x'; DROP TABLE message; --" },
      }),
      secrets,
    );
    expect(event.reason).toBe('550 No such user [recipient] (alias of [address])');
    expect(event.messageId).toBeNull();
  });

  it('refuses a wrong key, a timestamp more than five minutes away either way, and no key configured', () => {
    expect(() => readMailgunWebhook(call({ event: 'delivered' }, undefined, 'other-key'), secrets)).toThrow(WebhookRefused);
    expect(() => readMailgunWebhook(call({ event: 'delivered' }, String(NOW.getTime() / 1000 - 301)), secrets)).toThrow(/300 seconds/);
    expect(() => readMailgunWebhook(call({ event: 'delivered' }, String(NOW.getTime() / 1000 + 301)), secrets)).toThrow(/300 seconds/);
    expect(readMailgunWebhook(call({ event: 'delivered' }, String(NOW.getTime() / 1000 - 299)), secrets)).toHaveLength(1);
    expect(() => readMailgunWebhook(call({ event: 'delivered' }), { mailgun_api_key: 'key' })).toThrow(
      'No mailgun_webhook_signing_key is configured for MAILGUN',
    );
  });
});
