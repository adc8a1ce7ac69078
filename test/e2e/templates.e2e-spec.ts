// Decision D32 end to end over REST: Fides' template routes and texts (without properties), Herald's preview, and what
// the stored templates make Herald send — every variable of the six types at the Mailgun fake, values HTML-escaped,
// bodies sanitised when stored and when sent, SMS text at the Twilio fake — with a change made on one instance used
// at once by another on the same database.
import { NotificationsService, type NotifyCommand } from '../../src/notifications/notifications.service.js';
import { MessageRenderer } from '../../src/notifications/templates/message-renderer.js';
import { MessagingActionType } from '../../src/notifications/templates/messaging-action-type.js';
import { fieldText, startProviderFakes, type ProviderFakes, type RecordedRequest } from '../fakes/provider-fakes.mjs';
import { waitFor } from '../support/privacy-request-world.js';
import { bearer, createTestApp, obtainToken, type TestApp } from '../support/test-app.js';

const MAILGUN_KEY = 'key-templates-7311';
const TWILIO = { sid: 'AC7311aaaabbbbccccddddeeeeffff0000', token: 'twilio-templates-7311', service: 'MG7311aaaabbbbccccddddeeeeffff0000' };
const EMAIL = 'template.reader@example.com';
const PHONE = '+15557311000';
const BASE = '/api/v1/messaging/templates';

const SIX = [
  ['subject_identity_verification', 'Subject identity verification'],
  ['privacy_request_receipt', 'Privacy request received'],
  ['privacy_request_review_approve', 'Privacy request approved'],
  ['privacy_request_review_deny', 'Privacy request denied'],
  ['privacy_request_complete_access', 'Access request completed'],
  ['privacy_request_complete_deletion', 'Erasure request completed'],
] as const;

