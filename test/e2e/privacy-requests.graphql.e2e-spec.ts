// Privacy requests over GraphQL: the same service as REST (privacy-requests.e2e-spec.ts), typed inputs, per-item
// results, nested logs and messages, errors as `extensions.code`; every message goes through the real SDKs to the
// loopback fakes.
import { fieldText, type ProviderFakes, type RecordedRequest } from '../fakes/provider-fakes.mjs';
import { startPrivacyRequestWorld, waitFor, type PrivacyRequestWorld } from '../support/privacy-request-world.js';
import { TestApp, graphql, obtainToken } from '../support/test-app.js';

const MAILGUN_KEY = 'key-gql-privacy-requests-7731';
const SUBJECT = 'gql-customer@example.com';
const PHONE = '+15557770042';
const THIRD_PARTY = 'erasure@daycare.example';
/** No Authorization header. */
const ANON = null;

/** The Postman collection's email dataset (docs/compatibility.md#the-postman-collection). */
const EMAIL_DATASET = {
  fides_key: 'email_dataset',
  collections: [
    {
      name: 'daycare_customer',
      fields: [
        { name: 'id', data_categories: ['system.operations'], fidesops_meta: { primary_key: true } },
        {
          name: 'customer_id',
          data_categories: ['user'],
          fidesops_meta: { references: [{ dataset: 'postgres_example', field: 'customer.id', direction: 'from' }] },
        },
      ],
    },
    {
      name: 'children',
      fields: [
        { name: 'id', data_categories: ['system.operations'], fidesops_meta: { primary_key: true } },
        { name: 'first_name', data_categories: ['user.childrens'] },
        {
          name: 'parent_id',
          data_categories: ['user'],
          fidesops_meta: { references: [{ dataset: 'email_dataset', field: 'daycare_customer.id', direction: 'from' }] },
        },
      ],
    },
  ],
};

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

const FIELDS = `id status policyKey policyName externalId requestedAt createdAt identityVerifiedAt reviewedAt reviewedBy
  startedProcessingAt finishedProcessingAt daysLeft failedStep failureReason resumeEndpoint`;
const NESTED = `messages { id actionType serviceType channel status recipient privacyRequestId attempts providerMessageId failureReason sentAt }
  executionLogs { datasetName collectionName actionType status message fieldsAffected updatedAt }
  auditLogs { action userId message createdAt }`;
const CREATE = `mutation Create($inputs: [PrivacyRequestInput!]!) { createPrivacyRequests(inputs: $inputs) {
  succeeded { ${FIELDS} } failed { message policyKey privacyRequestId status } } }`;
const VERIFY = `mutation Verify($id: ID!, $code: String!) { verifyIdentity(id: $id, code: $code) { ${FIELDS} } }`;
const LIST = `query List($requestId: String, $identity: String, $statuses: [PrivacyRequestStatus!], $createdAfter: DateTime, $createdBefore: DateTime, $page: Int, $size: Int) {
  privacyRequests(requestId: $requestId, identity: $identity, statuses: $statuses, createdAfter: $createdAfter, createdBefore: $createdBefore, page: $page, size: $size) {
    total page size items { id status policyKey externalId } } }`;
const GET = `query Get($id: ID!) { privacyRequest(id: $id) { ${FIELDS} ${NESTED} } }`;
const GET_IDENTITY = 'query Get($id: ID!) { privacyRequest(id: $id) { id status identity { email phoneNumber } } }';
const LIST_IDENTITY = 'query List($identity: String) { privacyRequests(identity: $identity) { total items { id identity { email phoneNumber } } } }';
const REVIEW = `succeeded { ${FIELDS} } failed { message privacyRequestId }`;
const APPROVE = `mutation Approve($ids: [ID!]!) { approvePrivacyRequests(ids: $ids) { ${REVIEW} } }`;
const DENY = `mutation Deny($ids: [ID!]!, $reason: String) { denyPrivacyRequests(ids: $ids, reason: $reason) { ${REVIEW} } }`;
const RETRY = `mutation Retry($id: ID!) { retryPrivacyRequest(id: $id) { ${FIELDS} } }`;

