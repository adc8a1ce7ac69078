import { HeraldError, RequestValidationError, camelCaseLoc, invalid } from './herald.error.js';

describe('RequestValidationError.prefixed', () => {
  const issue = (loc: (string | number)[]) => ({ loc, msg: 'field required', type: 'value_error.missing' });
  const failing = () => {
    throw new RequestValidationError([issue([3, 'to_email']), issue(['__root__'])]);
  };

  it('puts the prefix before every loc of a synchronous throw', () => {
    expect(() => RequestValidationError.prefixed(['body'], failing)).toThrow(RequestValidationError);
    try {
      RequestValidationError.prefixed(['body'], failing);
    } catch (error) {
      expect((error as RequestValidationError).issues).toEqual([issue(['body', 3, 'to_email']), issue(['body', '__root__'])]);
    }
  });

  it('renames the relative loc before prefixing, and does the same for a rejection', async () => {
    const rejected = RequestValidationError.prefixed(['inputs'], () => Promise.reject(new RequestValidationError([issue([3, 'to_email'])])), camelCaseLoc);
    await expect(rejected).rejects.toMatchObject({ issues: [issue(['inputs', 3, 'toEmail'])] });
  });

  it('returns what the work returns, sync or async', async () => {
    expect(RequestValidationError.prefixed(['body'], () => 42)).toBe(42);
    await expect(RequestValidationError.prefixed(['body'], () => Promise.resolve('ok'))).resolves.toBe('ok');
  });

  it('lets every other error through untouched', async () => {
    const other = new HeraldError('not_found', 'No such thing');
    expect(() =>
      RequestValidationError.prefixed(['body'], () => {
        throw other;
      }),
    ).toThrow(other);
    await expect(RequestValidationError.prefixed(['body'], () => Promise.reject(other))).rejects.toBe(other);
  });

  it('locatedAt is prefixedWith one location', () => {
    expect(invalid(['name'], 'bad').locatedAt('body').issues).toEqual([{ loc: ['body', 'name'], msg: 'bad', type: 'value_error' }]);
  });
});

describe('camelCaseLoc', () => {
  it("turns Fides' snake_case keys into GraphQL's camelCase, keeping indices and __root__", () => {
    expect(camelCaseLoc([0, 'third_country_transfers', 'return_all_elements', 2, '__root__', 'name'])).toEqual([
      0,
      'thirdCountryTransfers',
      'returnAllElements',
      2,
      '__root__',
      'name',
    ]);
  });
});
