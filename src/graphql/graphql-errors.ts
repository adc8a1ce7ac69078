import type { GraphQLFormattedError } from 'graphql';

/**
 * graphql-js repeats the offending input value in some messages (`Variable "$input" got invalid value {...}`,
 * `String cannot represent a non string value: 123`). Inputs carry secrets and identities, so those values are cut.
 */
export function withoutInputValues(message: string): string {
  const variable = /^(Variable "\$[^"]+" got invalid value)[\s\S]*?((?: at "[^"]*")?); ([\s\S]*)$/.exec(message);
  if (variable) return `${variable[1]}${variable[2]}; ${withoutInputValues(variable[3])}`;
  if (/^Variable "\$[^"]+" got invalid value/.test(message)) return message.replace(/^(Variable "\$[^"]+" got invalid value)[\s\S]*$/, '$1.');
  return message
    .replace(/(cannot represent (?:a |an )?[\w -]*value): [\s\S]*$/, '$1.')
    .replace(/(Expected value of type "[^"]+"), found [\s\S]*?(;|$)/, '$1$2');
}

/** graphql-js stops coercing variables after 50 errors with an error of no code, which Apollo calls internal. */
const TOO_MANY_VARIABLE_ERRORS = 'Too many errors processing variables';

export function formatGraphqlError(formatted: GraphQLFormattedError): GraphQLFormattedError {
  const message = withoutInputValues(formatted.message);
  if (formatted.extensions?.code === 'INTERNAL_SERVER_ERROR' && message.startsWith(TOO_MANY_VARIABLE_ERRORS)) {
    return { ...formatted, message, extensions: { ...formatted.extensions, code: 'BAD_USER_INPUT' } };
  }
  return { ...formatted, message };
}
