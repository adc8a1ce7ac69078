// Decision D32, provider-side templates: with the `use_provider_template` detail on, Mailgun and SendGrid (twilio_email)
// configs look for the stored template `fides` as Fides does and, when it exists, send the rendered body to it
// (`fides_email_body`) instead of the content. Off (the default), nothing is looked up. Real SDKs against the fakes.
import { fieldText, optionalFieldText, sendgridTemplateId, type ProviderFakes, type RecordedRequest } from '../fakes/provider-fakes.mjs';
import { startPrivacyRequestWorld, waitFor, type PrivacyRequestWorld } from '../support/privacy-request-world.js';
import { graphql, type TestApp } from '../support/test-app.js';

const MAILGUN_KEY = 'key-provider-templates-7788';
const SENDGRID_KEY = 'SG.provider-templates-7788';
const DOMAIN = 'mg.herald.example';
const SENDER = 'privacy@herald.example';

const CONFIG_FIELDS = `key details { __typename ... on MailgunDetails { domain useProviderTemplate } ... on TwilioEmailDetails { twilioEmailFrom useProviderTemplate } }`;

describe('provider-side templates (D32: use_provider_template)', () => {
  let world: PrivacyRequestWorld;
  let t: TestApp;
  let fakes: ProviderFakes;
  let auth: Record<string, string>;

  beforeAll(async () => {
    world = await startPrivacyRequestWorld(MAILGUN_KEY);
    ({ t, fakes, auth } = world);
  });
  afterAll(() => world.close());
  beforeEach(() => world.reset());

  const mailgunDetails = (details: object) =>
    t
      .http()
      .patch('/api/v1/messaging/config/mailgun')
      .set(auth)
      .send({ key: 'mailgun', name: 'Mailgun', service_type: 'mailgun', details: { domain: DOMAIN, ...details } })
      .expect(200);
  const sendgridConfig = async (details: object) => {
    await t
      .http()
      .post('/api/v1/messaging/config')
      .set(auth)
      .send({ key: 'sendgrid', name: 'SendGrid', service_type: 'twilio_email', details: { twilio_email_from: SENDER, ...details } })
      .expect(200);
    await t.http().put('/api/v1/messaging/config/sendgrid/secret').set(auth).send({ twilio_api_key: SENDGRID_KEY }).expect(200);
  };
  /** A receipt (template variables: the request types) through the notification service type. */
  const receipt = async (email: string, serviceType: 'mailgun' | 'twilio_email' = 'mailgun') => {
    await t
      .http()
      .patch('/api/v1/config')
      .set(auth)
      .send({ notifications: { notification_service_type: serviceType, send_request_receipt_notification: true } })
      .expect(200);
    const res = await t
      .http()
      .post('/api/v1/privacy-request')
      .send([{ identity: { email }, policy_key: 'default_access_policy' }])
      .expect(200);
    const id = res.body.succeeded[0].id as string;
    return waitFor('the receipt to be sent', async () => {
      const rows = (
        await t.db.query(`SELECT status, failure_reason FROM message WHERE privacy_request_id = $1 AND action_type = 'privacy_request_receipt'`, [id])
      ).rows;
      if (rows[0]?.status === 'failed') throw new Error(`the receipt failed: ${rows[0].failure_reason}`);
      return rows[0]?.status === 'sent' ? id : undefined;
    });
  };
  const posts = (fake: { requests: RecordedRequest[] }) => fake.requests.filter((r) => r.method === 'POST');
  const gets = (fake: { requests: RecordedRequest[] }) => fake.requests.filter((r) => r.method === 'GET');

  describe('Mailgun', () => {
    afterEach(() => mailgunDetails({}));

    it('off by default: sends the html and text, and never looks for a template', async () => {
      fakes.mailgun.templates.add('fides');
      await receipt('off@example.com');
      expect(gets(fakes.mailgun)).toEqual([]);
      const [sent] = posts(fakes.mailgun);
      expect(fieldText(sent, 'html')).toContain('Your access request has been received');
      expect(fieldText(sent, 'text')).toBe('Your access request has been received');
      expect(optionalFieldText(sent, 'template')).toBeUndefined();
      expect(optionalFieldText(sent, 'h:X-Mailgun-Variables')).toBeUndefined();
    });

    it('on, with the stored template: sends template=fides with the body and the variables instead of the content', async () => {
      await mailgunDetails({ use_provider_template: true });
      fakes.mailgun.templates.add('fides');
      await receipt('templated@example.com');
      const [lookup] = gets(fakes.mailgun);
      expect(lookup).toMatchObject({ path: `/v3/${DOMAIN}/templates/fides`, status: 200 });
      expect(lookup.authorization).toBe(`Basic ${Buffer.from(`api:${MAILGUN_KEY}`).toString('base64')}`);
      const [sent] = posts(fakes.mailgun);
      expect(sent).toMatchObject({ path: `/v3/${DOMAIN}/messages`, status: 200 });
      expect(fieldText(sent, 'template')).toBe('fides');
      expect(fieldText(sent, 'subject')).toBe('Your request has been received');
      expect(fieldText(sent, 'to')).toBe('templated@example.com');
      const variables = JSON.parse(fieldText(sent, 'h:X-Mailgun-Variables')) as Record<string, unknown>;
      expect(Object.keys(variables).sort()).toEqual(['fides_email_body', 'request_types']);
      expect(variables.request_types).toEqual(['access']);
      expect(variables.fides_email_body).toMatch(/^<!DOCTYPE html>\n<html lang="en">[\s\S]*Your access request has been received[\s\S]*<\/html>$/);
      expect(optionalFieldText(sent, 'html')).toBeUndefined();
      expect(optionalFieldText(sent, 'text')).toBeUndefined();
    });

    it('on, without the stored template: the 404 means the usual html and text', async () => {
      await mailgunDetails({ use_provider_template: true });
      await receipt('untemplated@example.com');
      expect(gets(fakes.mailgun).map((r) => [r.path, r.status])).toEqual([[`/v3/${DOMAIN}/templates/fides`, 404]]);
      const [sent] = posts(fakes.mailgun);
      expect(fieldText(sent, 'html')).toContain('Your access request has been received');
      expect(optionalFieldText(sent, 'template')).toBeUndefined();
    });

    it('on, when the lookup fails with a 503: the attempt is retried, then sent through the template', async () => {
      await mailgunDetails({ use_provider_template: true });
      fakes.mailgun.templates.add('fides');
      fakes.mailgun.failNext(1, 503);
      const id = await receipt('retried@example.com');
      expect(gets(fakes.mailgun).map((r) => r.status)).toEqual([503, 200]);
      expect(posts(fakes.mailgun)).toHaveLength(1);
      expect(fieldText(posts(fakes.mailgun)[0], 'template')).toBe('fides');
      const attempts = (
        await t.db.query('SELECT a.outcome FROM message_attempt a JOIN message m ON m.id = a.message_id WHERE m.privacy_request_id = $1 ORDER BY a.number', [
          id,
        ])
      ).rows;
      expect(attempts.map((a: { outcome: string }) => a.outcome)).toEqual(['retry', 'sent']);
    });
  });

  describe('SendGrid (twilio_email)', () => {
    afterEach(async () => {
      await t.http().delete('/api/v1/messaging/config/sendgrid').set(auth);
    });

    it('off by default: sends the content, and never lists the templates', async () => {
      await sendgridConfig({});
      fakes.sendgrid.templates.add('fides');
      await receipt('sg-off@example.com', 'twilio_email');
      expect(gets(fakes.sendgrid)).toEqual([]);
      const body = posts(fakes.sendgrid)[0].body as Record<string, any>;
      expect(body.template_id).toBeUndefined();
      expect(body.content.map((c: { type: string }) => c.type)).toEqual(['text/plain', 'text/html']);
    });

    it('on, with a dynamic template named fides (any case): sends its id and the body as dynamic template data', async () => {
      await sendgridConfig({ use_provider_template: true });
      fakes.sendgrid.templates.add('other');
      fakes.sendgrid.templates.add('Fides');
      await receipt('sg-templated@example.com', 'twilio_email');
      const [lookup] = gets(fakes.sendgrid);
      expect(lookup).toMatchObject({ path: '/v3/templates', query: { generations: 'dynamic', page_size: '200' }, status: 200 });
      expect(lookup.authorization).toBe(`Bearer ${SENDGRID_KEY}`);
      const [sent] = posts(fakes.sendgrid);
      expect(sent).toMatchObject({ path: '/v3/mail/send', status: 202 });
      const body = sent.body as Record<string, any>;
      expect(body.template_id).toBe(sendgridTemplateId('Fides'));
      expect(body.content).toBeUndefined();
      expect(body.from).toEqual({ email: SENDER });
      expect(body.subject).toBe('Your request has been received');
      expect(body.personalizations).toHaveLength(1);
      expect(body.personalizations[0].to).toEqual([{ email: 'sg-templated@example.com' }]);
      expect(Object.keys(body.personalizations[0].dynamic_template_data)).toEqual(['fides_email_body']);
      expect(body.personalizations[0].dynamic_template_data.fides_email_body).toMatch(/^<!DOCTYPE html>[\s\S]*Your access request has been received/);
    });

    it('on, without such a template: sends the content', async () => {
      await sendgridConfig({ use_provider_template: true });
      fakes.sendgrid.templates.add('fidesops');
      await receipt('sg-untemplated@example.com', 'twilio_email');
      expect(gets(fakes.sendgrid)).toHaveLength(1);
      const body = posts(fakes.sendgrid)[0].body as Record<string, any>;
      expect(body.template_id).toBeUndefined();
      expect(body.content).toHaveLength(2);
    });
  });

  describe('the switch in the configs', () => {
    afterEach(async () => {
      await t.http().delete('/api/v1/messaging/config/sendgrid').set(auth);
      await mailgunDetails({});
    });

    it('is shown over REST only once set, and refused when not a boolean', async () => {
      const plain = await t.http().get('/api/v1/messaging/config/mailgun').set(auth).expect(200);
      expect(plain.body.details).toEqual({ domain: DOMAIN, is_eu_domain: false, api_version: 'v3' });
      const on = await mailgunDetails({ use_provider_template: true });
      expect(on.body.details).toEqual({ domain: DOMAIN, is_eu_domain: false, api_version: 'v3', use_provider_template: true });

      const bad = await t
        .http()
        .patch('/api/v1/messaging/config/mailgun')
        .set(auth)
        .send({ key: 'mailgun', name: 'Mailgun', service_type: 'mailgun', details: { domain: DOMAIN, use_provider_template: 'yes' } })
        .expect(422);
      expect(bad.body.detail).toEqual([
        expect.objectContaining({ loc: ['body', 'details', 'use_provider_template'], msg: 'value could not be parsed to a boolean' }),
      ]);
      const after = await t.http().get('/api/v1/messaging/config/mailgun').set(auth).expect(200);
      expect(after.body.details.use_provider_template).toBe(true);

      const sg = await t
        .http()
        .post('/api/v1/messaging/config')
        .set(auth)
        .send({ key: 'sendgrid', name: 'SendGrid', service_type: 'twilio_email', details: { twilio_email_from: SENDER, use_provider_template: false } })
        .expect(200);
      expect(sg.body.details).toEqual({ twilio_email_from: SENDER, use_provider_template: false });
    });

    it('is set and shown through GraphQL, and refused there when not a boolean', async () => {
      const created = await graphql(
        t,
        `mutation Create($input: MessagingConfigInput!) { createMessagingConfig(input: $input) { ${CONFIG_FIELDS} } }`,
        { input: { key: 'sendgrid', name: 'SendGrid', serviceType: 'TWILIO_EMAIL', twilioEmail: { twilioEmailFrom: SENDER, useProviderTemplate: true } } },
        world.root,
      );
      expect(created.errors).toBeUndefined();
      expect(created.data!.createMessagingConfig).toEqual({
        key: 'sendgrid',
        details: { __typename: 'TwilioEmailDetails', twilioEmailFrom: SENDER, useProviderTemplate: true },
      });
      const stored = await t.http().get('/api/v1/messaging/config/sendgrid').set(auth).expect(200);
      expect(stored.body.details).toEqual({ twilio_email_from: SENDER, use_provider_template: true });

      const mailgun = await graphql(t, `query { messagingConfig(key: "mailgun") { ${CONFIG_FIELDS} } }`, {}, world.root);
      expect(mailgun.data!.messagingConfig).toEqual({ key: 'mailgun', details: { __typename: 'MailgunDetails', domain: DOMAIN, useProviderTemplate: false } });

      const bad = await graphql(
        t,
        `
          mutation Update($input: MessagingConfigInput!) {
            updateMessagingConfig(key: "mailgun", input: $input) {
              key
            }
          }
        `,
        { input: { key: 'mailgun', name: 'Mailgun', serviceType: 'MAILGUN', mailgun: { domain: DOMAIN, useProviderTemplate: 'yes' } } },
        world.root,
      );
      expect(bad.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    });
  });
});
