import twilio from 'twilio';
import type { MessagingSecrets } from '../../../secrets/index.js';
import { WebhookRefused, type WebhookRequest } from '../provider-webhook.js';
import { statusCallbackUrl } from './twilio-sms.provider.js';
import { readTwilioStatusCallback } from './twilio-sms.webhook.js';

const TOKEN = 'auth-token-for-tests';
const secrets = { twilio_account_sid: 'AC1', twilio_auth_token: TOKEN } as unknown as MessagingSecrets;
const MESSAGE = '6f1c1c2e-6a53-4a8e-9a4c-2f2f7b1f0c11';
const URL_ = `https://herald.example/api/v1/messaging/webhooks/twilio_text?message_id=${MESSAGE}`;

function call(params: Record<string, string>, url = URL_, token = TOKEN): WebhookRequest {
  const signature = twilio.getExpectedTwilioSignature(token, url, params);
  return { url, headers: { 'x-twilio-signature': signature }, body: params, rawBody: undefined, now: new Date() };
}

describe("Twilio's status callback", () => {
  it('is asked for only under an https public URL, unless plain http is allowed', () => {
    expect(statusCallbackUrl({ publicUrl: 'http://127.0.0.1:8080', webhooksAllowHttp: false }, MESSAGE)).toBeUndefined();
    expect(statusCallbackUrl({ publicUrl: 'http://127.0.0.1:8080', webhooksAllowHttp: true }, MESSAGE)).toBe(
      `http://127.0.0.1:8080/api/v1/messaging/webhooks/twilio_text?message_id=${MESSAGE}`,
    );
    expect(statusCallbackUrl({ publicUrl: 'https://herald.example', webhooksAllowHttp: false }, MESSAGE)).toBe(URL_);
  });

  it('maps delivered, undelivered and failed; suppresses on unknown or landline numbers and on STOP', async () => {
    const read = async (params: Record<string, string>) => await readTwilioStatusCallback(call({ MessageSid: 'SM1', To: '+15550001111', ...params }), secrets);
    expect((await read({ MessageStatus: 'delivered' }))[0]).toMatchObject({ type: 'delivered', suppress: null, messageId: MESSAGE, providerMessageId: 'SM1' });
    expect((await read({ MessageStatus: 'undelivered', ErrorCode: '30005' }))[0]).toMatchObject({ type: 'undelivered', suppress: 'bounce' });
    expect((await read({ MessageStatus: 'failed', ErrorCode: '21610' }))[0]).toMatchObject({ type: 'undelivered', suppress: 'complaint' });
    expect((await read({ MessageStatus: 'undelivered', ErrorCode: '30003' }))[0]).toMatchObject({ type: 'undelivered', suppress: null });
    expect(await read({ MessageStatus: 'sent' })).toEqual([]);
    expect((await read({ MessageStatus: 'undelivered', ErrorCode: '30003', ErrorMessage: 'Unreachable +15550001111' }))[0].reason).toBe(
      'Twilio error 30003: Unreachable [recipient]',
    );
  });

  it('refuses another token, another URL and a changed parameter', async () => {
    const params = { MessageSid: 'SM1', MessageStatus: 'delivered' };
    await expect(readTwilioStatusCallback(call(params, URL_, 'other'), secrets)).rejects.toThrow(WebhookRefused);
    await expect(readTwilioStatusCallback({ ...call(params), url: URL_.replace('message_id=', 'message_id=0') }, secrets)).rejects.toThrow(WebhookRefused);
    await expect(readTwilioStatusCallback({ ...call(params), body: { ...params, MessageStatus: 'undelivered' } }, secrets)).rejects.toThrow(WebhookRefused);
  });
});
