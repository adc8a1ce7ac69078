// `/messaging/default...` (decision D31) with each of D33's providers as the active default, set by
// FIDES__NOTIFICATIONS__NOTIFICATION_SERVICE_TYPE: the status texts rule by rule (fides-later.md §2), the upsert with
// Fides' default key and name, the secrets route's 422 list, and a configured default really sending to its fake.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Response } from 'supertest';
import { MessagingConfigService } from '../../src/messaging-config/messaging-config.service.js';
import { SecretsService } from '../../src/secrets/secrets.service.js';
import { startMandrillFake, type MandrillFake } from '../fakes/mandrill-fake.mjs';
import { startProviderFakes, type ProviderFakes } from '../fakes/provider-fakes.mjs';
import { startSmtpFake, type SmtpFake } from '../fakes/smtp-fake.mjs';
import { TestApp, bearer, captureLogs, createTestApp } from '../support/test-app.js';

const DEFAULT = '/api/v1/messaging/default';
const FROM = 'privacy@example.com';
const RECIPIENT = 'status.tester@example.org';
const MANDRILL_KEY = 'md-status-SECRET-6a2f90';
const SMTP_LOGIN = { smtp_username: 'herald-status', smtp_password: 'smtp-status-SECRET-81c4' };
const AWS_SECRET_KEY = 'aws-status-SECRET-access-key-0000000042';
const AWS_SECRETS = { auth_method: 'secret_keys', aws_access_key_id: 'AKIASTATUSTEST000042', aws_secret_access_key: AWS_SECRET_KEY };
const SECRET_VALUES = [MANDRILL_KEY, SMTP_LOGIN.smtp_password, AWS_SECRET_KEY];

interface Fakes {
  providers: ProviderFakes;
  mandrill: MandrillFake;
  smtp: SmtpFake;
}

/** What each provider's case needs: its default name, details, secrets good and bad, and what its fake received. */
interface ProviderCase {
  type: 'mailchimp_transactional' | 'smtp' | 'aws_ses';
  name: string;
  details: (fakes: Fakes) => Record<string, unknown>;
  /** The details as stored and answered (defaults filled). */
  storedDetails: (fakes: Fakes) => Record<string, unknown>;
  /** PUT /messaging/default without details: Fides' 422 text, or none where details are optional for the type. */
  missingDetails: string | undefined;
  /** Details refused by PUT /messaging/default, with the 422's location and text. */
  badDetails: { details: unknown; loc: string[]; msg: string };
  /** Details that once passed but no longer do (written around the validation, as a hand edit might). */
  staleDetails: string;
  secrets: Record<string, unknown>;
  badSecrets: { body: Record<string, unknown>; detail: { loc: string[]; msg: string; type: string }[] };
  /** Secrets of another type, stored around the validation. */
  foreignSecrets: Record<string, unknown>;
  /** The recipients and subjects the fake accepted. */
  received: (fakes: Fakes) => { to: string; subject: string }[];
}

