import { createHmac } from 'node:crypto';
import { HeraldError, RequestValidationError } from '../../../common/errors/herald.error.js';
import type { MessagingSecrets } from '../../../secrets/index.js';
import { MAX_EVENTS_PER_CALL, WebhookRefused, type ProviderEvent, type WebhookRequest } from '../provider-webhook.js';
import { readMandrillWebhook } from './mailchimp-transactional.webhook.js';

const KEY = 'mandrill-webhook-key-for-tests';
const secrets = { mailchimp_transactional_api_key: 'md-key', mailchimp_transactional_webhook_key: KEY } as unknown as MessagingSecrets;
const NOW = new Date('2026-01-01T12:00:00Z');
const TS = NOW.getTime() / 1000 - 3600;
const MESSAGE = '6f1c1c2e-6a53-4a8e-9a4c-2f2f7b1f0c11';
const URL_ = 'https://herald.example/api/v1/messaging/webhooks/mailchimp_transactional';
const TO = 'alice@example.org';

/** Mandrill's signature, written out from its documentation (not the reader's helper). */
const sign = (key: string, url: string, params: Record<string, string>) =>
  createHmac('sha1', key)
    .update(
      Object.keys(params)
        .sort()
        .reduce((data, name) => data + name + params[name], url),
    )
    .digest('base64');

function call(events: unknown[], { url = URL_, key = KEY, headers }: { url?: string; key?: string; headers?: Record<string, string> } = {}): WebhookRequest {
  const params = { mandrill_events: JSON.stringify(events) };
  return { url, headers: headers ?? { 'x-mandrill-signature': sign(key, url, params) }, body: params, rawBody: undefined, now: NOW };
}

const event = (kind: string, msg: Record<string, unknown> = {}, id = 'abc123def456') => ({
  event: kind,
  _id: id,
  ts: TS,
  msg: { _id: id, ts: TS - 10, email: TO, state: 'sent', metadata: { herald_message_id: MESSAGE }, ...msg },
});
const read = async (request: WebhookRequest) => await readMandrillWebhook(request, secrets);

