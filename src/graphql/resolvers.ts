import type { Type } from '@nestjs/common';
import { AuthInfoResolver } from '../auth/auth-info.resolver.js';
import { ConnectionsResolver } from '../connections/connections.resolver.js';
import { DatasetsResolver } from '../datasets/datasets.resolver.js';
import { PrivacyRequestsResolver } from '../privacy-requests/requests/privacy-requests.resolver.js';
import { MessagingConfigResolver } from '../messaging-config/messaging-config.resolver.js';
import { MessagesResolver } from '../notifications/messages.resolver.js';
import { NotificationSettingsResolver } from '../notifications/settings/notification-settings.resolver.js';
import { PoliciesResolver } from '../privacy-requests/policies/policies.resolver.js';

/** Every resolver class, for generating schema.gql without a database. A test checks it against the running app. */
export const RESOLVERS: Type[] = [
  AuthInfoResolver,
  MessagingConfigResolver,
  MessagesResolver,
  NotificationSettingsResolver,
  ConnectionsResolver,
  DatasetsResolver,
  PoliciesResolver,
  PrivacyRequestsResolver,
];
