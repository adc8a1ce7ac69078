import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startProviderFakes, type ProviderFakes, type ProviderFakesOptions } from '../fakes/provider-fakes.mjs';
import { TestApp, bearer, createTestApp } from './test-app.js';

/** Polls until `probe` answers something (not undefined or false); a bound, never a timing assertion. */
export async function waitFor<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Herald with a Mailgun config pointed at the provider fakes, its own data dir, and quick retries. */
export interface PrivacyRequestWorld {
  t: TestApp;
  fakes: ProviderFakes;
  root: string;
  auth: Record<string, string>;
  /** Between tests: waits for the previous runs and messages, drops connections, restores the default settings. */
  reset(): Promise<void>;
  close(): Promise<void>;
}

export async function startPrivacyRequestWorld(
  mailgunKey: string,
  fakesOptions: ProviderFakesOptions = {},
  /** More settings for the app (e.g. the batch email schedule). */
  env: Record<string, string> = {},
): Promise<PrivacyRequestWorld> {
  const dataDir = await mkdtemp(join(tmpdir(), 'herald-pr-'));
  const fakes = await startProviderFakes({ ...fakesOptions, mailgun: { apiKey: mailgunKey } });
  const t = await createTestApp({
    ...fakes.env,
    HERALD_DATA_DIR: dataDir,
    HERALD_DELIVERY_MAX_ATTEMPTS: '2',
    HERALD_DELIVERY_RETRY_DELAY_SECONDS: '1',
    FIDES__NOTIFICATIONS__NOTIFICATION_SERVICE_TYPE: 'mailgun',
    ...env,
  });
  const root = await t.rootToken();
  const auth = bearer(root);
  await t
    .http()
    .post('/api/v1/messaging/config')
    .set(auth)
    .send({ key: 'mailgun', name: 'Mailgun', service_type: 'mailgun', details: { domain: 'mg.herald.example' } })
    .expect(200);
  await t.http().put('/api/v1/messaging/config/mailgun/secret').set(auth).send({ mailgun_api_key: mailgunKey }).expect(200);
  return {
    t,
    fakes,
    root,
    auth,
    reset: async () => {
      // The previous test's runs and messages finish first: a fault injected next must meet the next test's request.
      await waitFor('a quiet outbox', async () => {
        const busy = await t.db.query(
          // An auto-approved request stays `pending` (as in Fides) until its run starts: its `approved` entry tells.
          `SELECT (SELECT count(*) FROM message WHERE status IN ('queued', 'sending'))
                + (SELECT count(*) FROM privacy_request r WHERE r.status IN ('approved', 'in_processing')
                     OR (r.status = 'pending' AND EXISTS (SELECT 1 FROM audit_log a WHERE a.privacy_request_id = r.id AND a.action = 'approved'))) AS n`,
        );
        return Number(busy.rows[0].n) === 0;
      });
      await t.db.query('DELETE FROM connection');
      await t.db.query("DELETE FROM secret WHERE owner_kind = 'connection'");
      await t
        .http()
        .patch('/api/v1/config')
        .set(auth)
        .send({
          notifications: {
            notification_service_type: 'mailgun',
            send_request_receipt_notification: false,
            send_request_review_notification: false,
            send_request_completion_notification: false,
          },
          execution: { subject_identity_verification_required: false, require_manual_request_approval: false },
        })
        .expect(200);
      fakes.reset();
    },
    close: async () => {
      await t.close();
      await fakes.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
