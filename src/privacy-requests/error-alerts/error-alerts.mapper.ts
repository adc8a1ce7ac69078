import type { Static } from '../../common/openapi.js';
import type { ERROR_ALERT_SETTINGS } from './error-alerts.openapi.js';
import type { ErrorAlertSettings } from './error-alerts.service.js';

// The error alert settings over REST, in Fides' names.

export type ErrorAlertSettingsResponse = Static<typeof ERROR_ALERT_SETTINGS>;

export const toErrorAlertSettingsResponse = (s: ErrorAlertSettings): ErrorAlertSettingsResponse => ({
  email_addresses: s.emailAddresses,
  notify_after_failures: s.notifyAfterFailures,
});
