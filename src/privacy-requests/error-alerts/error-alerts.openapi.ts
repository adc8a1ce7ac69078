import { arrayOf, integer, model, object, string } from '../../common/openapi.js';

/** Fides' PrivacyRequestNotificationInfo (decision D30). */
export const ERROR_ALERT_SETTINGS = model('PrivacyRequestNotificationInfo', object({ email_addresses: arrayOf(string), notify_after_failures: integer }));
