/** The masking strategies Fides ships (its registry order), the only names a rule may use. */
export const MASKING_STRATEGY_NAMES = ['null_rewrite', 'string_rewrite', 'hash', 'random_string_rewrite', 'hmac', 'aes_encrypt'] as const;
export type MaskingStrategyName = (typeof MASKING_STRATEGY_NAMES)[number];

const HASH_ALGORITHMS = ['SHA-256', 'SHA-512'];

/** pydantic v1's `str(ValidationError)`, as Fides reports a bad strategy configuration. */
const pydanticError = (model: string, field: string, msg: string, type: string) => `1 validation error for ${model}\n${field}\n  ${msg} (type=${type})`;

/**
 * Why a masking strategy cannot be used, or null. The name must be one of Fides' strategies (Fides' factory text);
 * the configuration fields a strategy reads must have the right type (its configuration model's text).
 */
export function maskingStrategyProblem(strategy: string, configuration: Record<string, unknown>): string | null {
  if (!(MASKING_STRATEGY_NAMES as readonly string[]).includes(strategy)) {
    return `Strategy '${strategy}' does not exist. Valid strategies are [${MASKING_STRATEGY_NAMES.join(', ')}]`;
  }
  const value = (field: string) => configuration[field];
  switch (strategy) {
    case 'string_rewrite':
      if (value('rewrite_value') === undefined || value('rewrite_value') === null) {
        return pydanticError('StringRewriteMaskingConfiguration', 'rewrite_value', 'field required', 'value_error.missing');
      }
      if (typeof value('rewrite_value') !== 'string')
        return pydanticError('StringRewriteMaskingConfiguration', 'rewrite_value', 'str type expected', 'type_error.str');
      return null;
    case 'random_string_rewrite':
      if (value('length') !== undefined && !Number.isInteger(value('length'))) {
        return pydanticError('RandomStringMaskingConfiguration', 'length', 'value is not a valid integer', 'type_error.integer');
      }
      return null;
    case 'hash':
    case 'hmac':
      if (value('algorithm') !== undefined && !HASH_ALGORITHMS.includes(value('algorithm') as string)) {
        const model = strategy === 'hash' ? 'HashMaskingConfiguration' : 'HmacMaskingConfiguration';
        return pydanticError(model, 'algorithm', "unexpected value; permitted: 'SHA-256', 'SHA-512'", 'value_error.const');
      }
      return null;
    case 'aes_encrypt':
      if (value('mode') !== undefined && value('mode') !== 'GCM') {
        return pydanticError('AesEncryptionMaskingConfiguration', 'mode', "unexpected value; permitted: 'GCM'", 'value_error.const');
      }
      return null;
    default:
      return null;
  }
}
