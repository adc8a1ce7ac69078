// Privacy requests end to end over Fides' REST routes, with every message going through the real SDKs to the
// loopback fakes: verification codes, receipts, reviews, erasure emails to third parties, access packages with their
// download links, completion notices, failures and retries.
import { AccessPackages } from '../../src/privacy-requests/execution/access-packages.js';
import { postmanEmailDataset } from '../support/datasets.js';
import { fieldText, optionalFieldText, type ProviderFakes, type RecordedRequest } from '../fakes/provider-fakes.mjs';
import { startPrivacyRequestWorld, waitFor, type PrivacyRequestWorld } from '../support/privacy-request-world.js';
import type { TestApp } from '../support/test-app.js';

const MAILGUN_KEY = 'key-privacy-requests-5150';
const TWILIO = { sid: 'AC5150aaaabbbbccccddddeeeeffff0000', token: 'twilio-pr-token-5150', service: 'MG5150aaaabbbbccccddddeeeeffff0000' };
const SUBJECT = 'customer-1@example.com';
const PHONE = '+15557770001';
const THIRD_PARTY = 'erasure@daycare.example';

/** A dataset seeded by the subject's email. */
const loyaltyDataset = (key: string) => ({
  fides_key: key,
  collections: [
    {
      name: 'members',
      fields: [
        { name: 'member_id', data_categories: ['system.operations'], fidesops_meta: { primary_key: true } },
        { name: 'email', data_categories: ['user.contact.email'], fidesops_meta: { identity: 'email' } },
        { name: 'points', data_categories: ['user.financial'] },
      ],
    },
  ],
});

