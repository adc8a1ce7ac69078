import type { ApolloServerPlugin, GraphQLRequestListener } from '@apollo/server';
import { GraphQLError, Kind, type ASTNode, type DocumentNode } from 'graphql';
import type { ValidationIssue } from '../errors/herald.error.js';
import { findHostile, logRefusal, stringProblem } from './hostile-input.js';

type Loc = (string | number)[];

/**
 * Decision D19 for GraphQL: a NUL character or a lone surrogate in a variable, a string literal or the operation
 * name refuses the whole request with BAD_USER_INPUT (HTTP 400, as Apollo answers a variable it cannot coerce),
 * before anything executes. A lone surrogate cannot be a literal: GraphQL's own lexer refuses it
 * (GRAPHQL_PARSE_FAILED). The JSON nesting limit is the body parser's (`jsonBodyParser`).
 */
export function hostileInputPlugin(): ApolloServerPlugin {
  return { requestDidStart: async () => listener };
}

// No per-request state: one listener serves every request.
const listener: GraphQLRequestListener<Record<string, unknown>> = {
  async didResolveOperation({ request, source, document, contextValue }) {
    const refusal = hostileOperationError(request.variables, request.operationName, source, document, (contextValue as { req?: { id?: string } }).req?.id);
    if (refusal) throw refusal;
  },
};

/** The same checks for an operation that does not go through Apollo (a subscription over graphql-ws): the refusal, logged. */
export function hostileOperationError(
  variables: Record<string, unknown> | null | undefined,
  operationName: string | null | undefined,
  source: string,
  document: DocumentNode,
  requestId: string | undefined,
): GraphQLError | undefined {
  const issue = variablesIssue(variables ?? undefined) ?? nameIssue(operationName) ?? (mayHoldHostileLiteral(source) ? literalIssue(document) : undefined);
  if (!issue) return undefined;
  logRefusal(requestId, issue);
  return new GraphQLError(`${describe(issue.loc)}: ${issue.msg}`, {
    extensions: { code: 'BAD_USER_INPUT', detail: [issue], http: { status: 400 } },
  });
}

function variablesIssue(variables: Record<string, unknown> | undefined): ValidationIssue | undefined {
  return variables === undefined || variables === null ? undefined : findHostile(variables, ['variables']);
}

function nameIssue(name: string | null | undefined): ValidationIssue | undefined {
  const problem = typeof name === 'string' ? stringProblem(name) : undefined;
  return problem ? { loc: ['operationName'], ...problem } : undefined;
}

/** A NUL reaches a literal raw or as a `\u0000` escape; without either, the string literals need no walk. */
const mayHoldHostileLiteral = (source: string): boolean => source.indexOf('\\u') !== -1 || source.indexOf('\0') !== -1;

/**
 * The first string literal with a NUL, anywhere in the document (arguments, directives, variable defaults),
 * located by field, argument and input path. Iterative: a document's depth is the client's choice.
 */
function literalIssue(document: DocumentNode): ValidationIssue | undefined {
  const stack: [ASTNode, Loc][] = [[document, []]];
  while (stack.length > 0) {
    const [node, loc] = stack.pop()!;
    switch (node.kind) {
      case Kind.STRING: {
        const problem = stringProblem(node.value);
        if (problem) return { loc, ...problem };
        break;
      }
      case Kind.LIST:
        node.values.forEach((value, i) => stack.push([value, [...loc, i]]));
        break;
      case Kind.OBJECT:
        node.fields.forEach((field) => stack.push([field.value, [...loc, field.name.value]]));
        break;
      case Kind.ARGUMENT:
        stack.push([node.value, [...loc, node.name.value]]);
        break;
      case Kind.FIELD: {
        const at = [...loc, node.name.value];
        node.arguments?.forEach((argument) => stack.push([argument, at]));
        node.directives?.forEach((directive) => stack.push([directive, at]));
        if (node.selectionSet) stack.push([node.selectionSet, loc]);
        break;
      }
      case Kind.DIRECTIVE:
        node.arguments?.forEach((argument) => stack.push([argument, [...loc, `@${node.name.value}`]]));
        break;
      case Kind.SELECTION_SET:
        node.selections.forEach((selection) => stack.push([selection, loc]));
        break;
      case Kind.INLINE_FRAGMENT:
      case Kind.FRAGMENT_SPREAD:
      case Kind.FRAGMENT_DEFINITION:
      case Kind.OPERATION_DEFINITION:
        node.directives?.forEach((directive) => stack.push([directive, loc]));
        if ('selectionSet' in node && node.selectionSet) stack.push([node.selectionSet, loc]);
        if (node.kind === Kind.OPERATION_DEFINITION) {
          node.variableDefinitions?.forEach((v) => v.defaultValue && stack.push([v.defaultValue, ['variables', v.variable.name.value]]));
        }
        break;
      case Kind.DOCUMENT:
        node.definitions.forEach((definition) => stack.push([definition, []]));
        break;
      default:
        break;
    }
  }
  return undefined;
}

/** `Variable "$inputs" at "0.identity.email"`, `"createPrivacyRequests.inputs.0.identity.email"`. */
function describe(loc: Loc): string {
  if (loc[0] === 'variables' && loc.length > 1) {
    const path = loc.slice(2).join('.');
    return `Variable "$${String(loc[1])}"${path ? ` at "${path}"` : ''}`;
  }
  return loc.length > 0 ? `Argument at "${loc.join('.')}"` : 'Request';
}
