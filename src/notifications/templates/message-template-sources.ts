/**
 * The Handlebars sources of Herald's messages (Fides' catalogue, docs/compatibility.md#notifications-and-templates, with decision D8 for the
 * access completion and D15 for the test message). They live in TypeScript because tsc copies nothing but compiled
 * modules to dist/. message-templates.ts compiles them; the values each template sees are prepared there.
 *
 * Per message: `subject`, `title` (the HTML <title>), `html` (the inside of <main>, HTML-escaped), `text` (the
 * plain-text part, not escaped) and `sms` (not escaped; absent when the message is email-only). The wording of the
 * three bodies is the same; the HTML and plain-text parts list several items where the SMS joins them with ",".
 * Lines that hold only a block tag ({{#if}}, {{else}}, {{/each}}...) vanish from the output (Handlebars' standalone
 * rule); leading and trailing blank lines are trimmed after rendering.
 */

export interface MessageTemplateSource {
  subject: string;
  title: string;
  html: string;
  text: string;
  sms?: string;
}

/** The action types whose built-in wording exists in other languages than English (decision D32: the six a subject receives). */
export type TranslatedActionType =
  | 'subject_identity_verification'
  | 'privacy_request_receipt'
  | 'privacy_request_complete_access'
  | 'privacy_request_complete_deletion'
  | 'privacy_request_review_approve'
  | 'privacy_request_review_deny';

/** One language's built-in texts (message-template-sources.<language>.ts), and the names of the request types in it. */
export interface BuiltInTranslation {
  /** A request type without a name here is shown as it is. */
  requestTypes: Record<string, string>;
  sources: Record<TranslatedActionType, MessageTemplateSource>;
}

/** The HTML document around every email's <main> (Fides' minimal HTML5 document); `main` is already rendered. */
export const HTML_LAYOUT = `<!DOCTYPE html>
<html lang="{{lang}}">
<head>
    <meta charset="UTF-8">
    <title>{{title}}</title>
</head>
<body>
<main>
{{{main}}}
</main>
</body>
</html>`;

/** Line breaks as in Fides' template: the exact rendering for code 2348 / 600 s is asserted by Fides' tests. */
export const SUBJECT_IDENTITY_VERIFICATION: MessageTemplateSource = {
  subject: 'Your one-time code',
  title: 'ID Code',
  html: `
    <p>
        Your privacy request verification code is {{verification_code}}.
        Please return to the Privacy Center and enter the code to
        continue. This code will expire in {{minutes}} minutes
    </p>
`,
  text: `Your privacy request verification code is {{verification_code}}. Please return to the Privacy Center and enter the code to continue. This code will expire in {{minutes}} minutes`,
  sms: `Your privacy request verification code is {{verification_code}}. Please return to the Privacy Center and enter the code to continue. This code will expire in {{minutes}} minutes`,
};

export const PRIVACY_REQUEST_RECEIPT: MessageTemplateSource = {
  subject: 'Your request has been received',
  title: 'Privacy Request Received',
  html: `
{{#if several}}
    <p>
        The following requests have been received:
    </p>
    <ul>
{{#each request_types}}
        <li>{{this}}</li>
{{/each}}
    </ul>
{{else}}
    <p>
        Your {{first}} request has been received
    </p>
{{/if}}
`,
  text: `
{{#if several}}
The following requests have been received:
{{#each request_types}}
- {{this}}
{{/each}}
{{else}}
Your {{first}} request has been received
{{/if}}
`,
  sms: `{{#if several}}The following requests have been received: {{joined}}{{else}}Your {{first}} request has been received{{/if}}`,
};

/** Decision D8: `lifetime` is the real link lifetime in words, where Fides hard-codes "24 hours". */
export const PRIVACY_REQUEST_COMPLETE_ACCESS: MessageTemplateSource = {
  subject: 'Your data is ready to be downloaded',
  title: 'Privacy Request Complete',
  html: `
{{#if several}}
    <p>
        Your data access has been completed and can be downloaded at the following links. For security purposes, these secret links will expire in {{lifetime}}:
    </p>
    <ul>
{{#each download_links}}
        <li>{{this}}</li>
{{/each}}
    </ul>
{{else}}
    <p>
        Your data access has been completed and can be downloaded at {{first}}. For security purposes, this secret link will expire in {{lifetime}}.
    </p>
{{/if}}
`,
  text: `
{{#if several}}
Your data access has been completed and can be downloaded at the following links. For security purposes, these secret links will expire in {{lifetime}}:
{{#each download_links}}
- {{this}}
{{/each}}
{{else}}
Your data access has been completed and can be downloaded at {{first}}. For security purposes, this secret link will expire in {{lifetime}}.
{{/if}}
`,
  sms: `{{#if several}}Your data access has been completed and can be downloaded at the following links. For security purposes, these secret links will expire in {{lifetime}}: {{joined}}{{else}}Your data access has been completed and can be downloaded at {{first}}. For security purposes, this secret link will expire in {{lifetime}}.{{/if}}`,
};

export const PRIVACY_REQUEST_COMPLETE_DELETION: MessageTemplateSource = {
  subject: 'Your data has been deleted',
  title: 'Privacy Request Complete',
  html: `
    <p>
        Your privacy request for deletion has been completed.
    </p>
`,
  text: `Your privacy request for deletion has been completed.`,
  sms: `Your privacy request for deletion has been completed.`,
};

