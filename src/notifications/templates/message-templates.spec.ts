import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  hasBuiltIn,
  MessageTemplateError,
  renderEmail,
  renderSms,
  verificationCodeTtlMinutes,
  type MessageErasureFulfillmentParams,
  type MessageParams,
} from './message-templates.js';
import { MessagingActionType as A } from './messaging-action-type.js';

/**
 * Golden files: __golden__/<action>[.<variant>].email.html, .email.txt and .sms.txt hold the exact output (no final
 * newline). They were written by reading each output against docs/compatibility.md#notifications-and-templates, docs/compatibility.md#connections-and-datasets and
 * decisions D8/D15. After a deliberate wording change, `UPDATE_GOLDEN=1 npm run jest -- src/notifications/templates`
 * rewrites them: read the diff before keeping it.
 */
const GOLDEN_DIR = fileURLToPath(new URL('./__golden__/', import.meta.url));
const UPDATE = process.env.UPDATE_GOLDEN === '1';

function golden(file: string, actual: string): string {
  const path = GOLDEN_DIR + file;
  if (UPDATE) {
    mkdirSync(GOLDEN_DIR, { recursive: true });
    writeFileSync(path, actual);
  }
  if (!existsSync(path)) throw new Error(`Missing golden file ${file} (UPDATE_GOLDEN=1 writes it; review it before keeping it)`);
  return readFileSync(path, 'utf8');
}

type Case = { [K in A]: { name: string; action: K; params: MessageParams[K] } }[A];

const ERASURE_WITH_UPDATES: MessageErasureFulfillmentParams = {
  dataset_key: 'email_dataset',
  // docs/compatibility.md#connections-and-datasets (test_integration_email.py), plus a second locator with several values to escape.
  collections: [
    {
      collection: 'daycare_customer',
      action_needed: [{ locators: { customer_id: [1] }, get: null, update: { scholarship: 'null_rewrite' } }],
    },
    {
      collection: 'payment',
      action_needed: [
        {
          locators: { payer_email: ['customer-1@example.com'], payer_name: ["O'Brien & <Sons>", 'Smith'] },
          get: null,
          update: null,
        },
      ],
    },
    {
      collection: 'children',
      action_needed: [
        {
          locators: { parent_id: ['email_dataset:daycare_customer:id'] },
          get: null,
          update: {
            birthday: 'null_rewrite',
            first_name: 'null_rewrite',
            last_name: 'null_rewrite',
            'report_card.grades': 'null_rewrite',
            'report_card.behavior_issues': 'null_rewrite',
            'report_card.disciplinary_action': 'null_rewrite',
            'report_card.test_scores': 'null_rewrite',
          },
        },
      ],
    },
  ],
};

const ERASURE_WITHOUT_UPDATES: MessageErasureFulfillmentParams = {
  dataset_key: 'email_dataset',
  collections: [
    {
      collection: 'payment',
      action_needed: [{ locators: { payer_email: ['customer-1@example.com'] }, get: null, update: null }],
    },
    {
      collection: 'newsletter',
      action_needed: [{ locators: { id: [1, 'email_db:b_collection:id'] }, get: null, update: {} }],
    },
  ],
};

const LINK_1 = 'https://downloads.example.com/pri_7f3a/access.zip?expires=1700000000&signature=a1b2';
const LINK_2 = 'https://downloads.example.com/pri_7f3a/mongo.zip?expires=1700000000&signature=c3d4';
const EVIL_REASON = 'We could not verify your identity <script>alert("x")</script> & "others"';

