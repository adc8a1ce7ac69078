import type { Type } from '@nestjs/common';
import { AuthInfoResolver } from '../auth/index.js';
import { ConnectionsResolver } from '../connections/index.js';
import { DatasetsResolver } from '../datasets/index.js';
import { EmailBatchResolver, ErrorAlertsResolver, PrivacyRequestsResolver, PoliciesResolver } from '../privacy-requests/index.js';
import { MessagingConfigResolver } from '../messaging-config/index.js';
import {
  DeliveryEventsSetupResolver,
  MessagesResolver,
  MessagingTemplatesResolver,
  NotificationSettingsResolver,
  SuppressionsResolver,
} from '../notifications/index.js';

/** Every resolver class, for generating schema.gql without a database. A test checks it against the running app. */
export const RESOLVERS: Type[] = [
  AuthInfoResolver,
  MessagingConfigResolver,
  DeliveryEventsSetupResolver,
  MessagesResolver,
  NotificationSettingsResolver,
  SuppressionsResolver,
  MessagingTemplatesResolver,
  ConnectionsResolver,
  DatasetsResolver,
  PoliciesResolver,
  PrivacyRequestsResolver,
  ErrorAlertsResolver,
  EmailBatchResolver,
];