const CASES: ProviderCase[] = [
  {
    type: 'mailchimp_transactional',
    name: 'Mailchimp Transactional',
    details: () => ({ email_from: FROM }),
    // Fides: details are optional for this type (only sending needs them).
    missingDetails: undefined,
    storedDetails: () => ({ email_from: FROM }),
    badDetails: { details: { email_from: 'not an address' }, loc: ['body', 'details', 'email_from'], msg: 'value is not a valid email address' },
    staleDetails: JSON.stringify({ email_from: 'not an address' }),
    secrets: { mailchimp_transactional_api_key: MANDRILL_KEY },
    badSecrets: { body: {}, detail: [{ loc: ['mailchimp_transactional_api_key'], msg: 'field required', type: 'value_error.missing' }] },
    foreignSecrets: { mailgun_api_key: MANDRILL_KEY },
    received: ({ mandrill }) =>
      mandrill.requests
        .filter((r) => r.status === 200)
        .map((r) => {
          const message = (r.body as { message: { to: { email: string }[]; subject: string } }).message;
          return { to: message.to[0].email, subject: message.subject };
        }),
  },
  {
    type: 'smtp',
    name: 'SMTP',
    details: ({ smtp }) => ({ host: '127.0.0.1', port: smtp.port, email_from: FROM }),
    missingDetails: 'SMTP messaging config must include details',
    storedDetails: ({ smtp }) => ({ host: '127.0.0.1', port: smtp.port, security: 'starttls', email_from: FROM }),
    badDetails: {
      details: { host: '127.0.0.1', security: 'ssl', email_from: FROM },
      loc: ['body', 'details', 'security'],
      msg: "value is not a valid enumeration member; permitted: 'starttls', 'tls', 'none'",
    },
    staleDetails: JSON.stringify({ host: 'not a host!', port: 25, security: 'none', email_from: FROM }),
    secrets: SMTP_LOGIN,
    badSecrets: { body: { smtp_username: SMTP_LOGIN.smtp_username }, detail: [{ loc: ['smtp_password'], msg: 'field required', type: 'value_error.missing' }] },
    foreignSecrets: { mailchimp_transactional_api_key: MANDRILL_KEY },
    received: ({ smtp }) => smtp.messages.map((m) => ({ to: m.to.join(','), subject: m.subject ?? '' })),
  },
  {
    type: 'aws_ses',
    name: 'AWS SES',
    details: () => ({ aws_region: 'eu-west-1', email_from: FROM }),
    missingDetails: 'Messaging config must include details',
    storedDetails: () => ({ aws_region: 'eu-west-1', email_from: FROM, domain: null }),
    badDetails: { details: { aws_region: 'eu-west-1' }, loc: ['body', 'details', '__root__'], msg: "Either 'email_from' or 'domain' must be provided." },
    staleDetails: JSON.stringify({ aws_region: 'eu-west-1', email_from: null, domain: null }),
    secrets: AWS_SECRETS,
    badSecrets: {
      body: { auth_method: 'secret_keys', aws_access_key_id: AWS_SECRETS.aws_access_key_id },
      detail: [
        { loc: [], msg: 'An Access Key ID and a Secret Access Key must be provided if using the `secret_keys` Authentication Method', type: 'value_error' },
      ],
    },
    foreignSecrets: { smtp_username: 'x', smtp_password: 'y' },
    received: ({ providers }) =>
      providers.awsSes.sends().map((r) => {
        const mail = r.body as { Destination: { ToAddresses: string[] }; Content: { Simple: { Subject: { Data: string } } } };
        return { to: mail.Destination.ToAddresses.join(','), subject: mail.Content.Simple.Subject.Data };
      }),
  },
];

