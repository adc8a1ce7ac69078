import { CronExpressionParser } from 'cron-parser';
import { MESSAGING_CHANNEL, MessagingServiceType, parseMessagingServiceType, serviceTypesOf } from '../common/messaging-service-type.js';

/** Every setting Herald reads, typed. Built once at start-up by `loadSettings`, injected as `SETTINGS`. */
export interface Settings {
  port: number;
  /** The interface Herald listens on (`HOST`): loopback unless the operator opens it (the image sets 0.0.0.0). */
  host: string;
  /**
   * Which `X-Forwarded-For` hops to believe for the client address (`HERALD_TRUST_PROXY`): false (none), true (all),
   * or a list of proxy addresses/CIDRs (a hop count is refused). Rate limits per address depend on it.
   */
  trustProxy: boolean | string[];
  /** Where clients reach Herald: the base of the download links sent to data subjects and of the webhook URLs. */
  publicUrl: string;
  /** Decision D26: Twilio is asked to call back only at an https `publicUrl`, or an http one when this is on (tests). */
  webhooksAllowHttp: boolean;
  /** External PostgreSQL; undefined means the embedded server under `dataDir`. */
  databaseUrl: string | undefined;
  /** How long start-up waits for the external PostgreSQL to answer (a container may start before its database). */
  databaseWaitSeconds: number;
  dataDir: string;
  /** The largest access package (its JSON, in bytes) Herald stores (`HERALD_ACCESS_PACKAGE_MAX_BYTES`). */
  accessPackageMaxBytes: number;
  logLevel: LogLevel;
  production: boolean;
  /** GraphQL introspection, the playground and "Did you mean" hints (`HERALD_GRAPHQL_INTROSPECTION`; off in production). */
  graphqlIntrospection: boolean;
  /** GraphQL subscriptions over graphql-ws at /graphql: what one instance holds open (anything without a token is bounded). */
  graphqlWs: {
    /** Open websocket connections per instance; more are answered 503 at the upgrade. */
    maxConnections: number;
    /** Open websocket connections from one client address (as the rate limits count it); more are answered 429. */
    maxConnectionsPerAddress: number;
    /** Active subscriptions on one connection. */
    maxSubscriptionsPerConnection: number;
    /** Active subscriptions of one OAuth client (token's client-id) across this instance's connections. */
    maxSubscriptionsPerClient: number;
  };
  /** Decision D18: shared limits for what anyone can ask without a token. 0 turns one limit off. */
  rateLimits: RateLimitSettings;
  security: {
    /** Browser origins allowed by CORS (`FIDES__SECURITY__CORS_ORIGINS`); empty means no cross-origin access. */
    corsOrigins: string[];
    oauthRootClientId: string;
    oauthRootClientSecret: string;
    appEncryptionKey: string;
    /** Keys that sealed data before the current one (`HERALD_PREVIOUS_ENCRYPTION_KEYS`): read, never written with. */
    previousEncryptionKeys: string[];
    oauthAccessTokenExpireMinutes: number;
    identityVerificationAttemptLimit: number;
    subjectRequestDownloadLinkTtlSeconds: number;
  };
  notifications: {
    notificationServiceType: MessagingServiceType | null;
    sendRequestReceiptNotification: boolean;
    sendRequestReviewNotification: boolean;
    sendRequestCompletionNotification: boolean;
    /** Decision D29: where the next attempt goes after a retryable failure (`HERALD_EMAIL_FALLBACK`), email types only. */
    emailFallbackServiceTypes: MessagingServiceType[];
    /** The same for text messages (`HERALD_SMS_FALLBACK`), SMS types only. */
    smsFallbackServiceTypes: MessagingServiceType[];
  };
  execution: {
    subjectIdentityVerificationRequired: boolean;
    requireManualRequestApproval: boolean;
    /** Decision D34: when the batched third-party erasure emails go out (5-field cron, day names welcome). */
    emailSendCronExpression: string;
    /** The IANA time zone the cron is read in. */
    emailSendTimezone: string;
  };
  /** The organisation named in the batched erasure emails to third parties (`HERALD_ORGANIZATION_NAME`). */
  organizationName: string | null;
  redis: { identityVerificationCodeTtlSeconds: number };
  /** How long finished work is kept; 0 keeps it forever. A scheduled purge deletes what is older, in small batches. */
  retention: RetentionSettings;
  /** The outbox: how messages are retried and how many are sent at once by each process. */
  delivery: {
    /** Attempts per message, the first included (10: all ten fail at 30% random faults for 6 in a million). */
    maxAttempts: number;
    /** Attempt n waits retryDelay × 2^(n-1) (jittered), at most retryDelayMax, which also caps a provider's Retry-After. */
    retryDelaySeconds: number;
    retryDelayMaxSeconds: number;
    concurrency: number;
  };
  providers: {
    mailgunApiUrl: string | undefined;
    twilioApiUrl: string | undefined;
    sendgridApiUrl: string | undefined;
    /** Decision D33: Mandrill's base URL (`MAILCHIMP_TRANSACTIONAL_API_URL`), without the `/api/1.3` path. */
    mailchimpTransactionalApiUrl: string | undefined;
    /** PEM file of certificates to trust, besides the system's, for SMTP servers' TLS (`HERALD_SMTP_CA_FILE`). */
    smtpCaFile: string | undefined;
    /** Connections each process keeps open to an SMTP server (`HERALD_SMTP_POOL_SIZE`). */
    smtpPoolSize: number;
    /** SES v2's endpoint (a proxy, a VPC endpoint, the local fake); STS has its own, `awsStsEndpointUrl`. */
    awsSesEndpointUrl: string | undefined;
    /** STS's endpoint, for an SES config's assume-role; unset: the region's public STS endpoint. */
    awsStsEndpointUrl: string | undefined;
    /**
     * Where SNS signing certificates are fetched and subscriptions confirmed (`AWS_SNS_ENDPOINT_URL`: a local stand-in);
     * unset: only `https://sns.{the topic's region}.amazonaws.com` (`.com.cn` in China).
     */
    awsSnsEndpointUrl: string | undefined;
    /** Fides' setting: the role every AWS_SES config assumes, winning over its `aws_assume_role_arn` secret. */
    awsSesAssumeRoleArn: string | undefined;
    /** Every provider call gives up after this long (and counts as a retryable failure). */
    timeoutMs: number;
    /**
     * The timeout of the attempts after one that timed out (it may have been delivered): long enough that a slow
     * provider answers the next attempt, so it makes at most one extra copy. Default 3 × timeoutMs, never below it.
     */
    timeoutMaxMs: number;
  };
}

