import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { PinoLogger } from 'nestjs-pino';
import { RequestValidationError, type ValidationIssue } from '../errors/herald.error.js';

/**
 * Decision D19: NUL characters, lone UTF-16 surrogates, undecodable percent-encoding and over-deep JSON are refused
 * before anything reads them (PostgreSQL refuses NUL in text, `encodeURIComponent` throws on a lone surrogate,
 * recursive walkers overflow the stack on deep JSON). Every refusal is a 422 in Fides' shape and one warning line.
 * GraphQL bodies and GET queries are left to `hostileInputPlugin()`, which answers in GraphQL's shape.
 */

/** The deepest JSON body accepted (objects and arrays); Fides' deepest bodies (datasets) stay far below. */
export const MAX_JSON_DEPTH = 64;

export const GRAPHQL_PATH = '/graphql';

type Loc = (string | number)[];

const NUL: Omit<ValidationIssue, 'loc'> = { msg: 'NUL characters are not allowed', type: 'value_error.str.nul' };
const SURROGATE: Omit<ValidationIssue, 'loc'> = { msg: 'lone UTF-16 surrogates are not allowed', type: 'value_error.str.surrogate' };
const PERCENT: Omit<ValidationIssue, 'loc'> = { msg: 'invalid percent-encoding (not UTF-8)', type: 'value_error.str.percent_encoding' };
const TOO_DEEP: Omit<ValidationIssue, 'loc'> = { msg: `JSON nested deeper than ${MAX_JSON_DEPTH} levels`, type: 'value_error.json.max_depth' };

// ES2024's String#isWellFormed (Node 20): native, and constant time for one-byte strings (most of them).
const wellFormed = (text: string): boolean => (text as string & { isWellFormed(): boolean }).isWellFormed();

/** What is wrong with a string, if anything. */
export function stringProblem(text: string): Omit<ValidationIssue, 'loc'> | undefined {
  if (text.indexOf('\0') !== -1) return NUL;
  return wellFormed(text) ? undefined : SURROGATE;
}

/**
 * The first hostile string (value or key) in a parsed value, located at `loc`. Iterative, so no input can exhaust
 * the stack; values nested deeper than MAX_JSON_DEPTH are refused as such.
 */
export function findHostile(value: unknown, loc: Loc): ValidationIssue | undefined {
  const stack: [unknown, Loc][] = [[value, loc]];
  while (stack.length > 0) {
    const [item, at] = stack.pop()!;
    if (typeof item === 'string') {
      const problem = stringProblem(item);
      if (problem) return { loc: at, ...problem };
    } else if (typeof item === 'object' && item !== null) {
      if (at.length - loc.length >= MAX_JSON_DEPTH) return { loc, ...TOO_DEEP };
      if (Array.isArray(item)) {
        for (let i = item.length - 1; i >= 0; i--) stack.push([item[i], [...at, i]]);
      } else {
        const keys = Object.keys(item);
        for (let i = keys.length - 1; i >= 0; i--) {
          const problem = stringProblem(keys[i]);
          // A hostile key is located at its parent: the key itself is not echoed.
          if (problem) return { loc: at, ...problem };
          stack.push([(item as Record<string, unknown>)[keys[i]], [...at, keys[i]]]);
        }
      }
    }
  }
  return undefined;
}

/**
 * True when JSON text nests objects and arrays deeper than `max`: one pass over the text counting brackets outside
 * strings, before `JSON.parse` builds anything. Text with at most `max` opening brackets (most bodies: a native
 * `indexOf` hop per bracket) cannot nest deeper and is not scanned.
 */
export function nestedDeeperThan(text: string, max = MAX_JSON_DEPTH): boolean {
  if (!moreOpeningBracketsThan(text, max)) return false;
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > max) return true;
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return false;
}

