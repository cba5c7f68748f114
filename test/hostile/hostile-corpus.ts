import fc from 'fast-check';
import { initFrame, subscribeFrame, type Frame } from './raw-websocket.js';

/**
 * The hostile corpus: documents and requests generated from fixed seeds (fast-check's sampler), so that every run
 * sends the same ones. Each case says which answers are acceptable: the codes of a refusal, `OK` for a result,
 * `close:<code>` for a WebSocket the server closed, `HTTP:<status>` where the body has no code.
 */

/** A GraphQL request, sent over HTTP (POST, JSON) and over WebSocket (a subscribe message). */
export interface DocumentCase {
  readonly category: string;
  readonly name: string;
  readonly query: string;
  readonly variables?: unknown;
  readonly operationName?: unknown;
  readonly expect: readonly string[];
  /** Only over one transport (a subscription is refused over HTTP and runs over WebSocket). */
  readonly only?: 'http' | 'websocket';
  readonly wsExpect?: readonly string[];
}

export interface HttpCase {
  readonly category: string;
  readonly name: string;
  readonly method: 'GET' | 'POST';
  /** Relative to the server root, e.g. /graphql or /receipts/x.pdf. */
  readonly path: string;
  readonly headers?: Record<string, string>;
  readonly body?: string | Buffer;
  /** `admin` sends the admin key, `none` no Authorization header, anything else is sent as the header itself. */
  readonly auth: 'admin' | 'none' | { readonly header: string };
  readonly expect: readonly string[];
}

export type WebSocketCase =
  | { readonly category: string; readonly name: string; readonly kind: 'frames'; readonly init: Frame | 'admin' | undefined; readonly frames: readonly Frame[]; readonly waitForAck?: boolean; readonly operations?: number; readonly protocol?: string | null; readonly expect: readonly string[] }
  | { readonly category: string; readonly name: string; readonly kind: 'oversized'; readonly bytes: number; readonly authenticated: boolean; readonly expect: readonly string[] };

/** Refused by the API with a stable code: anything but a result or an internal error. */
export const REFUSED = ['VALIDATION_FAILED', 'NOT_FOUND', 'FORBIDDEN', 'UNAUTHENTICATED'] as const;

const sample = <T>(arbitrary: fc.Arbitrary<T>, seed: number, count: number): T[] => fc.sample(arbitrary, { seed, numRuns: count });

const INVOICE_NODE = 'id number customerId status currency lines { id description quantity unitPrice taxRate amount { amount currency } taxAmount { amount currency } } subtotal { amount currency } taxTotal { amount currency } total { amount currency } amountPaid { amount currency } balanceDue { amount currency } payments { paymentId method reference amount { amount currency } } paymentTermsDays issueDate issuedAt dueDate voidedAt voidReason';
const CHEAP_FIELDS = ['taxRates { id }', 'customerBalance(customerId: "c") { customerId }', 'invoice(id: "x") { id }', 'billingSettings { settings { tenant { timeZone } } }', 'customers(first: 1) { edges { cursor } }'];

/** Strings no identifier should be: each is either refused or simply finds nothing. */
const HOSTILE_IDS = [
  '',
  ' ',
  '../../etc/passwd',
  "' OR 1=1 --",
  '"; drop table event_store.events; --',
  '%00',
  '\u202Eevil',
  'a\nb',
  '\t',
  '💸💸💸',
  'ｉｎｖｏｉｃｅ',
  'invoice-00000000-0000-0000-0000-000000000000',
  'x'.repeat(300),
  'y'.repeat(5_000),
  '\\u0000',
  '${jndi:ldap://x}',
  '<script>alert(1)</script>',
  'null',
  'undefined',
  '0',
  '-1',
  '1e309',
];
const NUL_IDS = ['\u0000', 'a\u0000b', 'inv\u0000oice', '\u0000'.repeat(50)];
const SURROGATE_IDS = ['\ud800', 'a\udfffb', '\udc00\ud800', 'x\ud83d'];