export interface RateLimitSettings {
  /** `HERALD_RATE_LIMITS=off` turns every limit off (load tests, suites that drive many requests from one address). */
  enabled: boolean;
  /** The window every limit counts over (`HERALD_RATE_LIMIT_WINDOW_SECONDS`). */
  windowSeconds: number;
  /** Privacy requests created without a token, per client address / per identity, per window. */
  privacyRequestsPerAddress: number;
  privacyRequestsPerIdentity: number;
  /** Identity verification attempts, per client address / per identity of the request, per window. */
  verificationsPerAddress: number;
  verificationsPerIdentity: number;
  /** Verification codes sent to one identity per window (D18: 3 an hour by default). */
  verificationCodesPerIdentity: number;
  /** Failed token requests per client id / per client address, per window. */
  tokenFailuresPerClient: number;
  tokenFailuresPerAddress: number;
  /** Delivery event webhooks refused (bad or missing signature) per client address, per window (decision D26). */
  webhookFailuresPerAddress: number;
}

export const SETTINGS = Symbol('SETTINGS');

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** A setting that cannot be used; its message is one line and never contains the value of a secret. */
export class SettingsError extends Error {
  constructor(
    readonly setting: string,
    detail: string,
  ) {
    super(`Invalid setting ${setting}: ${detail}`);
    this.name = 'SettingsError';
  }
}

