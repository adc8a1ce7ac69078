import { GraphQLISODateTime } from '@nestjs/graphql';
import { GraphQLError, GraphQLScalarType, Kind, type ValueNode } from 'graphql';

const INVALID = 'DateTime must be an ISO 8601 date-time string, such as 2019-12-03T09:54:33Z';

function parse(value: unknown): Date {
  const date = typeof value === 'string' ? new Date(value) : undefined;
  if (!date || Number.isNaN(date.getTime())) throw new GraphQLError(INVALID, { extensions: { code: 'BAD_USER_INPUT' } });
  return date;
}

/**
 * Nest's `DateTime`, with the same name, description and output, but refusing what is not a date: Nest's own turns
 * `"yesterday"` into an Invalid Date that reached the services (and PostgreSQL) as a 500.
 */
export const StrictDateTime = new GraphQLScalarType<Date, string | null>({
  name: GraphQLISODateTime.name,
  description: GraphQLISODateTime.description,
  serialize: (value) => (value instanceof Date ? value.toISOString() : null),
  parseValue: parse,
  parseLiteral: (ast: ValueNode) => parse(ast.kind === Kind.STRING ? ast.value : undefined),
});