describe('editable templates (D32) over REST', () => {
  let fakes: ProviderFakes;
  let a: TestApp;
  let b: TestApp;
  let auth: Record<string, string>;
  let seq = 0;

  beforeAll(async () => {
    fakes = await startProviderFakes({ mailgun: { apiKey: MAILGUN_KEY }, twilio: { accountSid: TWILIO.sid, authToken: TWILIO.token } });
    const env = { ...fakes.env, FIDES__NOTIFICATIONS__NOTIFICATION_SERVICE_TYPE: 'mailgun', HERALD_DELIVERY_RETRY_DELAY_SECONDS: '1' };
    a = await createTestApp(env);
    b = await createTestApp(env, undefined, a.databaseUrl);
    auth = bearer(await a.rootToken());
    const http = a.http;
    await http()
      .post('/api/v1/messaging/config')
      .set(auth)
      .send({ key: 'mailgun', name: 'Mailgun', service_type: 'mailgun', details: { domain: 'mg.example.com' } })
      .expect(200);
    await http().put('/api/v1/messaging/config/mailgun/secret').set(auth).send({ mailgun_api_key: MAILGUN_KEY }).expect(200);
    await http().post('/api/v1/messaging/config').set(auth).send({ key: 'twilio', name: 'Twilio', service_type: 'twilio_text' }).expect(200);
    await http()
      .put('/api/v1/messaging/config/twilio/secret')
      .set(auth)
      .send({ twilio_account_sid: TWILIO.sid, twilio_auth_token: TWILIO.token, twilio_messaging_service_sid: TWILIO.service })
      .expect(200);
  });
  afterAll(async () => {
    await b?.close();
    await a?.close();
    await fakes?.close();
  });
  beforeEach(async () => {
    fakes.reset();
    await a.db.query('DELETE FROM messaging_template');
  });

  const templates = async () => (await a.db.query('SELECT * FROM messaging_template ORDER BY created_at, label')).rows as Record<string, unknown>[];
  const messageCount = async () => Number((await a.db.query('SELECT count(*) FROM message')).rows[0].count);

  /** Sends one message through `app`'s outbox and waits for the fake to have it. */
  async function send(
    app: TestApp,
    actionType: MessagingActionType,
    params: Record<string, unknown>,
    channel: 'email' | 'sms' = 'email',
  ): Promise<RecordedRequest> {
    const fake = channel === 'email' ? fakes.mailgun : fakes.twilio;
    const before = fake.requests.length;
    const command: NotifyCommand = {
      actionType,
      recipient: channel === 'email' ? { email: EMAIL } : { phone_number: PHONE },
      params: params,
      idempotencyKey: `templates-${++seq}`,
      serviceType: channel === 'email' ? 'notification' : 'TWILIO_TEXT',
    };
    const { messageId } = await app.app.get(NotificationsService).notify(command);
    const row = await waitFor(`message ${messageId}`, async () => {
      const r = (await a.db.query('SELECT status, failure_reason FROM message WHERE id = $1', [messageId])).rows[0];
      return r.status === 'sent' || r.status === 'failed' ? r : undefined;
    });
    expect(row).toEqual({ status: 'sent', failure_reason: null });
    expect(fake.requests).toHaveLength(before + 1);
    return fake.requests[before];
  }

  const create = (type: string, body: Record<string, unknown>) => a.http().post(`${BASE}/${type}`).set(auth).send(body);

  it('lists the six customizable types with the built-in wording, and shows each default in __VARIABLE__ form', async () => {
    const list = await a.http().get(BASE).set(auth).expect(200);
    expect(list.body.map((t: { type: string; label: string }) => [t.type, t.label])).toEqual(SIX);
    expect(list.body[0]).toEqual({
      type: 'subject_identity_verification',
      label: 'Subject identity verification',
      content: {
        subject: 'Your one-time code',
        body: '<p>Your privacy request verification code is __CODE__. Please return to the Privacy Center and enter the code to continue. This code will expire in __MINUTES__ minutes</p>',
        sms: 'Your privacy request verification code is __CODE__. Please return to the Privacy Center and enter the code to continue. This code will expire in __MINUTES__ minutes',
      },
    });
    for (const [type, label] of SIX) {
      const found = await a.http().get(`${BASE}/default/${type}`).set(auth).expect(200);
      expect(found.body).toEqual({ type, label, is_enabled: false, content: list.body.find((t: { type: string }) => t.type === type).content });
    }
    expect((await a.http().get(`${BASE}/default/privacy_request_complete_access`).set(auth)).body.content.body).toContain('__DOWNLOAD_LINK__');

    // Fides' fixed types are 400; a value that is no action type at all is 422 at the path.
    for (const fixed of ['message_erasure_fulfillment', 'privacy_request_complete_consent', 'test_message']) {
      const refused = await a.http().get(`${BASE}/default/${fixed}`).set(auth).expect(400);
      expect(refused.body).toEqual({ detail: `Messaging template type ${fixed} is not supported.` });
      expect((await create(fixed, { content: { subject: 's', body: 'b' }, is_enabled: false }).expect(400)).body).toEqual(refused.body);
      expect((await a.http().post(`${BASE}/${fixed}/preview`).set(auth).send({}).expect(400)).body).toEqual(refused.body);
    }
    const unknown = await a.http().get(`${BASE}/default/no_such_type`).set(auth).expect(422);
    expect(unknown.body.detail[0]).toMatchObject({ loc: ['path', 'template_type'], type: 'type_error.enum' });
    expect(await templates()).toEqual([]);
  });

  it('needs the messaging-template:update scope on every route', async () => {
    await a.http().post('/api/v1/oauth/client').set(auth).send(['messaging:read']).expect(200);
    const client = (await a.http().post('/api/v1/oauth/client').set(auth).send(['messaging:read']).expect(200)).body as {
      client_id: string;
      client_secret: string;
    };
    const reader = bearer(await obtainToken(a.http(), client.client_id, client.client_secret));
    await a.http().get(BASE).set(reader).expect(403);
    await a.http().get(`${BASE}/summary`).set(reader).expect(403);
    await a.http().post(`${BASE}/subject_identity_verification/preview`).set(reader).send({}).expect(403);
    await a.http().get(BASE).expect(401);
  });

  it('creates, names with (2), refuses a taken label, reads, replaces, patches, summarises and deletes', async () => {
    const type = 'privacy_request_review_approve';
    const first = await create(type, { content: { subject: 'Approved!', body: '<p>Yes.</p>' }, is_enabled: true }).expect(200);
    expect(first.body).toEqual({
      id: expect.any(String),
      type,
      label: 'Privacy request approved',
      locale: '',
      is_enabled: true,
      properties: [],
      content: { subject: 'Approved!', body: '<p>Yes.</p>', sms: null },
      created_at: expect.any(String),
      updated_at: expect.any(String),
    });
    const second = await create(type, { content: { subject: '', body: null }, is_enabled: false, locale: 'ES-mx' }).expect(200);
    expect(second.body).toMatchObject({ label: 'Privacy request approved (2)', locale: 'es-MX', is_enabled: false });
    // Blank subject and body are the built-in ones.
    expect(second.body.content).toEqual({
      subject: 'Your request has been approved',
      body: '<p>Your privacy request has been approved and is currently processing.</p>',
      sms: null,
    });
    const third = await create(type, { content: { subject: 'x', body: 'y' }, is_enabled: false, properties: [] }).expect(200);
    expect(third.body.label).toBe('Privacy request approved (3)');
    const taken = await create(type, { content: { subject: 'x', body: 'y' }, is_enabled: false, label: 'Privacy request approved (2)' }).expect(400);
    expect(taken.body).toEqual({ detail: `A template with type '${type}' and label 'Privacy request approved (2)' already exists.` });
    // Another enabled template of the same type and locale is refused; another locale is fine.
    const twice = await create(type, { content: { subject: 'x', body: 'y' }, is_enabled: true, label: 'Other' }).expect(400);
    expect(twice.body).toEqual({
      detail: 'This message cannot be enabled because another message already exists with the same configuration. Change the locale to enable this message.',
    });
    // Properties are out of scope; a bad locale is named.
    const props = await create(type, { content: { subject: 'x', body: 'y' }, is_enabled: false, properties: ['prop_1'] }).expect(422);
    expect(props.body.detail[0].loc).toEqual(['body', 'properties']);
    const badLocale = await create(type, { content: { subject: 'x', body: 'y' }, is_enabled: false, locale: 'not a tag!' }).expect(422);
    expect(badLocale.body.detail).toEqual([{ loc: ['body', 'locale'], msg: 'value is not a valid BCP 47 language tag', type: 'value_error.locale' }]);
    const missing = await create(type, {}).expect(422);
    expect(missing.body.detail.map((d: { loc: unknown[] }) => d.loc)).toEqual([
      ['body', 'content'],
      ['body', 'is_enabled'],
    ]);
    expect(await templates()).toHaveLength(3);

    expect((await a.http().get(`${BASE}/${second.body.id}`).set(auth).expect(200)).body).toEqual(second.body);
    const ghost = '00000000-0000-4000-8000-000000000000';
    expect((await a.http().get(`${BASE}/${ghost}`).set(auth).expect(404)).body).toEqual({ detail: `No messaging template found with id ${ghost}` });
    expect((await a.http().get(`${BASE}/not-an-id`).set(auth).expect(404)).body).toEqual({ detail: 'No messaging template found with id not-an-id' });
    await a
      .http()
      .put(`${BASE}/${ghost}`)
      .set(auth)
      .send({ content: { subject: 'a', body: 'b' }, is_enabled: false })
      .expect(404);
    await a.http().patch(`${BASE}/${ghost}`).set(auth).send({ is_enabled: false }).expect(404);
    await a.http().delete(`${BASE}/${ghost}`).set(auth).expect(404);

    // PUT replaces content and is_enabled (both required), keeps the label and locale.
    await a.http().put(`${BASE}/${second.body.id}`).set(auth).send({ is_enabled: true }).expect(422);
    const replaced = await a
      .http()
      .put(`${BASE}/${second.body.id}`)
      .set(auth)
      .send({ content: { subject: 'Aprobada', body: '<p>Sí</p>', sms: 'Sí' }, is_enabled: true })
      .expect(200);
    expect(replaced.body).toMatchObject({
      label: 'Privacy request approved (2)',
      locale: 'es-MX',
      is_enabled: true,
      content: { subject: 'Aprobada', body: '<p>Sí</p>', sms: 'Sí' },
    });
    // PATCH changes only what is given; a label another template has is refused.
    const patched = await a.http().patch(`${BASE}/${third.body.id}`).set(auth).send({ label: 'Draft' }).expect(200);
    expect(patched.body).toMatchObject({ label: 'Draft', is_enabled: false, content: { subject: 'x', body: 'y' } });
    await a.http().patch(`${BASE}/${third.body.id}`).set(auth).send({ label: 'Privacy request approved' }).expect(400);
    const enableClash = await a.http().patch(`${BASE}/${third.body.id}`).set(auth).send({ is_enabled: true }).expect(400);
    expect(enableClash.body.detail).toMatch(/^This message cannot be enabled/);

    // The summary first adds a disabled built-in row for each type without one; newest first.
    const summary = await a.http().get(`${BASE}/summary`).set(auth).expect(200);
    expect(summary.body.total).toBe(8);
    expect(summary.body.items).toHaveLength(8);
    expect(summary.body.items[0]).toEqual({
      id: expect.any(String),
      type: expect.any(String),
      label: expect.any(String),
      locale: '',
      is_enabled: false,
      properties: [],
    });
    const types = summary.body.items.map((i: { type: string }) => i.type);
    for (const [t] of SIX) expect(types).toContain(t);
    expect((await a.http().get(`${BASE}/summary?size=2&page=2`).set(auth).expect(200)).body).toMatchObject({ total: 8, page: 2, size: 2 });
    await a.http().get(`${BASE}/summary`).set(auth).expect(200);
    expect(await templates()).toHaveLength(8);

    // Delete: fine while others of the type remain; the last one of its type is refused.
    await a.http().delete(`${BASE}/${first.body.id}`).set(auth).expect(204);
    await a.http().delete(`${BASE}/${first.body.id}`).set(auth).expect(404);
    await a.http().delete(`${BASE}/${third.body.id}`).set(auth).expect(204);
    const only = await a.http().delete(`${BASE}/${second.body.id}`).set(auth).expect(400);
    expect(only.body).toEqual({
      detail: 'Messaging template cannot be deleted because it is the only template with type. Consider disabling this template instead.',
    });
    expect((await templates()).filter((t) => t.type === type)).toHaveLength(1);
  });

  it('PUT /messaging/templates updates the base template per type, item by item, in Fides texts', async () => {
    const put = await a
      .http()
      .put(BASE)
      .set(auth)
      .send([
        { type: 'privacy_request_receipt', content: { subject: 'Got it', body: '<p>We have your __REQUEST_TYPES__ request.</p>' } },
        { type: 'privacy_request_review_deny', content: { subject: '', body: null } },
        { type: 'message_erasure_fulfillment', content: { subject: 'a', body: 'b' } },
        { type: 'nonsense', content: { subject: 'a', body: 'b' } },
        { type: 'privacy_request_review_approve', content: { subject: 'a' } },
        { type: 'privacy_request_review_approve', content: { subject: 'a', body: '__NOPE__' } },
      ])
      .expect(200);
    expect(put.body.succeeded).toEqual([
      {
        type: 'privacy_request_receipt',
        label: 'Privacy request received',
        content: { subject: 'Got it', body: '<p>We have your __REQUEST_TYPES__ request.</p>', sms: null },
      },
      {
        type: 'privacy_request_review_deny',
        label: 'Privacy request denied',
        content: { subject: 'Your request has been denied', body: '<p>Your privacy request has been denied. __DENIAL_REASON__</p>', sms: null },
      },
    ]);
    expect(put.body.failed).toEqual([
      { message: 'Invalid template type.', data: { type: 'message_erasure_fulfillment', content: { subject: 'a', body: 'b' } } },
      { message: 'Invalid template type.', data: { type: 'nonsense', content: { subject: 'a', body: 'b' } } },
      { message: 'Unexpected error updating template.', data: { type: 'privacy_request_review_approve', content: { subject: 'a' } } },
      {
        message: 'content.body: unknown variable __NOPE__ (privacy_request_review_approve knows: none)',
        data: { type: 'privacy_request_review_approve', content: { subject: 'a', body: '__NOPE__' } },
      },
    ]);
    const stored = await templates();
    expect(stored.map((t) => [t.type, t.label, t.locale, t.is_enabled])).toEqual(
      expect.arrayContaining([
        ['privacy_request_receipt', 'Privacy request received', '', true],
        ['privacy_request_review_deny', 'Privacy request denied', '', true],
      ]),
    );
    expect(stored).toHaveLength(2);
    // Again: the same row is updated, the label kept.
    await a
      .http()
      .put(BASE)
      .set(auth)
      .send([{ type: 'privacy_request_receipt', content: { subject: 'Got it again', body: 'b' } }])
      .expect(200);
    expect(await templates()).toHaveLength(2);
    const list = await a.http().get(BASE).set(auth).expect(200);
    expect(list.body[1]).toEqual({
      type: 'privacy_request_receipt',
      label: 'Privacy request received',
      content: { subject: 'Got it again', body: 'b', sms: null },
    });
    expect(list.body[0].content.subject).toBe('Your one-time code');
    // Not a list, or items that are not objects: 422.
    expect((await a.http().put(BASE).set(auth).send({ type: 'x' }).expect(422)).body.detail[0].loc).toEqual(['body']);
    expect((await a.http().put(BASE).set(auth).send(['x']).expect(422)).body.detail[0].loc).toEqual(['body', 0]);
  });

  it('renders every variable of the six types into what the fakes receive', async () => {
    const all = {
      subject_identity_verification: '__CODE__/__MINUTES__',
      privacy_request_receipt: '__REQUEST_TYPES__',
      privacy_request_review_approve: 'approved',
      privacy_request_review_deny: '__DENIAL_REASON__',
      privacy_request_complete_access: '__DOWNLOAD_LINK__|__DAYS__|__LIFETIME__',
      privacy_request_complete_deletion: 'deleted',
    };
    for (const [type, vars] of Object.entries(all)) {
      await create(type, { content: { subject: `S ${vars}`, body: `<p>B ${vars}</p>`, sms: `M ${vars}` }, is_enabled: true }).expect(200);
    }
    const link = 'https://herald.example.com/download/abc?x=1&y=2';
    const cases: [MessagingActionType, Record<string, unknown>, string, string][] = [
      [MessagingActionType.SUBJECT_IDENTITY_VERIFICATION, { verification_code: '424242', verification_code_ttl_seconds: 600 }, '424242/10', '424242/10'],
      [MessagingActionType.PRIVACY_REQUEST_RECEIPT, { request_types: ['access', 'erasure'] }, 'access, erasure', 'access, erasure'],
      [MessagingActionType.PRIVACY_REQUEST_REVIEW_APPROVE, {}, 'approved', 'approved'],
      [MessagingActionType.PRIVACY_REQUEST_REVIEW_DENY, { rejection_reason: 'Not you' }, 'Not you', 'Not you'],
      [
        MessagingActionType.PRIVACY_REQUEST_COMPLETE_ACCESS,
        { download_links: [link, 'https://second'], download_link_ttl_seconds: 432000 },
        `${link}|5|5 days`,
        `${link.replace('&', '&amp;')}|5|5 days`,
      ],
      [MessagingActionType.PRIVACY_REQUEST_COMPLETE_DELETION, {}, 'deleted', 'deleted'],
    ];
    for (const [type, params, plain, html] of cases) {
      const mail = await send(a, type, params);
      expect(fieldText(mail, 'subject')).toBe(`S ${plain}`);
      expect(fieldText(mail, 'html')).toContain(`<main>\n<p>B ${html}</p>\n</main>`);
      expect(fieldText(mail, 'text')).toBe(`B ${plain}`);
      const sms = await send(a, type, params, 'sms');
      expect(fieldText(sms, 'Body')).toBe(`M ${plain}`);
    }
    // A denial without a reason leaves the variable empty.
    expect(fieldText(await send(a, MessagingActionType.PRIVACY_REQUEST_REVIEW_DENY, { rejection_reason: null }), 'subject')).toBe('S');
    // Types that are not customizable keep their built-in text.
    expect(fieldText(await send(a, MessagingActionType.TEST_MESSAGE, {}), 'subject')).toBe('Test message from Herald');
  });

  it('escapes values in HTML, sanitises bodies when stored and when sent, and keeps the built-in text when disabled', async () => {
    const reason = '<script>alert("x")</script> & more';
    // The built-in wording escapes too.
    const builtIn = await send(a, MessagingActionType.PRIVACY_REQUEST_REVIEW_DENY, { rejection_reason: reason });
    expect(fieldText(builtIn, 'html')).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; more');
    expect(fieldText(builtIn, 'html')).not.toContain('<script>');

    const dirty =
      '<p style="background:url(javascript:alert(1))" onclick="alert(1)">Denied: <b>__DENIAL_REASON__</b></p>' +
      '<img src="https://cdn.example.com/logo.png" onerror="alert(1)" alt="logo">' +
      '<a href="javascript:alert(1)">bad link</a> <a href="https://example.com/help">help</a>' +
      '<script>alert(2)</script><iframe src="https://evil.example"></iframe>';
    const created = await create('privacy_request_review_deny', { content: { subject: 'Denied', body: dirty }, is_enabled: true }).expect(200);
    const clean =
      '<p>Denied: <b>__DENIAL_REASON__</b></p><img src="https://cdn.example.com/logo.png" alt="logo" /><a>bad link</a> <a href="https://example.com/help">help</a>';
    expect(created.body.content.body).toBe(clean);
    expect((await templates())[0].content).toEqual({ subject: 'Denied', body: clean, sms: null });

    const mail = await send(a, MessagingActionType.PRIVACY_REQUEST_REVIEW_DENY, { rejection_reason: reason });
    const html = fieldText(mail, 'html');
    // The values are escaped once (sanitising the result again re-serialises quotes in text as they are).
    expect(html).toContain('<p>Denied: <b>&lt;script&gt;alert("x")&lt;/script&gt; &amp; more</b></p>');
    for (const unsafe of ['<script', 'onerror', 'onclick', 'javascript:', 'style=', '<iframe']) expect(html).not.toContain(unsafe);
    expect(fieldText(mail, 'text')).toContain(`Denied: ${reason}`);
    expect(fieldText(mail, 'text')).toContain('help [https://example.com/help]');

    // A row written behind the API's back (an older release, a hand edit) is still sanitised on the way out.
    await a.db.query(`UPDATE messaging_template SET content = jsonb_set(content, '{body}', '"<p onmouseover=\\"x()\\">hi</p><script>x()</script>"')`);
    const raw = fieldText(await send(a, MessagingActionType.PRIVACY_REQUEST_REVIEW_DENY, { rejection_reason: null }), 'html');
    expect(raw).toContain('<p>hi</p>');
    expect(raw).not.toContain('onmouseover');
    expect(raw).not.toContain('<script');

    // Disabled: the built-in wording again.
    await a.http().patch(`${BASE}/${created.body.id}`).set(auth).send({ is_enabled: false }).expect(200);
    expect(fieldText(await send(a, MessagingActionType.PRIVACY_REQUEST_REVIEW_DENY, { rejection_reason: null }), 'subject')).toBe(
      'Your request has been denied',
    );
  });

  it('refuses unknown variables and oversized bodies with 422 naming them, storing nothing', async () => {
    const unknown = await create('subject_identity_verification', {
      content: { subject: 'Code __CODE__ for __NAME__', body: '<p>__CODE__ __DOWNLOAD_LINK__ __DOWNLOAD_LINK__</p>', sms: '__SMS_X__' },
      is_enabled: true,
    }).expect(422);
    expect(unknown.body.detail).toEqual([
      {
        loc: ['body', 'content', 'subject'],
        msg: 'unknown variable __NAME__ (subject_identity_verification knows: __CODE__, __MINUTES__)',
        type: 'value_error.unknown_variable',
      },
      {
        loc: ['body', 'content', 'body'],
        msg: 'unknown variable __DOWNLOAD_LINK__ (subject_identity_verification knows: __CODE__, __MINUTES__)',
        type: 'value_error.unknown_variable',
      },
      {
        loc: ['body', 'content', 'sms'],
        msg: 'unknown variable __SMS_X__ (subject_identity_verification knows: __CODE__, __MINUTES__)',
        type: 'value_error.unknown_variable',
      },
    ]);
    const big = `<p>${'x'.repeat(100 * 1024)}</p>`;
    const oversized = await create('privacy_request_receipt', { content: { subject: 's', body: big }, is_enabled: true }).expect(422);
    expect(oversized.body.detail).toEqual([
      { loc: ['body', 'content', 'body'], msg: 'the body is larger than 102400 bytes (100 KB)', type: 'value_error.any_str.max_length' },
    ]);
    const extra = await create('privacy_request_receipt', { content: { subject: 's', body: 'b', html: 'x' }, is_enabled: true }).expect(422);
    expect(extra.body.detail).toEqual([{ loc: ['body', 'content', 'html'], msg: 'extra fields not permitted', type: 'value_error.extra' }]);
    const notText = await create('privacy_request_receipt', { content: { subject: 5, body: 'b' }, is_enabled: true }).expect(422);
    expect(notText.body.detail[0].loc).toEqual(['body', 'content', 'subject']);
    // The same checks on PUT, PATCH and the preview.
    const row = await create('privacy_request_receipt', { content: { subject: 's', body: 'b' }, is_enabled: false }).expect(200);
    await a
      .http()
      .put(`${BASE}/${row.body.id}`)
      .set(auth)
      .send({ content: { subject: '__X__', body: 'b' }, is_enabled: false })
      .expect(422);
    await a
      .http()
      .patch(`${BASE}/${row.body.id}`)
      .set(auth)
      .send({ content: { subject: 's', body: big } })
      .expect(422);
    const preview = await a
      .http()
      .post(`${BASE}/privacy_request_receipt/preview`)
      .set(auth)
      .send({ content: { body: '__CODE__' } })
      .expect(422);
    expect(preview.body.detail[0]).toMatchObject({ loc: ['body', 'content', 'body'], msg: expect.stringContaining('__CODE__') });
    expect((await templates()).map((t) => t.content)).toEqual([{ subject: 's', body: 'b', sms: null }]);
  });

  it('previews given content, a stored variant or the built-in, with sample values, and sends nothing', async () => {
    const before = await messageCount();
    const given = await a
      .http()
      .post(`${BASE}/subject_identity_verification/preview`)
      .set(auth)
      .send({
        content: {
          subject: 'Code: __CODE__',
          body: '<p>Enter <b>__CODE__</b> within __MINUTES__ minutes.</p><img src=x onerror="alert(1)">',
          sms: 'Code __CODE__',
        },
        locale: 'fr-CA',
        variables: { CODE: '<777>' },
      })
      .expect(200);
    expect(given.body).toEqual({
      type: 'subject_identity_verification',
      locale: 'fr-CA',
      subject: 'Code: <777>',
      html: expect.stringContaining('<main>\n<p>Enter <b>&lt;777&gt;</b> within 10 minutes.</p><img src="x" />\n</main>'),
      text: 'Enter <777> within 10 minutes.',
      sms: 'Code <777>',
    });
    expect(given.body.html).toContain('<html lang="fr-CA">');
    // No content: the built-in in __VARIABLE__ form with the sample values.
    const builtIn = await a.http().post(`${BASE}/privacy_request_complete_access/preview`).set(auth).send({}).expect(200);
    expect(builtIn.body).toMatchObject({
      locale: '',
      subject: 'Your data is ready to be downloaded',
      text: expect.stringContaining('https://privacy.example.com/download/sample'),
      sms: expect.stringContaining('this secret link will expire in 5 days.'),
    });
    // A stored variant is found along the locale chain (es-MX → es).
    await create('privacy_request_review_approve', { content: { subject: 'Aprobada', body: '<p>Aprobada</p>' }, is_enabled: true, locale: 'es' }).expect(200);
    const stored = await a.http().post(`${BASE}/privacy_request_review_approve/preview`).set(auth).send({ locale: 'es-MX' }).expect(200);
    expect(stored.body).toMatchObject({
      locale: 'es',
      subject: 'Aprobada',
      text: 'Aprobada',
      sms: 'Your privacy request has been approved and is currently processing.',
    });
    // Unknown sample variables and bad locales are named.
    const badVar = await a
      .http()
      .post(`${BASE}/privacy_request_review_approve/preview`)
      .set(auth)
      .send({ variables: { CODE: '1' } })
      .expect(422);
    expect(badVar.body.detail[0].loc).toEqual(['body', 'variables', 'CODE']);
    await a.http().post(`${BASE}/privacy_request_review_approve/preview`).set(auth).send({ locale: '!!' }).expect(422);

    expect(fakes.mailgun.requests.length + fakes.twilio.requests.length + fakes.sendgrid.requests.length).toBe(0);
    expect(await messageCount()).toBe(before);
    expect(await templates()).toHaveLength(1);
  });

  it('a change made through one instance is used by the other at once', async () => {
    const type = MessagingActionType.SUBJECT_IDENTITY_VERIFICATION;
    const params = { verification_code: '135790', verification_code_ttl_seconds: 600 };
    const rendererOfA = a.app.get(MessageRenderer);
    expect((await rendererOfA.render(type, params, null, 'email')).email!.subject).toBe('Your one-time code');
    // Through B's API.
    const made = await b
      .http()
      .post(`${BASE}/${type}`)
      .set(auth)
      .send({ content: { subject: 'Your code is __CODE__', body: '<p>Code __CODE__</p>', sms: 'Code: __CODE__' }, is_enabled: true })
      .expect(200);
    expect((await rendererOfA.render(type, params, null, 'email')).email!.subject).toBe('Your code is 135790');
    expect(await rendererOfA.render(type, params, null, 'sms')).toEqual({ sms: 'Code: 135790', locale: '' });
    expect(fieldText(await send(a, type, params), 'subject')).toBe('Your code is 135790');
    // And back through A: B's messages follow.
    await a
      .http()
      .patch(`${BASE}/${made.body.id}`)
      .set(auth)
      .send({ content: { subject: 'New: __CODE__', body: 'x' } })
      .expect(200);
    expect((await b.app.get(MessageRenderer).render(type, params, null, 'email')).email!.subject).toBe('New: 135790');
    expect(fieldText(await send(b, type, params), 'subject')).toBe('New: 135790');
  });

  it('picks the variant along the locale chain, and SMS falls through a variant without SMS text', async () => {
    const renderer = a.app.get(MessageRenderer);
    const type = MessagingActionType.PRIVACY_REQUEST_REVIEW_APPROVE;
    await create(type, { content: { subject: 'Base', body: 'base' }, is_enabled: true }).expect(200);
    await create(type, { content: { subject: 'ES', body: 'es', sms: 'es sms' }, is_enabled: true, locale: 'es' }).expect(200);
    await create(type, { content: { subject: 'ES-MX', body: 'es-mx' }, is_enabled: true, locale: 'es-MX' }).expect(200);
    await create(type, { content: { subject: 'FR draft', body: 'fr' }, is_enabled: false, locale: 'fr' }).expect(200);
    const subject = async (locale: string | null) => {
      const r = await renderer.render(type, {}, locale, 'email');
      return [r.email!.subject, r.locale];
    };
    expect(await subject('es-mx')).toEqual(['ES-MX', 'es-MX']);
    expect(await subject('es-AR')).toEqual(['ES', 'es']);
    // A level without an enabled stored template uses Herald's built-in text of that level when there is one (fr's
    // is a disabled draft): the language of the request outranks a customised base.
    expect(await subject('fr')).toEqual(['Votre demande a été approuvée', 'fr']);
    expect(await subject('zz')).toEqual(['Base', '']);
    expect(await subject(null)).toEqual(['Base', '']);
    // es-MX has no SMS text: es's is used.
    expect(await renderer.render(type, {}, 'es-MX', 'sms')).toEqual({ sms: 'es sms', locale: 'es' });
    // The base template has none either: the built-in SMS.
    expect(await renderer.render(type, {}, 'zz', 'sms')).toEqual({ sms: 'Your privacy request has been approved and is currently processing.', locale: '' });
  });

  it('a real denial: the stored template gets the reason, escaped, at the fake', async () => {
    const config = (body: object) => a.http().patch('/api/v1/config').set(auth).send(body).expect(200);
    await config({ execution: { require_manual_request_approval: true }, notifications: { send_request_review_notification: true } });
    try {
      await create('privacy_request_review_deny', {
        content: { subject: 'About your request', body: '<p>We cannot do this: <i>__DENIAL_REASON__</i></p>' },
        is_enabled: true,
      }).expect(200);
      const subject = 'denied.by.review@example.com';
      const created = await a
        .http()
        .post('/api/v1/privacy-request')
        .send([{ identity: { email: subject }, policy_key: 'default_erasure_policy' }])
        .expect(200);
      const id = created.body.succeeded[0].id as string;
      const reason = '<script>steal()</script> "no"';
      await a
        .http()
        .patch('/api/v1/privacy-request/administrate/deny')
        .set(auth)
        .send({ request_ids: [id], reason })
        .expect(200);
      const mail = await waitFor('the denial email', async () =>
        fakes.mailgun.requests.find((r) => fieldText(r, 'to') === subject && fieldText(r, 'subject') === 'About your request'),
      );
      expect(fieldText(mail, 'html')).toContain('<p>We cannot do this: <i>&lt;script&gt;steal()&lt;/script&gt; "no"</i></p>');
      expect(fieldText(mail, 'html')).not.toContain('<script>');
      expect(fieldText(mail, 'text')).toBe(`We cannot do this: ${reason}`);
    } finally {
      await config({ execution: { require_manual_request_approval: false }, notifications: { send_request_review_notification: false } });
    }
  });
});
