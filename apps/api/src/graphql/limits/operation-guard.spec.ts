import { describe, expect, it } from '@jest/globals';
import { buildSchema } from 'graphql';
import type { GraphQLLimits } from '../../../../../libs/runtime/src/index.js';
import { limitRules } from './document-rules.js';
import { screenDocument, ScreenedDocuments, type Screened } from './operation-guard.js';

const schema = buildSchema(`
  type Invoice { id: ID number: String }
  type InvoiceEdge { node: Invoice }
  type InvoiceConnection { edges: [InvoiceEdge] }
  type Query { invoice(id: ID!): Invoice invoices(first: Int = 20): InvoiceConnection }
`);

const limits: GraphQLLimits = {
  maxDepth: 4,
  maxAliases: 2,
  maxDirectives: 5,
  maxTokens: 1_000,
  maxCost: 100,
  maxFields: 50,
  maxDocumentBytes: 10_000,
  webSocketMaxMessageBytes: 100_000,
  maxSubscriptionsPerConnection: 5,
  maxSubscriptionsPerKey: 10,
};
const rules = limitRules(limits);

function codesOf(screened: Screened): string[] {
  if ('refusal' in screened) return screened.refusal.map((error) => String(error.extensions.code));
  return 'syntaxError' in screened ? ['syntax'] : [];
}

describe('screenDocument with remembered documents', () => {
  it('checks the cost on every request, with its own variables, though the text was screened before', () => {
    const documents = new ScreenedDocuments();
    const query = 'query Page($n: Int) { invoices(first: $n) { edges { node { id } } } }';
    const first = screenDocument(limits, schema, { query, variables: { n: 5 } }, rules, documents);
    expect(codesOf(first)).toEqual([]);
    expect(documents.get(query)).toBe((first as { document: unknown }).document);
    expect(codesOf(screenDocument(limits, schema, { query, variables: { n: 90 } }, rules, documents))).toEqual(['QUERY_TOO_COMPLEX']);
    expect(codesOf(screenDocument(limits, schema, { query, variables: { n: 5 } }, rules, documents))).toEqual([]);
  });

  it('remembers no document that was refused or did not parse, so it is refused every time', () => {
    const documents = new ScreenedDocuments();
    const manyAliases = '{ invoices { edges { node { id number } } } a: invoice(id: "1") { id } b: invoice(id: "2") { id } c: invoice(id: "3") { id } }';
    for (let attempt = 0; attempt < 2; attempt += 1) {
      expect(codesOf(screenDocument(limits, schema, { query: manyAliases }, rules, documents))).toEqual(['TOO_MANY_ALIASES']);
      expect(codesOf(screenDocument(limits, schema, { query: '{ invoice(' }, rules, documents))).toEqual(['syntax']);
    }
    expect(documents.get(manyAliases)).toBeUndefined();
    expect(documents.get('{ invoice(')).toBeUndefined();
  });

  it('stays within its bounds: past them it starts again', () => {
    const documents = new ScreenedDocuments(3, 1_000);
    const queries = Array.from({ length: 4 }, (_, index) => `{ invoice(id: "${index}") { id } }`);
    for (const query of queries) expect(codesOf(screenDocument(limits, schema, { query }, rules, documents))).toEqual([]);
    expect(queries.map((query) => documents.get(query) !== undefined)).toEqual([false, false, false, true]);
    const long = `{ invoice(id: "${'x'.repeat(2_000)}") { id } }`;
    expect(codesOf(screenDocument(limits, schema, { query: long }, rules, documents))).toEqual([]);
    expect(documents.get(long)).toBeUndefined();
  });
});