describe("Mandrill's webhook", () => {
  it('maps delivered, deferral, soft and hard bounces, spam and reject; suppresses on hard bounce and spam only', async () => {
    const events = await read(
      call([
        event('delivered'),
        event('deferral', { smtp_events: [{ type: 'deferred', diag: '451 4.3.5 Try later' }] }),
        event('soft_bounce', { bounce_description: 'mailbox_full', diag: 'smtp;552 5.2.2 Over quota' }),
        event('hard_bounce', { bounce_description: 'bad_mailbox', diag: 'smtp;550 5.1.1 No such user' }),
        event('spam'),
        event('reject', { reject: { reason: 'hard-bounce' } }),
      ]),
    );
    expect(events.map((e) => [e.type, e.suppress])).toEqual([
      ['delivered', null],
      ['deferred', null],
      ['undelivered', null],
      ['bounced', 'bounce'],
      ['complained', 'complaint'],
      ['undelivered', null],
    ]);
    expect(events.map((e) => e.reason)).toEqual([
      null,
      '451 4.3.5 Try later',
      'mailbox_full smtp;552 5.2.2 Over quota',
      'bad_mailbox smtp;550 5.1.1 No such user',
      null,
      'hard-bounce',
    ]);
    expect(events[0]).toEqual<ProviderEvent>({
      replayKey: `mandrill:abc123def456:delivered:${TS}`,
      providerEventId: `abc123def456:delivered:${TS}`,
      messageId: MESSAGE,
      providerMessageId: 'abc123def456',
      type: 'delivered',
      occurredAt: new Date(TS * 1000),
      reason: null,
      suppress: null,
    });
  });

  it('leaves out send, open, click, unsub and sync or unknown events (D27 tracks delivery, not engagement)', async () => {
    const sync = { type: 'blacklist', action: 'add', reject: { email: TO, reason: 'hard-bounce' }, ts: TS };
    expect(await read(call([event('send'), event('open'), event('click'), event('unsub'), event('inbound'), sync, 'not an event', null]))).toEqual([]);
  });

  it('makes a stable replay key from the message id, the event and its time', async () => {
    const [first] = await read(call([event('deferral')]));
    const [again] = await read(call([event('deferral', { state: 'deferred', smtp_events: [] })]));
    expect(again.replayKey).toBe(first.replayKey);
    const [later] = await read(call([{ ...event('deferral'), ts: TS + 60 }]));
    const [other] = await read(call([event('deferral', {}, 'another-message-id')]));
    expect(new Set([first.replayKey, later.replayKey, other.replayKey]).size).toBe(3);
  });

  it('redacts the recipient (and other addresses) from the reason and keeps only a UUID as the message id', async () => {
    const [bounce] = await read(
      call([
        event('hard_bounce', {
          diag: `smtp;550 5.1.1 <${TO}>: no such user (forwarded to bob@example.net)`,
          metadata: { herald_message_id: "x'; DROP TABLE message; --" },
        }),
      ]),
    );
    expect(bounce.reason).toBe('smtp;550 5.1.1 <[recipient]>: no such user (forwarded to [address])');
    expect(bounce.messageId).toBeNull();
    expect(bounce.providerMessageId).toBe('abc123def456');
  });

  it('verifies against the URL as called, query string included', async () => {
    const url = `${URL_}?source=mandrill&x=1`;
    expect(await read(call([event('delivered')], { url }))).toHaveLength(1);
    await expect(read({ ...call([event('delivered')], { url }), url: URL_ })).rejects.toThrow('Invalid Mandrill signature');
    await expect(read({ ...call([event('delivered')], { url }), url: `${URL_}?source=mandrill&x=2` })).rejects.toThrow(WebhookRefused);
  });

  it('refuses another key, a missing or garbled header, a changed field, a repeated field and no key configured', async () => {
    await expect(read(call([event('delivered')], { key: 'other-key' }))).rejects.toThrow('Invalid Mandrill signature');
    await expect(read(call([event('delivered')], { headers: {} }))).rejects.toThrow('Missing X-Mandrill-Signature header');
    await expect(read(call([event('delivered')], { headers: { 'x-mandrill-signature': 'not base64 at all' } }))).rejects.toThrow(WebhookRefused);
    const good = call([event('delivered')]);
    await expect(read({ ...good, body: { mandrill_events: JSON.stringify([event('hard_bounce')]) } })).rejects.toThrow(WebhookRefused);
    await expect(read({ ...good, body: { mandrill_events: [JSON.stringify([event('delivered')]), '[]'] } })).rejects.toThrow(WebhookRefused);
    await expect(read({ ...good, body: { ...(good.body as object), extra: 'x' } })).rejects.toThrow(WebhookRefused);
    await expect(async () => await readMandrillWebhook(good, { mailchimp_transactional_api_key: 'md-key' })).rejects.toThrow(
      'No mailchimp_transactional_webhook_key is configured for MAILCHIMP_TRANSACTIONAL',
    );
    // JSON is not what Mandrill posts.
    await expect(read({ ...good, rawBody: Buffer.from('[]') })).rejects.toThrow('Mandrill webhooks are form-encoded');
  });

  it("answers Mandrill's test call (no events) unsigned and without a key, and nothing else unsigned", async () => {
    const test = { url: URL_, headers: {}, body: { mandrill_events: '[]' }, rawBody: undefined, now: NOW };
    expect(await read(test)).toEqual([]);
    expect(await readMandrillWebhook(test, { mailchimp_transactional_api_key: 'md-key' })).toEqual([]);
    await expect(read({ ...test, body: {} })).rejects.toThrow(WebhookRefused);
    await expect(read({ ...test, body: undefined })).rejects.toThrow(WebhookRefused);
    await expect(read({ ...test, body: { mandrill_events: '[]', other: '1' } })).rejects.toThrow(WebhookRefused);
  });

  it('checks the signed field: JSON, an array, within MAX_EVENTS_PER_CALL, no NUL (4xx, not 500)', async () => {
    const signed = (value: string) => {
      const params = { mandrill_events: value };
      return { url: URL_, headers: { 'x-mandrill-signature': sign(KEY, URL_, params) }, body: params, rawBody: undefined, now: NOW };
    };
    await expect(read(signed('{not json'))).rejects.toThrow(RequestValidationError);
    await expect(read(signed('{"event": "delivered"}'))).rejects.toThrow(RequestValidationError);
    await expect(read(signed(JSON.stringify([event('hard_bounce', { diag: 'nul \u0000 here' })])))).rejects.toThrow(RequestValidationError);
    await expect(read(signed(`${'['.repeat(100)}${']'.repeat(100)}`))).rejects.toThrow(RequestValidationError);
    const tooMany = read(signed(JSON.stringify(Array.from({ length: MAX_EVENTS_PER_CALL + 1 }, () => ({ event: 'open' })))));
    await expect(tooMany).rejects.toThrow(HeraldError);
    await expect(tooMany).rejects.not.toThrow(RequestValidationError);
  });

  it('takes a message without Herald id by its Mandrill id, and an event without ids by its contents', async () => {
    const [byProvider] = await read(call([event('delivered', { metadata: {} })]));
    expect(byProvider).toMatchObject({ messageId: null, providerMessageId: 'abc123def456' });
    const { _id: _omit, ...anonymous } = event('delivered', { _id: undefined });
    const [byBody] = await read(call([anonymous]));
    expect(byBody.providerMessageId).toBeNull();
    expect(byBody.replayKey).toMatch(/^mandrill:body:[0-9a-f]{64}$/);
  });
});