describe.each(CASES)('/messaging/default with $type as the active default', (c) => {
  const logs = captureLogs();
  const seen: string[] = [];
  let fakes: Fakes;
  let caDir: string;
  let t: TestApp;

  beforeAll(async () => {
    fakes = {
      providers: await startProviderFakes(),
      mandrill: await startMandrillFake({ apiKey: MANDRILL_KEY }),
      smtp: await startSmtpFake({ username: SMTP_LOGIN.smtp_username, password: SMTP_LOGIN.smtp_password }),
    };
    caDir = await mkdtemp(join(tmpdir(), 'herald-status-'));
    await writeFile(join(caDir, 'ca.pem'), fakes.smtp.cert);
    t = await createTestApp(
      {
        ...fakes.providers.env,
        MAILCHIMP_TRANSACTIONAL_API_URL: fakes.mandrill.url,
        HERALD_SMTP_CA_FILE: join(caDir, 'ca.pem'),
        HERALD_PROVIDER_TIMEOUT_MS: '5000',
        FIDES__NOTIFICATIONS__NOTIFICATION_SERVICE_TYPE: c.type,
        LOG_LEVEL: 'debug',
      },
      logs,
    );
  });
  afterAll(async () => {
    // No secret and no recipient in any answer or log line.
    for (const value of [...SECRET_VALUES, RECIPIENT]) {
      expect(seen.filter((text) => text.includes(value))).toEqual([]);
      expect(logs.text()).not.toContain(value);
    }
    await t.close();
    await Promise.all([fakes.providers.close(), fakes.mandrill.close(), fakes.smtp.close()]);
    await rm(caDir, { recursive: true, force: true });
  });

  beforeEach(async () => {
    fakes.providers.reset();
    fakes.mandrill.reset();
    fakes.smtp.reset();
    await t.db.query('DELETE FROM secret');
    await t.db.query('DELETE FROM messaging_config');
  });

  async function api(method: 'get' | 'put' | 'post', path: string, body?: unknown): Promise<Response> {
    const req = t
      .http()
      [method](path)
      .set(bearer(await t.rootToken()));
    const res = body === undefined ? await req : await req.send(body as object);
    seen.push(res.text);
    return res;
  }

  async function status(query = ''): Promise<unknown> {
    const res = await api('get', `${DEFAULT}/status${query}`);
    expect(res.status).toBe(200);
    return res.body;
  }
  const notConfigured = (detail: string) => ({ config_status: 'not configured', detail });
  const configured = { config_status: 'configured', detail: `Active default messaging service of type ${c.type} is fully configured` };

  async function state() {
    return {
      configs: (await t.db.query('SELECT key, name, service_type, details, updated_at FROM messaging_config ORDER BY key')).rows,
      secrets: (await t.db.query('SELECT owner_id, envelope, updated_at FROM secret ORDER BY owner_id')).rows,
    };
  }

  async function storedSecrets(): Promise<unknown> {
    const service = t.app.get(MessagingConfigService);
    return service.getSecrets(await service.get(c.type));
  }

  it('walks the status rules in order, from no config to fully configured, and the configured default sends', async () => {
    // No config of the active type yet.
    expect(await status()).toEqual(notConfigured('No active default messaging configuration found'));
    expect(await status('?messaging_method=email')).toEqual(notConfigured('No active default messaging configuration found for email'));
    expect((await api('get', `${DEFAULT}/active`)).body).toEqual({ detail: 'No active default messaging config found.' });
    const before = await state();
    const noConfig = { detail: `No default messaging config found of type '${c.type}'` };
    const getMissing = await api('get', `${DEFAULT}/${c.type}`);
    expect([getMissing.status, getMissing.body]).toEqual([404, noConfig]);
    const secretsMissing = await api('put', `${DEFAULT}/${c.type}/secret`, c.secrets);
    expect([secretsMissing.status, secretsMissing.body]).toEqual([404, noConfig]);
    expect(await state()).toEqual(before);

    // Bad details: 422 in Fides' shape, and nothing created.
    const bad = await api('put', DEFAULT, { service_type: c.type, details: c.badDetails.details });
    expect(bad.status).toBe(422);
    expect(bad.body.detail).toEqual([expect.objectContaining({ loc: c.badDetails.loc, msg: c.badDetails.msg })]);
    expect(await state()).toEqual(before);

    // Created with Fides' default key and name.
    const created = await api('put', DEFAULT, { service_type: c.type.toUpperCase(), details: c.details(fakes) });
    expect(created.status).toBe(200);
    expect(created.body).toEqual({
      service_type: c.type,
      details: c.storedDetails(fakes),
      name: c.name,
      key: c.type,
      last_test_timestamp: null,
      last_test_succeeded: null,
    });
    expect((await state()).configs).toEqual([
      expect.objectContaining({ key: c.type, name: c.name, service_type: c.type.toUpperCase(), details: c.storedDetails(fakes) }),
    ]);
    expect((await api('get', `${DEFAULT}/${c.type}`)).body).toEqual(created.body);
    expect((await api('get', `${DEFAULT}/active`)).body).toEqual(created.body);

    expect(await status()).toEqual(notConfigured(`No secrets found for ${c.type} messaging configuration`));
    // An email type: asking about SMS finds no active default.
    expect(await status('?messaging_method=sms')).toEqual(notConfigured('No active default messaging configuration found for sms'));

    // Bad secrets: the default route's located 422 list; nothing stored, so still "no secrets".
    const unchanged = await state();
    const refused = await api('put', `${DEFAULT}/${c.type}/secret`, c.badSecrets.body);
    expect([refused.status, refused.body]).toEqual([422, { detail: c.badSecrets.detail }]);
    expect(await state()).toEqual(unchanged);
    expect(await status()).toEqual(notConfigured(`No secrets found for ${c.type} messaging configuration`));

    // Secrets that do not fit the type (stored around the validation, as an older Herald or a hand edit might).
    const config = await t.app.get(MessagingConfigService).get(c.type);
    await t.app.get(SecretsService).put('messaging_config', config.id, c.foreignSecrets);
    expect(await status()).toEqual(notConfigured(`Invalid secrets found on ${c.type} messaging configuration`));

    const stored = await api('put', `${DEFAULT}/${c.type.toUpperCase()}/secret`, c.secrets);
    expect([stored.status, stored.body]).toEqual([
      200,
      { msg: `Secrets updated for MessagingConfig with key: ${c.type}.`, test_status: null, failure_reason: null },
    ]);
    expect(await storedSecrets()).toEqual(expect.objectContaining(c.secrets));
    expect(await status()).toEqual(configured);
    expect(await status('?messaging_method=email')).toEqual(configured);

    // "Configured" means it sends: the test message reaches this type's fake, and only it.
    const sent = await api('post', `/api/v1/messaging/test/${c.type}`, { to_identity: { email: RECIPIENT } });
    expect([sent.status, sent.body]).toEqual([200, { details: 'Test message successfully sent' }]);
    const all = CASES.flatMap((other) => other.received(fakes).map((m) => ({ type: other.type, ...m })));
    expect(all).toEqual([{ type: c.type, to: RECIPIENT, subject: 'Test message from Herald' }]);
    expect(fakes.providers.mailgun.requests).toEqual([]);

    // Details that no longer pass the type's check come before the secrets.
    await t.db.query(`UPDATE messaging_config SET details = $1 WHERE key = $2`, [c.staleDetails, c.type]);
    expect(await status()).toEqual(notConfigured(`Invalid or unpopulated details on ${c.type} messaging configuration`));

    // PUT /messaging/default again: the existing config is updated (key, name and secrets kept), the status back to configured.
    const updated = await api('put', DEFAULT, { service_type: c.type, details: c.details(fakes) });
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({ key: c.type, name: c.name, details: c.storedDetails(fakes), last_test_succeeded: true });
    expect(await status()).toEqual(configured);
  });

  it('PUT /messaging/default without details: created where the type does not need them, else 422 and nothing stored', async () => {
    const before = await state();
    const res = await api('put', DEFAULT, { service_type: c.type });
    if (c.missingDetails !== undefined) {
      expect(res.status).toBe(422);
      expect(res.body.detail).toEqual([expect.objectContaining({ loc: ['body', '__root__'], msg: c.missingDetails })]);
      expect(await state()).toEqual(before);
      expect(await status()).toEqual(notConfigured('No active default messaging configuration found'));
      return;
    }
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ key: c.type, name: c.name, details: null });
    // Saved without details, as Fides allows for this type; but it cannot send without a sender, so the status says
    // so (Fides would go on to the secrets and say "configured": quirk 5), and a send fails in Fides' words.
    expect(await status()).toEqual(notConfigured(`Invalid or unpopulated details on ${c.type} messaging configuration`));
    expect((await api('put', `${DEFAULT}/${c.type}/secret`, c.secrets)).status).toBe(200);
    expect(await status()).toEqual(notConfigured(`Invalid or unpopulated details on ${c.type} messaging configuration`));
    const sent = await api('post', `/api/v1/messaging/test/${c.type}`, { to_identity: { email: RECIPIENT } });
    expect([sent.status, sent.body]).toEqual([
      400,
      { detail: 'There was an error sending the test message: Mailchimp Transactional: No Mailchimp Transactional config details or secrets supplied.' },
    ]);
    expect(c.received(fakes)).toEqual([]);
  });
});
