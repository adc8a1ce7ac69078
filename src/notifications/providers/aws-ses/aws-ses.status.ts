import { awsSesAuth, awsSesSender } from './aws-ses.target.js';

/**
 * The rules of `GET /messaging/default/status` for an AWS_SES config (steps 2 and 4 of `fides-later.md` §2): whether
 * its details and its secrets are what the provider needs to send. The same checks the provider makes before calling.
 */
export const AWS_SES_STATUS = {
  detailsComplete: (details: unknown): boolean => !(awsSesSender(details) instanceof Error),
  secretsComplete: (secrets: unknown): boolean => !(awsSesAuth(secrets) instanceof Error),
};
