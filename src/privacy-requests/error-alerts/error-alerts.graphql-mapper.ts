import type { ErrorAlertSettingsObject } from './dto/error-alert-settings.graphql.js';
import type { ErrorAlertSettings } from './error-alerts.service.js';

/** The error alert settings as GraphQL shows them. */
export const toErrorAlertSettingsObject = (s: ErrorAlertSettings): ErrorAlertSettingsObject => ({
  emailAddresses: s.emailAddresses,
  notifyAfterFailures: s.notifyAfterFailures,
});