describe('privacy requests (REST, end to end)', () => {
  let fakes: ProviderFakes;
  let t: TestApp;
  let auth: Record<string, string>;

  const sentTo = (to: string, subject?: string): RecordedRequest[] =>
    fakes.mailgun.requests.filter((r) => r.fields.to === to && (subject === undefined || r.fields.subject === subject) && r.status === 200);
  const settings = (body: object) => t.http().patch('/api/v1/config').set(auth).send(body).expect(200);
  const create = async (items: object[]) => (await t.http().post('/api/v1/privacy-request').send(items).expect(200)).body;
  const fetch = async (id: string, query = '') => {
    const res = await t.http().get(`/api/v1/privacy-request?request_id=${id}${query}`).set(auth).expect(200);
    return res.body.items[0];
  };
  const statusOf = async (id: string) => (await t.db.query('SELECT status FROM privacy_request WHERE id = $1', [id])).rows[0]?.status as string;
  const settled = async (id: string, status = 'complete') => {
    try {
      return await waitFor(`${id} to be ${status}`, async () => (await statusOf(id)) === status);
    } catch (error) {
      // What the request, its messages and the fake saw, so that a timeout explains itself.
      const request = (await t.db.query('SELECT status, step, awaiting_messages, failure_reason, run_attempt FROM privacy_request WHERE id = $1', [id]))
        .rows[0];
      const messages = (
        await t.db.query(
          'SELECT action_type, status, attempts, failure_reason, idempotency_key FROM message WHERE privacy_request_id = $1 ORDER BY created_at',
          [id],
        )
      ).rows;
      const received = fakes.mailgun.requests.map((r) => ({ to: r.fields.to, subject: r.fields.subject, status: r.status }));
      throw new Error(`${(error as Error).message}: ${JSON.stringify({ request, messages, received })}`);
    }
  };
  const audit = async (id: string) =>
    (await t.db.query('SELECT action, user_id, message FROM audit_log WHERE privacy_request_id = $1 ORDER BY created_at, action', [id])).rows;
  const codeFrom = (r: RecordedRequest) => /code is (\d{6})/.exec(optionalFieldText(r, 'text') ?? fieldText(r, 'Body'))?.[1];

  let world: PrivacyRequestWorld;
  beforeAll(async () => {
    world = await startPrivacyRequestWorld(MAILGUN_KEY, { twilio: { accountSid: TWILIO.sid, authToken: TWILIO.token } });
    ({ t, fakes, auth } = world);
  });
  afterAll(() => world.close());
  beforeEach(() => world.reset());

  const emailConnector = async (key: string, access: 'write' | 'read', datasets: object[], options: { disabled?: boolean; toEmail?: string } = {}) => {
    await t
      .http()
      .patch('/api/v1/connection')
      .set(auth)
      .send([{ name: key, key, connection_type: 'email', access, disabled: options.disabled ?? false }])
      .expect(200);
    await t
      .http()
      .put(`/api/v1/connection/${key}/secret?verify=false`)
      .set(auth)
      .send({ to_email: options.toEmail ?? THIRD_PARTY })
      .expect(200);
    const res = await t.http().patch(`/api/v1/connection/${key}/dataset`).set(auth).send(datasets).expect(200);
    expect(res.body.failed).toEqual([]);
  };

  describe('creation and identity verification', () => {
    it('sends a code, verifies it, then sends the receipt and runs the request', async () => {
      await settings({ execution: { subject_identity_verification_required: true }, notifications: { send_request_receipt_notification: true } });
      const body = await create([{ identity: { email: SUBJECT }, policy_key: 'default_access_policy' }]);
      expect(body.failed).toEqual([]);
      const [request] = body.succeeded;
      expect(request).toMatchObject({ status: 'identity_unverified', identity: null, policy: { key: 'default_access_policy' } });

      const [codeEmail] = sentTo(SUBJECT, 'Your one-time code');
      const code = codeFrom(codeEmail);
      expect(code).toMatch(/^\d{6}$/);
      expect(JSON.stringify(await t.db.query('SELECT * FROM privacy_request WHERE id = $1', [request.id]))).not.toContain(code);
      expect(sentTo(SUBJECT, 'Your request has been received')).toHaveLength(0);

      const verified = await t.http().post(`/api/v1/privacy-request/${request.id}/verify`).send({ code }).expect(200);
      expect(verified.body).toMatchObject({ id: request.id, identity_verified_at: expect.any(String) });
      await settled(request.id);
      // The receipt goes out on its own; the request does not wait for it.
      await waitFor('the receipt', async () => sentTo(SUBJECT, 'Your request has been received').length === 1);
      expect(fieldText(sentTo(SUBJECT, 'Your request has been received')[0], 'text')).toContain('Your access request has been received');
      expect(await audit(request.id)).toEqual([
        { action: 'approved', user_id: 'system', message: '' },
        { action: 'finished', user_id: 'system', message: '' },
      ]);
      // The code was spent.
      const again = await t.http().post(`/api/v1/privacy-request/${request.id}/verify`).send({ code }).expect(400);
      expect(again.body.detail).toBe(`Invalid identity verification request. Privacy request '${request.id}' status = complete.`);
    });

    it('answers the five verify outcomes, spending the code at the attempt limit', async () => {
      await settings({ execution: { subject_identity_verification_required: true } });
      const [request] = (await create([{ identity: { email: SUBJECT }, policy_key: 'default_erasure_policy' }])).succeeded;
      const code = codeFrom(sentTo(SUBJECT, 'Your one-time code')[0])!;
      const wrong = code === '123456' ? '654321' : '123456';
      const verify = (id: string, c: string) => t.http().post(`/api/v1/privacy-request/${id}/verify`).send({ code: c });

      expect((await verify('pri_unknown', code).expect(404)).body.detail).toBe("No privacy request found with id 'pri_unknown'.");
      for (let i = 0; i < 3; i++) expect((await verify(request.id, wrong).expect(403)).body.detail).toBe(`Incorrect identification code for '${request.id}'`);
      expect((await verify(request.id, code).expect(403)).body.detail).toBe(`Attempt limit hit for '${request.id}'`);
      expect((await verify(request.id, code).expect(400)).body.detail).toBe(`Identification code expired for ${request.id}.`);
      expect(await statusOf(request.id)).toBe('identity_unverified');

      const [second] = (await create([{ identity: { email: SUBJECT }, policy_key: 'default_erasure_policy' }])).succeeded;
      await t.db.query("UPDATE privacy_request SET verification_expires_at = now() - interval '1 second' WHERE id = $1", [second.id]);
      expect((await verify(second.id, '000000').expect(400)).body.detail).toBe(`Identification code expired for ${second.id}.`);

      const [pending] = (
        await t
          .http()
          .post('/api/v1/privacy-request/authenticated')
          .set(auth)
          .send([{ identity: { email: SUBJECT }, policy_key: 'default_erasure_policy' }])
          .expect(200)
      ).body.succeeded;
      await verify(pending.id, '000000').expect(400);
    });

    it('reports a code that could not be sent, keeping the request unverified', async () => {
      await settings({ execution: { subject_identity_verification_required: true } });
      fakes.mailgun.failNext(1, 401);
      const body = await create([{ identity: { email: SUBJECT }, policy_key: 'default_access_policy' }]);
      expect(body.succeeded).toEqual([]);
      expect(body.failed).toEqual([
        {
          message: 'Verification message could not be sent.',
          data: expect.objectContaining({
            policy_key: 'default_access_policy',
            status: 'identity_unverified',
            privacy_request_id: expect.stringMatching(/^pri_/),
          }),
        },
      ]);
      expect(await statusOf(body.failed[0].data.privacy_request_id)).toBe('identity_unverified');
      expect(JSON.stringify(body)).not.toContain(SUBJECT);
    });

    it('fails items without identity or with an unknown policy, and refuses bad bodies', async () => {
      const body = await create([
        { identity: {}, policy_key: 'default_access_policy' },
        { identity: { email: SUBJECT }, policy_key: 'nope' },
        { identity: { email: SUBJECT }, policy_key: 'default_access_policy' },
      ]);
      expect(body.failed.map((f: { message: string }) => f.message)).toEqual([
        'You must provide at least one identity to process',
        'Policy with key nope does not exist',
      ]);
      expect(body.succeeded).toHaveLength(1);
      const before = Number((await t.db.query('SELECT count(*) FROM privacy_request')).rows[0].count);
      const bad = await t
        .http()
        .post('/api/v1/privacy-request')
        .send([{ identity: { phone_number: '5550001' }, policy_key: 'default_access_policy' }])
        .expect(422);
      expect(bad.body.detail).toEqual([
        expect.objectContaining({
          loc: ['body', 0, 'identity', 'phone_number'],
          msg: 'Identity phone number must be formatted in E.164 format. E.g +15558675309',
        }),
      ]);
      await t
        .http()
        .post('/api/v1/privacy-request')
        .send([{ identity: { email: SUBJECT, ssn: '1' }, policy_key: 'default_access_policy' }])
        .expect(422);
      await t
        .http()
        .post('/api/v1/privacy-request')
        .send(Array.from({ length: 51 }, () => ({ identity: { email: SUBJECT }, policy_key: 'default_access_policy' })))
        .expect(422);
      expect(Number((await t.db.query('SELECT count(*) FROM privacy_request')).rows[0].count)).toBe(before);
    });

    it('stores identities sealed and finds requests by identity', async () => {
      const [request] = (await create([{ identity: { email: 'Findable@Example.com', phone_number: PHONE }, policy_key: 'default_access_policy' }])).succeeded;
      const row = (await t.db.query('SELECT identity, email_hash FROM privacy_request WHERE id = $1', [request.id])).rows[0];
      expect(row.identity).not.toContain('Findable');
      expect(row.email_hash).toMatch(/^[0-9a-f]{64}$/);
      const found = await t.http().get('/api/v1/privacy-request?identity=findable@example.com&include_identities=true').set(auth).expect(200);
      expect(found.body.items.map((i: { id: string }) => i.id)).toEqual([request.id]);
      expect(found.body.items[0].identity).toEqual({ email: 'Findable@Example.com', phone_number: PHONE });
      const byPhone = await t
        .http()
        .get(`/api/v1/privacy-request?identity=${encodeURIComponent(PHONE)}`)
        .set(auth)
        .expect(200);
      expect(byPhone.body.items[0]).toMatchObject({ id: request.id, identity: null });
    });
  });

  describe('review', () => {
    it('waits for approval when manual approval is on; approve and deny tell the subject, with the reason', async () => {
      await settings({ execution: { require_manual_request_approval: true }, notifications: { send_request_review_notification: true } });
      const body = await create([
        { identity: { email: 'approve-me@example.com' }, policy_key: 'default_erasure_policy' },
        { identity: { email: 'deny-me@example.com' }, policy_key: 'default_erasure_policy' },
        { identity: { email: 'deny-quietly@example.com' }, policy_key: 'default_erasure_policy' },
      ]);
      const [a, d, q] = body.succeeded.map((r: { id: string }) => r.id);
      expect(await statusOf(a)).toBe('pending');

      const approved = await t
        .http()
        .patch('/api/v1/privacy-request/administrate/approve')
        .set(auth)
        .send({ request_ids: [a, 'bad_id'] })
        .expect(200);
      expect(approved.body.succeeded).toEqual([
        expect.objectContaining({ id: a, status: 'approved', reviewed_at: expect.any(String), reviewed_by: 'herald-root' }),
      ]);
      expect(approved.body.failed).toEqual([{ message: "No privacy request found with id 'bad_id'", data: { privacy_request_id: 'bad_id' } }]);
      await settled(a);
      const [approval] = await waitFor('the approval email', async () => {
        const sent = sentTo('approve-me@example.com', 'Your request has been approved');
        return sent.length === 1 && sent;
      });
      expect(fieldText(approval, 'text')).toContain('approved');

      const denied = await t
        .http()
        .patch('/api/v1/privacy-request/administrate/deny')
        .set(auth)
        .send({ request_ids: [d, a], reason: 'We hold no data about you' })
        .expect(200);
      expect(denied.body.succeeded.map((r: { status: string }) => r.status)).toEqual(['denied']);
      expect(denied.body.failed).toEqual([{ message: 'Cannot transition status', data: expect.objectContaining({ id: a, status: 'complete' }) }]);
      await waitFor('deny email', async () => sentTo('deny-me@example.com', 'Your request has been denied').length === 1);
      expect(fieldText(sentTo('deny-me@example.com')[0], 'text')).toContain('We hold no data about you');
      expect(await audit(d)).toEqual([{ action: 'denied', user_id: 'herald-root', message: 'We hold no data about you' }]);

      await t
        .http()
        .patch('/api/v1/privacy-request/administrate/deny')
        .set(auth)
        .send({ request_ids: [q] })
        .expect(200);
      await waitFor('quiet deny email', async () => sentTo('deny-quietly@example.com').length === 1);
      expect(fieldText(sentTo('deny-quietly@example.com')[0], 'text')).not.toContain('reason');
      expect(await statusOf(d)).toBe('denied');
      expect(await audit(q)).toEqual([{ action: 'denied', user_id: 'herald-root', message: null }]);
    });

    it("refuses request_ids that are not a list with pydantic's words", async () => {
      const res = await t.http().patch('/api/v1/privacy-request/administrate/approve').set(auth).send({ request_ids: 'pri_x' }).expect(422);
      expect(res.body.detail).toEqual([{ loc: ['body', 'request_ids'], msg: 'value is not a valid list', type: 'type_error.list' }]);
    });
  });

  describe('execution', () => {
    it("emails the third party the erasure instructions of the Postman email_dataset and tells the subject it's done", async () => {
      await settings({ notifications: { send_request_completion_notification: true } });
      await emailConnector('daycare', 'write', [postmanEmailDataset()]);
      const [request] = (await create([{ identity: { email: SUBJECT }, policy_key: 'default_erasure_policy' }])).succeeded;
      await settled(request.id);

      const [erasure] = sentTo(THIRD_PARTY, 'Data erasure request');
      expect(sentTo(THIRD_PARTY)).toHaveLength(1);
      const text = fieldText(erasure, 'text');
      for (const part of [
        'children',
        'daycare_customer',
        'parent_id',
        'email_dataset:daycare_customer:id',
        'first_name',
        'last_name',
        'birthday',
        'customer_id',
        'postgres_example:customer:id',
      ]) {
        expect(text).toContain(part);
      }
      expect(text).not.toContain(SUBJECT);
      expect(sentTo(SUBJECT, 'Your data has been deleted')).toHaveLength(1);
      expect(await audit(request.id)).toEqual([
        { action: 'approved', user_id: 'system', message: '' },
        { action: 'email_sent', user_id: 'system', message: "Erasure email instructions dispatched for 'email_dataset'" },
        { action: 'finished', user_id: 'system', message: '' },
      ]);
      const logs = await t.http().get(`/api/v1/privacy-request/${request.id}/log`).set(auth).expect(200);
      expect(
        logs.body.items
          .filter((l: { message: string }) => l.message === 'email prepared')
          .map((l: { collection_name: string }) => l.collection_name)
          .sort(),
      ).toEqual(['children', 'daycare_customer']);
      const verbose = await fetch(request.id, '&verbose=true');
      expect(verbose.results['Request email_sent']).toHaveLength(1);
      expect(verbose.results.email_dataset.length).toBeGreaterThan(0);
    });

    it('leaves read-only and disabled connectors alone, and emails each email dataset once', async () => {
      await emailConnector('readonly', 'read', [loyaltyDataset('readonly_ds')], { toEmail: 'readonly@vendor.example' });
      await emailConnector('disabled', 'write', [loyaltyDataset('disabled_ds')], { disabled: true, toEmail: 'disabled@vendor.example' });
      await emailConnector('twice', 'write', [loyaltyDataset('first_ds'), loyaltyDataset('second_ds')], { toEmail: 'twice@vendor.example' });
      const [request] = (await create([{ identity: { email: SUBJECT }, policy_key: 'default_erasure_policy' }])).succeeded;
      await settled(request.id);

      expect(sentTo('readonly@vendor.example')).toHaveLength(0);
      expect(sentTo('disabled@vendor.example')).toHaveLength(0);
      const emails = sentTo('twice@vendor.example', 'Data erasure request');
      expect(emails).toHaveLength(2);
      for (const email of emails) expect(fieldText(email, 'text')).toContain(SUBJECT);
      const logs = (await t.db.query('SELECT dataset_name, status, message FROM execution_log WHERE privacy_request_id = $1', [request.id])).rows;
      expect(logs).toEqual(
        expect.arrayContaining([
          { dataset_name: 'readonly_ds', status: 'error', message: 'No values were erased since this connection readonly has not been given write access' },
          { dataset_name: 'disabled_ds', status: 'skipped', message: 'Skipping collection disabled_ds:members. ConnectionConfig disabled is disabled.' },
        ]),
      );
      expect(
        (await audit(request.id))
          .filter((a) => a.action === 'email_sent')
          .map((a) => a.message)
          .sort(),
      ).toEqual(["Erasure email instructions dispatched for 'first_ds'", "Erasure email instructions dispatched for 'second_ds'"]);
    });

    it('writes the access package behind a signed, expiring download link sent with the completion notice', async () => {
      await settings({ notifications: { send_request_completion_notification: true } });
      const [request] = (await create([{ identity: { email: SUBJECT }, policy_key: 'default_access_policy' }])).succeeded;
      await settled(request.id);
      const [notice] = sentTo(SUBJECT, 'Your data is ready to be downloaded');
      const link = /(https?:\/\/\S+access-package\?token=[\w-]+\.[\w-]+\.[\w-]+)/.exec(fieldText(notice, 'text'))?.[1];
      expect(link).toBeDefined();
      expect(fieldText(notice, 'text')).toContain('5 days');
      const path = new URL(link!).pathname + new URL(link!).search;

      const download = await t.http().get(path).expect(200);
      const content = JSON.parse(download.text);
      expect(content.privacy_request.id).toBe(request.id);
      expect(content.identity.email).toBe(SUBJECT);

      const tampered = path.replace(/token=([\w-]+)\.([\w-]+)\./, (_, h: string, p: string) => `token=${h}.${p}x.`);
      expect((await t.http().get(tampered).expect(401)).body).toEqual({ detail: 'The download link is not valid.' });
      expect((await t.http().get(`/api/v1/privacy-request/${request.id}/access-package`).expect(401)).body.detail).toBe('The download link is not valid.');

      const expiredLinks = new AccessPackages({ ...t.settings, security: { ...t.settings.security, subjectRequestDownloadLinkTtlSeconds: -60 } });
      const expired = new URL(await expiredLinks.link(request.id));
      expect(
        (
          await t
            .http()
            .get(expired.pathname + expired.search)
            .expect(410)
        ).body,
      ).toEqual({ detail: 'The download link has expired.' });
      // A link for one request does not open another's package.
      const [other] = (await create([{ identity: { email: 'other@example.com' }, policy_key: 'default_access_policy' }])).succeeded;
      await t.http().get(path.replace(request.id, other.id)).expect(401);
    });

    it('stops in error when an erasure email fails, and a retry resumes without duplicates', async () => {
      await settings({ notifications: { send_request_completion_notification: true } });
      await emailConnector('flaky', 'write', [loyaltyDataset('flaky_ds'), loyaltyDataset('steady_ds')], { toEmail: 'flaky@vendor.example' });
      fakes.mailgun.failNext(1, 401);
      const [request] = (await create([{ identity: { email: SUBJECT }, policy_key: 'default_erasure_policy' }])).succeeded;
      await settled(request.id, 'error');

      const failed = await fetch(request.id);
      expect(failed).toMatchObject({
        status: 'error',
        action_required_details: { step: 'erasure_email_post_send', collection: null, action_needed: null },
        resume_endpoint: `/privacy-request/${request.id}/retry`,
      });
      expect(sentTo('flaky@vendor.example')).toHaveLength(1);
      expect(sentTo(SUBJECT)).toHaveLength(0);

      const retried = await t.http().post(`/api/v1/privacy-request/${request.id}/retry`).set(auth).expect(200);
      expect(['in_processing', 'complete']).toContain(retried.body.status);
      await settled(request.id);
      // One email per dataset in all: the one sent before the failure was not sent again.
      expect(sentTo('flaky@vendor.example', 'Data erasure request')).toHaveLength(2);
      expect(sentTo(SUBJECT, 'Your data has been deleted')).toHaveLength(1);
      expect((await audit(request.id)).filter((a) => a.action === 'email_sent')).toHaveLength(2);
      await t.http().post(`/api/v1/privacy-request/${request.id}/retry`).set(auth).expect(400);
    });

    it('puts a request in error when the completion notice has no identity for the channel', async () => {
      await settings({ notifications: { send_request_completion_notification: true } });
      const [request] = (
        await t
          .http()
          .post('/api/v1/privacy-request/authenticated')
          .set(auth)
          .send([{ identity: { phone_number: PHONE }, policy_key: 'default_erasure_policy' }])
          .expect(200)
      ).body.succeeded;
      await settled(request.id, 'error');
      expect(await fetch(request.id)).toMatchObject({ action_required_details: { step: 'completion_notification' } });
      expect((await t.db.query('SELECT failure_reason FROM privacy_request WHERE id = $1', [request.id])).rows[0].failure_reason).toBe(
        'Identity email was not found, so request completion email could not be sent.',
      );
    });
  });

  describe('over SMS', () => {
    it('sends the code, the receipt and the completion notice to the phone', async () => {
      await t.http().post('/api/v1/messaging/config').set(auth).send({ key: 'twilio', name: 'Twilio', service_type: 'twilio_text' }).expect(200);
      await t
        .http()
        .put('/api/v1/messaging/config/twilio/secret')
        .set(auth)
        .send({ twilio_account_sid: TWILIO.sid, twilio_auth_token: TWILIO.token, twilio_messaging_service_sid: TWILIO.service })
        .expect(200);
      await settings({
        notifications: { notification_service_type: 'twilio_text', send_request_receipt_notification: true, send_request_completion_notification: true },
        execution: { subject_identity_verification_required: true },
      });
      try {
        const [request] = (await create([{ identity: { phone_number: PHONE }, policy_key: 'default_erasure_policy' }])).succeeded;
        const texts = () => fakes.twilio.requests.filter((r) => r.fields.To === PHONE).map((r) => fieldText(r, 'Body'));
        const code = /code is (\d{6})/.exec(texts()[0])?.[1];
        await t.http().post(`/api/v1/privacy-request/${request.id}/verify`).send({ code }).expect(200);
        await settled(request.id);
        await waitFor('receipt SMS', async () => texts().length === 3);
        expect(texts()[0]).toContain('verification code');
        // The receipt and the completion notice travel independently: either may arrive first.
        expect(texts().slice(1).sort()).toEqual(['Your erasure request has been received', 'Your privacy request for deletion has been completed.']);
        expect(fakes.mailgun.requests).toHaveLength(0);
      } finally {
        await t.http().delete('/api/v1/messaging/config/twilio').set(auth).expect(204);
      }
    });
  });

  describe('listing', () => {
    it('filters by status and dates, sorts, and answers Fides errors', async () => {
      await settings({ execution: { require_manual_request_approval: true } });
      const body = await create([
        { identity: { email: 'l1@example.com' }, policy_key: 'default_access_policy', external_id: 'ext-one' },
        { identity: { email: 'l2@example.com' }, policy_key: 'default_access_policy', external_id: 'ext-two' },
      ]);
      const ids = body.succeeded.map((r: { id: string }) => r.id);
      const list = async (q: string) => (await t.http().get(`/api/v1/privacy-request?${q}`).set(auth).expect(200)).body.items.map((i: { id: string }) => i.id);
      expect(await list('external_id=ext-t')).toEqual([ids[1]]);
      expect((await list('status=pending&status=denied&sort_direction=asc&size=100')).slice(-2)).toEqual(ids);
      expect(await list(`request_id=${ids[0].slice(0, 12).toUpperCase()}&status=pending`)).toContain(ids[0]);
      const created = (await fetch(ids[0])).created_at;
      expect(await list(`created_gt=${encodeURIComponent(created)}&status=pending&external_id=ext`)).toEqual([ids[1]]);
      const both = await t.http().get('/api/v1/privacy-request?completed_gt=2020-01-01T00:00:00Z&errored_gt=2020-01-01T00:00:00Z').set(auth).expect(400);
      expect(both.body.detail).toBe('Cannot specify both succeeded and failed query params.');
      await t.http().get('/api/v1/privacy-request?created_lt=2020-01-01T00:00:00Z&created_gt=2021-01-01T00:00:00Z').set(auth).expect(400);
      expect((await t.http().get('/api/v1/privacy-request?sort_field=nope').set(auth).expect(422)).body.detail).toEqual([
        { loc: ['query', 'sort_field'], msg: 'nope is not on PrivacyRequest', type: 'value_error' },
      ]);
      await t.http().get('/api/v1/privacy-request?status=lost').set(auth).expect(422);
      expect((await t.http().get('/api/v1/privacy-request/pri_nope/log').set(auth).expect(404)).body.detail).toBe(
        "No privacy request found with id 'pri_nope'.",
      );
      const response = await fetch(ids[0]);
      expect(Object.keys(response).sort()).toEqual([
        'action_required_details',
        'created_at',
        'days_left',
        'external_id',
        'finished_processing_at',
        'id',
        'identity',
        'identity_verified_at',
        'paused_at',
        'policy',
        'resume_endpoint',
        'reviewed_at',
        'reviewed_by',
        'reviewer',
        'started_processing_at',
        'status',
      ]);
    });
  });
});
