import { configurationError, nonEmptyText } from '../delivery-error.mapper.js';
import type { DeliveryError, ProviderContext } from '../messaging-provider.js';
import type { AwsSesAuth } from './aws-ses.credentials.js';
import { AWS_SES } from './aws-ses.errors.js';

/** What an AWS_SES config must hold to send; checked before calling. */
export interface AwsSesTarget {
  region: string;
  /** The identities SES must have verified: `email_from` and/or `domain`, as configured. */
  identities: string[];
  /** The sender: `email_from`, else `noreply@{domain}` (as Fides sends). */
  source: string;
  /** `configuration_set_name`: named in every send, so its event destinations publish the send's events. */
  configurationSet?: string;
  auth: AwsSesAuth;
}

/** The region becomes part of SES's host name: only a region's form is let through. */
const REGION = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;

type Loose = Partial<Record<string, unknown>>;

/** The details' part of the target, or the problem with them. */
export function awsSesSender(details: unknown): Pick<AwsSesTarget, 'region' | 'identities' | 'source' | 'configurationSet'> | DeliveryError {
  const d = (details ?? {}) as Loose;
  const region = nonEmptyText(d.aws_region);
  if (!region || !REGION.test(region)) return configurationError(AWS_SES, 'the config has no valid aws_region in its details');
  const emailFrom = nonEmptyText(d.email_from);
  const domain = nonEmptyText(d.domain);
  if (!emailFrom && !domain) return configurationError(AWS_SES, "the config has neither 'email_from' nor 'domain' in its details");
  const configurationSet = nonEmptyText(d.configuration_set_name);
  return {
    region,
    identities: [emailFrom, domain].filter((i): i is string => i !== undefined),
    source: emailFrom ?? `noreply@${domain}`,
    ...(configurationSet && { configurationSet }),
  };
}

/** The secrets' part of the target, or the problem with them. */
export function awsSesAuth(secrets: unknown): AwsSesAuth | DeliveryError {
  const s = (secrets ?? {}) as Loose;
  const method = s.auth_method;
  if (method !== 'automatic' && method !== 'secret_keys') return configurationError(AWS_SES, 'the config has no valid auth_method secret');
  const accessKeyId = nonEmptyText(s.aws_access_key_id);
  const secretAccessKey = nonEmptyText(s.aws_secret_access_key);
  if (method === 'secret_keys' && (!accessKeyId || !secretAccessKey)) {
    return configurationError(AWS_SES, 'the secret_keys auth_method needs aws_access_key_id and aws_secret_access_key');
  }
  const roleArn = nonEmptyText(s.aws_assume_role_arn);
  return { method, ...(method === 'secret_keys' && { accessKeyId, secretAccessKey }), ...(roleArn && { roleArn }) };
}

/**
 * The whole target of a send; throws the first problem as a permanent `DeliveryError`. `settingRoleArn`
 * (`FIDES__CREDENTIALS__NOTIFICATIONS__AWS_SES_ASSUME_ROLE_ARN`) wins over the config's `aws_assume_role_arn`, as in Fides.
 */
export function awsSesTarget(context: ProviderContext, settingRoleArn?: string): AwsSesTarget {
  const sender = awsSesSender(context.details);
  if (sender instanceof Error) throw sender;
  const auth = awsSesAuth(context.secrets);
  if (auth instanceof Error) throw auth;
  return { ...sender, auth: settingRoleArn ? { ...auth, roleArn: settingRoleArn } : auth };
}
