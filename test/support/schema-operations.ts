import {
  buildClientSchema,
  getIntrospectionQuery,
  getNamedType,
  isEnumType,
  isInputObjectType,
  isLeafType,
  isListType,
  isNonNullType,
  isObjectType,
  isScalarType,
  type GraphQLArgument,
  type GraphQLField,
  type GraphQLInputField,
  type GraphQLInputType,
  type GraphQLObjectType,
  type GraphQLOutputType,
  type GraphQLSchema,
  type IntrospectionQuery,
} from 'graphql';
import { postGraphQL, requireData } from './graphql-http.client.js';

/**
 * Valid-looking GraphQL documents for every root field of a live schema, generated from its introspection: each
 * required argument (and input field) is filled from its type, ids come from a caller's resolver (which knows what a
 * name such as `invoiceId` or `paymentMethodId` points at), and the selection is `__typename` plus the leaf fields
 * of the return type, a few levels deep. Used by the role matrix to call every operation the API exposes.
 */

export type RootKind = 'query' | 'mutation' | 'subscription';

export interface RootOperation {
  readonly kind: RootKind;
  readonly field: string;
}

export interface GeneratedOperation extends RootOperation {
  /** `<kind> <name>(<variable definitions>) { <body> }` */
  readonly document: string;
  readonly name: string;
  /** The variable definitions with their parentheses, or '' when there are none. */
  readonly header: string;
  /** The root field's call and its selection, to be placed in another document (behind an alias, in a fragment). */
  readonly body: string;
  readonly variables: Record<string, unknown>;
}

/**
 * What an id-like argument or input field should carry. `name` is the argument or field name, `scope` the root
 * field and the input type it sits in (e.g. `revokeApiKey ApiKeyIdInput`); undefined means "not an id I know".
 */
export type IdResolver = (name: string, scope: string) => string | undefined;

/** The live schema, introspected over HTTP with this key. */
export async function introspectLiveSchema(url: string, apiKey: string): Promise<GraphQLSchema> {
  const response = await postGraphQL<IntrospectionQuery>(url, { query: getIntrospectionQuery(), apiKey });
  return buildClientSchema(requireData(response, 'introspection'));
}

/** Every root field of the schema, by kind, in schema order. */
export function rootOperations(schema: GraphQLSchema): RootOperation[] {
  const operations: RootOperation[] = [];
  for (const kind of ['query', 'mutation', 'subscription'] as const) {
    const type = rootTypeOf(schema, kind);
    for (const field of Object.keys(type?.getFields() ?? {})) operations.push({ kind, field });
  }
  return operations;
}

/** How deep the selection goes below the root field: enough for a connection's edges { node { leaves } }. */
const SELECTION_DEPTH = 3;
/** Input objects nest little in this API; a bound keeps a recursive input type from looping. */
const INPUT_DEPTH_MAX = 6;

const DATE = '2026-03-02';
const DATE_TIME = '2026-03-02T09:00:00.000Z';

/** Text arguments whose name says what they hold; the rest get a neutral word. */
const TEXT_BY_NAME: Readonly<Record<string, string>> = {
  currency: 'USD',
  base: 'USD',
  from: 'USD',
  quote: 'EUR',
  to: 'EUR',
  reportingCurrency: 'EUR',
  defaultCurrency: 'USD',
  locale: 'en-US',
  jurisdiction: 'FR',
  country: 'FR',
  email: 'role-matrix@example.com',
  url: 'https://example.com/role-matrix',
  timeZone: 'Europe/Paris',
  gatewayToken: 'tok_role_matrix',
  last4: '4242',
  postalCode: '75001',
  city: 'Paris',
};

/** An optional field is still sent when it names an id: that is what a cross-tenant caller would try. */
function isIdName(name: string): boolean {
  return name === 'id' || name.endsWith('Id') || name === 'streams';
}

export class OperationGenerator {
  private sequence = 0;

  constructor(
    private readonly schema: GraphQLSchema,
    private readonly ids: IdResolver,
  ) {}

  /** A document calling `field` with every required argument (and the optional id-like ones) as variables. */
  generate(operation: RootOperation): GeneratedOperation {
    const root = rootTypeOf(this.schema, operation.kind);
    const field = root?.getFields()[operation.field] as GraphQLField<unknown, unknown> | undefined;
    if (!field) throw new Error(`the schema has no ${operation.kind} field ${operation.field}`);
    const variables: Record<string, unknown> = {};
    const definitions: string[] = [];
    const argumentsSent: string[] = [];
    for (const argument of field.args) {
      const value = this.argumentValue(argument, operation.field);
      if (value === undefined) continue;
      variables[argument.name] = value;
      definitions.push(`$${argument.name}: ${String(argument.type)}`);
      argumentsSent.push(`${argument.name}: $${argument.name}`);
    }
    const header = definitions.length > 0 ? `(${definitions.join(', ')})` : '';
    const call = argumentsSent.length > 0 ? `${operation.field}(${argumentsSent.join(', ')})` : operation.field;
    const name = `RoleMatrix_${operation.field}`;
    const body = `${call}${selectionOf(field.type, SELECTION_DEPTH)}`;
    return { ...operation, document: `${operation.kind} ${name}${header} { ${body} }`, name, header, body, variables };
  }