export type Env = Record<string, string | undefined>;

const TRUE = ['true', '1', 'yes', 'on'];
const FALSE = ['false', '0', 'no', 'off'];

function raw(env: Env, name: string): string | undefined {
  const value = env[name];
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

function bool(env: Env, name: string, fallback: boolean): boolean {
  const value = raw(env, name);
  if (value === undefined) return fallback;
  const lower = value.toLowerCase();
  if (TRUE.includes(lower)) return true;
  if (FALSE.includes(lower)) return false;
  throw new SettingsError(name, 'must be a boolean: true, false, 1 or 0');
}

function int(env: Env, name: string, fallback: number, min: number, max = Number.MAX_SAFE_INTEGER): number {
  const value = raw(env, name);
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max) {
    throw new SettingsError(
      name,
      max === Number.MAX_SAFE_INTEGER ? `must be a whole number of at least ${min}` : `must be a whole number from ${min} to ${max}`,
    );
  }
  return Number(value);
}

/** A cron expression as pg-boss schedules it (five fields, UTC), checked here so a typo stops start-up with its name. */
function cron(env: Env, name: string, fallback: string): string {
  const value = raw(env, name) ?? fallback;
  if (value.split(/\s+/).length !== 5 || !validCron(value, 'UTC')) {
    throw new SettingsError(name, 'must be a cron expression of five fields (minute hour day month weekday), e.g. "23 * * * *"');
  }
  return value;
}

function url(env: Env, name: string, protocols: string[]): string | undefined {
  const value = raw(env, name);
  if (value === undefined) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(value);
  } catch {
    throw new SettingsError(name, `must be a URL (${protocols.join(' or ')})`);
  }
  if (!protocols.includes(parsed.protocol.replace(/:$/, ''))) {
    throw new SettingsError(name, `must be a URL with scheme ${protocols.join(' or ')}`);
  }
  return value.replace(/\/+$/, '');
}

/** An IAM role ARN (any partition), or unset. */
function roleArn(env: Env, name: string): string | undefined {
  const value = raw(env, name);
  if (value === undefined) return undefined;
  if (!/^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/.test(value)) {
    throw new SettingsError(name, 'must be an IAM role ARN, such as arn:aws:iam::123456789012:role/herald-ses');
  }
  return value;
}

/** A list as Fides' settings take it from the environment: `a,b` or a JSON array `["a","b"]`. */
function list(env: Env, name: string): string[] {
  const value = raw(env, name);
  if (value === undefined) return [];
  if (value.startsWith('[')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(value);
    } catch {
      throw new SettingsError(name, 'must be a comma-separated list or a JSON array of strings');
    }
    if (!Array.isArray(parsed) || !parsed.every((v) => typeof v === 'string')) {
      throw new SettingsError(name, 'must be a comma-separated list or a JSON array of strings');
    }
    return parsed.map((v) => v.trim().replace(/\/+$/, '')).filter((v) => v !== '');
  }
  return value
    .split(',')
    .map((v) => v.trim().replace(/\/+$/, ''))
    .filter((v) => v !== '');
}

function trustProxy(env: Env, name: string): boolean | string[] {
  const value = raw(env, name);
  if (value === undefined) return false;
  const lower = value.toLowerCase();
  if (TRUE.includes(lower) && lower !== '1') return true;
  if (FALSE.includes(lower)) return false;
  // Fastify 5 trusts no hop for a hop count (it cannot check the immediate peer), so one would silently do nothing.
  if (/^\d+$/.test(value)) {
    throw new SettingsError(name, "a hop count cannot be checked: give true, false, or the proxies' addresses or CIDRs (comma-separated)");
  }
  return list(env, name);
}

