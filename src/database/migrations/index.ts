import { CreateOauthClient1763800000000 } from './1763800000000-create-oauth-client.js';
import { CreateSecret1763800100000 } from './1763800100000-create-secret.js';
import { CreateMessagingConfig1763800200000 } from './1763800200000-create-messaging-config.js';
import { CreateNotifications1763800300000 } from './1763800300000-create-notifications.js';
import { CreateConnection1763800400000 } from './1763800400000-create-connection.js';
import { CreateDataset1763800500000 } from './1763800500000-create-dataset.js';
import { CreatePolicy1763800600000 } from './1763800600000-create-policy.js';
import { CreatePrivacyRequest1763800700000 } from './1763800700000-create-privacy-request.js';
import { CreateRateLimitBucket1763800870000 } from './1763800870000-create-rate-limit-bucket.js';
import { CreateAccessPackage1763800900000 } from './1763800900000-create-access-package.js';
import { CreateMessageEvent1764000000000 } from './1764000000000-create-message-event.js';
import { CreateSuppression1764000100000 } from './1764000100000-create-suppression.js';
import { CreatePrivacyRequestErrorAlert1764000150000 } from './1764000150000-create-privacy-request-error-alert.js';
import { ProviderFailover1764000200000 } from './1764000200000-provider-failover.js';
import { ScaleIndexes1764000300000 } from './1764000300000-scale-indexes.js';
import { MessagingConfigLastTest1764000400000 } from './1764000400000-messaging-config-last-test.js';
import { CreateMessagingTemplate1764000500000 } from './1764000500000-create-messaging-template.js';
import { Locales1764000600000 } from './1764000600000-locales.js';
import { MoreEmailServiceTypes1764000710000 } from './1764000710000-more-email-service-types.js';
import { BatchedErasureEmails1764000800000 } from './1764000800000-batched-erasure-emails.js';
import { Retention1764000900000 } from './1764000900000-retention.js';
import { LiveUpdates1764001000000 } from './1764001000000-live-updates.js';

/** Every migration, oldest first. Listed by hand: ESM builds cannot glob-load classes reliably. */
export const MIGRATIONS = [
  CreateOauthClient1763800000000,
  CreateSecret1763800100000,
  CreateMessagingConfig1763800200000,
  CreateNotifications1763800300000,
  CreateConnection1763800400000,
  CreateDataset1763800500000,
  CreatePolicy1763800600000,
  CreatePrivacyRequest1763800700000,
  CreateRateLimitBucket1763800870000,
  CreateAccessPackage1763800900000,
  CreateMessageEvent1764000000000,
  CreateSuppression1764000100000,
  CreatePrivacyRequestErrorAlert1764000150000,
  ProviderFailover1764000200000,
  ScaleIndexes1764000300000,
  MessagingConfigLastTest1764000400000,
  CreateMessagingTemplate1764000500000,
  Locales1764000600000,
  MoreEmailServiceTypes1764000710000,
  BatchedErasureEmails1764000800000,
  Retention1764000900000,
  LiveUpdates1764001000000,
];
