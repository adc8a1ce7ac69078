import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { isEmail } from 'class-validator';
import { DataSource, EntityManager } from 'typeorm';
import { RequestValidationError, type ValidationIssue } from '../../common/errors/herald.error.js';
import { MessagingActionType, NotificationsService, type PrivacyRequestErrorNotificationParams } from '../../notifications/index.js';

/** Who is alerted, after how many requests in error (Fides' `/privacy-request/notification`). */
export interface ErrorAlertSettings {
  emailAddresses: string[];
  notifyAfterFailures: number;
}

/** The settings to store; an empty address list switches the alerts off. */
export type SetErrorAlertSettingsCommand = ErrorAlertSettings;

interface AlertRow {
  email_addresses: string[];
  notify_after_failures: number;
  failures_since_alert: number;
  alerts_sent: number;
}

/** Each alert's messages: `<prefix><alert number>:<address index>`, so an alert is written once whatever happens. */
export const ERROR_ALERT_KEY_PREFIX = 'privacy-request-error-alert:';

/**
 * Decision D30: after every `notify_after_failures` privacy requests that end in error, one
 * `privacy_request_error_notification` email to each configured address, with the number of requests that failed
 * since the last alert (no identities). The count lives in the settings row and is updated in the transaction that
 * puts a request in `error`, under that row's lock: two instances erroring at once count one after the other, and
 * exactly one of them crosses the threshold and writes the alert, in the same commit. Only errors while alerts are
 * configured count; each transition to `error` counts (a request retried and failing again counts again), as in Fides.
 */
@Injectable()
export class ErrorAlertsService {
  private readonly logger = new Logger(ErrorAlertsService.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly notifications: NotificationsService,
  ) {}

  /** The settings, or null when no addresses are configured. */
  async find(): Promise<ErrorAlertSettings | null> {
    const rows = await this.dataSource.query<AlertRow[]>('SELECT email_addresses, notify_after_failures FROM privacy_request_error_alert WHERE id = 1');
    const row = rows[0];
    if (!row || row.email_addresses.length === 0) return null;
    return { emailAddresses: row.email_addresses, notifyAfterFailures: row.notify_after_failures };
  }

  /**
   * Stores the settings and answers them. The count since the last alert is kept when they change (a threshold
   * lowered below it alerts at the next error); switching the alerts off (no addresses) drops it.
   */
  async set(command: SetErrorAlertSettingsCommand): Promise<ErrorAlertSettings> {
    const issues: ValidationIssue[] = [];
    command.emailAddresses.forEach((address, i) => {
      if (!isEmail(address)) issues.push({ loc: ['emailAddresses', i], msg: 'value is not a valid email address', type: 'value_error.email' });
    });
    if (issues.length > 0) throw new RequestValidationError(issues);
    // The same address twice would get every alert twice.
    const seen = new Set<string>();
    const addresses = command.emailAddresses.map((a) => a.trim()).filter((a) => !seen.has(a.toLowerCase()) && seen.add(a.toLowerCase()));
    if (addresses.length === 0) {
      await this.dataSource.query(
        `UPDATE privacy_request_error_alert SET email_addresses = '{}', notify_after_failures = $1, failures_since_alert = 0, updated_at = now() WHERE id = 1`,
        [command.notifyAfterFailures],
      );
    } else {
      await this.dataSource.query(
        `INSERT INTO privacy_request_error_alert (id, email_addresses, notify_after_failures) VALUES (1, $1, $2)
         ON CONFLICT (id) DO UPDATE SET email_addresses = $1, notify_after_failures = $2, updated_at = now()`,
        [addresses, command.notifyAfterFailures],
      );
    }
    return { emailAddresses: addresses, notifyAfterFailures: command.notifyAfterFailures };
  }

  /** Counts one request gone to `error`, in the transaction of that change; writes the alert when it is the n-th. */
  async recordError(m: EntityManager): Promise<void> {
    const [row] = await m.query<AlertRow[]>(
      'SELECT email_addresses, notify_after_failures, failures_since_alert, alerts_sent FROM privacy_request_error_alert WHERE id = 1 FOR UPDATE',
    );
    if (!row || row.email_addresses.length === 0) return;
    const failed = row.failures_since_alert + 1;
    if (failed < row.notify_after_failures) {
      await m.query('UPDATE privacy_request_error_alert SET failures_since_alert = $1 WHERE id = 1', [failed]);
      return;
    }
    const alert = row.alerts_sent + 1;
    await m.query('UPDATE privacy_request_error_alert SET failures_since_alert = 0, alerts_sent = $1 WHERE id = 1', [alert]);
    const params: PrivacyRequestErrorNotificationParams = { failed_requests: failed };
    await this.notifications.notifyMany(
      row.email_addresses.map((email, i) => ({
        actionType: MessagingActionType.PRIVACY_REQUEST_ERROR_NOTIFICATION,
        recipient: { email },
        params: { ...params },
        idempotencyKey: `${ERROR_ALERT_KEY_PREFIX}${alert}:${i}`,
        // Email, whatever the notification service type: the D9 choice, as for erasure emails.
        serviceType: 'email' as const,
      })),
      m,
    );
    this.logger.warn({ alert, failedRequests: failed, recipients: row.email_addresses.length }, 'privacy request error alert enqueued');
  }
}
