import { AWS_SES_STATUS } from './aws-ses.status.js';

describe('AWS_SES_STATUS', () => {
  it.each([
    [{ aws_region: 'us-east-1', email_from: 'privacy@example.com', domain: null }, true],
    [{ aws_region: 'us-east-1', email_from: null, domain: 'example.com' }, true],
    [{ aws_region: 'us-east-1', email_from: null, domain: null }, false],
    [{ aws_region: 'not a region', email_from: 'privacy@example.com', domain: null }, false],
    [{ domain: 'mg.example.com', is_eu_domain: false, api_version: 'v3' }, false],
    [null, false],
  ])('details %j complete: %s', (details, complete) => expect(AWS_SES_STATUS.detailsComplete(details)).toBe(complete));

  it.each([
    [{ auth_method: 'automatic' }, true],
    [{ auth_method: 'automatic', aws_assume_role_arn: 'arn:aws:iam::123456789012:role/x' }, true],
    [{ auth_method: 'secret_keys', aws_access_key_id: 'AKIA', aws_secret_access_key: 's' }, true],
    [{ auth_method: 'secret_keys', aws_access_key_id: 'AKIA' }, false],
    [{ auth_method: 'keys' }, false],
    [{ mailgun_api_key: 'key' }, false],
    [null, false],
  ])('secrets %j complete: %s', (secrets, complete) => expect(AWS_SES_STATUS.secretsComplete(secrets)).toBe(complete));
});
