import { RequestValidationError } from '../common/errors/herald.error.js';
import { MessagingServiceType } from '../common/messaging-service-type.js';
import type { MessagingConfigInput } from './dto/messaging-config.graphql.js';
import { configLoc, toSaveCommand } from './messaging-config.graphql-mapper.js';

/** The problems `toSaveCommand` reports for an input, located as the resolver answers them. */
function problems(input: Partial<MessagingConfigInput>): unknown {
  try {
    RequestValidationError.prefixed(['input'], () => toSaveCommand(input as MessagingConfigInput), configLoc(input.serviceType!));
  } catch (error) {
    return (error as RequestValidationError).issues.map((i) => i.loc);
  }
  throw new Error('no problem reported');
}

describe('messaging config GraphQL locations', () => {
  it('locates missing details at the field that should carry them', () => {
    expect(problems({ name: 'm', serviceType: MessagingServiceType.MAILGUN })).toEqual([['input', 'mailgun']]);
    expect(problems({ name: 'm', serviceType: MessagingServiceType.TWILIO_EMAIL })).toEqual([['input', 'twilioEmail']]);
  });

  it("locates each detail where it travels in the input, whatever Fides' details key", () => {
    const mailgun = { domain: 'not a host', isEuDomain: false, apiVersion: 'v2' };
    expect(problems({ name: 'm', serviceType: MessagingServiceType.MAILGUN, mailgun })).toEqual([
      ['input', 'mailgun', 'domain'],
      ['input', 'mailgun', 'apiVersion'],
    ]);
    expect(
      problems({ name: 't', serviceType: MessagingServiceType.TWILIO_EMAIL, mailgun: { ...mailgun, domain: 'mg.example.com', apiVersion: 'v3' } }),
    ).toEqual([
      ['input', 'twilioEmail', 'twilioEmailFrom'],
      ['input', 'mailgun', 'domain'],
      ['input', 'mailgun', 'isEuDomain'],
      ['input', 'mailgun', 'apiVersion'],
    ]);
  });

  it("locates SMTP's and Mailchimp Transactional's details in their own fields (email_from is in both)", () => {
    expect(problems({ name: 's', serviceType: MessagingServiceType.SMTP })).toEqual([['input', 'smtp']]);
    const smtp = { host: 'not a host', port: 0, security: 'ssl', emailFrom: 'nope' };
    expect(problems({ name: 's', serviceType: MessagingServiceType.SMTP, smtp })).toEqual([
      ['input', 'smtp', 'host'],
      ['input', 'smtp', 'port'],
      ['input', 'smtp', 'security'],
      ['input', 'smtp', 'emailFrom'],
    ]);
    expect(problems({ name: 'm', serviceType: MessagingServiceType.MAILCHIMP_TRANSACTIONAL, mailchimpTransactional: { emailFrom: 'nope' } })).toEqual([
      ['input', 'mailchimpTransactional', 'emailFrom'],
    ]);
    expect(problems({ name: 'm', serviceType: MessagingServiceType.SMTP, smtp, mailchimpTransactional: { emailFrom: 'a@example.com' } })).toEqual([['input']]);
  });

  it('locates AWS SES details in awsSes, and refuses details of another type for it (and its details for another type)', () => {
    expect(problems({ name: 's', serviceType: MessagingServiceType.AWS_SES })).toEqual([['input', 'awsSes']]);
    expect(problems({ name: 's', serviceType: MessagingServiceType.AWS_SES, awsSes: { awsRegion: 'us-east-1' } })).toEqual([['input', 'awsSes']]);
    expect(problems({ name: 's', serviceType: MessagingServiceType.AWS_SES, awsSes: { awsRegion: 'nowhere', domain: 'not a host' } })).toEqual([
      ['input', 'awsSes', 'awsRegion'],
      ['input', 'awsSes', 'domain'],
    ]);
    const mailgun = { domain: 'mg.example.com', isEuDomain: false, apiVersion: 'v3' };
    expect(problems({ name: 's', serviceType: MessagingServiceType.AWS_SES, mailgun })).toEqual([['input', 'mailgun']]);
    expect(problems({ name: 'm', serviceType: MessagingServiceType.MAILGUN, awsSes: { awsRegion: 'us-east-1', domain: 'example.com' } })).toEqual([
      ['input', 'awsSes'],
    ]);
    expect(
      toSaveCommand({
        name: 'S',
        serviceType: MessagingServiceType.AWS_SES,
        awsSes: { awsRegion: 'us-east-1', emailFrom: 'a@example.com' },
      }),
    ).toEqual({
      name: 'S',
      key: undefined,
      serviceType: MessagingServiceType.AWS_SES,
      details: { aws_region: 'us-east-1', email_from: 'a@example.com', domain: null },
    });
  });

  it('keeps the names of the rest of the command (the service reports them relative to it)', () => {
    expect(configLoc(MessagingServiceType.TWILIO_TEXT)(['name'])).toEqual(['name']);
    expect(configLoc(MessagingServiceType.TWILIO_TEXT)(['__root__'])).toEqual(['__root__']);
  });

  it('builds the command for valid input, with Fides-shaped details', () => {
    const input = {
      name: 'M',
      key: null,
      serviceType: MessagingServiceType.MAILGUN,
      mailgun: { domain: 'mg.example.com', isEuDomain: true, apiVersion: 'v3' },
    };
    expect(toSaveCommand(input as MessagingConfigInput)).toEqual({
      name: 'M',
      key: undefined,
      serviceType: MessagingServiceType.MAILGUN,
      details: { domain: 'mg.example.com', is_eu_domain: true, api_version: 'v3' },
    });
  });
});