function moreOpeningBracketsThan(text: string, max: number): boolean {
  let n = 0;
  for (let i = text.indexOf('{'); i !== -1; i = text.indexOf('{', i + 1)) if (++n > max) return true;
  for (let i = text.indexOf('['); i !== -1; i = text.indexOf('[', i + 1)) if (++n > max) return true;
  return false;
}

const isGraphql = (request: FastifyRequest): boolean => request.routeOptions.url === GRAPHQL_PATH;

/** One warning line per refusal: where (field names only) and why, never the value. */
export function logRefusal(requestId: string | undefined, issue: ValidationIssue): void {
  PinoLogger.root.warn({ reqId: requestId, loc: issue.loc.map(loggableKey), reason: issue.type }, 'hostile input refused');
}

// A key a client made up may itself be an identity (an email as a JSON key): only plain names are logged.
const loggableKey = (key: string | number): string | number => (typeof key === 'number' || /^[\w.$-]{1,64}$/.test(key) ? key : '?');

function refuse(request: FastifyRequest, issue: ValidationIssue): RequestValidationError {
  logRefusal(request.id, issue);
  return new RequestValidationError([issue]);
}

type JsonParser = (request: FastifyRequest, body: string, done: (error: Error | null, value?: unknown) => void) => void;

/**
 * Fastify route config (Nest's `@RouteConfig(KEEP_RAW_BODY)`) for a route that needs the JSON body's bytes as received
 * (a signature over them), read with `rawBodyOf`. The body is parsed and checked all the same.
 */
export const KEEP_RAW_BODY = { keepRawBody: true } as const;

/** The JSON body's bytes, on a route with KEEP_RAW_BODY; undefined otherwise (or for other content types). */
export const rawBodyOf = (request: FastifyRequest): Buffer | undefined => (request as { heraldRawBody?: Buffer }).heraldRawBody;

/**
 * The JSON body parser: an empty body is no body (as in FastAPI; clients send the header on DELETE too), nesting is
 * limited before parsing, `parseJson` (Fastify's, with its prototype-poisoning checks) parses, and strings are
 * checked only when the text has a `\u` escape: UTF-8 decoding never yields a lone surrogate and JSON refuses a raw
 * NUL, so only escapes can carry either.
 */
export function jsonBodyParser(parseJson: JsonParser) {
  return (request: FastifyRequest, body: Buffer, done: (error: Error | null, value?: unknown) => void): void => {
    if (body.length === 0) return done(null, undefined);
    if ((request.routeOptions.config as { keepRawBody?: boolean } | undefined)?.keepRawBody === true)
      (request as { heraldRawBody?: Buffer }).heraldRawBody = body;
    const text = body.toString('utf8');
    if (nestedDeeperThan(text)) return done(refuse(request, { loc: ['body'], ...TOO_DEEP }));
    if (text.indexOf('\\u') === -1 || isGraphql(request)) return parseJson(request, text, done);
    parseJson(request, text, (error, value) => {
      if (error) return done(error);
      const issue = findHostile(value, ['body']);
      return issue ? done(refuse(request, issue)) : done(null, value);
    });
  };
}

/** The request headers Herald (or Fastify for it) reads. Node's parser already refuses NUL in any header. */
const READ_HEADERS = ['authorization', 'content-type', 'origin', 'x-forwarded-for', 'x-request-id', 'accept'] as const;

/** The path, query and headers: NUL and lone surrogates only come from percent-decoding (or base64, for Basic). */
export function urlAndHeaderIssue(request: FastifyRequest): ValidationIssue | undefined {
  const url = request.raw.url ?? '';
  if (url.indexOf('%') !== -1) {
    const issue = (request.is404 ? undefined : paramsIssue(request.params)) ?? (isGraphql(request) ? undefined : queryIssue(url));
    if (issue) return issue;
  }
  return headersIssue(request.headers);
}

function paramsIssue(params: unknown): ValidationIssue | undefined {
  if (typeof params !== 'object' || params === null) return undefined;
  for (const [name, value] of Object.entries(params)) {
    const problem = typeof value === 'string' ? stringProblem(value) : undefined;
    if (problem) return { loc: ['path', name], ...problem };
  }
  return undefined;
}