export function documentCases(): DocumentCase[] {
  const cases: DocumentCase[] = [];
  const add = (item: DocumentCase) => cases.push(item);

  // Depth: unknown fields nested past the limit, and a real chain through introspection (__type ... ofType).
  for (const depth of sample(fc.integer({ min: 13, max: 900 }), 101, 20)) {
    add({ category: 'depth', name: `nested unknown fields x${depth}`, query: `{ ${'a { '.repeat(depth)}b${' }'.repeat(depth)} }`, expect: ['QUERY_TOO_DEEP', 'TOO_MANY_TOKENS'] });
  }
  for (const depth of sample(fc.integer({ min: 11, max: 400 }), 102, 15)) {
    add({ category: 'depth', name: `__type ofType chain x${depth}`, query: `{ __type(name: "Invoice") { fields { type { ${'ofType { '.repeat(depth)}name${' }'.repeat(depth)} } } } }`, expect: ['QUERY_TOO_DEEP', 'TOO_MANY_TOKENS'] });
  }
  for (const depth of sample(fc.integer({ min: 13, max: 200 }), 103, 5)) {
    add({ category: 'depth', name: `inline fragments and fields x${depth}`, query: `{ ${'invoices { ... on InvoiceConnection { '.repeat(depth)}pageInfo { hasNextPage }${' } }'.repeat(depth)} }`, expect: ['QUERY_TOO_DEEP', 'TOO_MANY_TOKENS', 'VALIDATION_FAILED'] });
  }

  // Aliases: many names for cheap fields, and the reported attack (1,000 x invoices(first: 100)).
  for (const count of sample(fc.integer({ min: 31, max: 1_500 }), 201, 30)) {
    const fields = Array.from({ length: count }, (_, index) => `a${index}: ${CHEAP_FIELDS[index % CHEAP_FIELDS.length]}`);
    add({ category: 'aliases', name: `${count} aliases`, query: `{ ${fields.join(' ')} }`, expect: ['TOO_MANY_ALIASES', 'TOO_MANY_TOKENS', 'DOCUMENT_TOO_LARGE'] });
  }
  for (const count of [31, 100, 200, 1_000]) {
    add({ category: 'aliases', name: `${count} x invoices(first: 100)`, query: `{ ${Array.from({ length: count }, (_, index) => `i${index}: invoices(first: 100) { edges { node { id } } }`).join(' ')} }`, expect: ['TOO_MANY_ALIASES', 'TOO_MANY_TOKENS', 'DOCUMENT_TOO_LARGE'] });
  }
  for (const count of sample(fc.integer({ min: 31, max: 400 }), 202, 6)) {
    add({ category: 'aliases', name: `${count} aliases of __typename inside a field`, query: `{ invoices { ${Array.from({ length: count }, (_, index) => `p${index}: pageInfo { hasNextPage }`).join(' ')} } }`, expect: ['TOO_MANY_ALIASES', 'TOO_MANY_TOKENS'] });
  }

  // Cost: big pages under the alias limit, `first` as a literal, a variable or a variable's default.
  for (const [pages, first] of sample(fc.tuple(fc.integer({ min: 4, max: 9 }), fc.integer({ min: 60, max: 100 })), 301, 25)) {
    const fields = Array.from({ length: pages }, (_, index) => `p${index}: invoices(first: ${first}) { edges { cursor node { ${INVOICE_NODE} } } }`);
    add({ category: 'cost', name: `${pages} pages of ${first} invoices`, query: `{ ${fields.join(' ')} }`, expect: ['QUERY_TOO_COMPLEX'] });
  }
  for (const pages of sample(fc.integer({ min: 3, max: 9 }), 302, 10)) {
    const fields = Array.from({ length: pages }, (_, index) => `p${index}: invoices(first: $n) { edges { node { ${INVOICE_NODE} } } }`);
    add({ category: 'cost', name: `${pages} pages, first from a variable`, query: `query Pages($n: Int) { ${fields.join(' ')} }`, variables: { n: 100 }, expect: ['QUERY_TOO_COMPLEX'] });
    add({ category: 'cost', name: `${pages} pages, first from a variable default`, query: `query Pages($n: Int = 100) { ${fields.join(' ')} }`, expect: ['QUERY_TOO_COMPLEX'] });
  }
  for (const pages of sample(fc.integer({ min: 10, max: 30 }), 303, 5)) {
    add({ category: 'cost', name: `${pages} default-size pages of every field`, query: `{ ${Array.from({ length: pages }, (_, index) => `p${index}: invoices { edges { node { ${INVOICE_NODE} } } }`).join(' ')} }`, expect: ['QUERY_TOO_COMPLEX', 'TOO_MANY_TOKENS'] });
  }

  // Fields: one field selected hundreds of times (graphql-js compares the copies pairwise), directly or by fragments.
  for (const count of sample(fc.integer({ min: 126, max: 249 }), 311, 12)) {
    add({ category: 'fields', name: `${count} x taxRates { id }`, query: `{ ${'taxRates { id } '.repeat(count)}}`, expect: ['QUERY_TOO_COMPLEX'] });
  }
  for (const count of sample(fc.integer({ min: 251, max: 998 }), 312, 8)) {
    add({ category: 'fields', name: `${count} x __typename`, query: `{ ${'__typename '.repeat(count)}}`, expect: ['QUERY_TOO_COMPLEX'] });
  }
  for (const [fragmentCount, extra] of sample(fc.tuple(fc.integer({ min: 2, max: 20 }), fc.integer({ min: 0, max: 3 })), 313, 10)) {
    const copies = Math.ceil(130 / fragmentCount) + extra; // over 250 fields in all, under 1,000 tokens
    const fragments = Array.from({ length: fragmentCount }, (_, index) => `fragment T${index} on Query { ${'taxRates { id } '.repeat(copies)}}`);
    add({ category: 'fields', name: `${fragmentCount} fragments of ${copies} x taxRates`, query: `{ ${fragments.map((_, index) => `...T${index}`).join(' ')} } ${fragments.join(' ')}`, expect: ['QUERY_TOO_COMPLEX'] });
  }

  // Fragments: cycles, spreads that explode, and broken definitions.
  for (const length of sample(fc.integer({ min: 1, max: 60 }), 401, 20)) {
    const fragments = Array.from({ length }, (_, index) => `fragment F${index} on Query { ...F${(index + 1) % length} }`);
    add({ category: 'fragments', name: `cycle of ${length}`, query: `query { ...F0 } ${fragments.join(' ')}`, expect: ['VALIDATION_FAILED'] });
  }
  for (const [fan, extra] of sample(fc.tuple(fc.integer({ min: 2, max: 10 }), fc.integer({ min: 0, max: 12 })), 402, 25)) {
    const levels = Math.ceil(Math.log(20_000) / Math.log(fan)) + extra;
    const fragments = [`fragment F0 on Query { taxRates { id name } }`];
    for (let level = 1; level <= levels; level += 1) fragments.push(`fragment F${level} on Query { ${`...F${level - 1} `.repeat(fan)}}`);
    add({ category: 'fragments', name: `explosion ${fan}^${levels} on Query`, query: `query { ...F${levels} } ${fragments.join(' ')}`, expect: ['QUERY_TOO_COMPLEX', 'TOO_MANY_TOKENS'] });
  }
  for (const [fan, levels] of sample(fc.tuple(fc.integer({ min: 2, max: 6 }), fc.integer({ min: 8, max: 30 })), 403, 15)) {
    const fragments = [`fragment N0 on Invoice { id number total { amount } }`];
    for (let level = 1; level <= levels; level += 1) fragments.push(`fragment N${level} on Invoice { ${`...N${level - 1} `.repeat(fan)}}`);
    add({ category: 'fragments', name: `explosion ${fan}^${levels} inside a page`, query: `{ invoices(first: 100) { edges { node { ...N${levels} } } } } ${fragments.join(' ')}`, expect: ['QUERY_TOO_COMPLEX', 'TOO_MANY_TOKENS'] });
  }
  for (const count of sample(fc.integer({ min: 1, max: 500 }), 404, 10)) {
    add({ category: 'fragments', name: `${count} unused fragments`, query: `{ __typename } ${Array.from({ length: count }, (_, index) => `fragment U${index} on Query { __typename }`).join(' ')}`, expect: ['VALIDATION_FAILED', 'TOO_MANY_TOKENS'] });
  }
  add({ category: 'fragments', name: 'unknown fragment', query: '{ ...Nowhere }', expect: ['VALIDATION_FAILED'] });
  add({ category: 'fragments', name: 'duplicate fragment names', query: '{ ...A } fragment A on Query { __typename } fragment A on Query { __typename }', expect: ['VALIDATION_FAILED'] });
  add({ category: 'fragments', name: 'fragment on a scalar', query: '{ ...A } fragment A on String { __typename }', expect: ['VALIDATION_FAILED'] });
  add({ category: 'fragments', name: 'spread of a fragment on an unrelated type', query: '{ ...A } fragment A on Invoice { id }', expect: ['VALIDATION_FAILED'] });

  // Tokens and directives.
  for (const count of sample(fc.integer({ min: 1_001, max: 16_000 }), 501, 20)) {
    add({ category: 'tokens', name: `${count} tokens`, query: `{ ${'a '.repeat(count)}}`, expect: ['TOO_MANY_TOKENS'] });
  }
  for (const count of sample(fc.integer({ min: 21, max: 1_000 }), 502, 15)) {
    add({ category: 'directives', name: `${count} x @skip on one field`, query: `{ __typename ${'@skip(if: false) '.repeat(count)}}`, expect: ['TOO_MANY_DIRECTIVES', 'TOO_MANY_TOKENS'] });
  }
  for (const count of sample(fc.integer({ min: 21, max: 600 }), 503, 10)) {
    add({ category: 'directives', name: `${count} unknown directives`, query: `{ __typename ${Array.from({ length: count }, (_, index) => `@d${index}`).join(' ')} }`, expect: ['TOO_MANY_DIRECTIVES', 'TOO_MANY_TOKENS'] });
  }
  for (const count of sample(fc.integer({ min: 21, max: 300 }), 504, 5)) {
    add({ category: 'directives', name: `${count} fields each @include`, query: `{ ${Array.from({ length: count }, () => 'taxRates @include(if: true) { id }').join(' ')} }`, expect: ['TOO_MANY_DIRECTIVES', 'TOO_MANY_TOKENS'] });
  }

  // Size: a small document padded (spaces, comments, a long string) past the document limit, under the body cap.
  for (const size of sample(fc.integer({ min: 33_000, max: 97_000 }), 601, 8)) {
    add({ category: 'size', name: `${size} bytes of spaces`, query: `{ __typename ${' '.repeat(size)}}`, expect: ['DOCUMENT_TOO_LARGE'] });
    add({ category: 'size', name: `${size} bytes in a comment`, query: `{ __typename }\n#${'c'.repeat(size)}`, expect: ['DOCUMENT_TOO_LARGE'] });
    add({ category: 'size', name: `${size} bytes in a string`, query: `{ invoice(id: "${'s'.repeat(size)}") { id } }`, expect: ['DOCUMENT_TOO_LARGE'] });
  }

  // Text: NUL and lone surrogates in variables (anywhere), literals and names.
  const textValues = [...NUL_IDS, ...SURROGATE_IDS];
  for (const [value, where] of sample(fc.tuple(fc.constantFrom(...textValues), fc.integer({ min: 0, max: 5 })), 701, 40)) {
    const line = { description: 'Fibre', quantity: '1', unitPrice: '10.00', taxRate: '20' };
    const inputs: [string, string, Record<string, unknown>][] = [
      ['createInvoice', 'CreateInvoiceInput', { customerId: value, currency: 'USD', lines: [line] }],
      ['createInvoice', 'CreateInvoiceInput', { customerId: 'c-1', currency: 'USD', lines: [{ ...line, description: `Fibre ${value}` }] }],
      ['createInvoice', 'CreateInvoiceInput', { customerId: 'c-1', currency: 'USD', lines: [line], idempotencyKey: value }],
      ['voidInvoice', 'VoidInvoiceInput', { invoiceId: 'x', reason: value }],
      ['createInvoice', 'CreateInvoiceInput', { customerId: 'c-1', currency: value, lines: [line] }],
      ['issueInvoice', 'IssueInvoiceInput', { invoiceId: value }],
    ];
    const [field, type, input] = inputs[where]!;
    add({ category: 'text', name: `${field} with ${JSON.stringify(value)}`, query: `mutation M($input: ${type}!) { ${field}(input: $input) { position } }`, variables: { input }, expect: ['VALIDATION_FAILED'] });
  }
  for (const value of textValues) {
    add({ category: 'text', name: `query variable ${JSON.stringify(value)}`, query: 'query Q($id: ID!) { invoice(id: $id) { id } }', variables: { id: value }, expect: ['VALIDATION_FAILED'] });
    add({ category: 'text', name: `unused variable ${JSON.stringify(value)}`, query: '{ __typename }', variables: { [`k${value}`]: [value] }, expect: ['VALIDATION_FAILED'] });
    add({ category: 'text', name: `operationName ${JSON.stringify(value)}`, query: 'query Q { __typename }', operationName: value, expect: ['VALIDATION_FAILED'] });
  }
  for (const escape of ['\\u0000', 'a\\u0000b', '\\ud800', '\\udc00x', '\\u{0}', '\\uD83D']) {
    add({ category: 'text', name: `literal "${escape}"`, query: `{ invoice(id: "${escape}") { id } }`, expect: ['VALIDATION_FAILED'] });
    add({ category: 'text', name: `mutation literal "${escape}"`, query: `mutation { voidInvoice(input: { invoiceId: "x", reason: "${escape}" }) { position } }`, expect: ['VALIDATION_FAILED'] });
  }
  add({ category: 'text', name: 'a raw NUL in the document', query: '{ __typename \u0000 }', expect: ['VALIDATION_FAILED'] });
  add({ category: 'text', name: 'a raw lone surrogate in a string', query: '{ invoice(id: "\ud800") { id } }', expect: ['VALIDATION_FAILED'] });
  add({ category: 'text', name: 'a block string with NUL', query: '{ invoice(id: """a\u0000b""") { id } }', expect: ['VALIDATION_FAILED'] });

  // Operations: which one to run.
  for (const name of sample(fc.string({ minLength: 1, maxLength: 40 }), 801, 10)) {
    add({ category: 'operations', name: `unknown operationName ${JSON.stringify(name)}`, query: 'query A { __typename } query B { __typename }', operationName: `Z${name}`, expect: ['VALIDATION_FAILED'] });
  }
  for (const count of [2, 3, 10, 50]) {
    add({ category: 'operations', name: `${count} anonymous operations`, query: Array.from({ length: count }, () => '{ __typename }').join(' '), expect: ['VALIDATION_FAILED'] });
    add({ category: 'operations', name: `${count} named operations, no operationName`, query: Array.from({ length: count }, (_, index) => `query Q${index} { __typename }`).join(' '), expect: ['VALIDATION_FAILED'] });
  }
  add({ category: 'operations', name: 'operationName of the wrong type', query: 'query A { __typename }', operationName: 42, expect: ['VALIDATION_FAILED', 'close:4400'] });
  add({ category: 'operations', name: 'an empty document', query: '', expect: ['VALIDATION_FAILED'] });
  add({ category: 'operations', name: 'only a comment', query: '# nothing', expect: ['VALIDATION_FAILED'] });
  add({ category: 'operations', name: 'a type definition', query: 'type Evil { a: String }', expect: ['VALIDATION_FAILED'] });
  add({ category: 'operations', name: 'a subscription', query: 'subscription { billingEvents(types: ["none"]) { position } }', expect: ['VALIDATION_FAILED'], only: 'http' });
  add({ category: 'operations', name: 'a subscription among queries', query: 'query A { __typename } subscription S { billingEvents { position } }', operationName: 'S', expect: ['VALIDATION_FAILED'], only: 'http' });
  add({ category: 'operations', name: 'a mutation with no fields', query: 'mutation { }', expect: ['VALIDATION_FAILED'] });

  // Identifiers: hostile ids find nothing (queries) and change nothing (commands on documents that do not exist).
  for (const id of HOSTILE_IDS) {
    const variables = { id };
    add({ category: 'identifiers', name: `invoice(${JSON.stringify(id.slice(0, 20))})`, query: 'query Q($id: ID!) { invoice(id: $id) { id } payment(id: $id) { id } creditNote(id: $id) { id } receipt(id: $id) { id } }', variables, expect: ['OK', ...REFUSED] });
  }
  const commands: [string, string, (id: string) => Record<string, unknown>][] = [
    ['issueInvoice', 'IssueInvoiceInput', (id) => ({ invoiceId: id })],
    ['voidInvoice', 'VoidInvoiceInput', (id) => ({ invoiceId: id, reason: 'hostile' })],
    ['writeOffInvoice', 'WriteOffInvoiceInput', (id) => ({ invoiceId: id, reason: 'hostile' })],
    ['removeInvoiceLine', 'RemoveInvoiceLineInput', (id) => ({ invoiceId: id, lineId: id })],
    ['issueCreditNote', 'IssueCreditNoteInput', (id) => ({ creditNoteId: id })],
    ['voidCreditNote', 'VoidCreditNoteInput', (id) => ({ creditNoteId: id, reason: 'hostile' })],
    ['cancelPayment', 'CancelPaymentInput', (id) => ({ paymentId: id, reason: 'hostile' })],
    ['retryPayment', 'RetryPaymentInput', (id) => ({ paymentId: id })],
    ['refundPayment', 'RefundPaymentInput', (id) => ({ paymentId: id, amount: '1.00', method: 'ORIGINAL_PAYMENT', reason: 'hostile' })],
    ['markPaymentSucceeded', 'MarkPaymentSucceededInput', (id) => ({ paymentId: id })],
    ['verifyPaymentMethod', 'VerifyPaymentMethodInput', (id) => ({ paymentMethodId: id })],
    ['deactivatePaymentMethod', 'DeactivatePaymentMethodInput', (id) => ({ paymentMethodId: id })],
  ];
  const payloadOf: Record<string, string> = { issueCreditNote: 'position', voidCreditNote: 'position', cancelPayment: 'position', retryPayment: 'position', refundPayment: 'position', markPaymentSucceeded: 'position', verifyPaymentMethod: 'position', deactivatePaymentMethod: 'position' };
  for (const [index, id] of [...HOSTILE_IDS, ...sample(fc.string({ unit: 'binary', minLength: 1, maxLength: 60 }), 901, 20)].entries()) {
    const [field, type, input] = commands[index % commands.length]!;
    add({ category: 'identifiers', name: `${field}(${JSON.stringify(id.slice(0, 20))})`, query: `mutation M($input: ${type}!) { ${field}(input: $input) { ${payloadOf[field] ?? 'position'} } }`, variables: { input: input(id) }, expect: [...REFUSED] });
  }
  return cases;
}