describe('Privacy requests GraphQL API', () => {
  let fakes: ProviderFakes;
  let t: TestApp;
  let root: string;
  let auth: Record<string, string>;

  const ok = async (query: string, variables: Record<string, unknown> = {}, token: string | null = root) => {
    const result = await graphql(t, query, variables, token ?? undefined);
    expect(result.errors).toBeUndefined();
    return Object.values(result.data ?? {})[0] as Record<string, any>;
  };
  /** The whole answer, for checking what it does not contain. */
  const raw = (query: string, variables: Record<string, unknown> = {}, token: string | null = root) => graphql(t, query, variables, token ?? undefined);
  const fails = async (code: string, query: string, variables: Record<string, unknown> = {}, token: string | null = root) => {
    const result = await graphql(t, query, variables, token ?? undefined);
    expect(result.errors?.[0]?.extensions?.code).toBe(code);
    expect(result.data ?? null).toBeNull();
    return result.errors![0];
  };

  const sentTo = (to: string, subject?: string): RecordedRequest[] =>
    fakes.mailgun.requests.filter((r) => r.fields.to === to && (subject === undefined || r.fields.subject === subject) && r.status === 200);
  const settings = (body: object) => t.http().patch('/api/v1/config').set(auth).send(body).expect(200);
  const create = async (inputs: object[], token: string | null = root) => ok(CREATE, { inputs }, token);
  const row = async (id: string) => (await t.db.query('SELECT * FROM privacy_request WHERE id = $1', [id])).rows[0];
  const statusOf = async (id: string) => (await row(id))?.status as string;
  const settled = (id: string, status = 'complete') => waitFor(`${id} to be ${status}`, async () => (await statusOf(id)) === status);
  const audit = async (id: string) =>
    (await t.db.query('SELECT action, user_id, message FROM audit_log WHERE privacy_request_id = $1 ORDER BY created_at, id', [id])).rows;
  /** Notices the run does not wait for (receipts, reviews) have their outcome recorded. */
  const delivered = (id: string) =>
    waitFor(`the messages of ${id} to be delivered`, async () => {
      const busy = await t.db.query("SELECT count(*) FROM message WHERE privacy_request_id = $1 AND status IN ('queued', 'sending')", [id]);
      return Number(busy.rows[0].count) === 0;
    });
  const codeFrom = (r: RecordedRequest) => /code is (\d{6})/.exec(fieldText(r, 'text'))?.[1];

  let world: PrivacyRequestWorld;
  beforeAll(async () => {
    world = await startPrivacyRequestWorld(MAILGUN_KEY, {});
    ({ t, fakes, auth, root } = world);
  });
  afterAll(() => world.close());
  beforeEach(() => world.reset());

  const emailConnector = async (key: string, datasets: object[], toEmail = THIRD_PARTY) => {
    await t
      .http()
      .patch('/api/v1/connection')
      .set(auth)
      .send([{ name: key, key, connection_type: 'email', access: 'write', disabled: false }])
      .expect(200);
    await t.http().put(`/api/v1/connection/${key}/secret?verify=false`).set(auth).send({ to_email: toEmail }).expect(200);
    const res = await t.http().patch(`/api/v1/connection/${key}/dataset`).set(auth).send(datasets).expect(200);
    expect(res.body.failed).toEqual([]);
  };

  describe('creation and identity verification', () => {
    it('creates without a token, item by item, sends the code and verifies it', async () => {
      await settings({ execution: { subject_identity_verification_required: true }, notifications: { send_request_receipt_notification: true } });
      const before = Number((await t.db.query('SELECT count(*) FROM privacy_request')).rows[0].count);
      const body = await create(
        [
          { identity: { email: SUBJECT }, policyKey: 'default_access_policy', externalId: 'gql-ext-1' },
          { identity: { email: SUBJECT }, policyKey: 'nope' },
          { identity: {}, policyKey: 'default_access_policy' },
        ],
        ANON,
      );
      expect(body.failed).toEqual([
        { message: 'Policy with key nope does not exist', policyKey: 'nope', privacyRequestId: null, status: null },
        { message: 'You must provide at least one identity to process', policyKey: 'default_access_policy', privacyRequestId: null, status: null },
      ]);
      expect(body.succeeded).toHaveLength(1);
      const [request] = body.succeeded;
      expect(request).toMatchObject({
        id: expect.stringMatching(/^pri_/),
        status: 'IDENTITY_UNVERIFIED',
        policyKey: 'default_access_policy',
        policyName: 'Default Access Policy',
        externalId: 'gql-ext-1',
        identityVerifiedAt: null,
        reviewedAt: null,
        failedStep: null,
        resumeEndpoint: null,
        daysLeft: 45,
      });
      expect(Number((await t.db.query('SELECT count(*) FROM privacy_request')).rows[0].count)).toBe(before + 1);
      const stored = await row(request.id);
      expect(stored).toMatchObject({ status: 'identity_unverified', external_id: 'gql-ext-1', verification_attempts: 0 });
      expect(JSON.stringify(stored)).not.toContain(SUBJECT);

      const codeEmails = sentTo(SUBJECT, 'Your one-time code');
      expect(codeEmails).toHaveLength(1);
      const code = codeFrom(codeEmails[0])!;
      expect(code).toMatch(/^\d{6}$/);
      expect(JSON.stringify(stored)).not.toContain(code);
      expect(sentTo(SUBJECT, 'Your request has been received')).toHaveLength(0);

      // A wrong code: Fides' 403 text, the attempt counted, nothing else changed.
      const wrong = code === '123456' ? '654321' : '123456';
      const refused = await fails('FORBIDDEN', VERIFY, { id: request.id, code: wrong }, ANON);
      expect(refused.message).toBe(`Incorrect identification code for '${request.id}'`);
      expect(await row(request.id)).toMatchObject({ status: 'identity_unverified', verification_attempts: 1, identity_verified_at: null });
      expect((await fails('NOT_FOUND', VERIFY, { id: 'pri_unknown', code }, ANON)).message).toBe("No privacy request found with id 'pri_unknown'.");

      const verified = await ok(VERIFY, { id: request.id, code }, ANON);
      expect(verified).toMatchObject({ id: request.id, identityVerifiedAt: expect.any(String) });
      // Approved by the system at once: the run may already have started or finished by the time of the answer.
      expect(['PENDING', 'IN_PROCESSING', 'COMPLETE']).toContain(verified.status);
      await settled(request.id);
      await delivered(request.id);
      expect(await row(request.id)).toMatchObject({ verification_code_hash: null, verification_attempts: 0, identity_verified_at: expect.any(Date) });
      const receipts = sentTo(SUBJECT, 'Your request has been received');
      expect(receipts).toHaveLength(1);
      expect(fieldText(receipts[0], 'text')).toContain('Your access request has been received');
      expect(await audit(request.id)).toEqual([
        { action: 'approved', user_id: 'system', message: '' },
        { action: 'finished', user_id: 'system', message: '' },
      ]);
      const messages = (await t.db.query('SELECT action_type, status FROM message WHERE privacy_request_id = $1 ORDER BY created_at', [request.id])).rows;
      expect(messages).toEqual([
        { action_type: 'subject_identity_verification', status: 'sent' },
        { action_type: 'privacy_request_receipt', status: 'sent' },
      ]);

      // The code was spent.
      const again = await fails('BAD_USER_INPUT', VERIFY, { id: request.id, code }, ANON);
      expect(again.message).toBe(`Invalid identity verification request. Privacy request '${request.id}' status = complete.`);
    });

    it('keeps a verified request pending when manual approval is on', async () => {
      await settings({ execution: { subject_identity_verification_required: true, require_manual_request_approval: true } });
      const [request] = (await create([{ identity: { email: 'waiting@example.com' }, policyKey: 'default_erasure_policy' }], ANON)).succeeded;
      const code = codeFrom(sentTo('waiting@example.com', 'Your one-time code')[0])!;
      const verified = await ok(VERIFY, { id: request.id, code }, ANON);
      expect(verified).toMatchObject({ id: request.id, status: 'PENDING', identityVerifiedAt: expect.any(String), reviewedAt: null });
      expect(await statusOf(request.id)).toBe('pending');
      expect(await audit(request.id)).toEqual([]);
    });

    it.each(['identity { email }', 'messages { id }', 'executionLogs { status }', 'auditLogs { action }'])(
      "does not show a data subject (no token) the request's %s",
      async (field) => {
        const result = await graphql(
          t,
          `mutation Create($inputs: [PrivacyRequestInput!]!) { createPrivacyRequests(inputs: $inputs) { succeeded { id ${field} } } }`,
          { inputs: [{ identity: { email: 'curious@example.com' }, policyKey: 'default_access_policy' }] },
        );
        expect(result.errors?.map((e) => e.extensions?.code)).toEqual(['FORBIDDEN']);
        expect(JSON.stringify(result)).not.toContain('curious@example.com');
      },
    );

    it('answers a code that could not be sent as a failure item naming the request', async () => {
      await settings({ execution: { subject_identity_verification_required: true } });
      fakes.mailgun.failNext(1, 401);
      const result = await raw(CREATE, { inputs: [{ identity: { email: SUBJECT }, policyKey: 'default_access_policy' }] }, ANON);
      expect(result.errors).toBeUndefined();
      const body = result.data!.createPrivacyRequests as Record<string, any>;
      expect(body.succeeded).toEqual([]);
      expect(body.failed).toEqual([
        {
          message: 'Verification message could not be sent.',
          policyKey: 'default_access_policy',
          privacyRequestId: expect.stringMatching(/^pri_/),
          status: 'IDENTITY_UNVERIFIED',
        },
      ]);
      expect(await statusOf(body.failed[0].privacyRequestId)).toBe('identity_unverified');
      expect(JSON.stringify(result)).not.toContain(SUBJECT);
    });

    it('refuses invalid inputs, storing nothing', async () => {
      const before = Number((await t.db.query('SELECT count(*) FROM privacy_request')).rows[0].count);
      const phone = await fails('BAD_USER_INPUT', CREATE, { inputs: [{ identity: { phoneNumber: '5550001' }, policyKey: 'default_access_policy' }] }, ANON);
      expect(phone.extensions?.detail).toEqual([
        expect.objectContaining({
          loc: ['inputs', 0, 'identity', 'phoneNumber'],
          msg: 'Identity phone number must be formatted in E.164 format. E.g +15558675309',
        }),
      ]);
      // D17: more than 50 bulk items in one request is refused before anything runs.
      const tooMany = await fails(
        'GRAPHQL_VALIDATION_FAILED',
        CREATE,
        { inputs: Array.from({ length: 51 }, () => ({ identity: { email: SUBJECT }, policyKey: 'default_access_policy' })) },
        ANON,
      );
      expect(tooMany.message).toBe('Mutation list arguments hold 51 items, over the limit of 50 per request');
      expect(Number((await t.db.query('SELECT count(*) FROM privacy_request')).rows[0].count)).toBe(before);
      expect(fakes.mailgun.requests).toHaveLength(0);
    });
  });

  describe('reading', () => {
    it('lists by statuses, exact identity, id prefix, and pages', async () => {
      await settings({ execution: { require_manual_request_approval: true } });
      const body = await create([
        { identity: { email: 'List-A@Example.com' }, policyKey: 'default_access_policy', externalId: 'list-a' },
        { identity: { email: 'list-b@example.com', phoneNumber: PHONE }, policyKey: 'default_erasure_policy', externalId: 'list-b' },
        { identity: { email: 'list-c@example.com' }, policyKey: 'default_access_policy', externalId: 'list-c' },
      ]);
      const [a, b, c] = body.succeeded.map((r: { id: string }) => r.id);
      expect((await ok(DENY, { ids: [c] })).succeeded).toHaveLength(1);
      const ids = async (variables: Record<string, unknown>) => (await ok(LIST, { size: 100, ...variables })).items.map((i: { id: string }) => i.id);

      // Identity: an exact match (emails compare case-insensitively), never a substring.
      expect(await ids({ identity: 'list-a@example.com' })).toEqual([a]);
      expect(await ids({ identity: 'LIST-A@example.COM' })).toEqual([a]);
      expect(await ids({ identity: PHONE })).toEqual([b]);
      expect(await ids({ identity: 'list-a@example' })).toEqual([]);
      expect(await ids({ identity: 'list' })).toEqual([]);

      // Statuses.
      const pending = await ids({ statuses: ['PENDING'] });
      expect(pending).toEqual(expect.arrayContaining([a, b]));
      expect(pending).not.toContain(c);
      expect(await ids({ statuses: ['DENIED'], identity: 'list-c@example.com' })).toEqual([c]);
      expect(await ids({ statuses: ['DENIED', 'COMPLETE'], identity: 'list-a@example.com' })).toEqual([]);
      const storedPending = (await t.db.query("SELECT count(*) FROM privacy_request WHERE status = 'pending'")).rows[0].count;
      expect((await ok(LIST, { statuses: ['PENDING'], size: 1 })).total).toBe(Number(storedPending));

      // Id prefix, any case.
      expect(await ids({ requestId: a.slice(0, -4) })).toEqual([a]);
      expect(await ids({ requestId: b.slice(0, -4).toUpperCase() })).toEqual([b]);
      expect(await ids({ requestId: `${a}x` })).toEqual([]);
      expect(await ids({ requestId: 'pri_%' })).toEqual([]);

      // Paging over everything, newest first, as stored.
      const all = (await t.db.query('SELECT id FROM privacy_request ORDER BY created_at DESC, id ASC')).rows.map((r: { id: string }) => r.id);
      expect(all.length).toBeGreaterThanOrEqual(3);
      expect(await ids({})).toEqual(all);
      const second = await ok(LIST, { page: 2, size: 1 });
      expect(second).toMatchObject({ total: all.length, page: 2, size: 1 });
      expect(second.items.map((i: { id: string }) => i.id)).toEqual([all[1]]);
      expect((await ok(LIST, { page: all.length + 1, size: 1 })).items).toEqual([]);
      const defaults = await ok(LIST, {});
      expect(defaults).toMatchObject({ page: 1, size: 50 });

      // Created bounds.
      const createdA = (await ok(GET, { id: a })).createdAt as string;
      expect(await ids({ createdBefore: createdA, identity: 'list-a@example.com' })).toEqual([]);
      await fails('BAD_USER_INPUT', LIST, { createdAfter: '2021-01-01T00:00:00Z', createdBefore: '2020-01-01T00:00:00Z' });

      await fails('BAD_USER_INPUT', LIST, { size: 0 });
      await fails('BAD_USER_INPUT', LIST, { size: 101 });
      await fails('BAD_USER_INPUT', LIST, { page: 0 });
      // Identities are in neither the list nor the rows unless asked for.
      const listed = await raw(LIST, { identity: 'list-a@example.com' });
      expect(JSON.stringify(listed).toLowerCase()).not.toContain('list-a@example.com');
      expect((await ok(LIST_IDENTITY, { identity: PHONE })).items).toEqual([{ id: b, identity: { email: 'list-b@example.com', phoneNumber: PHONE } }]);
    });

    it('shows a request with its messages (recipients masked), execution and audit logs; the identity only when asked for', async () => {
      await settings({ notifications: { send_request_completion_notification: true } });
      await emailConnector('daycare', [EMAIL_DATASET]);
      const [created] = (await create([{ identity: { email: SUBJECT, phoneNumber: PHONE }, policyKey: 'default_erasure_policy' }])).succeeded;
      await settled(created.id);

      const answer = await raw(GET, { id: created.id });
      expect(answer.errors).toBeUndefined();
      const text = JSON.stringify(answer);
      expect(text).not.toContain(SUBJECT);
      expect(text).not.toContain(PHONE);
      expect(text).not.toContain(THIRD_PARTY);
      const request = answer.data!.privacyRequest as Record<string, any>;
      expect(request).toMatchObject({
        id: created.id,
        status: 'COMPLETE',
        policyKey: 'default_erasure_policy',
        startedProcessingAt: expect.any(String),
        finishedProcessingAt: expect.any(String),
        failedStep: null,
        failureReason: null,
        resumeEndpoint: null,
      });

      // Messages: what the message table holds for the request, newest first, masked.
      const storedMessages = (
        await t.db.query(
          'SELECT id, action_type, status, recipient_hint, provider_message_id FROM message WHERE privacy_request_id = $1 ORDER BY created_at DESC, id',
          [created.id],
        )
      ).rows;
      expect(storedMessages.map((m: { action_type: string }) => m.action_type)).toEqual(['privacy_request_complete_deletion', 'message_erasure_fulfillment']);
      expect(request.messages).toEqual(
        storedMessages.map((m: { id: string; action_type: string; provider_message_id: string }) => ({
          id: m.id,
          actionType: m.action_type.toUpperCase(),
          serviceType: 'MAILGUN',
          channel: 'email',
          status: 'sent',
          recipient: m.action_type === 'message_erasure_fulfillment' ? 'e***@daycare.example' : 'g***@example.com',
          privacyRequestId: created.id,
          attempts: 1,
          providerMessageId: m.provider_message_id,
          failureReason: null,
          sentAt: expect.any(String),
        })),
      );
      expect(sentTo(THIRD_PARTY, 'Data erasure request')).toHaveLength(1);
      expect(sentTo(SUBJECT, 'Your data has been deleted')).toHaveLength(1);

      // Execution logs, oldest first, as stored.
      const storedLogs = (
        await t.db.query('SELECT dataset_name, collection_name, status, message FROM execution_log WHERE privacy_request_id = $1 ORDER BY updated_at, id', [
          created.id,
        ])
      ).rows;
      expect(storedLogs.length).toBeGreaterThan(0);
      expect(
        request.executionLogs.map((l: Record<string, unknown>) => ({
          dataset_name: l.datasetName,
          collection_name: l.collectionName,
          status: l.status,
          message: l.message,
        })),
      ).toEqual(storedLogs);
      const prepared = request.executionLogs.filter((l: { message: string }) => l.message === 'email prepared');
      expect(prepared.map((l: { collectionName: string }) => l.collectionName).sort()).toEqual(['children', 'daycare_customer']);
      expect(prepared.find((l: { collectionName: string }) => l.collectionName === 'children').fieldsAffected).toEqual(
        expect.arrayContaining(['email_dataset:children:first_name', 'email_dataset:children:parent_id']),
      );
      for (const log of request.executionLogs)
        expect(log).toMatchObject({ datasetName: 'email_dataset', actionType: 'erasure', updatedAt: expect.any(String) });

      // Audit logs, oldest first, as stored.
      expect(
        request.auditLogs.map((l: { action: string; userId: string; message: string }) => ({ action: l.action, user_id: l.userId, message: l.message })),
      ).toEqual(await audit(created.id));
      expect(request.auditLogs.map((l: { action: string }) => l.action)).toEqual(['approved', 'email_sent', 'finished']);
      expect(request.auditLogs[1].message).toBe("Erasure email instructions dispatched for 'email_dataset'");

      // The identity, decrypted, when the field is asked for.
      expect(await ok(GET_IDENTITY, { id: created.id })).toEqual({ id: created.id, status: 'COMPLETE', identity: { email: SUBJECT, phoneNumber: PHONE } });
      expect((await fails('NOT_FOUND', GET, { id: 'pri_nope' })).message).toBe("No privacy request found with id 'pri_nope'.");
    });
  });

  describe('review', () => {
    it('approves and denies pending requests with the reason, item by item', async () => {
      await settings({ execution: { require_manual_request_approval: true }, notifications: { send_request_review_notification: true } });
      const body = await create([
        { identity: { email: 'approve-me@example.com' }, policyKey: 'default_erasure_policy' },
        { identity: { email: 'deny-me@example.com' }, policyKey: 'default_erasure_policy' },
        { identity: { email: 'deny-quietly@example.com' }, policyKey: 'default_erasure_policy' },
      ]);
      const [a, d, q] = body.succeeded.map((r: { id: string }) => r.id);
      expect(body.succeeded.map((r: { status: string }) => r.status)).toEqual(['PENDING', 'PENDING', 'PENDING']);
      expect(await statusOf(a)).toBe('pending');
      expect(await audit(a)).toEqual([]);

      const approved = await ok(APPROVE, { ids: [a, 'bad_id'] });
      expect(approved.succeeded).toEqual([expect.objectContaining({ id: a, reviewedAt: expect.any(String), reviewedBy: 'herald-root' })]);
      expect(['APPROVED', 'IN_PROCESSING', 'COMPLETE']).toContain(approved.succeeded[0].status);
      expect(approved.failed).toEqual([{ message: "No privacy request found with id 'bad_id'", privacyRequestId: 'bad_id' }]);
      await settled(a);
      await delivered(a);
      expect(await row(a)).toMatchObject({ reviewed_by: 'herald-root', reviewed_at: expect.any(Date) });
      expect(await audit(a)).toEqual([
        { action: 'approved', user_id: 'herald-root', message: '' },
        { action: 'finished', user_id: 'system', message: '' },
      ]);
      expect(sentTo('approve-me@example.com', 'Your request has been approved')).toHaveLength(1);

      const denied = await ok(DENY, { ids: [d, a], reason: 'We hold no data about you' });
      expect(denied.succeeded).toEqual([expect.objectContaining({ id: d, status: 'DENIED', reviewedBy: 'herald-root', reviewedAt: expect.any(String) })]);
      expect(denied.failed).toEqual([{ message: 'Cannot transition status', privacyRequestId: a }]);
      expect(await statusOf(d)).toBe('denied');
      expect(await statusOf(a)).toBe('complete');
      expect(await audit(d)).toEqual([{ action: 'denied', user_id: 'herald-root', message: 'We hold no data about you' }]);
      await waitFor('deny email', async () => sentTo('deny-me@example.com', 'Your request has been denied').length === 1);
      expect(fieldText(sentTo('deny-me@example.com', 'Your request has been denied')[0], 'text')).toContain('We hold no data about you');
      await delivered(d);
      const storedDeny = (await t.db.query('SELECT action_type, status, recipient_hint FROM message WHERE privacy_request_id = $1', [d])).rows;
      expect(storedDeny).toEqual([{ action_type: 'privacy_request_review_deny', status: 'sent', recipient_hint: 'd***@example.com' }]);
      // A denied request is not run.
      expect(await t.db.query('SELECT count(*) FROM execution_log WHERE privacy_request_id = $1', [d]).then((r) => r.rows[0].count)).toBe('0');

      // More than 50 ids: refused as a whole, nothing reviewed.
      const tooMany = [q, ...Array.from({ length: 50 }, (_, i) => `pri_missing_${i}`)];
      const refused = await fails('GRAPHQL_VALIDATION_FAILED', DENY, { ids: tooMany, reason: 'no' });
      expect(refused.message).toBe('Mutation list arguments hold 51 items, over the limit of 50 per request');
      await fails('GRAPHQL_VALIDATION_FAILED', APPROVE, { ids: tooMany });
      expect(await statusOf(q)).toBe('pending');
      expect(await audit(q)).toEqual([]);

      // Denied without a reason: none in the email nor in the audit log.
      const quiet = await ok(DENY, { ids: [q] });
      expect(quiet.succeeded.map((r: { id: string; status: string }) => [r.id, r.status])).toEqual([[q, 'DENIED']]);
      await waitFor('quiet deny email', async () => sentTo('deny-quietly@example.com').length === 1);
      expect(fieldText(sentTo('deny-quietly@example.com')[0], 'text')).not.toContain('reason');
      expect(await audit(q)).toEqual([{ action: 'denied', user_id: 'herald-root', message: null }]);
      // Already reviewed: a failure item, not an error.
      expect((await ok(APPROVE, { ids: [q] })).failed).toEqual([{ message: 'Cannot transition status', privacyRequestId: q }]);
      expect(await audit(q)).toHaveLength(1);
    });
  });

  describe('retry', () => {
    it('stops in error when an erasure email fails; a retry resumes without duplicates', async () => {
      await settings({ notifications: { send_request_completion_notification: true } });
      await emailConnector('flaky', [loyaltyDataset('flaky_ds'), loyaltyDataset('steady_ds')], 'flaky@vendor.example');
      fakes.mailgun.failNext(1, 401);
      const [created] = (await create([{ identity: { email: SUBJECT }, policyKey: 'default_erasure_policy' }])).succeeded;
      await settled(created.id, 'error');

      const stored = await row(created.id);
      expect(stored.failure_reason).toEqual(expect.any(String));
      expect(stored.failure_reason.length).toBeGreaterThan(0);
      const failedAnswer = await raw(GET, { id: created.id });
      expect(failedAnswer.errors).toBeUndefined();
      expect(JSON.stringify(failedAnswer)).not.toContain(SUBJECT);
      expect(JSON.stringify(failedAnswer)).not.toContain('flaky@vendor.example');
      const failed = failedAnswer.data!.privacyRequest as Record<string, any>;
      expect(failed).toMatchObject({
        status: 'ERROR',
        failedStep: 'erasure_email_post_send',
        failureReason: stored.failure_reason,
        resumeEndpoint: `/privacy-request/${created.id}/retry`,
        finishedProcessingAt: expect.any(String),
      });
      const erasureMessages = failed.messages.filter((m: { actionType: string }) => m.actionType === 'MESSAGE_ERASURE_FULFILLMENT');
      expect(erasureMessages.map((m: { status: string }) => m.status).sort()).toEqual(['failed', 'sent']);
      expect(erasureMessages.find((m: { status: string }) => m.status === 'failed').failureReason).toEqual(expect.any(String));
      expect(failed.executionLogs.at(-1)).toMatchObject({ status: 'error', message: stored.failure_reason });
      expect(sentTo('flaky@vendor.example')).toHaveLength(1);
      expect(fakes.mailgun.requests.filter((r) => r.fields.to === 'flaky@vendor.example')).toHaveLength(2);
      expect(sentTo(SUBJECT)).toHaveLength(0);
      expect((await audit(created.id)).filter((a) => a.action === 'email_sent')).toHaveLength(1);

      const retried = await ok(RETRY, { id: created.id });
      expect(retried).toMatchObject({ id: created.id, failedStep: null, failureReason: null });
      expect(['IN_PROCESSING', 'COMPLETE']).toContain(retried.status);
      await settled(created.id);

      // One email per dataset in all: the one sent before the failure was not sent again.
      const erasures = sentTo('flaky@vendor.example', 'Data erasure request');
      expect(erasures).toHaveLength(2);
      for (const email of erasures) expect(fieldText(email, 'text')).toContain(SUBJECT);
      const keys = (
        await t.db.query(
          "SELECT idempotency_key AS key, status FROM message WHERE privacy_request_id = $1 AND action_type = 'message_erasure_fulfillment' ORDER BY idempotency_key",
          [created.id],
        )
      ).rows;
      const sentDatasets = keys.filter((k: { status: string }) => k.status === 'sent').map((k: { key: string }) => k.key.split(':')[3]);
      expect(sentDatasets.sort()).toEqual(['flaky_ds', 'steady_ds']);
      expect(sentTo(SUBJECT, 'Your data has been deleted')).toHaveLength(1);
      expect((await audit(created.id)).map((a) => a.action)).toEqual(['approved', 'email_sent', 'email_sent', 'finished']);
      expect(await row(created.id)).toMatchObject({ status: 'complete', failure_reason: null, action_required_details: null });
      const rows = (
        await t.db.query(
          "SELECT status, count(*)::int AS n FROM message WHERE privacy_request_id = $1 AND action_type = 'message_erasure_fulfillment' GROUP BY status ORDER BY status",
          [created.id],
        )
      ).rows;
      expect(rows).toEqual([
        { status: 'failed', n: 1 },
        { status: 'sent', n: 2 },
      ]);
      const done = await ok(GET, { id: created.id });
      expect(done).toMatchObject({ status: 'COMPLETE', failedStep: null, failureReason: null, resumeEndpoint: null });

      const again = await fails('BAD_USER_INPUT', RETRY, { id: created.id });
      expect(again.message).toBe(`Cannot resume privacy request '${created.id}' from failure: its status is complete, not error.`);
      await fails('NOT_FOUND', RETRY, { id: 'pri_nope' });
    });
  });

  describe('scopes', () => {
    it('needs a token to read and the review scope to review', async () => {
      await settings({ execution: { require_manual_request_approval: true } });
      const [request] = (await create([{ identity: { email: 'scoped@example.com' }, policyKey: 'default_access_policy' }], ANON)).succeeded;

      expect((await fails('UNAUTHENTICATED', LIST, {}, ANON)).message).toBe('Failed to authenticate');
      await fails('UNAUTHENTICATED', GET, { id: request.id }, ANON);
      await fails('UNAUTHENTICATED', LIST, {}, 'not-a-token');
      await fails('UNAUTHENTICATED', APPROVE, { ids: [request.id] }, ANON);

      const client = await t.http().post('/api/v1/oauth/client').set(auth).send(['privacy-request:read']).expect(200);
      const reader = await obtainToken(t.http(), client.body.client_id, client.body.client_secret);
      expect((await ok(LIST, { requestId: request.id }, reader)).items).toEqual([expect.objectContaining({ id: request.id, status: 'PENDING' })]);
      expect((await fails('FORBIDDEN', APPROVE, { ids: [request.id] }, reader)).message).toBe('Not Authorized for this action');
      await fails('FORBIDDEN', DENY, { ids: [request.id], reason: 'no' }, reader);
      await fails('FORBIDDEN', RETRY, { id: request.id }, reader);
      expect(await row(request.id)).toMatchObject({ status: 'pending', reviewed_at: null, reviewed_by: null });
      expect(await audit(request.id)).toEqual([]);
    });
  });
});
