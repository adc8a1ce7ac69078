import { asRecord, nonEmptyText, sanitizeReason, type Redaction } from '../delivery-error.mapper.js';
import { DeliveryError } from '../messaging-provider.js';

/** First word of every SMTP reason. */
export const SMTP = 'SMTP';

/** nodemailer's and Node's codes for a connection that failed or ended (no reply to read): worth another attempt. */
const TRANSIENT_CODES = new Set([
  ...['ECONNECTION', 'ETIMEDOUT', 'ESOCKET', 'EDNS', 'EPROXY', 'EMAXLIMIT'],
  ...['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN'],
]);
/** Node's codes for a certificate the client cannot trust: the same server gives the same certificate next time. */
const CERTIFICATE_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_UNTRUSTED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);
/** nodemailer's codes for an attempt that got no answer in time: the server may still have taken the message. */
const TIMEOUT_CODES = new Set(['ETIMEDOUT']);

/** What a nodemailer error says, in the terms the rules below need. */
export interface SmtpFailure {
  /** The server's reply code (`550`), when it replied. */
  replyCode?: number;
  /** nodemailer's code (`EENVELOPE`, `ECONNECTION`, ...), or Node's for a socket error. */
  code?: string;
  /** Node's code under nodemailer's (`DEPTH_ZERO_SELF_SIGNED_CERT` under `ESOCKET`). */
  originalCode?: string;
  /** The server's reply line, else the error's message. */
  text?: string;
}

/**
 * nodemailer rejects with an Error carrying `code` (its own: `EAUTH`, `EENVELOPE`, `ECONNECTION`, `ETIMEDOUT`, `ETLS`,
 * ...), and, when the server replied, `responseCode` (the SMTP reply code) and `response` (the reply line).
 */
export function readSmtpError(error: unknown): SmtpFailure {
  const e = asRecord(error);
  if (!e) return { text: nonEmptyText(error) };
  const replyCode = typeof e.responseCode === 'number' && e.responseCode >= 200 && e.responseCode <= 599 ? e.responseCode : undefined;
  return { replyCode, code: nonEmptyText(e.code), originalCode: nonEmptyText(e.originalCode), text: nonEmptyText(e.response) ?? nonEmptyText(e.message) };
}

/**
 * SMTP's own rule (RFC 5321 §4.2.1): a 4xx reply is transient, a 5xx reply permanent. Without a reply, a connection
 * that failed, ended or timed out is retryable, unless the server's certificate was not trusted; anything else (TLS
 * refused, a message nodemailer would not build) fails the same way again, so it is permanent.
 */
export function toSmtpDeliveryError(error: unknown, redaction: Redaction = {}): DeliveryError {
  if (error instanceof DeliveryError) return error;
  const { replyCode, code, originalCode, text } = readSmtpError(error);
  if (replyCode !== undefined) {
    const reason = sanitizeReason(
      `${SMTP} server replied ${text && !text.startsWith(String(replyCode)) ? `${replyCode} ${text}` : (text ?? replyCode)}`,
      redaction,
    );
    return new DeliveryError(replyCode >= 400 && replyCode < 500, replyCode, reason);
  }
  const reason = sanitizeReason(`${SMTP}: ${text ?? code ?? 'unknown error'}${code && text && !text.includes(code) ? ` (${code})` : ''}`, redaction);
  const untrusted = [code, originalCode].some((c) => c !== undefined && CERTIFICATE_CODES.has(c));
  const transient = !untrusted && code !== undefined && TRANSIENT_CODES.has(code);
  return new DeliveryError(transient, undefined, reason, code !== undefined && TIMEOUT_CODES.has(code));
}