const CASES: Case[] = [
  {
    name: 'subject_identity_verification.600s',
    action: A.SUBJECT_IDENTITY_VERIFICATION,
    params: { verification_code: '2348', verification_code_ttl_seconds: 600 },
  },
  {
    name: 'subject_identity_verification.155s',
    action: A.SUBJECT_IDENTITY_VERIFICATION,
    params: { verification_code: '801734', verification_code_ttl_seconds: 155 },
  },
  { name: 'privacy_request_receipt.one', action: A.PRIVACY_REQUEST_RECEIPT, params: { request_types: ['access'] } },
  { name: 'privacy_request_receipt.several', action: A.PRIVACY_REQUEST_RECEIPT, params: { request_types: ['access', 'erasure'] } },
  {
    name: 'privacy_request_complete_access.one',
    action: A.PRIVACY_REQUEST_COMPLETE_ACCESS,
    params: { download_links: [LINK_1], download_link_ttl_seconds: 432000 },
  },
  {
    name: 'privacy_request_complete_access.several',
    action: A.PRIVACY_REQUEST_COMPLETE_ACCESS,
    params: { download_links: [LINK_1, LINK_2], download_link_ttl_seconds: 86400 },
  },
  { name: 'privacy_request_complete_deletion', action: A.PRIVACY_REQUEST_COMPLETE_DELETION, params: {} },
  { name: 'privacy_request_review_approve', action: A.PRIVACY_REQUEST_REVIEW_APPROVE, params: {} },
  { name: 'privacy_request_review_deny.with-reason', action: A.PRIVACY_REQUEST_REVIEW_DENY, params: { rejection_reason: EVIL_REASON } },
  { name: 'privacy_request_review_deny.without-reason', action: A.PRIVACY_REQUEST_REVIEW_DENY, params: { rejection_reason: null } },
  { name: 'message_erasure_fulfillment.with-updates', action: A.MESSAGE_ERASURE_FULFILLMENT, params: ERASURE_WITH_UPDATES },
  { name: 'message_erasure_fulfillment.without-updates', action: A.MESSAGE_ERASURE_FULFILLMENT, params: ERASURE_WITHOUT_UPDATES },
  {
    name: 'message_erasure_batch_fulfillment',
    action: A.MESSAGE_ERASURE_BATCH_FULFILLMENT,
    params: { organization: 'Example & <Co>', vendor: "O'Brien Analytics", identities: ['customer-1@example.com', '+15555550100', 'x<y>@example.com'] },
  },
  { name: 'test_message', action: A.TEST_MESSAGE, params: {} },
  { name: 'privacy_request_error_notification.one', action: A.PRIVACY_REQUEST_ERROR_NOTIFICATION, params: { failed_requests: 1 } },
  { name: 'privacy_request_error_notification.several', action: A.PRIVACY_REQUEST_ERROR_NOTIFICATION, params: { failed_requests: 5 } },
];

const EMAIL_ONLY: readonly A[] = [A.MESSAGE_ERASURE_FULFILLMENT, A.MESSAGE_ERASURE_BATCH_FULFILLMENT, A.PRIVACY_REQUEST_ERROR_NOTIFICATION];
const SMS_CASES = CASES.filter((c) => !EMAIL_ONLY.includes(c.action));

/** The email call for a case (the union of cases needs one cast to the generic signature). */
const email = (c: Case, locale = '') => renderEmail(c.action as A.TEST_MESSAGE, c.params as MessageParams[A.TEST_MESSAGE], locale);
const sms = (c: Case, locale = '') => renderSms(c.action as A.TEST_MESSAGE, c.params as MessageParams[A.TEST_MESSAGE], locale);

/** Decision D32: the six messages a subject receives have built-in Spanish, French and German; the rest are English only. */
const LANGUAGES = ['es', 'fr', 'de'] as const;
const TRANSLATED = new Set<A>([
  A.SUBJECT_IDENTITY_VERIFICATION,
  A.PRIVACY_REQUEST_RECEIPT,
  A.PRIVACY_REQUEST_REVIEW_APPROVE,
  A.PRIVACY_REQUEST_REVIEW_DENY,
  A.PRIVACY_REQUEST_COMPLETE_ACCESS,
  A.PRIVACY_REQUEST_COMPLETE_DELETION,
]);
const TRANSLATED_CASES = LANGUAGES.flatMap((lang) => CASES.filter((c) => TRANSLATED.has(c.action)).map((c) => [`${c.name}.${lang}`, c, lang] as const));

