// Decision D32, locales: a privacy request's `locale` (REST and GraphQL), validated and kept canonical, carried by
// every message of the request, which is rendered in the most specific built-in text of its chain (exact →
// language → base) and logged with the locale it was rendered in. Everything goes through the real SDKs to the fakes.
import { fieldText, type ProviderFakes, type RecordedRequest } from '../fakes/provider-fakes.mjs';
import { startPrivacyRequestWorld, waitFor, type PrivacyRequestWorld } from '../support/privacy-request-world.js';
import { graphql, type TestApp } from '../support/test-app.js';

const MAILGUN_KEY = 'key-locales-3210';
const TWILIO = { sid: 'AC3210aaaabbbbccccddddeeeeffff0000', token: 'twilio-locales-token-3210', phone: '+15550003210' };

const CREATE = `mutation Create($inputs: [PrivacyRequestInput!]!) { createPrivacyRequests(inputs: $inputs) {
  succeeded { id locale } failed { message } } }`;
const GET = `query Get($id: ID!) { privacyRequest(id: $id) { id locale messages { actionType requestedLocale locale status } } }`;
const MESSAGES = `query Messages($privacyRequestId: String) { messages(privacyRequestId: $privacyRequestId) { items { id actionType requestedLocale locale } } }`;

describe('locales of privacy requests and their messages (D32)', () => {
  let world: PrivacyRequestWorld;
  let t: TestApp;
  let fakes: ProviderFakes;
  let auth: Record<string, string>;

  beforeAll(async () => {
    world = await startPrivacyRequestWorld(MAILGUN_KEY, { twilio: { accountSid: TWILIO.sid, authToken: TWILIO.token } });
    ({ t, fakes, auth } = world);
  });
  afterAll(() => world.close());
  beforeEach(() => world.reset());

  const settings = (body: object) => t.http().patch('/api/v1/config').set(auth).send(body).expect(200);
  const count = async () => Number((await t.db.query('SELECT count(*) FROM privacy_request')).rows[0].count);
  const receiptTo = (to: string) => waitFor(`the receipt to ${to}`, async () => fakes.mailgun.requests.find((r) => r.fields.to === to && r.status === 200));
  const messagesOf = async (id: string) => {
    const res = await t.http().get(`/api/v1/messaging/messages?privacy_request_id=${id}`).set(auth).expect(200);
    return res.body.items as Record<string, unknown>[];
  };
  const sentLog = (id: string) =>
    waitFor(`the messages of ${id} to be sent`, async () => {
      const items = await messagesOf(id);
      return items.length > 0 && items.every((m) => m.status === 'sent') ? items : undefined;
    });

  describe('validation', () => {
    it.each([
      ['not a tag', 'value is not a valid BCP 47 language tag (such as en, es-MX or fr-CA)'],
      ['es_MX', 'value is not a valid BCP 47 language tag (such as en, es-MX or fr-CA)'],
      ['', 'value is not a valid BCP 47 language tag (such as en, es-MX or fr-CA)'],
      [`en-${'a'.repeat(40)}`, 'ensure this value has at most 35 characters'],
      [42, 'str type expected'],
    ])('refuses the locale %j over REST with a 422 naming the field, storing nothing', async (locale, msg) => {
      const before = await count();
      const res = await t
        .http()
        .post('/api/v1/privacy-request')
        .send([{ identity: { email: 'locale-check@example.com' }, policy_key: 'default_access_policy', locale }])
        .expect(422);
      expect(res.body.detail).toContainEqual(expect.objectContaining({ loc: ['body', 0, 'locale'], msg }));
      expect(JSON.stringify(res.body)).not.toContain('locale-check@example.com');
      expect(await count()).toBe(before);
      expect(fakes.mailgun.requests).toHaveLength(0);
    });

    it('refuses a bad locale over GraphQL as BAD_USER_INPUT naming the field, storing nothing', async () => {
      const before = await count();
      const result = await graphql(t, CREATE, {
        inputs: [{ identity: { email: 'locale-check@example.com' }, policyKey: 'default_access_policy', locale: 'es_MX' }],
      });
      expect(result.data ?? null).toBeNull();
      expect(result.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      expect(result.errors?.[0]?.extensions?.detail).toEqual([
        expect.objectContaining({ loc: ['inputs', 0, 'locale'], msg: 'value is not a valid BCP 47 language tag (such as en, es-MX or fr-CA)' }),
      ]);
      expect(JSON.stringify(result)).not.toContain('locale-check@example.com');
      expect(await count()).toBe(before);
    });

    it("keeps the canonical form of the tag, shown by GraphQL and not added to Fides' REST answer", async () => {
      const res = await t
        .http()
        .post('/api/v1/privacy-request')
        .send([{ identity: { email: 'canonical@example.com' }, policy_key: 'default_access_policy', locale: 'es-mx' }])
        .expect(200);
      const [created] = res.body.succeeded;
      expect(created).not.toHaveProperty('locale');
      expect((await t.db.query('SELECT locale FROM privacy_request WHERE id = $1', [created.id])).rows[0].locale).toBe('es-MX');

      const { root } = world;
      const viaGraphql = await graphql(t, CREATE, {
        inputs: [{ identity: { email: 'canonical-2@example.com' }, policyKey: 'default_access_policy', locale: 'DE-at' }],
      });
      expect(viaGraphql.errors).toBeUndefined();
      const [second] = (viaGraphql.data!.createPrivacyRequests as { succeeded: { id: string; locale: string }[] }).succeeded;
      expect(second.locale).toBe('de-AT');
      const fetched = await graphql(t, GET, { id: created.id }, root);
      expect(fetched.data!.privacyRequest).toMatchObject({ id: created.id, locale: 'es-MX' });
      // Without a locale there is none.
      const plain = await graphql(t, CREATE, { inputs: [{ identity: { email: 'canonical-3@example.com' }, policyKey: 'default_access_policy' }] });
      expect((plain.data!.createPrivacyRequests as { succeeded: { locale: string | null }[] }).succeeded[0].locale).toBeNull();
    });
  });

  describe("messages in the request's language", () => {
    it.each([
      ['es-MX', 'es', 'Hemos recibido su solicitud', 'Hemos recibido su solicitud de acceso.', 'es'],
      ['fr', 'fr', 'Nous avons bien reçu votre demande', "Nous avons bien reçu votre demande d'accès.", 'fr'],
      ['de-CH', 'de', 'Ihre Anfrage ist bei uns eingegangen', 'Ihr Antrag auf Auskunft ist bei uns eingegangen.', 'de'],
      ['zz', '', 'Your request has been received', 'Your access request has been received', 'en'],
      [null, '', 'Your request has been received', 'Your access request has been received', 'en'],
    ])('a request in %j gets the receipt rendered in %j', async (locale, used, subject, text, lang) => {
      await settings({ notifications: { send_request_receipt_notification: true } });
      const email = `receipt-${locale ?? 'none'}@example.com`.toLowerCase();
      const res = await t
        .http()
        .post('/api/v1/privacy-request')
        .send([{ identity: { email }, policy_key: 'default_access_policy', ...(locale === null ? {} : { locale }) }])
        .expect(200);
      const [request] = res.body.succeeded;
      const sent: RecordedRequest = await receiptTo(email);
      expect(fieldText(sent, 'subject')).toBe(subject);
      expect(fieldText(sent, 'text')).toBe(text);
      expect(fieldText(sent, 'html')).toContain(`<html lang="${lang}">`);

      // The message log (REST and GraphQL) shows the locale asked for and the one used.
      const [logged] = (await sentLog(request.id)).filter((m) => m.action_type === 'privacy_request_receipt');
      expect(logged).toMatchObject({ requested_locale: locale === null ? null : locale, locale: used });
      const one = await t
        .http()
        .get(`/api/v1/messaging/messages/${logged.id as string}`)
        .set(auth)
        .expect(200);
      expect(one.body).toMatchObject({ requested_locale: locale, locale: used });
      const viaGraphql = await graphql(t, MESSAGES, { privacyRequestId: request.id }, world.root);
      expect(viaGraphql.errors).toBeUndefined();
      expect((viaGraphql.data!.messages as { items: unknown[] }).items).toContainEqual(
        expect.objectContaining({ id: logged.id, actionType: 'PRIVACY_REQUEST_RECEIPT', requestedLocale: locale, locale: used }),
      );
    });

    it('carries the locale to every message of the request: code, receipt, review and completion', async () => {
      await settings({
        execution: { subject_identity_verification_required: true, require_manual_request_approval: true },
        notifications: { send_request_receipt_notification: true, send_request_review_notification: true, send_request_completion_notification: true },
      });
      const email = 'tout@example.com';
      const created = await t
        .http()
        .post('/api/v1/privacy-request')
        .send([{ identity: { email }, policy_key: 'default_erasure_policy', locale: 'fr-CA' }])
        .expect(200);
      const [request] = created.body.succeeded;
      const codeMail = await waitFor('the code', async () => fakes.mailgun.requests.find((r) => r.fields.to === email));
      expect(fieldText(codeMail, 'subject')).toBe('Votre code à usage unique');
      const code = /est (\d{6})\./.exec(fieldText(codeMail, 'text'))?.[1];
      await t.http().post(`/api/v1/privacy-request/${request.id}/verify`).send({ code }).expect(200);
      await t
        .http()
        .patch('/api/v1/privacy-request/administrate/approve')
        .set(auth)
        .send({ request_ids: [request.id] })
        .expect(200);
      await waitFor(
        'the request to complete',
        async () => (await t.db.query('SELECT status FROM privacy_request WHERE id = $1', [request.id])).rows[0].status === 'complete',
      );
      const subjects = await waitFor('four emails', async () => {
        const sent = fakes.mailgun.requests.filter((r) => r.fields.to === email && r.status === 200).map((r) => fieldText(r, 'subject'));
        return sent.length === 4 ? sent : undefined;
      });
      expect(subjects.sort()).toEqual(
        ['Votre code à usage unique', 'Nous avons bien reçu votre demande', 'Votre demande a été approuvée', 'Vos données ont été supprimées'].sort(),
      );
      const logged = await sentLog(request.id);
      expect(logged).toHaveLength(4);
      for (const message of logged) expect(message).toMatchObject({ requested_locale: 'fr-CA', locale: 'fr' });
      const viaGraphql = await graphql(t, GET, { id: request.id }, world.root);
      const messages = (viaGraphql.data!.privacyRequest as { messages: { locale: string }[] }).messages;
      expect(messages.map((m) => m.locale)).toEqual(['fr', 'fr', 'fr', 'fr']);
    });

    it('sends the SMS in the language too (Twilio)', async () => {
      await t.http().post('/api/v1/messaging/config').set(auth).send({ key: 'twilio_locales', name: 'Twilio', service_type: 'twilio_text' }).expect(200);
      await t
        .http()
        .put('/api/v1/messaging/config/twilio_locales/secret')
        .set(auth)
        .send({ twilio_account_sid: TWILIO.sid, twilio_auth_token: TWILIO.token, twilio_sender_phone_number: TWILIO.phone })
        .expect(200);
      await settings({ notifications: { notification_service_type: 'twilio_text', send_request_receipt_notification: true } });
      const phone = '+15550009876';
      const res = await t
        .http()
        .post('/api/v1/privacy-request')
        .send([{ identity: { phone_number: phone }, policy_key: 'default_erasure_policy', locale: 'de' }])
        .expect(200);
      const sms = await waitFor('the SMS', async () => fakes.twilio.requests.find((r) => r.fields.To === phone && r.status === 201));
      expect(fieldText(sms, 'Body')).toBe('Ihr Antrag auf Löschung ist bei uns eingegangen.');
      const [logged] = await sentLog(res.body.succeeded[0].id);
      expect(logged).toMatchObject({ channel: 'sms', requested_locale: 'de', locale: 'de' });
    });
  });
});
