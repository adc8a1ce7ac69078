import { MAX_BODY_BYTES, contentIssues, renderTemplateEmail, renderTemplateSms } from './template-rendering.js';
import { MessagingActionType } from './messaging-action-type.js';

describe('stored template rendering (D32)', () => {
  const verification = MessagingActionType.SUBJECT_IDENTITY_VERIFICATION;

  it('names unknown variables per field, once each, with what the type knows', () => {
    expect(contentIssues(verification, { subject: '__CODE__ __X__ __X__', body: '__MINUTES__', sms: '__A_B__' })).toEqual([
      { loc: ['subject'], msg: 'unknown variable __X__ (subject_identity_verification knows: __CODE__, __MINUTES__)', type: 'value_error.unknown_variable' },
      { loc: ['sms'], msg: 'unknown variable __A_B__ (subject_identity_verification knows: __CODE__, __MINUTES__)', type: 'value_error.unknown_variable' },
    ]);
    expect(contentIssues(MessagingActionType.PRIVACY_REQUEST_REVIEW_APPROVE, { body: '__CODE__ and __MINUTES__' })[0].msg).toBe(
      'unknown variables __CODE__, __MINUTES__ (privacy_request_review_approve knows: none)',
    );
    // Not tokens: lower case, a double underscore inside, bare underscores.
    const issues = contentIssues(verification, { body: '__code__ __A__B __ ____' });
    expect(issues).toHaveLength(1);
    expect(issues[0].msg).toContain('unknown variable __A__ ');
    expect(issues.map((i) => i.loc)).toEqual([['body']]);
  });

  it('measures the body in UTF-8 bytes', () => {
    expect(contentIssues(verification, { body: 'x'.repeat(MAX_BODY_BYTES) })).toEqual([]);
    expect(contentIssues(verification, { body: 'é'.repeat(MAX_BODY_BYTES / 2 + 1) })[0].loc).toEqual(['body']);
  });

  it('escapes values in HTML only, keeps the subject on one line, and sanitises what it renders', () => {
    const email = renderTemplateEmail(
      {
        subject: 'Code\r\nBcc: x __CODE__',
        body: '<p>__CODE__</p><a href="https://e.example/?c=__CODE__">x</a> <a href="javascript:__CODE__">y</a>',
        sms: null,
      },
      { CODE: '"<b>&' },
      'de',
    );
    expect(email.subject).toBe('Code Bcc: x "<b>&');
    expect(email.html).toContain('<html lang="de">');
    expect(email.html).toContain('<title>Code Bcc: x &quot;&lt;b&gt;&amp;</title>');
    // Quotes need no escaping in text, only in attributes.
    expect(email.html).toContain('<p>"&lt;b&gt;&amp;</p><a href="https://e.example/?c=&quot;&lt;b&gt;&amp;">x</a> <a>y</a>');
    expect(email.text).toBe('"<b>&\n\nx [https://e.example/?c="<b>&] y');
    expect(renderTemplateSms(' Code __CODE__ __OTHER__ ', { CODE: '<1>' })).toBe('Code <1> __OTHER__');
  });
});
