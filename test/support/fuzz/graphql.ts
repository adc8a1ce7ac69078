import fc from 'fast-check';
import {
  getNamedType,
  isEnumType,
  isInputObjectType,
  isLeafType,
  isListType,
  isNonNullType,
  isObjectType,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLOutputType,
  type GraphQLSchema,
} from 'graphql';
import { deepNesting, enumLeaf, hostileNumber, hostileString, hostileValue, longString, mostly, percentEncode, stringLeaf, word } from './hostile.js';
import { Enum, Obj, Raw, toGraphqlLiteral, toJson, type J } from './json-text.js';
import { validByName, type Known } from './known.js';
import { authArb, extraHeadersArb, type FuzzRequest } from './request.js';

type Root = 'query' | 'mutation';
export interface GraphqlField {
  root: Root;
  name: string;
  field: GraphQLField<unknown, unknown>;
}

/** Every field of Query and Mutation in the app's own schema. */
export function graphqlFields(schema: GraphQLSchema): GraphqlField[] {
  const of = (root: Root) => {
    const type = root === 'query' ? schema.getQueryType() : schema.getMutationType();
    return Object.values(type?.getFields() ?? {}).map((field) => ({ root, name: field.name, field }));
  };
  return [...of('query'), ...of('mutation')];
}

type Delivery = 'literal' | 'variable' | 'wrong-variable-type';
const delivery = fc.oneof(
  { arbitrary: fc.constant<Delivery>('variable'), weight: 6 },
  { arbitrary: fc.constant<Delivery>('literal'), weight: 4 },
  { arbitrary: fc.constant<Delivery>('wrong-variable-type'), weight: 1 },
);

/** Arbitraries for GraphQL requests built from the schema: arguments as literals or variables, random selections. */
export class GraphqlGenerator {
  private readonly selections = new Map<string, fc.Arbitrary<string>>();

  constructor(
    private readonly schema: GraphQLSchema,
    private readonly known: Known,
  ) {}

  /** Every Query and Mutation field of the schema. */
  fields(): GraphqlField[] {
    return graphqlFields(this.schema);
  }

  /** A value for an input type: valid-looking by the argument's name mostly, hostile at any leaf now and then. */
  value(type: GraphQLInputType, name: string, depth = 0): fc.Arbitrary<J> {
    if (isNonNullType(type)) return fc.oneof({ arbitrary: this.value(type.ofType, name, depth), weight: 30 }, { arbitrary: fc.constant<J>(null), weight: 1 });
    if (isListType(type)) {
      const item = this.value(type.ofType, name.replace(/s$/, ''), depth + 1);
      return fc.oneof(
        { arbitrary: fc.array(item, { maxLength: 3 }).map((a): J => a), weight: 14 },
        // The bulk limit (50) and past it; a single value where a list goes (GraphQL coerces it).
        { arbitrary: fc.array(item, { minLength: 45, maxLength: 60 }).map((a): J => a), weight: 1 },
        { arbitrary: item, weight: 1 },
      );
    }
    if (isEnumType(type))
      return enumLeaf(
        type.getValues().map((v) => v.name),
        true,
      );
    if (isInputObjectType(type)) {
      if (depth > 6) return fc.constant<J>(null);
      const fields = Object.values(type.getFields()).map((f) => {
        const required = isNonNullType(f.type) && f.defaultValue === undefined;
        const present = required ? fc.oneof({ arbitrary: fc.constant(true), weight: 20 }, { arbitrary: fc.constant(false), weight: 1 }) : fc.boolean();
        return fc.record({ key: fc.constant(f.name), value: this.value(f.type, f.name, depth + 1), present });
      });
      const extra = fc.oneof(
        { arbitrary: fc.constant<[string, J][]>([]), weight: 15 },
        { arbitrary: fc.tuple(fc.constantFrom('unknownField', '__proto__', 'constructor'), hostileValue).map((e) => [e]), weight: 1 },
      );
      return mostly(
        fc
          .record({ fields: fc.tuple(...fields), extra })
          .map(({ fields, extra }): J => new Obj([...fields.filter((f) => f.present).map((f): [string, J] => [f.key, f.value]), ...extra])),
        1,
        20,
      );
    }
    const hint = validByName(name, this.known);
    switch (getNamedType(type).name) {
      case 'Int':
        return fc.oneof(
          { arbitrary: fc.integer({ min: 0, max: 60 }).map((n): J => n), weight: 6 },
          { arbitrary: hostileNumber, weight: 1 },
          { arbitrary: hostileValue, weight: 1 },
        );
      case 'Float':
        return mostly(fc.double({ noNaN: true, noDefaultInfinity: true }), 1, 4);
      case 'Boolean':
        return mostly(fc.boolean(), 1, 8);
      case 'DateTime':
        return stringLeaf(validByName('created_at', this.known)!);
      default:
        return stringLeaf(hint ?? word);
    }
  }