  private argumentValue(argument: GraphQLArgument, rootField: string): unknown {
    const required = isNonNullType(argument.type) && argument.defaultValue === undefined;
    if (!required && !this.worthSending(argument.name, argument.type)) return undefined;
    return this.valueOf(argument.type, argument.name, rootField, 0);
  }

  /** Optional inputs sent anyway: ids, and lists or objects with an id field (payment allocations, filters by customer). */
  private worthSending(name: string, type: GraphQLInputType): boolean {
    if (isIdName(name)) return true;
    const named = getNamedType(type);
    if (!isInputObjectType(named)) return false;
    return Object.values(named.getFields()).some((field) => field.name.endsWith('Id'));
  }

  private valueOf(type: GraphQLInputType, name: string, scope: string, depth: number): unknown {
    const inner = isNonNullType(type) ? type.ofType : type;
    if (isListType(inner)) {
      if (name === 'streams') {
        const invoiceId = this.ids('invoiceId', scope);
        return invoiceId === undefined ? [] : [`invoice-${invoiceId}`];
      }
      return [this.valueOf(inner.ofType as GraphQLInputType, name, scope, depth + 1)];
    }
    if (isEnumType(inner)) {
      const first = inner.getValues()[0];
      if (!first) throw new Error(`enum ${inner.name} has no values`);
      return first.name;
    }
    if (isInputObjectType(inner)) {
      if (depth > INPUT_DEPTH_MAX) throw new Error(`input ${inner.name} nests deeper than ${INPUT_DEPTH_MAX}`);
      const value: Record<string, unknown> = {};
      for (const field of Object.values(inner.getFields()) as GraphQLInputField[]) {
        const required = isNonNullType(field.type) && field.defaultValue === undefined;
        if (!required && !this.worthSending(field.name, field.type)) continue;
        value[field.name] = this.valueOf(field.type, field.name, `${scope} ${inner.name}`, depth + 1);
      }
      return value;
    }
    if (isScalarType(inner)) return this.scalarValue(inner.name, name, scope);
    throw new Error(`cannot fill an argument of type ${String(type)}`);
  }

  private scalarValue(scalar: string, name: string, scope: string): unknown {
    switch (scalar) {
      case 'ID':
      case 'String': {
        const id = isIdName(name) ? this.ids(name, scope) : undefined;
        if (id !== undefined) return id;
        if (isIdName(name)) return `role-matrix-${name}`;
        if (name === 'reference' || name === 'gatewayReference') return `role-matrix-ref-${(this.sequence += 1)}`;
        return TEXT_BY_NAME[name] ?? 'role-matrix';
      }
      case 'Decimal':
        return '1.00';
      case 'Int':
        return 1;
      case 'Float':
        return 1;
      case 'Boolean':
        return false;
      case 'Date':
        return DATE;
      case 'DateTime':
        return DATE_TIME;
      case 'JSONObject':
        return {};
      default:
        throw new Error(`no generator for the scalar ${scalar} (argument ${name} in ${scope}): add one`);
    }
  }
}

function rootTypeOf(schema: GraphQLSchema, kind: RootKind): GraphQLObjectType | null | undefined {
  if (kind === 'query') return schema.getQueryType();
  return kind === 'mutation' ? schema.getMutationType() : schema.getSubscriptionType();
}

/** `__typename` and the leaf fields of `type`, and of the objects under it down to `depth` levels. */
function selectionOf(type: GraphQLOutputType, depth: number): string {
  const named = getNamedType(type);
  if (isLeafType(named)) return '';
  if (!isObjectType(named) || depth <= 0) return ' { __typename }';
  const parts = ['__typename'];
  for (const field of Object.values(named.getFields())) {
    if (field.args.some((argument) => isNonNullType(argument.type) && argument.defaultValue === undefined)) continue;
    if (isLeafType(getNamedType(field.type))) parts.push(field.name);
    else if (depth > 1) parts.push(`${field.name}${selectionOf(field.type, depth - 1)}`);
  }
  return ` { ${parts.join(' ')} }`;
}
