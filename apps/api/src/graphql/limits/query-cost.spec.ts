import { describe, expect, it } from '@jest/globals';
import { buildSchema, getOperationAST, parse } from 'graphql';
import { operationCost } from './query-cost.js';

const schema = buildSchema(`
  type Money { amount: String currency: String }
  type Line { id: ID description: String amount: Money }
  type Invoice { id: ID number: String total: Money lines: [Line] }
  type InvoiceEdge { cursor: String node: Invoice }
  type PageInfo { hasNextPage: Boolean }
  type InvoiceConnection { edges: [InvoiceEdge] pageInfo: PageInfo }
  type Query {
    invoice(id: ID!): Invoice
    invoices(first: Int = 20, after: String): InvoiceConnection
    taxRates: [Money]
  }
`);

function cost(query: string, variables?: Record<string, unknown>, operationName?: string): number {
  const document = parse(query);
  const operation = getOperationAST(document, operationName);
  if (!operation) throw new Error('no operation');
  return operationCost(schema, document, operation, variables).cost;
}

function fields(query: string): number {
  const document = parse(query);
  return operationCost(schema, document, getOperationAST(document)!, undefined).fields;
}

describe('operationCost', () => {
  it('counts every field once, __typename not at all', () => {
    expect(cost('{ invoice(id: "1") { id number total { amount currency } __typename } }')).toBe(6);
  });

  it('counts a page once per row it may return: first as a literal, a variable, a variable default or the argument default', () => {
    expect(cost('{ invoices(first: 100) { edges { node { id } } } }')).toBe(1 + 100 * 3);
    expect(cost('query Q($n: Int) { invoices(first: $n) { edges { node { id } } } }', { n: 7 })).toBe(1 + 7 * 3);
    expect(cost('query Q($n: Int = 50) { invoices(first: $n) { edges { node { id } } } }')).toBe(1 + 50 * 3);
    expect(cost('{ invoices { edges { node { id } } } }')).toBe(1 + 20 * 3);
  });

  it('never counts a page above 100 rows (the API refuses more) or below 1; a variable that is no Int counts as absent (the operation is refused anyway)', () => {
    expect(cost('{ invoices(first: 100000) { pageInfo { hasNextPage } } }')).toBe(1 + 100 * 2);
    expect(cost('{ invoices(first: -5) { pageInfo { hasNextPage } } }')).toBe(1 + 1 * 2);
    expect(cost('query Q($n: Int) { invoices(first: $n) { pageInfo { hasNextPage } } }', { n: 'many' })).toBe(1 + 20 * 2);
  });

  it('adds aliases up: the reported 1,000 x invoices(first: 100) costs 301,000', () => {
    const query = `{ ${Array.from({ length: 1_000 }, (_, index) => `i${index}: invoices(first: 100) { edges { node { id } } }`).join(' ')} }`;
    expect(cost(query)).toBe(1_000 * 301);
  });

  it('counts a fragment at every spread, computing it once: fragments spread into each other 2^40 times stay instant', () => {
    const fragments = ['fragment F0 on Query { taxRates { amount } }'];
    for (let level = 1; level <= 40; level += 1) fragments.push(`fragment F${level} on Query { ...F${level - 1} ...F${level - 1} }`);
    const started = performance.now();
    expect(cost(`{ ...F40 } ${fragments.join(' ')}`)).toBe(2 ** 40 * 2);
    expect(performance.now() - started).toBeLessThan(100);
  });

  it('follows inline fragments and does not loop on a fragment cycle (validation refuses it)', () => {
    expect(cost('{ ... on Query { invoice(id: "1") { id } } }')).toBe(2);
    expect(cost('{ ...A } fragment A on Query { invoice(id: "1") { id } ...B } fragment B on Query { ...A }')).toBe(2);
  });

  it('counts the fields selected, __typename included, fragments at every spread, pages once', () => {
    expect(fields('{ invoices(first: 100) { edges { node { id __typename } } } }')).toBe(5);
    expect(fields(`{ ${'taxRates { amount } '.repeat(249)}}`)).toBe(498);
    expect(fields('{ ...A ...A } fragment A on Query { taxRates { amount } }')).toBe(4);
  });

  it('costs the operation that runs, not the others of the document', () => {
    expect(cost('query A { invoice(id: "1") { id } } query B { invoices(first: 100) { edges { node { id } } } }', undefined, 'A')).toBe(2);
  });
});