/** Decodes the query as Fastify's parser splits it; a value that is not percent-encoded UTF-8 is refused too. */
function queryIssue(url: string): ValidationIssue | undefined {
  const at = url.indexOf('?');
  if (at === -1 || url.indexOf('%', at) === -1) return undefined;
  for (const part of url.slice(at + 1).split('&')) {
    if (part.indexOf('%') === -1) continue;
    const equals = part.indexOf('=');
    const name = decode(equals === -1 ? part : part.slice(0, equals));
    const nameProblem = name === undefined ? PERCENT : stringProblem(name);
    if (nameProblem) return { loc: ['query'], ...nameProblem };
    if (equals === -1) continue;
    const value = decode(part.slice(equals + 1));
    const problem = value === undefined ? PERCENT : stringProblem(value);
    if (problem) return { loc: ['query', name!], ...problem };
  }
  return undefined;
}

function decode(text: string): string | undefined {
  if (text.indexOf('%') === -1) return text;
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return undefined;
  }
}

function headersIssue(headers: FastifyRequest['headers']): ValidationIssue | undefined {
  for (const name of READ_HEADERS) {
    const value = headers[name];
    const problem = typeof value === 'string' ? stringProblem(value) : undefined;
    if (problem) return { loc: ['header', name], ...problem };
  }
  // HTTP Basic credentials (the token route) are base64: decoded, they may hold a NUL.
  const authorization = headers.authorization;
  if (authorization !== undefined && /^basic\s/i.test(authorization)) {
    const problem = stringProblem(Buffer.from(authorization.slice(6).trim(), 'base64').toString('utf8'));
    if (problem) return { loc: ['header', 'authorization'], ...problem };
  }
  return undefined;
}

/**
 * Registers the checks as Fastify hooks: path, query and headers in `onRequest` (before guards, so without a token
 * too), and non-JSON bodies (forms, multipart fields) in `preValidation`, after the multipart plugin attached its
 * fields. JSON bodies are checked by `jsonBodyParser` while they are parsed. Register after `@fastify/multipart`.
 */
export function refuseHostileInput(fastify: FastifyInstance): void {
  fastify.addHook('onRequest', (request, _reply, done) => {
    const issue = urlAndHeaderIssue(request);
    done(issue ? refuse(request, issue) : undefined);
  });
  fastify.addHook('preValidation', (request, _reply, done) => {
    const body = request.body;
    if (body === undefined || body === null || isJsonRequest(request) || isGraphql(request)) return done();
    const issue = findHostile(body, ['body']);
    done(issue ? refuse(request, issue) : undefined);
  });
}

const isJsonRequest = (request: FastifyRequest): boolean => request.headers['content-type']?.slice(0, 16).toLowerCase() === 'application/json';

/**
 * Fastify's `frameworkErrors`: the router refuses a path whose percent-encoding does not decode before any hook
 * runs, and answered Fastify's own shape, echoing the path. `securityHook` is what Nest's default does first.
 */
export function answerFrameworkError(
  error: FastifyError,
  request: FastifyRequest,
  reply: FastifyReply,
  securityHook?: (request: FastifyRequest, response: FastifyReply['raw']) => unknown,
): void {
  try {
    securityHook?.(request, reply.raw);
  } catch {
    // The request is refused either way.
  }
  if (error.code === 'FST_ERR_BAD_URL') {
    const issue = { loc: ['path'], ...PERCENT };
    logRefusal(request.id, issue);
    void reply.code(422).send({ detail: [issue] });
    return;
  }
  // The others (a path parameter over the length limit: 414) get a status text, not the echoed path.
  const status = error.statusCode ?? 500;
  void reply.code(status).send({ detail: status === 414 ? 'URI Too Long' : status < 500 ? 'Bad Request' : 'Internal Server Error' });
}
