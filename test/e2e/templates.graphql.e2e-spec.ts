// Decision D32 over GraphQL: the same services as REST — the six types, defaults, create / read / change / delete with
// Fides' rules, the base-template bulk update, the preview (nothing stored or sent), and what a stored template makes
// Herald send, at the Mailgun fake.
import { NotificationsService } from '../../src/notifications/notifications.service.js';
import { MessagingActionType } from '../../src/notifications/templates/messaging-action-type.js';
import { fieldText, startProviderFakes, type ProviderFakes } from '../fakes/provider-fakes.mjs';
import { waitFor } from '../support/privacy-request-world.js';
import { bearer, createTestApp, graphql, obtainToken, type TestApp } from '../support/test-app.js';

const MAILGUN_KEY = 'key-templates-gql-5120';

type Result = Awaited<ReturnType<typeof graphql>>;

const TEMPLATE = 'id type label locale isEnabled content { subject body sms } createdAt updatedAt';

describe('editable templates (D32) over GraphQL', () => {
  let fakes: ProviderFakes;
  let t: TestApp;

  beforeAll(async () => {
    fakes = await startProviderFakes({ mailgun: { apiKey: MAILGUN_KEY } });
    t = await createTestApp({ ...fakes.env, FIDES__NOTIFICATIONS__NOTIFICATION_SERVICE_TYPE: 'mailgun' });
    const auth = bearer(await t.rootToken());
    await t
      .http()
      .post('/api/v1/messaging/config')
      .set(auth)
      .send({ key: 'mailgun', name: 'Mailgun', service_type: 'mailgun', details: { domain: 'mg.example.com' } })
      .expect(200);
    await t.http().put('/api/v1/messaging/config/mailgun/secret').set(auth).send({ mailgun_api_key: MAILGUN_KEY }).expect(200);
  });
  afterAll(async () => {
    await t?.close();
    await fakes?.close();
  });
  beforeEach(async () => {
    fakes.reset();
    await t.db.query('DELETE FROM messaging_template');
  });

  const gql = async (query: string, variables: Record<string, unknown> = {}, token?: string): Promise<Result> =>
    graphql(t, query, variables, token ?? (await t.rootToken()));
  async function ok<T = Record<string, unknown>>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
    const res = await gql(query, variables);
    expect(res.errors).toBeUndefined();
    return Object.values(res.data ?? {})[0] as T;
  }
  const rows = async () => (await t.db.query('SELECT type, label, locale, content, is_enabled FROM messaging_template ORDER BY created_at, label')).rows;
  async function fails(code: string, query: string, variables: Record<string, unknown> = {}) {
    const before = await rows();
    const res = await gql(query, variables);
    expect(res.data ?? null).toBeNull();
    expect(res.errors).toHaveLength(1);
    expect(res.errors![0].extensions?.code).toBe(code);
    expect(await rows()).toEqual(before);
    return res.errors![0];
  }

  const CREATE = `mutation($type: String!, $input: MessagingTemplateInput!) { createMessagingTemplate(type: $type, input: $input) { ${TEMPLATE} } }`;
  const UPDATE = `mutation($id: ID!, $input: MessagingTemplateInput!) { updateMessagingTemplate(id: $id, input: $input) { ${TEMPLATE} } }`;
  const GET = `query($id: ID!) { messagingTemplate(id: $id) { ${TEMPLATE} } }`;
  const DELETE = 'mutation($id: ID!) { deleteMessagingTemplate(id: $id) }';
  const PREVIEW = `query($type: String!, $input: MessagingTemplatePreviewInput) {
    previewMessagingTemplate(type: $type, input: $input) { type locale subject html text sms } }`;

  it('lists the six types and shows defaults; fixed types are BAD_USER_INPUT; the scope is needed', async () => {
    const list = await ok<{ type: string; label: string }[]>('{ messagingTemplates { type label content { subject body sms } } }');
    expect(list.map((l) => l.type)).toEqual([
      'subject_identity_verification',
      'privacy_request_receipt',
      'privacy_request_review_approve',
      'privacy_request_review_deny',
      'privacy_request_complete_access',
      'privacy_request_complete_deletion',
    ]);
    const found = await ok('query($type: String!) { messagingTemplateDefault(type: $type) { type label content { subject body sms } } }', {
      type: 'privacy_request_review_deny',
    });
    expect(found).toEqual({
      type: 'privacy_request_review_deny',
      label: 'Privacy request denied',
      content: {
        subject: 'Your request has been denied',
        body: '<p>Your privacy request has been denied. __DENIAL_REASON__</p>',
        sms: 'Your privacy request has been denied. __DENIAL_REASON__',
      },
    });
    const fixed = await fails('BAD_USER_INPUT', 'query { messagingTemplateDefault(type: "message_erasure_fulfillment") { type } }');
    expect(fixed.message).toBe('Messaging template type message_erasure_fulfillment is not supported.');
    const unknown = await fails('BAD_USER_INPUT', 'query { messagingTemplateDefault(type: "nope") { type } }');
    expect(unknown.extensions?.detail).toEqual([expect.objectContaining({ loc: ['type'], type: 'type_error.enum' })]);

    const client = (
      await t
        .http()
        .post('/api/v1/oauth/client')
        .set(bearer(await t.rootToken()))
        .send(['messaging:read'])
        .expect(200)
    ).body;
    const reader = await obtainToken(t.http(), client.client_id, client.client_secret);
    const denied = await gql('{ messagingTemplates { type } }', {}, reader);
    expect(denied.errors?.[0].extensions?.code).toBe('FORBIDDEN');
  });

  it('creates with the (2) naming, reads, changes, summarises and deletes with Fides rules', async () => {
    const type = 'privacy_request_receipt';
    const input = { content: { subject: 'Received: __REQUEST_TYPES__', body: '<p>Thanks</p>' }, isEnabled: true };
    const first = await ok<{ id: string; label: string }>(CREATE, { type, input });
    expect(first).toMatchObject({
      type,
      label: 'Privacy request received',
      locale: '',
      isEnabled: true,
      content: { subject: 'Received: __REQUEST_TYPES__', body: '<p>Thanks</p>', sms: null },
    });
    const second = await ok<{ id: string; label: string }>(CREATE, { type, input: { ...input, isEnabled: false, locale: 'de' } });
    expect(second).toMatchObject({ label: 'Privacy request received (2)', locale: 'de' });
    const taken = await fails('BAD_USER_INPUT', CREATE, { type, input: { ...input, isEnabled: false, label: 'Privacy request received' } });
    expect(taken.message).toBe(`A template with type '${type}' and label 'Privacy request received' already exists.`);
    const clash = await fails('BAD_USER_INPUT', CREATE, { type, input: { ...input, label: 'another' } });
    expect(clash.message).toMatch(/^This message cannot be enabled because another message already exists/);
    const unknownVar = await fails('BAD_USER_INPUT', CREATE, { type, input: { ...input, content: { subject: '__CODE__', body: 'b' } } });
    expect(unknownVar.extensions?.detail).toEqual([
      {
        loc: ['input', 'content', 'subject'],
        msg: 'unknown variable __CODE__ (privacy_request_receipt knows: __REQUEST_TYPES__)',
        type: 'value_error.unknown_variable',
      },
    ]);
    const missing = await fails('BAD_USER_INPUT', CREATE, { type, input: { content: { subject: 's', body: 'b' } } });
    expect(missing.extensions?.detail).toEqual([{ loc: ['input', 'isEnabled'], msg: 'field required', type: 'value_error.missing' }]);
    await fails('BAD_USER_INPUT', CREATE, { type: 'message_erasure_fulfillment', input });

    expect(await ok(GET, { id: second.id })).toMatchObject({ id: second.id, label: 'Privacy request received (2)' });
    const ghost = '00000000-0000-4000-8000-000000000000';
    expect((await fails('NOT_FOUND', GET, { id: ghost })).message).toBe(`No messaging template found with id ${ghost}`);

    const changed = await ok(UPDATE, {
      id: second.id,
      input: { label: 'German', content: { subject: 'Eingegangen', body: '<p onclick="x()">Danke</p>', sms: 'Danke' } },
    });
    expect(changed).toMatchObject({ label: 'German', locale: 'de', isEnabled: false, content: { subject: 'Eingegangen', body: '<p>Danke</p>', sms: 'Danke' } });
    await fails('NOT_FOUND', UPDATE, { id: ghost, input: { isEnabled: false } });

    const summary = await ok<{ total: number; items: { type: string }[] }>(
      '{ messagingTemplateSummary(size: 100) { total page size items { id type label locale isEnabled } } }',
    );
    expect(summary.total).toBe(7);
    expect(new Set(summary.items.map((i) => i.type)).size).toBe(6);

    expect(await ok(DELETE, { id: first.id })).toBe(true);
    expect((await fails('BAD_USER_INPUT', DELETE, { id: second.id })).message).toBe(
      'Messaging template cannot be deleted because it is the only template with type. Consider disabling this template instead.',
    );
    await fails('NOT_FOUND', DELETE, { id: first.id });
  });

  it('updates the base templates item by item, and what it stores is what Herald sends', async () => {
    const result = await ok<{ succeeded: unknown[]; failed: unknown[] }>(
      `mutation($inputs: [MessagingTemplateBasicInput!]!) { updateMessagingTemplates(inputs: $inputs) {
        succeeded { type label content { subject body sms } } failed { message data { type } } } }`,
      {
        inputs: [
          { type: 'subject_identity_verification', content: { subject: 'Code __CODE__', body: '<p>Use <b>__CODE__</b> in __MINUTES__ min.</p>' } },
          { type: 'message_erasure_fulfillment', content: { subject: 's', body: 'b' } },
        ],
      },
    );
    expect(result).toEqual({
      succeeded: [
        {
          type: 'subject_identity_verification',
          label: 'Subject identity verification',
          content: { subject: 'Code __CODE__', body: '<p>Use <b>__CODE__</b> in __MINUTES__ min.</p>', sms: null },
        },
      ],
      failed: [{ message: 'Invalid template type.', data: { type: 'message_erasure_fulfillment' } }],
    });
    expect(await rows()).toEqual([
      expect.objectContaining({ type: 'subject_identity_verification', label: 'Subject identity verification', locale: '', is_enabled: true }),
    ]);

    const { messageId } = await t.app.get(NotificationsService).notify({
      actionType: MessagingActionType.SUBJECT_IDENTITY_VERIFICATION,
      recipient: { email: 'gql.reader@example.com' },
      params: { verification_code: '<9876>', verification_code_ttl_seconds: 900 },
      idempotencyKey: 'templates-gql-1',
      serviceType: 'notification',
    });
    await waitFor('the message to be sent', async () => (await t.db.query('SELECT status FROM message WHERE id = $1', [messageId])).rows[0].status === 'sent');
    const mail = fakes.mailgun.requests[0];
    expect(fieldText(mail, 'subject')).toBe('Code <9876>');
    expect(fieldText(mail, 'html')).toContain('<p>Use <b>&lt;9876&gt;</b> in 15 min.</p>');
    expect(fieldText(mail, 'text')).toBe('Use <9876> in 15 min.');
  });

  it('previews without storing or sending anything', async () => {
    const before = Number((await t.db.query('SELECT count(*) FROM message')).rows[0].count);
    const preview = await ok(PREVIEW, {
      type: 'privacy_request_complete_access',
      input: {
        content: { subject: 'Ready', body: '<p><a href="__DOWNLOAD_LINK__">Download</a> (__LIFETIME__)</p>', sms: 'Get it: __DOWNLOAD_LINK__' },
        locale: 'es',
        variables: [{ name: 'DOWNLOAD_LINK', value: 'https://dl.example.com/x?a=1&b=2' }],
      },
    });
    expect(preview).toEqual({
      type: 'privacy_request_complete_access',
      locale: 'es',
      subject: 'Ready',
      html: expect.stringContaining('<p><a href="https://dl.example.com/x?a=1&amp;b=2">Download</a> (5 days)</p>'),
      text: 'Download [https://dl.example.com/x?a=1&b=2] (5 days)',
      sms: 'Get it: https://dl.example.com/x?a=1&b=2',
    });
    const sample = await ok<{ subject: string; text: string }>(PREVIEW, { type: 'subject_identity_verification' });
    expect(sample.text).toContain('verification code is 123456');
    const badVar = await fails('BAD_USER_INPUT', PREVIEW, { type: 'subject_identity_verification', input: { variables: [{ name: 'NOPE', value: 'x' }] } });
    expect(badVar.extensions?.detail).toEqual([expect.objectContaining({ loc: ['input', 'variables', 'NOPE'] })]);
    expect(fakes.mailgun.requests).toHaveLength(0);
    expect(Number((await t.db.query('SELECT count(*) FROM message')).rows[0].count)).toBe(before);
    expect(await rows()).toEqual([]);
  });
});