function serviceType(env: Env, name: string): MessagingServiceType | null {
  const value = raw(env, name);
  if (value === undefined) return null;
  const parsed = parseMessagingServiceType(value);
  if (!parsed) {
    const types = Object.values(MessagingServiceType).map((t) => t.toLowerCase());
    throw new SettingsError(name, `must be one of ${types.join(', ')} (alias twilio_sms), or unset`);
  }
  return parsed;
}

/** A fallback chain (decision D29): service types of one channel, any case, in order, each once. */
function fallbackChain(env: Env, name: string, channel: 'email' | 'sms'): MessagingServiceType[] {
  const allowed = serviceTypesOf(channel)
    .map((type) => type.toLowerCase())
    .join(', ');
  const chain: MessagingServiceType[] = [];
  for (const value of list(env, name)) {
    const parsed = parseMessagingServiceType(value);
    if (!parsed || MESSAGING_CHANNEL[parsed] !== channel) {
      throw new SettingsError(
        name,
        `must be a comma-separated list of ${channel} service types (${allowed}); ${JSON.stringify(value.slice(0, 40))} is not one`,
      );
    }
    if (!chain.includes(parsed)) chain.push(parsed);
  }
  return chain;
}

function encryptionKey(env: Env, name: string): string {
  const value = env[name] ?? '';
  // AES-256 needs exactly 32 bytes; Fides has the same rule for this setting.
  if (value !== '' && Buffer.byteLength(value, 'utf8') !== 32) {
    throw new SettingsError(name, 'must be exactly 32 characters (bytes)');
  }
  return value;
}

/**
 * A list of keys, each as `encryptionKey` requires: `a,b` (spaces around commas ignored) or a JSON array for keys
 * that hold a comma. Unlike `list`, nothing else is trimmed from a key. The message names the entry, never a value.
 */
function encryptionKeys(env: Env, name: string): string[] {
  const value = raw(env, name);
  if (value === undefined) return [];
  let keys: string[];
  if (value.startsWith('[')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(value);
    } catch {
      parsed = undefined;
    }
    if (!Array.isArray(parsed) || !parsed.every((v) => typeof v === 'string')) {
      throw new SettingsError(name, 'must be a comma-separated list or a JSON array of 32-character keys');
    }
    keys = parsed;
  } else {
    keys = value.split(',').map((v) => v.trim());
  }
  keys = keys.filter((k) => k !== '');
  const wrong = keys.findIndex((k) => Buffer.byteLength(k, 'utf8') !== 32);
  if (wrong >= 0) throw new SettingsError(name, `every key must be exactly 32 characters (bytes); entry ${wrong + 1} is not`);
  return keys;
}

/** Decision D34: the batch email schedule, checked at start-up (a wrong cron or zone would only fail at the first tick). */
function emailSendSchedule(env: Env): { emailSendCronExpression: string; emailSendTimezone: string } {
  const timezone = raw(env, 'FIDES__EXECUTION__EMAIL_SEND_TIMEZONE') ?? 'US/Eastern';
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: timezone });
  } catch {
    throw new SettingsError('FIDES__EXECUTION__EMAIL_SEND_TIMEZONE', 'must be an IANA time zone such as US/Eastern or Europe/Berlin');
  }
  const cron = (raw(env, 'FIDES__EXECUTION__EMAIL_SEND_CRON_EXPRESSION') ?? '0 12 * * mon').replace(/\s+/g, ' ');
  if (cron.split(' ').length !== 5 || !validCron(cron, timezone)) {
    throw new SettingsError(
      'FIDES__EXECUTION__EMAIL_SEND_CRON_EXPRESSION',
      'must be a 5-field crontab expression (minute hour day month weekday), e.g. 0 12 * * mon',
    );
  }
  return { emailSendCronExpression: cron, emailSendTimezone: timezone };
}

