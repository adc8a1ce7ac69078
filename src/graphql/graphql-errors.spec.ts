import { withoutInputValues } from './graphql-errors.js';

describe('withoutInputValues', () => {
  it.each([
    [
      'Variable "$input" got invalid value { apiKey: "LEAKME-123", extra: 1 }; Field "extra" is not defined by type "MailgunSecretsInput".',
      'Variable "$input" got invalid value; Field "extra" is not defined by type "MailgunSecretsInput".',
    ],
    [
      'Variable "$input" got invalid value 123 at "input.mailgun.apiKey"; String cannot represent a non string value: 123',
      'Variable "$input" got invalid value at "input.mailgun.apiKey"; String cannot represent a non string value.',
    ],
    ['String cannot represent a non string value: "secret"', 'String cannot represent a non string value.'],
    ['Expected value of type "Int!", found "LEAK"; reason', 'Expected value of type "Int!"; reason'],
    ['Cannot query field "nope" on type "Query".', 'Cannot query field "nope" on type "Query".'],
  ])('%s', (message, expected) => {
    expect(withoutInputValues(message)).toBe(expected);
    expect(withoutInputValues(message)).not.toMatch(/LEAK|secret|123(?!")/);
  });
});
