import { RequestValidationError, invalid, snakeCaseLoc } from '../common/errors/herald.error.js';

describe('the test message on the wire', () => {
  it("puts a command's loc in the REST body's names, and leaves indices alone", () => {
    expect(snakeCaseLoc(['phoneNumber'])).toEqual(['phone_number']);
    expect(snakeCaseLoc(['email', 0, 'serviceType'])).toEqual(['email', 0, 'service_type']);
  });

  it('locates a problem of the command under the body (REST) or the input argument (GraphQL)', () => {
    const missing = () => {
      throw invalid(['phoneNumber'], 'a phone number is required', 'value_error.missing');
    };
    const located = (prefix: string[], rename?: (loc: (string | number)[]) => (string | number)[]) => {
      try {
        RequestValidationError.prefixed(prefix, missing, rename);
      } catch (error) {
        return (error as RequestValidationError).issues[0].loc;
      }
    };
    expect(located(['body'], snakeCaseLoc)).toEqual(['body', 'phone_number']);
    expect(located(['input'])).toEqual(['input', 'phoneNumber']);
  });
});
