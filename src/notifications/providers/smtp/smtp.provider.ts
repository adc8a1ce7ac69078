import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { rootCertificates } from 'node:tls';
import type { Transporter } from 'nodemailer';
import { MessagingServiceType } from '../../../common/messaging-service-type.js';
import { SETTINGS, type Settings } from '../../../config/index.js';
import { configurationError, nonEmptyText } from '../delivery-error.mapper.js';
import { DeliveryError, type DeliveryReceipt, type MessagingProvider, type OutgoingMessage, type ProviderContext } from '../messaging-provider.js';
import { SMTP as PROVIDER, toSmtpDeliveryError } from './smtp.errors.js';
import { lazySdk } from '../lazy-sdk.js';

const nodemailerSdk = lazySdk(async () => (await import('nodemailer')).default);

/** What a pool is made for: the config's server and login. */
interface SmtpTarget {
  host: string;
  port: number;
  security: 'starttls' | 'tls' | 'none';
  from: string;
  username: string;
  password: string;
}

function target(context: ProviderContext): SmtpTarget {
  const details = (context.details ?? {}) as unknown as Partial<Record<string, unknown>>;
  const secrets = (context.secrets ?? {}) as unknown as Partial<Record<string, unknown>>;
  const host = nonEmptyText(details.host);
  const from = nonEmptyText(details.email_from);
  const port = typeof details.port === 'number' ? details.port : undefined;
  const security = details.security;
  if (!host || !from || port === undefined || (security !== 'starttls' && security !== 'tls' && security !== 'none')) {
    throw configurationError(PROVIDER, 'the config has no host, port, security and email_from in its details');
  }
  const username = nonEmptyText(secrets.smtp_username);
  const password = typeof secrets.smtp_password === 'string' && secrets.smtp_password !== '' ? secrets.smtp_password : undefined;
  if (!username || password === undefined) throw configurationError(PROVIDER, 'the config has no smtp_username and smtp_password secrets');
  return { host, port, security, from, username, password };
}

/**
 * Herald's own `smtp` type (decision D33): any SMTP server through nodemailer. One pooled transport for the SMTP config
 * (there is one config per service type), made again when its server or login change, closed on shutdown.
 * `starttls` requires the upgrade (a server that does not offer it is refused), `tls` connects with TLS (port 465),
 * `none` never upgrades. Certificates are checked against the system's and `HERALD_SMTP_CA_FILE`'s.
 */
@Injectable()
export class SmtpProvider implements MessagingProvider, OnApplicationShutdown {
  readonly serviceType = MessagingServiceType.SMTP;
  readonly channel = 'email' as const;
  private pool?: { fingerprint: string; transporter: Transporter };
  private ca?: string[];

  constructor(@Inject(SETTINGS) private readonly settings: Settings) {}

  async send(message: OutgoingMessage, context: ProviderContext): Promise<DeliveryReceipt> {
    if (message.channel !== 'email') throw configurationError(PROVIDER, `cannot send ${message.channel} messages`);
    const smtp = target(context);
    const redaction = { recipient: message.to, secrets: [smtp.username, smtp.password] };
    const transporter = await this.transporterFor(smtp);
    const timeoutMs = context.timeoutMs ?? this.settings.providers.timeoutMs;
    let timer: NodeJS.Timeout | undefined;
    // The pool's own timeouts cover connecting, the greeting and an idle socket; this one covers the whole attempt,
    // waiting for a free connection included.
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new DeliveryError(true, undefined, `${PROVIDER}: no answer within ${timeoutMs} ms`, true)), timeoutMs);
    });
    try {
      const sending = transporter.sendMail({
        from: smtp.from,
        to: message.to.trim(),
        subject: message.subject,
        html: message.html,
        text: message.text,
        headers: { 'X-Idempotency-Key': message.idempotencyKey, 'X-Herald-Message-Id': message.messageId },
      });
      sending.catch(() => undefined); // a send that outlives the timeout must not reject unhandled
      const info = (await Promise.race([sending, timeout])) as { messageId?: unknown };
      return { providerMessageId: nonEmptyText(info.messageId) ?? null };
    } catch (error) {
      throw toSmtpDeliveryError(error, redaction);
    } finally {
      clearTimeout(timer);
    }
  }

  onApplicationShutdown(): void {
    this.pool?.transporter.close();
    this.pool = undefined;
  }

  private async transporterFor(smtp: SmtpTarget): Promise<Transporter> {
    const fingerprint = createHash('sha256')
      .update(JSON.stringify([smtp.host, smtp.port, smtp.security, smtp.username, smtp.password]))
      .digest('hex');
    if (this.pool?.fingerprint === fingerprint) return this.pool.transporter;
    const nodemailer = await nodemailerSdk();
    // Another send may have made the pool while this one loaded the SDK.
    if (this.pool?.fingerprint === fingerprint) return this.pool.transporter;
    // The config or its secrets changed: the old pool's connections are logged in as before, so it goes.
    this.pool?.transporter.close();
    const { timeoutMs, timeoutMaxMs, smtpPoolSize } = this.settings.providers;
    const transporter = nodemailer.createTransport({
      pool: true,
      maxConnections: smtpPoolSize,
      host: smtp.host,
      port: smtp.port,
      secure: smtp.security === 'tls',
      requireTLS: smtp.security === 'starttls',
      ignoreTLS: smtp.security === 'none',
      auth: { user: smtp.username, pass: smtp.password },
      connectionTimeout: timeoutMs,
      greetingTimeout: timeoutMs,
      socketTimeout: timeoutMaxMs,
      tls: { ca: this.trusted(), minVersion: 'TLSv1.2' },
    });
    this.pool = { fingerprint, transporter };
    return transporter;
  }

  /** The system's certificates, and those of `HERALD_SMTP_CA_FILE` (a private CA, the fakes' self-signed one). */
  private trusted(): string[] | undefined {
    const file = this.settings.providers.smtpCaFile;
    if (!file) return undefined;
    if (!this.ca) {
      try {
        this.ca = [...rootCertificates, readFileSync(file, 'utf8')];
      } catch (error) {
        throw configurationError(PROVIDER, `HERALD_SMTP_CA_FILE cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
      }
    }
    return this.ca;
  }
}