  /** A selection set for an output type: some of its fields, nested a few levels, with __typename and aliases. */
  selection(type: GraphQLOutputType, depth = 0): fc.Arbitrary<string> {
    const named = getNamedType(type);
    if (isLeafType(named)) return fc.constant('');
    const key = `${named.name}:${depth}`;
    const cached = this.selections.get(key);
    if (cached) return cached;
    let arb: fc.Arbitrary<string>;
    if (!isObjectType(named)) {
      arb = fc.constant('{ __typename }');
    } else {
      const fields = Object.values(named.getFields()).filter((f) => f.args.every((a) => !isNonNullType(a.type)));
      const leaves = fields.filter((f) => isLeafType(getNamedType(f.type)));
      const usable = depth >= 3 || leaves.length === fields.length ? leaves : fields;
      arb =
        usable.length === 0
          ? fc.constant('{ __typename }')
          : fc
              .record({
                picked: fc.subarray(usable, { minLength: 1 }),
                typename: fc.oneof({ arbitrary: fc.constant(false), weight: 4 }, { arbitrary: fc.constant(true), weight: 1 }),
                alias: fc.oneof({ arbitrary: fc.constant(false), weight: 8 }, { arbitrary: fc.constant(true), weight: 1 }),
                bogus: fc.oneof({ arbitrary: fc.constant(false), weight: 40 }, { arbitrary: fc.constant(true), weight: 1 }),
              })
              .chain(({ picked, typename, alias, bogus }) =>
                fc.tuple(...picked.map((f) => this.selection(f.type, depth + 1).map((sub) => `${f.name}${sub ? ` ${sub}` : ''}`))).map((parts) => {
                  const out = [...parts];
                  if (alias) out.push(`again: ${out[0]}`);
                  if (typename) out.push('__typename');
                  if (bogus) out.push('notAField');
                  return `{ ${out.join(' ')} }`;
                }),
              );
    }
    this.selections.set(key, arb);
    return arb;
  }

  /** A request for one root field: its arguments, a selection, an operation name, aliases, a transport. */
  request(target: GraphqlField): fc.Arbitrary<FuzzRequest> {
    const args = target.field.args.map((arg) =>
      fc.record({
        arg: fc.constant(arg),
        value: this.value(arg.type, arg.name),
        how: delivery,
        present:
          isNonNullType(arg.type) && arg.defaultValue === undefined
            ? fc.oneof({ arbitrary: fc.constant(true), weight: 20 }, { arbitrary: fc.constant(false), weight: 1 })
            : fc.boolean(),
      }),
    );
    return fc
      .record({
        args: args.length ? fc.tuple(...args) : fc.constant([]),
        selection: this.selection(target.field.type),
        aliases: fc.oneof({ arbitrary: fc.constant(1), weight: 20 }, { arbitrary: fc.integer({ min: 2, max: 25 }), weight: 1 }),
        named: fc.boolean(),
        transport: transportArb,
        auth: authArb,
        headers: extraHeadersArb,
      })
      .map(({ args, selection, aliases, named, transport, auth, headers }): FuzzRequest => {
        const definitions: string[] = [];
        const variables: [string, J][] = [];
        const literals: string[] = [];
        const notes: string[] = [];
        for (const { arg, value, how, present } of args) {
          if (!present) continue;
          if (how === 'literal') {
            literals.push(`${arg.name}: ${toGraphqlLiteral(value)}`);
          } else {
            const declared = how === 'variable' ? String(arg.type) : isNonNullType(arg.type) ? 'String' : 'Int!';
            definitions.push(`$${arg.name}: ${declared}`);
            literals.push(`${arg.name}: $${arg.name}`);
            variables.push([arg.name, value]);
            if (how === 'wrong-variable-type') notes.push(`$${arg.name} declared ${declared}`);
          }
        }
        const call = `${target.name}${literals.length ? `(${literals.join(', ')})` : ''}${selection ? ` ${selection}` : ''}`;
        const body = Array.from({ length: aliases }, (_, i) => (aliases > 1 ? `a${i}: ${call}` : call)).join(' ');
        if (aliases > 1) notes.push(`${aliases} aliases`);
        const name = named ? `Fuzz_${target.name}` : '';
        const query = `${target.root} ${name}${definitions.length ? `(${definitions.join(', ')})` : ''} { ${body} }`;
        return graphqlRequest(
          `graphql ${target.root} ${target.name}`,
          query,
          variables,
          named ? name : undefined,
          transport,
          auth,
          headers,
          notes,
          target.root,
        );
      });
  }