const GRAPHQL = '/graphql';
const json = (value: unknown) => JSON.stringify(value);
const post = (category: string, name: string, body: string | Buffer, expect: readonly string[], headers: Record<string, string> = {}, auth: HttpCase['auth'] = 'admin'): HttpCase => ({
  category,
  name,
  method: 'POST',
  path: GRAPHQL,
  headers: { 'content-type': 'application/json', ...headers },
  body: typeof body === 'string' ? Buffer.from(body) : body,
  auth,
  expect,
});

/** Requests only HTTP has: bodies, content types, batching, GET, persisted queries, keys, PDF paths. */
export function httpCases(): HttpCase[] {
  const cases: HttpCase[] = [];
  const add = (item: HttpCase) => cases.push(item);

  // Batching: JSON arrays (Apollo's batching is off).
  for (const count of sample(fc.integer({ min: 2, max: 3_000 }), 1_001, 40)) {
    add(post('batching', `batch of ${count} queries`, json(Array.from({ length: count }, () => ({ query: '{ __typename }' }))), ['VALIDATION_FAILED', 'DOCUMENT_TOO_LARGE']));
  }
  for (const count of sample(fc.integer({ min: 2, max: 200 }), 1_002, 10)) {
    const mutation = { query: 'mutation M($i: CreateInvoiceInput!) { createInvoice(input: $i) { position } }', variables: { i: { customerId: 'batch', currency: 'USD', lines: [{ description: 'x', quantity: '1', unitPrice: '1.00', taxRate: '0' }] } } };
    add(post('batching', `batch of ${count} mutations`, json(Array.from({ length: count }, () => mutation)), ['VALIDATION_FAILED', 'DOCUMENT_TOO_LARGE']));
  }
  add(post('batching', 'an empty array', '[]', ['VALIDATION_FAILED']));
  add(post('batching', 'nested arrays', '[[{"query":"{ __typename }"}]]', ['VALIDATION_FAILED']));

  // Huge bodies, over the 100 KB body cap or deeply nested under it.
  for (const size of sample(fc.integer({ min: 102_401, max: 8_000_000 }), 1_101, 24)) {
    add(post('huge-body', `${size} bytes of variables`, Buffer.from(json({ query: '{ __typename }', variables: { pad: 'p'.repeat(size) } })), ['DOCUMENT_TOO_LARGE']));
  }
  for (const size of [150_000, 1_000_000]) {
    add(post('huge-body', `${size} bytes of query`, Buffer.from(json({ query: `{ __typename ${' '.repeat(size)}}` })), ['DOCUMENT_TOO_LARGE']));
  }
  for (const depth of sample(fc.integer({ min: 100, max: 49_000 }), 1_102, 8)) {
    add(post('huge-body', `variables nested ${depth} deep`, `{"query":"query Q($x: [String]) { __typename }","variables":{"x":${'['.repeat(depth)}${']'.repeat(depth)}}}`, ['OK', 'VALIDATION_FAILED']));
    const objects = Math.ceil(depth / 6);
    add(post('huge-body', `an input nested ${objects} deep`, `{"query":"mutation M($i: CreateInvoiceInput!) { createInvoice(input: $i) { position } }","variables":{"i":${'{"lines":'.repeat(objects)}1${'}'.repeat(objects)}}}`, ['VALIDATION_FAILED']));
  }

  // Encodings and content types.
  const invalidUtf8 = [[0xff], [0xfe, 0xff], [0xc0, 0x80], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80], [0x80], [0xe2, 0x82], [0xf8, 0x88, 0x80, 0x80, 0x80]];
  for (const [index, bytes] of invalidUtf8.entries()) {
    const head = Buffer.from('{"query":"query Q($id: ID!) { invoice(id: $id) { id } }","variables":{"id":"a');
    const tail = Buffer.from('b"}}');
    add(post('encoding', `invalid UTF-8 #${index} in a variable`, Buffer.concat([head, Buffer.from(bytes), tail]), ['OK', 'VALIDATION_FAILED']));
    add(post('encoding', `invalid UTF-8 #${index} in the document`, Buffer.concat([Buffer.from('{"query":"{ invoice(id: \\"a'), Buffer.from(bytes), Buffer.from('\\") { id } }"}')]), ['OK', 'VALIDATION_FAILED']));
    add(post('encoding', `invalid UTF-8 #${index} in a mutation`, Buffer.concat([Buffer.from('{"query":"mutation { voidInvoice(input: { invoiceId: \\"nope'), Buffer.from(bytes), Buffer.from('\\", reason: \\"x\\" }) { position } }"}')]), ['VALIDATION_FAILED', 'NOT_FOUND']));
  }
  for (const garbage of sample(fc.uint8Array({ minLength: 1, maxLength: 400 }), 1_201, 25)) {
    add(post('encoding', `${garbage.length} random bytes`, Buffer.from(garbage), ['VALIDATION_FAILED']));
  }
  const valid = json({ query: '{ __typename }' });
  const contentTypes = ['text/plain', 'application/graphql', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/xml', 'application/json; charset=latin1', 'application/json; charset=utf-16', 'application/json; charset=nope', 'application/octet-stream', 'application/json, text/plain', '*/*', 'application/graphql-response+json'];
  for (const contentType of contentTypes) {
    add(post('content-type', `content-type "${contentType}"`, valid, ['OK', 'VALIDATION_FAILED'], { 'content-type': contentType }));
  }
  add(post('content-type', 'no content-type', valid, ['VALIDATION_FAILED'], { 'content-type': '' }));
  for (const encoding of ['gzip', 'deflate', 'br', 'compress', 'identity, gzip', 'x-nope']) {
    add(post('content-type', `content-encoding ${encoding} over plain bytes`, valid, ['VALIDATION_FAILED', 'OK'], { 'content-encoding': encoding }));
  }
  add(post('encoding', 'a UTF-8 byte-order mark', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(valid)]), ['OK', 'VALIDATION_FAILED']));
  add(post('encoding', 'UTF-16 JSON', Buffer.from(valid, 'utf16le'), ['VALIDATION_FAILED']));
  for (const body of ['', 'null', '"query"', '5', '{', '{"query":', '{"query": 5}', '{"query": null}', '{"query": ["{ __typename }"]}', '{"query": {}}', '{"query":"{ __typename }","variables":"x"}', '{"query":"{ __typename }","variables":[1]}', '{"query":"{ __typename }","extensions":"x"}', '{"query":"{ __typename }","operationName":{}}', '{"query":"{ __typename }"} trailing', '{"query":"{ __typename }","query":"{ __typename }"}', '{"__proto__":{"query":"{ __typename }"}}']) {
    add(post('json', `body ${JSON.stringify(body)}`, body, ['VALIDATION_FAILED', 'OK']));
  }

  // Persisted queries, GET, methods.
  for (const hash of sample(fc.stringMatching(/^[0-9a-f]{64}$/), 1_301, 8)) {
    add(post('persisted', `unknown hash ${hash.slice(0, 8)}`, json({ extensions: { persistedQuery: { version: 1, sha256Hash: hash } } }), ['PERSISTED_QUERY_NOT_FOUND']));
  }
  add(post('persisted', 'version 2', json({ extensions: { persistedQuery: { version: 2, sha256Hash: 'a'.repeat(64) } } }), ['VALIDATION_FAILED', 'PERSISTED_QUERY_NOT_FOUND']));
  add(post('persisted', 'a hash that does not match', json({ query: '{ __typename }', extensions: { persistedQuery: { version: 1, sha256Hash: 'b'.repeat(64) } } }), ['VALIDATION_FAILED']));
  add(post('persisted', 'a hash of the wrong type', json({ extensions: { persistedQuery: { version: 1, sha256Hash: 5 } } }), ['VALIDATION_FAILED', 'PERSISTED_QUERY_NOT_FOUND']));
  const get = (name: string, query: string, expect: readonly string[], headers: Record<string, string> = { 'apollo-require-preflight': 'true' }): HttpCase => ({ category: 'get', name, method: 'GET', path: `${GRAPHQL}?${query}`, headers, auth: 'admin', expect });
  add(get('a query', 'query=%7B__typename%7D', ['OK']));
  add(get('a mutation', `query=${encodeURIComponent('mutation { voidInvoice(input: { invoiceId: "x", reason: "y" }) { position } }')}`, ['VALIDATION_FAILED']));
  add(get('without a preflight header', 'query=%7B__typename%7D', ['VALIDATION_FAILED'], {}));
  add(get('variables that are not JSON', 'query=%7B__typename%7D&variables=%7B', ['VALIDATION_FAILED']));
  add(get('a NUL in the query string', 'query=%7B__typename%00%7D', ['VALIDATION_FAILED']));
  add(get('a bad percent escape', 'query=%zz', ['VALIDATION_FAILED', 'OK']));
  add(get('a persisted hash', `extensions=${encodeURIComponent(json({ persistedQuery: { version: 1, sha256Hash: 'c'.repeat(64) } }))}`, ['PERSISTED_QUERY_NOT_FOUND']));
  for (const method of ['PUT', 'DELETE', 'PATCH'] as const) {
    cases.push({ category: 'get', name: `method ${method}`, method: method as 'POST', path: GRAPHQL, headers: { 'content-type': 'application/json' }, body: valid, auth: 'admin', expect: ['HTTP:404', 'HTTP:405', 'VALIDATION_FAILED'] });
  }

  // Keys.
  const readQuery = json({ query: '{ invoices { edges { cursor } } }' });
  for (const header of ['', 'Bearer', 'Bearer ', 'Basic dXNlcjpwYXNz', `Bearer ${'k'.repeat(8_000)}`, 'Bearer \u00e9\u00e9', 'bearer nope-nope-nope-nope-nope', 'Token abc', 'Bearer a b c']) {
    add(post('keys', `Authorization ${JSON.stringify(header.slice(0, 24))}`, readQuery, ['UNAUTHENTICATED'], {}, { header }));
  }
  add(post('keys', 'no Authorization header', readQuery, ['UNAUTHENTICATED'], {}, 'none'));
  add(post('keys', 'no key, a mutation', json({ query: 'mutation { voidInvoice(input: { invoiceId: "x", reason: "y" }) { position } }' }), ['UNAUTHENTICATED'], {}, 'none'));

  // PDFs: hostile ids in the path, with and without a key.
  const pdfIds = ['a%00b', '%00', '%zz', '%ED%A0%80', '%C0%80', '..%2F..%2Fetc%2Fpasswd', 'x'.repeat(250), encodeURIComponent('y'.repeat(180)), encodeURIComponent('💸'), '%0A', encodeURIComponent("' or 1=1 --"), 'nope', '.', '%2E%2E', 'a%2Fb', 'a;b', encodeURIComponent('\u202E')];
  for (const documents of ['receipts', 'credit-notes']) {
    for (const id of pdfIds) {
      cases.push({ category: 'pdf', name: `${documents}/${id.slice(0, 20)}.pdf`, method: 'GET', path: `/${documents}/${id}.pdf`, auth: 'admin', expect: ['VALIDATION_FAILED', 'NOT_FOUND', 'HTTP:404'] });
    }
    cases.push({ category: 'pdf', name: `${documents} without a key`, method: 'GET', path: `/${documents}/a%00b.pdf`, auth: 'none', expect: ['UNAUTHENTICATED'] });
    cases.push({ category: 'pdf', name: `${documents} without .pdf`, method: 'GET', path: `/${documents}/a%00b`, auth: 'admin', expect: ['VALIDATION_FAILED', 'NOT_FOUND'] });
  }
  return cases;
}

/** Frames only a WebSocket has: huge frames before and after authentication, broken frames, protocol misuse. */
export function webSocketCases(apiKey: string): WebSocketCase[] {
  const cases: WebSocketCase[] = [];
  for (const bytes of [102_401, 150_000, 1_000_000, 8_000_000, 50_000_000]) {
    cases.push({ category: 'ws-huge-frame', name: `connection_init of ${bytes} bytes before authentication`, kind: 'oversized', bytes, authenticated: false, expect: ['close:1009'] });
    cases.push({ category: 'ws-huge-frame', name: `a message of ${bytes} bytes after authentication`, kind: 'oversized', bytes, authenticated: true, expect: ['close:1009'] });
  }
  for (const size of sample(fc.integer({ min: 102_401, max: 600_000 }), 1_401, 6)) {
    cases.push({ category: 'ws-huge-frame', name: `a real connection_init of ${size} bytes`, kind: 'frames', init: initFrame(apiKey, { pad: 'p'.repeat(size) }), frames: [], expect: ['close:1009'] });
    cases.push({ category: 'ws-huge-frame', name: `a real subscribe of ${size} bytes`, kind: 'frames', init: 'admin', frames: [subscribeFrame('1', { query: `{ __typename ${' '.repeat(size)}}` })], operations: 1, expect: ['close:1009'] });
  }
  for (const garbage of sample(fc.uint8Array({ minLength: 1, maxLength: 300 }), 1_402, 10)) {
    const bytes = Buffer.from(garbage);
    cases.push({ category: 'ws-frames', name: `${bytes.length} random bytes as text before init`, kind: 'frames', init: { text: bytes }, frames: [], expect: ['close:1007', 'close:4400'] });
    cases.push({ category: 'ws-frames', name: `${bytes.length} random bytes as binary after init`, kind: 'frames', init: 'admin', frames: [{ binary: bytes }], expect: ['close:4400'] });
  }
  for (const bytes of [[0xff], [0xc0, 0x80], [0xed, 0xa0, 0x80]]) {
    const frame = Buffer.concat([Buffer.from('{"type":"connection_init","payload":{"x":"'), Buffer.from(bytes), Buffer.from('"}}')]);
    cases.push({ category: 'ws-frames', name: `invalid UTF-8 ${bytes.map((byte) => byte.toString(16)).join(' ')} in connection_init`, kind: 'frames', init: { text: frame }, frames: [], expect: ['close:1007'] });
  }
  const ack = 'admin' as const;
  cases.push({ category: 'ws-protocol', name: 'subscribe before connection_init', kind: 'frames', init: undefined, frames: [subscribeFrame('1', { query: '{ __typename }' })], expect: ['close:4401'] });
  cases.push({ category: 'ws-protocol', name: 'a wrong key', kind: 'frames', init: initFrame('wrong-key-wrong-key-wrong-key'), frames: [], expect: ['close:4401', 'close:4403'] });
  cases.push({ category: 'ws-protocol', name: 'no key', kind: 'frames', init: initFrame(undefined), frames: [], expect: ['close:4401', 'close:4403'] });
  cases.push({ category: 'ws-protocol', name: 'a key of the wrong type', kind: 'frames', init: JSON.stringify({ type: 'connection_init', payload: { authorization: { evil: true } } }), frames: [], expect: ['close:4401', 'close:4403'] });
  cases.push({ category: 'ws-protocol', name: 'two connection_init', kind: 'frames', init: ack, frames: [initFrame(apiKey)], expect: ['close:4429'] });
  cases.push({ category: 'ws-protocol', name: 'invalid JSON', kind: 'frames', init: ack, frames: ['{"type":'], expect: ['close:4400'] });
  cases.push({ category: 'ws-protocol', name: 'an unknown message type', kind: 'frames', init: ack, frames: ['{"type":"evil"}'], expect: ['close:4400'] });
  cases.push({ category: 'ws-protocol', name: 'subscribe without payload', kind: 'frames', init: ack, frames: ['{"type":"subscribe","id":"1"}'], expect: ['close:4400'] });
  cases.push({ category: 'ws-protocol', name: 'subscribe with a query of the wrong type', kind: 'frames', init: ack, frames: ['{"type":"subscribe","id":"1","payload":{"query":5}}'], expect: ['close:4400'] });
  cases.push({ category: 'ws-protocol', name: 'a NUL in the id', kind: 'frames', init: ack, frames: [subscribeFrame('\u0000', { query: '{ __typename }' })], operations: 1, expect: ['OK', 'close:4400'] });
  cases.push({ category: 'ws-protocol', name: 'a duplicate subscription id', kind: 'frames', init: ack, frames: [subscribeFrame('1', { query: 'subscription { billingEvents(types: ["none"]) { position } }' }), subscribeFrame('1', { query: '{ __typename }' })], expect: ['close:4409'] });
  cases.push({ category: 'ws-protocol', name: 'no subprotocol', kind: 'frames', init: ack, frames: [], protocol: null, expect: ['close:4406'] });
  cases.push({ category: 'ws-protocol', name: 'an unknown subprotocol', kind: 'frames', init: ack, frames: [], protocol: 'graphql-ws', expect: ['HANDSHAKE_REFUSED', 'close:4406', 'close:1002'] });
  const subscription = 'subscription { billingEvents(types: ["NoSuchEvent"]) { position } }';
  cases.push({
    category: 'ws-subscriptions',
    name: '11 subscriptions on one connection',
    kind: 'frames',
    init: ack,
    frames: Array.from({ length: 11 }, (_, index) => subscribeFrame(String(index), { query: subscription })),
    operations: 1,
    expect: ['TOO_MANY_SUBSCRIPTIONS'],
  });
  return cases;
}