function validCron(cron: string, tz: string): boolean {
  try {
    CronExpressionParser.parse(cron, { tz, strict: false }).next();
    return true;
  } catch {
    return false;
  }
}

export interface RetentionSettings {
  /** Sent and failed messages, with their attempts and events, this many days after they were created (`HERALD_RETENTION_MESSAGES_DAYS`). */
  messagesDays: number;
  /** The attempts of sent and failed messages, this many days after they finished; the message keeps its outcome (`HERALD_RETENTION_ATTEMPTS_DAYS`). */
  attemptsDays: number;
  /** Provider delivery events, this many days after they were received; the message keeps its delivery status (`HERALD_RETENTION_EVENTS_DAYS`). */
  eventsDays: number;
  /** The identities of complete, denied and canceled requests, erased this many days after their last change (`HERALD_RETENTION_REQUEST_IDENTITIES_DAYS`). */
  requestIdentitiesDays: number;
  /** Rows per statement (`HERALD_RETENTION_BATCH_SIZE`): each batch commits on its own, so sending never waits long on the purge. */
  batchSize: number;
  /** When the purge runs (`HERALD_RETENTION_CRON`, five-field cron, UTC), once across all instances. */
  cron: string;
}

/**
 * Reads and validates every setting. Secrets that are missing stay empty here: the embedded mode fills them from
 * its data dir, and `requireSecrets` refuses to go on without them.
 */