export const PRIVACY_REQUEST_REVIEW_APPROVE: MessageTemplateSource = {
  subject: 'Your request has been approved',
  title: 'Privacy Request Approved',
  html: `
    <p>
        Your privacy request has been approved and is currently processing.
    </p>
`,
  text: `Your privacy request has been approved and is currently processing.`,
  sms: `Your privacy request has been approved and is currently processing.`,
};

export const PRIVACY_REQUEST_REVIEW_DENY: MessageTemplateSource = {
  subject: 'Your request has been denied',
  title: 'Privacy Request Denied',
  html: `
    <p>
{{#if rejection_reason}}
        Your privacy request has been denied for the following reason: {{rejection_reason}}
{{else}}
        Your privacy request has been denied.
{{/if}}
    </p>
`,
  text: `{{#if rejection_reason}}Your privacy request has been denied for the following reason: {{rejection_reason}}{{else}}Your privacy request has been denied.{{/if}}`,
  sms: `{{#if rejection_reason}}Your privacy request has been denied for the following reason: {{rejection_reason}}{{else}}Your privacy request has been denied.{{/if}}`,
};

/**
 * To a third party, one email per email dataset (docs/compatibility.md#connections-and-datasets): per collection its name in bold,
 * the locators, then the fields to erase (names only, not the masking strategy) or "No erasures needed".
 * Email only: Fides has no SMS for it.
 */
export const MESSAGE_ERASURE_FULFILLMENT: MessageTemplateSource = {
  subject: 'Data erasure request',
  title: 'Erasure request',
  html: `
    <p>
        This is an automated email sent using Herald. A customer would like to exercise their data privacy right to be deleted.
        Please locate and erase personally identifiable information for the data subject and records listed below:
    </p>
{{#each collections}}
    <p><b>{{collection}}</b></p>
{{#each actions}}
    <p>Locate the relevant records with:</p>
    <ul>
{{#each locators}}
        <li>Field: <i>{{field}}</i>, Values: {{values}}</li>
{{/each}}
    </ul>
    <p>Erase the following fields:</p>
    <ul>
{{#each erase}}
        <li><i>{{this}}</i></li>
{{else}}
        <li><i>No erasures needed on this collection.</i></li>
{{/each}}
    </ul>
{{/each}}
{{/each}}
`,
  text: `
This is an automated email sent using Herald. A customer would like to exercise their data privacy right to be deleted. Please locate and erase personally identifiable information for the data subject and records listed below:
{{#each collections}}

{{collection}}
{{#each actions}}

Locate the relevant records with:
{{#each locators}}
- Field: {{field}}, Values: {{values}}
{{/each}}

Erase the following fields:
{{#each erase}}
- {{this}}
{{else}}
- No erasures needed on this collection.
{{/each}}
{{/each}}
{{/each}}
`,
};

/**
 * Decision D34: to a third-party vendor, one email per `generic_erasure_email` connector and batch, in Fides' words:
 * the organisation, the vendor, and a list of the identities whose data is to be erased. Subject and title name the
 * organisation; a connection test says so in its subject. Email only.
 */
export const MESSAGE_ERASURE_BATCH_FULFILLMENT: MessageTemplateSource = {
  subject: '{{#if test}}Test notification{{else}}Notification{{/if}} of user erasure requests from {{organization}}',
  title: 'Notification of user erasure requests',
  html: `
    <p>
        The following users of {{organization}} have made requests to have their personal data erased. As
        {{vendor}} is a third-party processor of these users' personal data, please erase all personal data
        pertaining to them, including any held by your own processors:
    </p>
    <ul>
{{#each identities}}
        <li>{{this}}</li>
{{/each}}
    </ul>
    <p>
        You are legally obligated to honor these requests under the applicable privacy laws.
    </p>
`,
  text: `
The following users of {{organization}} have made requests to have their personal data erased. As {{vendor}} is a third-party processor of these users' personal data, please erase all personal data pertaining to them, including any held by your own processors:
{{#each identities}}
- {{this}}
{{/each}}

You are legally obligated to honor these requests under the applicable privacy laws.
`,
};

/**
 * To the operators (decision D30), after every `notify_after_failures` requests in error: Fides' subject, and its
 * wording from before it dropped the count, in plain words. No identity and no request id: the request list has them.
 * Email only, as in Fides.
 */
export const PRIVACY_REQUEST_ERROR_NOTIFICATION: MessageTemplateSource = {
  subject: 'Privacy Request Error Alert',
  title: 'Privacy Request Error Alert',
  html: `
    <p>
        Privacy request error(s): {{#if several}}{{failed_requests}} privacy requests have failed{{else}}1 privacy request has failed{{/if}} since the last alert.
    </p>
    <p>
        The failed requests have the status error (GET /api/v1/privacy-request?status=error); retry each once the cause is fixed.
    </p>
`,
  text: `
Privacy request error(s): {{#if several}}{{failed_requests}} privacy requests have failed{{else}}1 privacy request has failed{{/if}} since the last alert.

The failed requests have the status error (GET /api/v1/privacy-request?status=error); retry each once the cause is fixed.
`,
};

/** Herald's own (decision D15), sent through a config to check it. */
export const TEST_MESSAGE: MessageTemplateSource = {
  subject: 'Test message from Herald',
  title: 'Test message',
  html: `
    <p>
        This is a test message from Herald. Your messaging configuration works.
    </p>
`,
  text: `This is a test message from Herald. Your messaging configuration works.`,
  sms: `This is a test message from Herald. Your messaging configuration works.`,
};
