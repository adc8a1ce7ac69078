import type { MessagingServiceType } from '../common/messaging-service-type.js';

/**
 * The later Fides routes' texts (decision D31), with plain values where Fides prints an Enum repr
 * (`'mailgun'`, not `'MessagingServiceType.mailgun'`; `for email`, not `for MessagingMethod.EMAIL`).
 */
export const fidesValue = (serviceType: MessagingServiceType): string => serviceType.toLowerCase();

export const DEFAULT_TEXTS = {
  notFound: (t: MessagingServiceType) => `No default messaging config found of type '${fidesValue(t)}'`,
  noActive: 'No active default messaging config found.',
  invalidActive: 'Invalid notification_service_type configured.',
  noActiveFor: (method?: string) => `No active default messaging configuration found${method ? ` for ${method}` : ''}`,
  invalidDetails: (t: MessagingServiceType) => `Invalid or unpopulated details on ${fidesValue(t)} messaging configuration`,
  noSecrets: (t: MessagingServiceType) => `No secrets found for ${fidesValue(t)} messaging configuration`,
  invalidSecrets: (t: MessagingServiceType) => `Invalid secrets found on ${fidesValue(t)} messaging configuration`,
  configured: (t: MessagingServiceType) => `Active default messaging service of type ${fidesValue(t)} is fully configured`,
  testNotFound: (t: MessagingServiceType) => `No messaging config found with service type: ${fidesValue(t)}`,
  testSent: 'Test message successfully sent',
  testFailed: (reason: string) => `There was an error sending the test message: ${reason}`,
};
