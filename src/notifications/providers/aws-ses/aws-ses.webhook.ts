import { WebhookRefused, type WebhookReader } from '../provider-webhook.js';

/** SES reports delivery through SNS or EventBridge, not a webhook of Herald's: there is nothing to read. */
export const refuseAwsSesWebhook: WebhookReader = () => {
  throw new WebhookRefused('AWS SES delivery events are not received by webhook');
};
