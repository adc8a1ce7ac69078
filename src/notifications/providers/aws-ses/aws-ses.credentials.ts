import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { DeliveryError } from '../messaging-provider.js';
import { toAwsSesDeliveryError } from './aws-ses.errors.js';

/** A key pair, temporary or not (the SDK's `AwsCredentials`). */
export interface AwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  expiration?: Date;
}

/** How an AWS_SES config authenticates: its secrets, checked. */
export interface AwsSesAuth {
  method: 'automatic' | 'secret_keys';
  accessKeyId?: string;
  secretAccessKey?: string;
  roleArn?: string;
}

export interface CredentialOptions {
  region: string;
  /** `AWS_STS_ENDPOINT_URL`: STS elsewhere than the region's public endpoint (a proxy, the local fake). */
  stsEndpoint?: string;
  timeoutMs: number;
  now: () => number;
}

/** Assumed-role credentials are renewed this long before they expire, so no request is signed with dying ones. */
export const RENEW_BEFORE_EXPIRY_MS = 5 * 60_000;
/** Asked for when assuming the role; STS's default as well. */
const ROLE_SESSION_SECONDS = 3600;
/** The name of the assumed role's session, as CloudTrail shows it. */
export const ROLE_SESSION_NAME = 'HeraldSesSession';

/**
 * The credentials an SES client of this config signs with: the given key pair (`secret_keys`), or undefined for the
 * SDK's default chain (`automatic`: environment, shared files, container or instance role). With a role ARN, those
 * credentials only sign STS `AssumeRole`, and the role's temporary credentials (cached until shortly before they
 * expire) sign SES.
 */
export function credentialsFor(auth: AwsSesAuth, options: CredentialOptions): AwsCredentials | (() => Promise<AwsCredentials>) | undefined {
  const base = auth.method === 'secret_keys' ? { accessKeyId: auth.accessKeyId ?? '', secretAccessKey: auth.secretAccessKey ?? '' } : undefined;
  if (!auth.roleArn) return base;
  const roleArn = auth.roleArn;
  const sts = new STSClient({
    region: options.region,
    ...(options.stsEndpoint && { endpoint: options.stsEndpoint }),
    ...(base && { credentials: base }),
    // Herald's outbox owns retries: one attempt per send.
    maxAttempts: 1,
    requestHandler: { connectionTimeout: options.timeoutMs, requestTimeout: options.timeoutMs },
  });
  let cached: AwsCredentials | undefined;
  let pending: Promise<AwsCredentials> | undefined;

  const assume = async (): Promise<AwsCredentials> => {
    try {
      const { Credentials: c } = await sts.send(
        new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: ROLE_SESSION_NAME, DurationSeconds: ROLE_SESSION_SECONDS }),
      );
      if (!c?.AccessKeyId || !c.SecretAccessKey) throw new DeliveryError(false, undefined, 'AWS STS: AssumeRole answered no credentials');
      return { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken, expiration: c.Expiration };
    } catch (error) {
      const secrets = [auth.accessKeyId, auth.secretAccessKey];
      throw toAwsSesDeliveryError(error, { secrets }, options.timeoutMs, 'AWS STS');
    }
  };

  return async () => {
    const fresh = cached && (!cached.expiration || cached.expiration.getTime() - RENEW_BEFORE_EXPIRY_MS > options.now());
    if (fresh) return cached!;
    // Concurrent sends share one AssumeRole call.
    pending ??= assume().finally(() => (pending = undefined));
    cached = await pending;
    return cached;
  };
}
