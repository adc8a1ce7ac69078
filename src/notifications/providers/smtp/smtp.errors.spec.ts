import { DeliveryError } from '../messaging-provider.js';
import { readSmtpError, toSmtpDeliveryError } from './smtp.errors.js';

// Shaped like what nodemailer really rejects with (the e2e spec drives the real nodemailer against smtp-server).
const replied = (responseCode: number, response: string) =>
  Object.assign(new Error(`Message failed: ${response}`), { code: 'EMESSAGE', responseCode, response, command: 'DATA' });
const socket = (code: string, message: string, originalCode?: string) => Object.assign(new Error(message), { code, originalCode });

describe('toSmtpDeliveryError', () => {
  it.each([421, 450, 451, 452, 454])('a %i reply is retryable, with the reply as reason', (code) => {
    expect(toSmtpDeliveryError(replied(code, `${code} 4.3.0 Try again later`))).toMatchObject({
      retryable: true,
      status: code,
      reason: `SMTP server replied ${code} 4.3.0 Try again later`,
    });
  });

  it.each([535, 550, 552, 553, 554])('a %i reply is permanent', (code) => {
    expect(toSmtpDeliveryError(replied(code, `${code} 5.0.0 No`))).toMatchObject({ retryable: false, status: code });
  });

  it('hides the recipient and the login the server echoes', () => {
    const error = toSmtpDeliveryError(replied(550, '550 5.1.1 <bob@example.org> unknown (user relay-user)'), {
      recipient: 'bob@example.org',
      secrets: ['relay-user'],
    });
    expect(error.reason).toBe('SMTP server replied 550 5.1.1 <[recipient]> unknown (user [redacted])');
  });

  it.each([
    ['ECONNECTION', 'Connection closed unexpectedly'],
    ['ESOCKET', 'connect ECONNREFUSED 127.0.0.1:25'],
    ['EDNS', 'getaddrinfo EAI_AGAIN smtp.example.com'],
  ])('a connection failure (%s) is retryable', (code, message) => {
    expect(toSmtpDeliveryError(socket(code, message))).toMatchObject({ retryable: true, status: undefined, timedOut: false });
  });

  it('a timeout is retryable and marked timed out', () => {
    expect(toSmtpDeliveryError(socket('ETIMEDOUT', 'Greeting never received'))).toMatchObject({ retryable: true, timedOut: true });
  });

  it('an untrusted certificate is permanent, though nodemailer calls it a socket error', () => {
    expect(toSmtpDeliveryError(socket('ESOCKET', 'self-signed certificate', 'DEPTH_ZERO_SELF_SIGNED_CERT'))).toMatchObject({
      retryable: false,
      reason: 'SMTP: self-signed certificate (ESOCKET)',
    });
  });

  it.each(['ETLS', 'EAUTH', 'ENOAUTH', 'EENVELOPE'])('%s without a reply is permanent', (code) => {
    expect(toSmtpDeliveryError(socket(code, 'refused'))).toMatchObject({ retryable: false });
  });

  it('passes a DeliveryError through', () => {
    const error = new DeliveryError(true, undefined, 'SMTP: no answer', true);
    expect(toSmtpDeliveryError(error)).toBe(error);
  });
});

describe('readSmtpError', () => {
  it('reads the reply code and line, else the message', () => {
    expect(readSmtpError(replied(450, '450 busy'))).toEqual({ replyCode: 450, code: 'EMESSAGE', originalCode: undefined, text: '450 busy' });
    expect(readSmtpError('boom')).toEqual({ text: 'boom' });
  });
});
