import { MessagingServiceType } from '../../common/messaging-service-type.js';
import { readMailgunWebhook } from './mailgun/mailgun.webhook.js';
import { awsSesWebhookReader } from './aws-ses/aws-ses.webhook.js';
import { SnsEndpoint } from './aws-ses/aws-sns.endpoint.js';
import { readMandrillWebhook } from './mailchimp-transactional/mailchimp-transactional.webhook.js';
import type { WebhookReader } from './provider-webhook.js';
import { readSendGridWebhook } from './twilio-email/twilio-email.webhook.js';
import { readTwilioStatusCallback } from './twilio-sms/twilio-sms.webhook.js';

/**
 * Each provider's delivery event webhook (decision D26), by the service type whose config holds its secret. SMTP has
 * none (bounces come back as mail). AWS SES reports through SNS, whose certificates come from `snsEndpoint`
 * (`AWS_SNS_ENDPOINT_URL`, else SNS itself).
 */
export function webhookReaders(snsEndpoint: string | undefined): Readonly<Partial<Record<MessagingServiceType, WebhookReader>>> {
  return {
    [MessagingServiceType.MAILGUN]: readMailgunWebhook,
    [MessagingServiceType.TWILIO_TEXT]: readTwilioStatusCallback,
    [MessagingServiceType.TWILIO_EMAIL]: readSendGridWebhook,
    [MessagingServiceType.MAILCHIMP_TRANSACTIONAL]: readMandrillWebhook,
    [MessagingServiceType.AWS_SES]: awsSesWebhookReader(new SnsEndpoint(snsEndpoint)),
  };
}