const decode = (s: string) =>
  s
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#x27;/g, "'")
    .replace(/&#x60;/g, '`')
    .replace(/&#x3D;/g, '=')
    .replace(/&amp;/g, '&');
const words = (s: string) => s.replace(/\s+/g, ' ').trim();

describe('message templates: golden files', () => {
  it.each(CASES.map((c) => [c.name, c] as const))('%s: email HTML', (name, c) => {
    expect(email(c).html).toBe(golden(`${name}.email.html`, email(c).html));
  });

  it.each(CASES.map((c) => [c.name, c] as const))('%s: email text', (name, c) => {
    expect(email(c).text).toBe(golden(`${name}.email.txt`, email(c).text));
  });

  it.each(SMS_CASES.map((c) => [c.name, c] as const))('%s: SMS', (name, c) => {
    expect(sms(c)).toBe(golden(`${name}.sms.txt`, sms(c)));
  });
});

describe('message templates: golden files of the translations (D32)', () => {
  it.each(TRANSLATED_CASES)('%s: email HTML', (name, c, lang) => {
    expect(email(c, lang).html).toBe(golden(`${name}.email.html`, email(c, lang).html));
  });

  it.each(TRANSLATED_CASES)('%s: email text', (name, c, lang) => {
    expect(email(c, lang).text).toBe(golden(`${name}.email.txt`, email(c, lang).text));
  });

  it.each(TRANSLATED_CASES)('%s: SMS', (name, c, lang) => {
    expect(sms(c, lang)).toBe(golden(`${name}.sms.txt`, sms(c, lang)));
  });

  it.each(TRANSLATED_CASES)('%s: subject and frame in the language', (_name, c, lang) => {
    const english = email(c);
    const translated = email(c, lang);
    expect(translated.subject).not.toBe(english.subject);
    expect(translated.html.startsWith(`<!DOCTYPE html>\n<html lang="${lang}">\n`)).toBe(true);
    expect(translated.variables).toEqual(english.variables);
  });

  it.each(TRANSLATED_CASES)('%s: the plain text has the wording of the HTML <main>, the SMS is the plain text', (name, c, lang) => {
    const { html, text } = email(c, lang);
    const main = /<main>\n([\s\S]*)\n<\/main>/.exec(html)?.[1];
    expect(words(text.replace(/^- /gm, ''))).toBe(words(decode(main!.replace(/<[^>]+>/g, ' '))));
    if (!name.includes('several')) expect(sms(c, lang)).toBe(text);
  });

  it('says which built-in texts exist, for exactly the locale given', () => {
    expect(hasBuiltIn(A.PRIVACY_REQUEST_RECEIPT, '')).toBe(true);
    expect(hasBuiltIn(A.PRIVACY_REQUEST_RECEIPT, 'es')).toBe(true);
    expect(hasBuiltIn(A.PRIVACY_REQUEST_RECEIPT, 'de')).toBe(true);
    expect(hasBuiltIn(A.PRIVACY_REQUEST_RECEIPT, 'es-MX')).toBe(false);
    expect(hasBuiltIn(A.PRIVACY_REQUEST_RECEIPT, 'zz')).toBe(false);
    expect(hasBuiltIn(A.MESSAGE_ERASURE_FULFILLMENT, 'es')).toBe(false);
    expect(hasBuiltIn(A.PRIVACY_REQUEST_ERROR_NOTIFICATION, 'fr')).toBe(false);
    expect(hasBuiltIn(A.TEST_MESSAGE, 'de')).toBe(false);
    expect(hasBuiltIn(A.TEST_MESSAGE, '')).toBe(true);
    expect(hasBuiltIn('toString' as A, '')).toBe(false);
    expect(hasBuiltIn(A.TEST_MESSAGE, 'toString')).toBe(false);
  });

  it('refuses a locale without built-in text instead of guessing', () => {
    expect(() => renderEmail(A.TEST_MESSAGE, {}, 'es')).toThrow(new MessageTemplateError('No built-in es text for test_message'));
    expect(() => renderSms(A.PRIVACY_REQUEST_REVIEW_APPROVE, {}, 'es-MX')).toThrow(
      new MessageTemplateError('No built-in es-MX text for privacy_request_review_approve'),
    );
  });

  it('names the request types and counts in the language', () => {
    expect(renderSms(A.PRIVACY_REQUEST_RECEIPT, { request_types: ['access'] }, 'fr')).toBe("Nous avons bien reçu votre demande d'accès.");
    expect(renderSms(A.PRIVACY_REQUEST_RECEIPT, { request_types: ['access', 'erasure'] }, 'es')).toBe(
      'Hemos recibido las siguientes solicitudes: acceso, supresión',
    );
    expect(renderSms(A.PRIVACY_REQUEST_RECEIPT, { request_types: ['erasure'] }, 'de')).toBe('Ihr Antrag auf Löschung ist bei uns eingegangen.');
    expect(renderSms(A.SUBJECT_IDENTITY_VERIFICATION, { verification_code: '123456', verification_code_ttl_seconds: 60 }, 'es')).toMatch(
      /caducará en 1 minuto\.$/,
    );
    expect(renderSms(A.PRIVACY_REQUEST_COMPLETE_ACCESS, { download_links: ['https://a.example/1'], download_link_ttl_seconds: 432000 }, 'de')).toMatch(
      /ist dieser geheime Link 5 Tage lang gültig\.$/,
    );
  });

  it("passes Fides' template variables with the email, whatever the language", () => {
    expect(renderEmail(A.SUBJECT_IDENTITY_VERIFICATION, { verification_code: '2348', verification_code_ttl_seconds: 600 }, 'fr').variables).toEqual({
      code: '2348',
      minutes: 10,
    });
    expect(renderEmail(A.PRIVACY_REQUEST_COMPLETE_ACCESS, { download_links: [LINK_1, LINK_2], download_link_ttl_seconds: 432000 }).variables).toEqual({
      download_link: LINK_1,
      days: 5,
    });
    expect(renderEmail(A.PRIVACY_REQUEST_REVIEW_DENY, { rejection_reason: null }).variables).toEqual({ denial_reason: null });
    expect(renderEmail(A.PRIVACY_REQUEST_RECEIPT, { request_types: ['access'] }, 'de').variables).toEqual({ request_types: ['access'] });
    expect(renderEmail(A.TEST_MESSAGE, {}).variables).toEqual({});
  });
});

describe("message templates: the spec's exact strings", () => {
  it.each([
    [A.SUBJECT_IDENTITY_VERIFICATION, 'Your one-time code'],
    [A.PRIVACY_REQUEST_RECEIPT, 'Your request has been received'],
    [A.PRIVACY_REQUEST_COMPLETE_ACCESS, 'Your data is ready to be downloaded'],
    [A.PRIVACY_REQUEST_COMPLETE_DELETION, 'Your data has been deleted'],
    [A.PRIVACY_REQUEST_REVIEW_APPROVE, 'Your request has been approved'],
    [A.PRIVACY_REQUEST_REVIEW_DENY, 'Your request has been denied'],
    [A.MESSAGE_ERASURE_FULFILLMENT, 'Data erasure request'],
    [A.TEST_MESSAGE, 'Test message from Herald'],
    [A.PRIVACY_REQUEST_ERROR_NOTIFICATION, 'Privacy Request Error Alert'],
    [A.MESSAGE_ERASURE_BATCH_FULFILLMENT, 'Notification of user erasure requests from Example & <Co>'],
  ])('%s has the subject %j', (action, subject) => {
    const c = CASES.find((x) => x.action === action)!;
    expect(email(c).subject).toBe(subject);
  });

  it("marks the batch email's connection test in its subject (decision D34)", () => {
    const params = { organization: 'Example Org', vendor: 'Acme', identities: ['a@example.com'], test: true };
    expect(renderEmail(A.MESSAGE_ERASURE_BATCH_FULFILLMENT, params).subject).toBe('Test notification of user erasure requests from Example Org');
    expect(() => renderEmail(A.MESSAGE_ERASURE_BATCH_FULFILLMENT, { ...params, identities: [] })).toThrow(
      'Invalid parameters for message_erasure_batch_fulfillment: identities must be a non-empty list of strings',
    );
  });

  it("renders the verification email exactly as Fides' test asserts (code 2348, 600 s)", () => {
    expect(renderEmail(A.SUBJECT_IDENTITY_VERIFICATION, { verification_code: '2348', verification_code_ttl_seconds: 600 }).html).toBe(
      '<!DOCTYPE html>\n<html lang="en">\n<head>\n    <meta charset="UTF-8">\n    <title>ID Code</title>\n</head>\n<body>\n<main>\n    <p>\n        Your privacy request verification code is 2348.\n        Please return to the Privacy Center and enter the code to\n        continue. This code will expire in 10 minutes\n    </p>\n</main>\n</body>\n</html>',
    );
  });

  it.each([
    [600, 10],
    [155, 2],
    [60, 1],
    [59, 0],
    [33, 0],
  ])('counts a verification TTL of %i s as %i minutes', (ttl, minutes) => {
    expect(verificationCodeTtlMinutes(ttl)).toBe(minutes);
    expect(renderSms(A.SUBJECT_IDENTITY_VERIFICATION, { verification_code: '123456', verification_code_ttl_seconds: ttl })).toBe(
      `Your privacy request verification code is 123456. Please return to the Privacy Center and enter the code to continue. This code will expire in ${minutes} minutes`,
    );
  });

  it('words the SMS texts as Fides does', () => {
    expect(renderSms(A.SUBJECT_IDENTITY_VERIFICATION, { verification_code: '2348', verification_code_ttl_seconds: 600 })).toBe(
      'Your privacy request verification code is 2348. Please return to the Privacy Center and enter the code to continue. This code will expire in 10 minutes',
    );
    expect(renderSms(A.PRIVACY_REQUEST_RECEIPT, { request_types: ['access'] })).toBe('Your access request has been received');
    expect(renderSms(A.PRIVACY_REQUEST_RECEIPT, { request_types: ['access', 'erasure', 'consent'] })).toBe(
      'The following requests have been received: access,erasure,consent',
    );
    expect(renderSms(A.PRIVACY_REQUEST_COMPLETE_DELETION, {})).toBe('Your privacy request for deletion has been completed.');
    expect(renderSms(A.PRIVACY_REQUEST_REVIEW_APPROVE, {})).toBe('Your privacy request has been approved and is currently processing.');
    expect(renderSms(A.PRIVACY_REQUEST_REVIEW_DENY, { rejection_reason: 'Duplicate request' })).toBe(
      'Your privacy request has been denied for the following reason: Duplicate request',
    );
    expect(renderSms(A.PRIVACY_REQUEST_REVIEW_DENY, { rejection_reason: null })).toBe('Your privacy request has been denied.');
  });

  it('words the access completion as Fides does when the links really live 24 hours (D8)', () => {
    expect(renderSms(A.PRIVACY_REQUEST_COMPLETE_ACCESS, { download_links: ['https://a.example/1'], download_link_ttl_seconds: 86400 })).toBe(
      'Your data access has been completed and can be downloaded at https://a.example/1. For security purposes, this secret link will expire in 24 hours.',
    );
    expect(
      renderSms(A.PRIVACY_REQUEST_COMPLETE_ACCESS, { download_links: ['https://a.example/1', 'https://a.example/2'], download_link_ttl_seconds: 86400 }),
    ).toBe(
      'Your data access has been completed and can be downloaded at the following links. For security purposes, these secret links will expire in 24 hours: https://a.example/1,https://a.example/2',
    );
  });

  it('states the real link lifetime instead of "24 hours" (D8)', () => {
    const links = { download_links: ['https://a.example/1'] };
    expect(renderSms(A.PRIVACY_REQUEST_COMPLETE_ACCESS, { ...links, download_link_ttl_seconds: 432000 })).toMatch(/will expire in 5 days\.$/);
    expect(renderSms(A.PRIVACY_REQUEST_COMPLETE_ACCESS, { ...links, download_link_ttl_seconds: 600 })).toMatch(/will expire in 10 minutes\.$/);
    const mail = renderEmail(A.PRIVACY_REQUEST_COMPLETE_ACCESS, { ...links, download_link_ttl_seconds: 5400 });
    expect(mail.html).toContain('this secret link will expire in 1 hour and 30 minutes.');
    expect(mail.text).toContain('this secret link will expire in 1 hour and 30 minutes.');
  });

  it('treats an empty rejection reason as none', () => {
    expect(renderSms(A.PRIVACY_REQUEST_REVIEW_DENY, { rejection_reason: '' })).toBe('Your privacy request has been denied.');
  });
});

describe('message templates: escaping and consistency', () => {
  it('HTML-escapes every value in the HTML part and in no other', () => {
    const deny = CASES.find((c) => c.name === 'privacy_request_review_deny.with-reason')!;
    const { html, text } = email(deny);
    expect(html).not.toContain('<script>');
    expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &quot;others&quot;');
    expect(text).toBe(`Your privacy request has been denied for the following reason: ${EVIL_REASON}`);
    expect(sms(deny)).toBe(text);

    const access = email(CASES.find((c) => c.name === 'privacy_request_complete_access.one')!);
    expect(access.html).toContain('expires&#x3D;1700000000&amp;signature&#x3D;a1b2');
    expect(access.text).toContain(LINK_1);
  });

  it.each(CASES.map((c) => [c.name, c] as const))('%s: the plain text has the wording of the HTML <main>', (_name, c) => {
    const { html, text } = email(c);
    // Inline markup (<b>, <i>) disappears; block elements separate words.
    const main = /<main>\n([\s\S]*)\n<\/main>/.exec(html)?.[1];
    expect(main).toBeDefined();
    expect(words(text.replace(/^- /gm, ''))).toBe(words(decode(main!.replace(/<\/?(?:b|i)>/g, '').replace(/<[^>]+>/g, ' '))));
  });

  it.each(SMS_CASES.filter((c) => !/several/.test(c.name)).map((c) => [c.name, c] as const))('%s: the SMS is the plain-text part', (_name, c) => {
    expect(sms(c)).toBe(email(c).text);
  });

  it('has the same HTML5 frame and title for every email', () => {
    const titles: Record<string, string> = {
      subject_identity_verification: 'ID Code',
      privacy_request_receipt: 'Privacy Request Received',
      privacy_request_complete_access: 'Privacy Request Complete',
      privacy_request_complete_deletion: 'Privacy Request Complete',
      privacy_request_review_approve: 'Privacy Request Approved',
      privacy_request_review_deny: 'Privacy Request Denied',
      message_erasure_fulfillment: 'Erasure request',
      message_erasure_batch_fulfillment: 'Notification of user erasure requests',
      test_message: 'Test message',
      privacy_request_error_notification: 'Privacy Request Error Alert',
    };
    for (const c of CASES) {
      const { html } = email(c);
      expect(
        html.startsWith(
          `<!DOCTYPE html>\n<html lang="en">\n<head>\n    <meta charset="UTF-8">\n    <title>${titles[c.action]}</title>\n</head>\n<body>\n<main>\n`,
        ),
      ).toBe(true);
      expect(html.endsWith('\n</main>\n</body>\n</html>')).toBe(true);
    }
  });
});

describe('message templates: errors', () => {
  it('has no SMS for the erasure fulfillment email', () => {
    expect(() => renderSms(A.MESSAGE_ERASURE_FULFILLMENT, ERASURE_WITH_UPDATES)).toThrow(
      new MessageTemplateError('Message action type message_erasure_fulfillment is not implemented for SMS'),
    );
  });

  it('has no SMS for the error alert (email only, as in Fides)', () => {
    expect(() => renderSms(A.PRIVACY_REQUEST_ERROR_NOTIFICATION, { failed_requests: 2 })).toThrow(
      new MessageTemplateError('Message action type privacy_request_error_notification is not implemented for SMS'),
    );
  });

  it('names an action type it has no template for', () => {
    const unknown = 'consent_request' as A.TEST_MESSAGE;
    expect(() => renderEmail(unknown, {})).toThrow('No corresponding template linked to the consent_request');
    expect(() => renderSms(unknown, {})).toThrow('No corresponding template linked to the consent_request');
  });

  it.each([
    [A.SUBJECT_IDENTITY_VERIFICATION, { verification_code_ttl_seconds: 600 }, 'verification_code must be a non-empty string'],
    [A.SUBJECT_IDENTITY_VERIFICATION, { verification_code: '123456' }, 'verification_code_ttl_seconds must be a number of seconds >= 0'],
    [A.PRIVACY_REQUEST_RECEIPT, { request_types: [] }, 'request_types must be a non-empty list of strings'],
    [A.PRIVACY_REQUEST_COMPLETE_ACCESS, { download_links: ['https://a.example/1'] }, 'download_link_ttl_seconds must be a number of seconds >= 0'],
    [A.PRIVACY_REQUEST_COMPLETE_ACCESS, { download_links: [], download_link_ttl_seconds: 60 }, 'download_links must be a non-empty list of strings'],
    [A.PRIVACY_REQUEST_REVIEW_DENY, { rejection_reason: 42 }, 'rejection_reason must be a string or null'],
    [A.MESSAGE_ERASURE_FULFILLMENT, { dataset_key: 'ds' }, 'collections must be a list'],
    [A.PRIVACY_REQUEST_ERROR_NOTIFICATION, { failed_requests: 0 }, 'failed_requests must be an integer >= 1'],
    [
      A.MESSAGE_ERASURE_FULFILLMENT,
      { dataset_key: 'ds', collections: [{ collection: 'c', action_needed: [{ locators: { id: 1 } }] }] },
      'collections[0].action_needed[0].locators.id must be a list',
    ],
  ])('rejects %s parameters %j', (action, params, problem) => {
    const render = () => renderEmail(action as A.TEST_MESSAGE, params as unknown as MessageParams[A.TEST_MESSAGE]);
    expect(render).toThrow(MessageTemplateError);
    expect(render).toThrow(`Invalid parameters for ${action}: ${problem}`);
  });
});
