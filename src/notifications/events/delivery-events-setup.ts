import { Field, ObjectType } from '@nestjs/graphql';
import { MessagingServiceType } from '../../common/messaging-service-type.js';

/** Each service type's delivery event webhook (decision D26): its path segment and the secret that verifies its calls. */
export const WEBHOOKS: Readonly<Partial<Record<MessagingServiceType, { segment: string; secret: string }>>> = {
  [MessagingServiceType.MAILGUN]: { segment: 'mailgun', secret: 'mailgun_webhook_signing_key' },
  [MessagingServiceType.TWILIO_TEXT]: { segment: 'twilio_text', secret: 'twilio_auth_token' },
  [MessagingServiceType.TWILIO_EMAIL]: { segment: 'twilio_email', secret: 'twilio_email_webhook_public_key' },
  [MessagingServiceType.MAILCHIMP_TRANSACTIONAL]: { segment: 'mailchimp_transactional', secret: 'mailchimp_transactional_webhook_key' },
  [MessagingServiceType.AWS_SES]: { segment: 'aws_ses', secret: 'aws_sns_topic_arn' },
};

const WEBHOOK_PATH_PREFIX = '/api/v1/messaging/webhooks/';

@ObjectType('DeliveryEventsSetup', { description: "How a config's provider reports what became of a message (decision D26), and whether Herald can take it" })
export class DeliveryEventsSetupObject {
  @Field({ description: "HERALD_PUBLIC_URL + the webhook's path: what to give the provider (Twilio gets it with every message)" })
  url: string;
  @Field({ description: 'The secret that verifies its calls (never its value)' })
  secretName: string;
  @Field({ description: 'Whether that secret is set: without it every call is refused with a 401' })
  verifiable: boolean;
}

/** The setup for a config of `serviceType` with `secrets` (undefined: none set); null for a type without events (SMTP). */
export function deliveryEventsSetup(serviceType: MessagingServiceType, secrets: object | undefined, publicUrl: string): DeliveryEventsSetupObject | null {
  const webhook = WEBHOOKS[serviceType];
  if (!webhook) return null;
  const value = (secrets as Record<string, unknown> | undefined)?.[webhook.secret];
  return {
    url: `${publicUrl}${WEBHOOK_PATH_PREFIX}${webhook.segment}`,
    secretName: webhook.secret,
    verifiable: typeof value === 'string' && value.trim() !== '',
  };
}