  /** The attacks of the issue and their cousins: aliases, depth, width, fragment bombs, deep literals and variables. */
  attacks(): fc.Arbitrary<FuzzRequest> {
    const mk = (label: string, query: fc.Arbitrary<string>, variables: fc.Arbitrary<[string, J][]> = fc.constant([])) =>
      fc
        .record({ query, variables, auth: authArb, transport: transportArb, headers: extraHeadersArb })
        .map(({ query, variables, auth, transport, headers }) =>
          graphqlRequest(
            `graphql attack: ${label}`,
            query,
            variables,
            undefined,
            transport,
            auth,
            headers,
            [],
            query.trimStart().startsWith('mutation') ? 'mutation' : 'query',
          ),
        );
    const n = (min: number, max: number) => fc.integer({ min, max });
    const deepFields = (d: number) => `${'fields { name '.repeat(d)}${'}'.repeat(d)}`;
    const deepOfType = (d: number) => `${'ofType { name '.repeat(d)}${'}'.repeat(d)}`;
    return fc.oneof(
      mk(
        'aliases',
        fc
          .record({
            k: n(2, 60),
            f: fc.constantFrom(
              'authInfo { clientId }',
              '__typename',
              'policies { total }',
              '__schema { queryType { name } }',
              'notificationSettings { notificationServiceType }',
            ),
          })
          .map(({ k, f }) => `{ ${Array.from({ length: k }, (_, i) => `a${i}: ${f}`).join(' ')} }`),
      ),
      mk(
        'alias bulk mutation',
        fc
          .record({ k: n(2, 6), m: n(1, 20) })
          .map(
            ({ k, m }) =>
              `mutation { ${Array.from({ length: k }, (_, i) => `a${i}: upsertPolicies(inputs: [${Array.from({ length: m }, (_, j) => `{name: "Fuzz Alias ${i}-${j}"}`).join(', ')}]) { succeeded { key } }`).join(' ')} }`,
          ),
      ),
      mk(
        'deep dataset fields',
        n(1, 40).map((d) => `{ dataset(connectionKey: "fuzz_connection", fidesKey: "fuzz_dataset") { collections { ${deepFields(d)} } } }`),
      ),
      mk(
        'deep introspection',
        n(1, 40).map((d) => `{ __schema { types { fields { type { ${deepOfType(d)} } } } } }`),
      ),
      mk(
        'wide selection',
        n(10, 2_000).map((k) => `{ ${Array.from({ length: k }, (_, i) => `f${i}: __typename`).join(' ')} }`),
      ),
      mk(
        'fragment bomb',
        n(1, 10).map(
          (k) =>
            `{ ...F0 } ${Array.from({ length: k }, (_, i) => `fragment F${i} on Query { ${i + 1 < k ? `...F${i + 1} a${i}: __typename b${i}: authInfo { ...A${i} }` : 'authInfo { clientId }'} } fragment A${i} on AuthInfo { clientId }`).join(' ')}`,
        ),
      ),
      mk('fragment cycle', fc.constant('{ ...A } fragment A on Query { ...B } fragment B on Query { ...A }')),
      mk(
        'unclosed braces',
        n(1, 5_000).map((d) => `${'{ a'.repeat(d)}`),
      ),
      mk(
        'deep list literal',
        fc
          .record({ d: n(1, 5_000), shape: fc.constantFrom<'array' | 'object'>('array', 'object') })
          .map(({ d, shape }) => `{ policy(key: ${shape === 'array' ? '['.repeat(d) + ']'.repeat(d) : '{a: '.repeat(d) + '1' + '}'.repeat(d)}) { key } }`),
      ),
      mk(
        'deep variable',
        fc.constant('mutation($inputs: [PolicyInput!]!) { upsertPolicies(inputs: $inputs) { succeeded { key } } }'),
        deepNesting.map((raw: Raw): [string, J][] => [['inputs', raw]]),
      ),
      mk(
        'directives',
        n(1, 300).map((k) => `{ __typename ${'@include(if: true) '.repeat(k)}}`),
      ),
      mk(
        'many operations',
        n(2, 200).map((k) => Array.from({ length: k }, (_, i) => `query Q${i} { __typename }`).join(' ')),
      ),
      mk(
        'introspection by name',
        hostileString().map((s) => `{ __type(name: ${JSON.stringify(s)}) { name fields { name } } }`),
      ),
      mk(
        'long string literal',
        longString.map((s) => `{ policy(key: ${JSON.stringify(s)}) { key } }`),
      ),
      mk(
        'syntax garbage',
        fc
          .oneof(
            hostileString(),
            fc.constantFrom(
              '',
              '{',
              '}',
              'query',
              'mutation {}',
              '{ __proto__ }',
              'subscription { x }',
              '{ a(b: $) }',
              '"""',
              '#',
              '\u0000',
              '{ policy(key: "\\uD800") { key } }',
            ),
          )
          .map((s) => s),
      ),
    );
  }
}