export function loadSettings(env: Env = process.env): Settings {
  const production = (raw(env, 'NODE_ENV') ?? '').toLowerCase() === 'production';
  const logLevel = (raw(env, 'LOG_LEVEL') ?? 'info').toLowerCase();
  if (!(LOG_LEVELS as readonly string[]).includes(logLevel)) {
    throw new SettingsError('LOG_LEVEL', `must be one of ${LOG_LEVELS.join(', ')}`);
  }
  return {
    port: int(env, 'PORT', 8080, 0, 65535),
    host: raw(env, 'HOST') ?? '127.0.0.1',
    trustProxy: trustProxy(env, 'HERALD_TRUST_PROXY'),
    publicUrl: (url(env, 'HERALD_PUBLIC_URL', ['http', 'https']) ?? `http://127.0.0.1:${int(env, 'PORT', 8080, 0, 65535)}`).replace(/\/+$/, ''),
    webhooksAllowHttp: bool(env, 'HERALD_WEBHOOKS_ALLOW_HTTP', false),
    databaseUrl: url(env, 'DATABASE_URL', ['postgres', 'postgresql']),
    databaseWaitSeconds: int(env, 'HERALD_DATABASE_WAIT_SECONDS', 30, 0, 3600),
    dataDir: raw(env, 'HERALD_DATA_DIR') ?? '.data',
    accessPackageMaxBytes: int(env, 'HERALD_ACCESS_PACKAGE_MAX_BYTES', 50 * 1024 * 1024, 1024, 256 * 1024 * 1024),
    logLevel: logLevel as LogLevel,
    production,
    graphqlIntrospection: bool(env, 'HERALD_GRAPHQL_INTROSPECTION', !production),
    graphqlWs: {
      maxConnections: int(env, 'HERALD_GRAPHQL_WS_MAX_CONNECTIONS', 500, 1, 100_000),
      maxConnectionsPerAddress: int(env, 'HERALD_GRAPHQL_WS_MAX_CONNECTIONS_PER_ADDRESS', 20, 1, 100_000),
      maxSubscriptionsPerConnection: int(env, 'HERALD_GRAPHQL_WS_MAX_SUBSCRIPTIONS_PER_CONNECTION', 10, 1, 1000),
      maxSubscriptionsPerClient: int(env, 'HERALD_GRAPHQL_WS_MAX_SUBSCRIPTIONS_PER_CLIENT', 50, 1, 100_000),
    },
    rateLimits: {
      enabled: bool(env, 'HERALD_RATE_LIMITS', true),
      windowSeconds: int(env, 'HERALD_RATE_LIMIT_WINDOW_SECONDS', 3600, 1, 86400 * 7),
      privacyRequestsPerAddress: int(env, 'HERALD_RATE_LIMIT_PRIVACY_REQUESTS_PER_ADDRESS', 100, 0),
      privacyRequestsPerIdentity: int(env, 'HERALD_RATE_LIMIT_PRIVACY_REQUESTS_PER_IDENTITY', 10, 0),
      verificationsPerAddress: int(env, 'HERALD_RATE_LIMIT_VERIFICATIONS_PER_ADDRESS', 100, 0),
      verificationsPerIdentity: int(env, 'HERALD_RATE_LIMIT_VERIFICATIONS_PER_IDENTITY', 20, 0),
      verificationCodesPerIdentity: int(env, 'HERALD_RATE_LIMIT_VERIFICATION_CODES_PER_IDENTITY', 3, 0),
      tokenFailuresPerClient: int(env, 'HERALD_RATE_LIMIT_TOKEN_FAILURES_PER_CLIENT', 30, 0),
      tokenFailuresPerAddress: int(env, 'HERALD_RATE_LIMIT_TOKEN_FAILURES_PER_ADDRESS', 60, 0),
      webhookFailuresPerAddress: int(env, 'HERALD_RATE_LIMIT_WEBHOOK_FAILURES_PER_ADDRESS', 60, 0),
    },
    security: {
      corsOrigins: list(env, 'FIDES__SECURITY__CORS_ORIGINS'),
      oauthRootClientId: raw(env, 'FIDES__SECURITY__OAUTH_ROOT_CLIENT_ID') ?? 'fidesadmin',
      oauthRootClientSecret: env.FIDES__SECURITY__OAUTH_ROOT_CLIENT_SECRET ?? '',
      appEncryptionKey: encryptionKey(env, 'FIDES__SECURITY__APP_ENCRYPTION_KEY'),
      previousEncryptionKeys: encryptionKeys(env, 'HERALD_PREVIOUS_ENCRYPTION_KEYS'),
      oauthAccessTokenExpireMinutes: int(env, 'FIDES__SECURITY__OAUTH_ACCESS_TOKEN_EXPIRE_MINUTES', 11520, 1),
      identityVerificationAttemptLimit: int(env, 'FIDES__SECURITY__IDENTITY_VERIFICATION_ATTEMPT_LIMIT', 3, 1),
      subjectRequestDownloadLinkTtlSeconds: int(env, 'FIDES__SECURITY__SUBJECT_REQUEST_DOWNLOAD_LINK_TTL_SECONDS', 432000, 1),
    },
    notifications: {
      notificationServiceType: serviceType(env, 'FIDES__NOTIFICATIONS__NOTIFICATION_SERVICE_TYPE'),
      sendRequestReceiptNotification: bool(env, 'FIDES__NOTIFICATIONS__SEND_REQUEST_RECEIPT_NOTIFICATION', false),
      sendRequestReviewNotification: bool(env, 'FIDES__NOTIFICATIONS__SEND_REQUEST_REVIEW_NOTIFICATION', false),
      sendRequestCompletionNotification: bool(env, 'FIDES__NOTIFICATIONS__SEND_REQUEST_COMPLETION_NOTIFICATION', false),
      emailFallbackServiceTypes: fallbackChain(env, 'HERALD_EMAIL_FALLBACK', 'email'),
      smsFallbackServiceTypes: fallbackChain(env, 'HERALD_SMS_FALLBACK', 'sms'),
    },
    execution: {
      subjectIdentityVerificationRequired: bool(env, 'FIDES__EXECUTION__SUBJECT_IDENTITY_VERIFICATION_REQUIRED', false),
      requireManualRequestApproval: bool(env, 'FIDES__EXECUTION__REQUIRE_MANUAL_REQUEST_APPROVAL', false),
      ...emailSendSchedule(env),
    },
    organizationName: raw(env, 'HERALD_ORGANIZATION_NAME') ?? null,
    redis: {
      identityVerificationCodeTtlSeconds: int(env, 'FIDES__REDIS__IDENTITY_VERIFICATION_CODE_TTL_SECONDS', 600, 1),
    },
    retention: {
      messagesDays: int(env, 'HERALD_RETENTION_MESSAGES_DAYS', 0, 0, 36500),
      attemptsDays: int(env, 'HERALD_RETENTION_ATTEMPTS_DAYS', 0, 0, 36500),
      eventsDays: int(env, 'HERALD_RETENTION_EVENTS_DAYS', 0, 0, 36500),
      requestIdentitiesDays: int(env, 'HERALD_RETENTION_REQUEST_IDENTITIES_DAYS', 0, 0, 36500),
      batchSize: int(env, 'HERALD_RETENTION_BATCH_SIZE', 2000, 1, 50_000),
      cron: cron(env, 'HERALD_RETENTION_CRON', '23 * * * *'),
    },
    delivery: {
      maxAttempts: int(env, 'HERALD_DELIVERY_MAX_ATTEMPTS', 10, 1, 100),
      retryDelaySeconds: int(env, 'HERALD_DELIVERY_RETRY_DELAY_SECONDS', 2, 1, 3600),
      retryDelayMaxSeconds: int(env, 'HERALD_DELIVERY_RETRY_DELAY_MAX_SECONDS', 300, 1, 86400),
      concurrency: int(env, 'HERALD_DELIVERY_CONCURRENCY', 20, 1, 500),
    },
    providers: {
      mailgunApiUrl: url(env, 'MAILGUN_API_URL', ['http', 'https']),
      twilioApiUrl: url(env, 'TWILIO_API_URL', ['http', 'https']),
      sendgridApiUrl: url(env, 'SENDGRID_API_URL', ['http', 'https']),
      mailchimpTransactionalApiUrl: url(env, 'MAILCHIMP_TRANSACTIONAL_API_URL', ['http', 'https']),
      smtpCaFile: raw(env, 'HERALD_SMTP_CA_FILE'),
      smtpPoolSize: int(env, 'HERALD_SMTP_POOL_SIZE', 5, 1, 100),
      awsSesEndpointUrl: url(env, 'AWS_SES_ENDPOINT_URL', ['http', 'https']),
      awsStsEndpointUrl: url(env, 'AWS_STS_ENDPOINT_URL', ['http', 'https']),
      awsSnsEndpointUrl: url(env, 'AWS_SNS_ENDPOINT_URL', ['http', 'https']),
      awsSesAssumeRoleArn: roleArn(env, 'FIDES__CREDENTIALS__NOTIFICATIONS__AWS_SES_ASSUME_ROLE_ARN'),
      timeoutMs: int(env, 'HERALD_PROVIDER_TIMEOUT_MS', 10_000, 100, 600_000),
      timeoutMaxMs: Math.max(
        int(env, 'HERALD_PROVIDER_TIMEOUT_MS', 10_000, 100, 600_000),
        int(env, 'HERALD_PROVIDER_TIMEOUT_MAX_MS', 3 * int(env, 'HERALD_PROVIDER_TIMEOUT_MS', 10_000, 100, 600_000), 100, 1_800_000),
      ),
    },
  };
}

/** The root client secret and the encryption key must be known before the app starts. */
export function requireSecrets(settings: Settings): Settings {
  if (settings.security.oauthRootClientSecret === '') {
    throw new SettingsError('FIDES__SECURITY__OAUTH_ROOT_CLIENT_SECRET', 'is required when DATABASE_URL is set');
  }
  if (settings.security.appEncryptionKey === '') {
    throw new SettingsError('FIDES__SECURITY__APP_ENCRYPTION_KEY', 'is required (32 characters) when DATABASE_URL is set');
  }
  return settings;
}