type Transport = 'post' | 'post-odd-type' | 'get' | 'batch' | 'variables-as-text' | 'no-query' | 'deep-extensions';
const transportArb = fc.oneof(
  { arbitrary: fc.constant<Transport>('post'), weight: 40 },
  { arbitrary: fc.constantFrom<Transport>('post-odd-type', 'get', 'batch', 'variables-as-text', 'no-query', 'deep-extensions'), weight: 4 },
);

function graphqlRequest(
  operation: string,
  query: string,
  variables: [string, J][],
  operationName: string | undefined,
  transport: Transport,
  auth: FuzzRequest['auth'],
  headers: [string, string][],
  notes: string[],
  root: Root,
): FuzzRequest {
  const entries: [string, J][] = [
    ['query', query],
    ['variables', new Obj(variables)],
  ];
  if (operationName) entries.push(['operationName', operationName]);
  const post = (body: string, type = 'application/json'): FuzzRequest => ({
    kind: 'graphql',
    operation,
    method: 'POST',
    path: '/graphql',
    headers: [...headers, ['content-type', type]],
    body: Buffer.from(body),
    auth,
    notes: [...notes, ...(transport === 'post' ? [] : [`transport ${transport}`])],
  });
  switch (transport) {
    case 'post':
      return post(toJson(new Obj(entries)));
    case 'post-odd-type':
      return post(toJson(new Obj(entries)), root === 'mutation' ? 'text/plain' : 'application/graphql');
    case 'get': {
      const params = [`query=${percentEncode(query)}`, `variables=${percentEncode(toJson(new Obj(variables)))}`];
      if (operationName) params.push(`operationName=${percentEncode(operationName)}`);
      // Apollo's CSRF prevention wants a preflight-forcing header on GET.
      return { ...post(''), method: 'GET', path: `/graphql?${params.join('&')}`, headers: [...headers, ['apollo-require-preflight', 'true']], body: undefined };
    }
    case 'batch':
      return post(`[${toJson(new Obj(entries))},${toJson(new Obj(entries))}]`);
    case 'variables-as-text':
      return post(
        toJson(
          new Obj([
            ['query', query],
            ['variables', toJson(new Obj(variables))],
          ]),
        ),
      );
    case 'no-query':
      return post(
        toJson(
          new Obj([
            ['variables', new Obj(variables)],
            ['operationName', new Enum('x')],
          ]),
        ),
      );
    case 'deep-extensions':
      return post(toJson(new Obj([...entries, ['extensions', new Raw(`${'{"a":'.repeat(3000)}1${'}'.repeat(3000)}`, '', 'deep extensions')]])));
  }
}
