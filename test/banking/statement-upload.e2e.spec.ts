import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import Big from 'big.js';
import { aggregates } from '../../libs/application/src/index.js';
import { marchFixtures, readFixture } from '../../libs/bank-statements/src/statement.test-helper.js';
import { HTTP_BODY_LIMIT_BYTES, STATEMENT_UPLOAD_BODY_LIMIT_BYTES } from '../../apps/api/src/graphql/limits/oversized-body.middleware.js';
import { headOfLog } from '../support/expect-rejected.js';
import { startTestLedger, TestClock, type TestLedger } from '../support/ledger-test-app.js';
import { bankingTenant, ok, registerAccount } from './banking-api.js';

/**
 * The statement upload route (docs/reconciliation.md, "Uploading large statements"): POST /bank-accounts/<id>/statements
 * with the file as the body, over the real API and real HTTP. A camt.053 file three times the GraphQL body limit is
 * imported and its lines are read back over GraphQL; the same file again adds nothing; every refusal (size, content
 * type, role, key, tenant, file, query, encoding) has its status and code and appends nothing.
 */

let ledger: TestLedger;
let origin: string;
const clock = new TestClock('2026-04-01T09:00:00.000Z');
const TENANT = 'statement-upload';
let finance: string;
let auditor: string;
let outsider: string;

/** Enough entries for a file of about 300 KB; amounts in cents, credits and debits, balances that add up. */
const ENTRY_COUNT = 1_000;
const OPENING = new Big('1000.00');
const amountOf = (index: number): Big => new Big((index * 7919) % 100_000).div(100).times(index % 3 === 0 ? -1 : 1);
const dateOf = (index: number): string => `2026-03-${String(1 + (index % 28)).padStart(2, '0')}`;

function generatedCamt(): string {
  const closing = Array.from({ length: ENTRY_COUNT }, (_, index) => amountOf(index)).reduce((sum, amount) => sum.plus(amount), OPENING);
  const balance = (code: string, value: Big, date: string): string =>
    `      <Bal><Tp><CdOrPrtry><Cd>${code}</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">${value.abs().toFixed(2)}</Amt><CdtDbtInd>${value.lt(0) ? 'DBIT' : 'CRDT'}</CdtDbtInd><Dt><Dt>${date}</Dt></Dt></Bal>`;
  const entries = Array.from({ length: ENTRY_COUNT }, (_, index) => {
    const amount = amountOf(index);
    const party = amount.lt(0) ? `<Cdtr><Nm>Supplier ${index % 40} GmbH</Nm></Cdtr>` : `<Dbtr><Nm>Customer ${index % 90} AG</Nm></Dbtr>`;
    return [
      '      <Ntry>',
      `        <Amt Ccy="EUR">${amount.abs().toFixed(2)}</Amt><CdtDbtInd>${amount.lt(0) ? 'DBIT' : 'CRDT'}</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts>`,
      `        <BookgDt><Dt>${dateOf(index)}</Dt></BookgDt><ValDt><Dt>${dateOf(index)}</Dt></ValDt><AcctSvcrRef>UP-${String(index).padStart(6, '0')}</AcctSvcrRef>`,
      `        <NtryDtls><TxDtls><RltdPties>${party}</RltdPties><RmtInf><Ustrd>Invoice INV-2026-${String(index % 500).padStart(4, '0')}</Ustrd></RmtInf></TxDtls></NtryDtls>`,
      '        <AddtlNtryInf>SEPA credit transfer / direct debit</AddtlNtryInf>',
      '      </Ntry>',
    ].join('\n');
  });
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02">',
    '  <BkToCstmrStmt><GrpHdr><MsgId>UPLOAD-1</MsgId><CreDtTm>2026-04-01T08:00:00</CreDtTm></GrpHdr>',
    '    <Stmt><Id>UPLOAD-2026-03</Id><FrToDt><FrDtTm>2026-03-01T00:00:00</FrDtTm><ToDtTm>2026-03-31T23:59:59</ToDtTm></FrToDt>',
    '      <Acct><Id><IBAN>DE89370400440532013000</IBAN></Id><Ccy>EUR</Ccy></Acct>',
    balance('OPBD', OPENING, '2026-03-01'),
    balance('CLBD', closing, '2026-03-31'),
    ...entries,
    '    </Stmt>',
    '  </BkToCstmrStmt>',
    '</Document>',
    '',
  ].join('\n');
}

const camt = generatedCamt();
const ofx = readFixture(marchFixtures.ofx2);

interface Answer {
  readonly status: number;
  readonly contentType: string;
  readonly body: Record<string, unknown>;
}

/** One upload as a client sends it: the file as the body, the options in the query string. */
async function upload(bankAccountId: string, query: string, body: NonNullable<RequestInit['body']>, options: { key?: string | undefined; contentType?: string; headers?: Record<string, string> } = {}): Promise<Answer> {
  const headers: Record<string, string> = { 'content-type': options.contentType ?? 'application/xml', ...options.headers };
  if (options.key !== undefined) headers.authorization = `Bearer ${options.key}`;
  const streamed = typeof body === 'object' && body !== null && 'getReader' in body;
  const init = { method: 'POST', headers, body, ...(streamed ? { duplex: 'half' } : {}) } as RequestInit;
  const response = await fetch(`${origin}/bank-accounts/${encodeURIComponent(bankAccountId)}/statements${query === '' ? '' : `?${query}`}`, init);
  const text = await response.text();
  return { status: response.status, contentType: response.headers.get('content-type') ?? '', body: JSON.parse(text) as Record<string, unknown> };
}

/** The upload is refused with this status and code, says why, and the log does not move. */
async function expectRefused(status: number, code: string, send: () => Promise<Answer>): Promise<Answer> {
  const before = await headOfLog(ledger);
  const answer = await send();
  expect({ status: answer.status, code: answer.body.code, message: typeof answer.body.message, json: answer.contentType.startsWith('application/json') }).toEqual({ status, code, message: 'string', json: true });
  expect(await headOfLog(ledger)).toBe(before);
  return answer;
}

const STATEMENT_LINES_PAGE = `query ($bankAccountId: ID!, $first: Int, $after: String, $minPosition: String) {
  statementLines(bankAccountId: $bankAccountId, first: $first, after: $after, minPosition: $minPosition) { edges { node { id bankTransactionId amount { amount } } } pageInfo { hasNextPage endCursor } } }`;

async function lineCount(bankAccountId: string, minPosition: string | null, key = finance): Promise<{ count: number; total: Big; ids: Set<string> }> {
  let after: string | null = null;
  let total = new Big(0);
  const ids = new Set<string>();
  for (let page = 0; page < 20; page += 1) {
    const data: { statementLines: { edges: { node: { bankTransactionId: string; amount: { amount: string } } }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } } } = await ok(
      ledger.graphql(STATEMENT_LINES_PAGE, { bankAccountId, first: 500, after, minPosition }, key),
      'statementLines',
    );
    for (const { node } of data.statementLines.edges) {
      ids.add(node.bankTransactionId);
      total = total.plus(node.amount.amount);
    }
    if (!data.statementLines.pageInfo.hasNextPage) return { count: ids.size, total, ids };
    after = data.statementLines.pageInfo.endCursor;
  }
  throw new Error('more than 20 pages of statement lines');
}

async function reconciliationRevision(tenantId: string, bankAccountId: string): Promise<bigint | 'none'> {
  const [last] = await ledger.services.store.readStream(aggregates.bankReconciliation.stream(tenantId, bankAccountId), { direction: 'backwards', fromRevision: 'end', maxCount: 1 });
  return last === undefined ? 'none' : BigInt(last.revision);
}

beforeAll(async () => {
  ledger = await startTestLedger({ clock });
  origin = new URL(ledger.url).origin;
  ({ finance, auditor } = await bankingTenant(ledger, TENANT));
  ({ finance: outsider } = await bankingTenant(ledger, `${TENANT}-outsider`));
  const account = { type: 'CHECKING', currency: 'EUR', bankName: 'Bank', openingBalance: '1000.00', openingBalanceDate: '2026-03-01' };
  await registerAccount(ledger, finance, { ...account, bankAccountId: 'ba_big', name: 'Big', accountNumber: 'DE89370400440532013000' });
  await registerAccount(ledger, finance, { ...account, bankAccountId: 'ba_small', name: 'Small', accountNumber: 'DE02120300000000202051' });
  await registerAccount(ledger, outsider, { ...account, bankAccountId: 'ba_theirs', name: 'Theirs', accountNumber: 'DE75512108001245126199' });
}, 60_000);

afterAll(async () => {
  await ledger?.stop();
});

describe('uploading a statement over HTTP', () => {
  it('imports a camt.053 file of about 300 KB (three times the GraphQL body limit); its lines are read back over GraphQL', async () => {
    const bytes = Buffer.byteLength(camt, 'utf8');
    expect(bytes).toBeGreaterThan(3 * HTTP_BODY_LIMIT_BYTES);
    expect(bytes).toBeLessThan(STATEMENT_UPLOAD_BODY_LIMIT_BYTES);
    const answer = await upload('ba_big', 'format=camt053&fileName=march-2026.xml', camt, { key: finance, headers: { 'x-correlation-id': 'upload-test-1' } });
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ statementId: expect.stringMatching(/^st_/), addedLineCount: ENTRY_COUNT, duplicateLineCount: 0, autoMatchedLineCount: 0, position: expect.any(String) });
    const lines = await lineCount('ba_big', answer.body.position as string);
    expect(lines.count).toBe(ENTRY_COUNT);
    expect(lines.ids.has('UP-000000') && lines.ids.has(`UP-${String(ENTRY_COUNT - 1).padStart(6, '0')}`)).toBe(true);
    expect(lines.total.eq(Array.from({ length: ENTRY_COUNT }, (_, index) => amountOf(index)).reduce((sum, amount) => sum.plus(amount), new Big(0)))).toBe(true);
    // The command context a mutation gets: the key as the actor, its role, the request's correlation id.
    const [imported] = (await ledger.services.store.readStream(aggregates.bankReconciliation.stream(TENANT, 'ba_big'), { direction: 'forwards', fromRevision: 'start', maxCount: 1 })) as { type: string; metadata: Record<string, unknown> }[];
    expect(imported).toMatchObject({ type: 'BankStatementImported', metadata: { tenantId: TENANT, actor: expect.stringMatching(/^api-key:/), actorRole: 'finance', correlationId: 'upload-test-1' } });
  });

  it('the same file again adds 0 lines and appends nothing', async () => {
    const revision = await reconciliationRevision(TENANT, 'ba_big');
    const head = await headOfLog(ledger);
    const answer = await upload('ba_big', 'format=CAMT053', camt, { key: finance, contentType: 'text/xml; charset=utf-8' });
    expect({ status: answer.status, body: answer.body }).toEqual({ status: 200, body: { statementId: null, addedLineCount: 0, duplicateLineCount: ENTRY_COUNT, autoMatchedLineCount: 0, position: expect.any(String) } });
    expect(await reconciliationRevision(TENANT, 'ba_big')).toBe(revision);
    expect(await headOfLog(ledger)).toBe(head);
    expect((await lineCount('ba_big', null)).count).toBe(ENTRY_COUNT);
  });

  it('takes any content type that is the file itself, drops a byte order mark, and replays an idempotency key', async () => {
    const withBom = `\uFEFF${ofx}`;
    const first = await upload('ba_small', 'format=ofx', withBom, { key: finance, contentType: 'application/x-ofx', headers: { 'idempotency-key': 'upload-ofx-1' } });
    expect(first).toMatchObject({ status: 200, body: { statementId: expect.stringMatching(/^st_/), addedLineCount: 8, duplicateLineCount: 0 } });
    const head = await headOfLog(ledger);
    // The same key and request: the first answer again, nothing run.
    const replay = await upload('ba_small', 'format=ofx', withBom, { key: finance, contentType: 'application/x-ofx', headers: { 'idempotency-key': 'upload-ofx-1' } });
    expect(replay).toEqual(first);
    // The same key for another request is refused as on GraphQL.
    await expectRefused(409, 'IDEMPOTENCY_KEY_REUSED', () => upload('ba_small', 'format=ofx&fileName=other.ofx', withBom, { key: finance, contentType: 'application/x-ofx', headers: { 'idempotency-key': 'upload-ofx-1' } }));
    for (const contentType of ['application/octet-stream', 'text/plain']) {
      expect(await upload('ba_small', 'format=ofx', ofx, { key: finance, contentType })).toMatchObject({ status: 200, body: { statementId: null, addedLineCount: 0, duplicateLineCount: 8 } });
    }
    expect(await headOfLog(ledger)).toBe(head);
    expect((await lineCount('ba_small', first.body.position as string)).count).toBe(8);
  });
});

describe('refusals: a status and a code, and nothing appended', () => {
  it('a file over 5 MiB is 413, whether its length is announced or it is streamed without one', async () => {
    const huge = Buffer.alloc(6 * 1024 * 1024, 0x20);
    const announced = await expectRefused(413, 'DOCUMENT_TOO_LARGE', () => upload('ba_big', 'format=camt053', huge, { key: finance }));
    expect(announced.body.message).toContain(String(STATEMENT_UPLOAD_BODY_LIMIT_BYTES));
    // Chunked: no length to refuse at once, so the route's own byte cap stops reading.
    let sent = 0;
    const streamed = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent >= 6 * 1024 * 1024) return controller.close();
        sent += 256 * 1024;
        controller.enqueue(new Uint8Array(256 * 1024).fill(0x20));
      },
    });
    const refused = await expectRefused(413, 'DOCUMENT_TOO_LARGE', () => upload('ba_big', 'format=camt053', streamed, { key: finance }));
    expect(refused.body).toMatchObject({ message: expect.stringContaining('the statement file is over the limit'), details: { limitBytes: STATEMENT_UPLOAD_BODY_LIMIT_BYTES } });
    // A body over 100 KB on another route still meets the usual limit.
    const graphql = await fetch(ledger.url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${finance}` }, body: JSON.stringify({ query: '{ __typename }', variables: { pad: 'p'.repeat(200_000) } }) });
    expect(graphql.status).toBe(413);
    expect((await lineCount('ba_big', null)).count).toBe(ENTRY_COUNT);
  });

  it('a JSON (or form) body is 415, telling the client to send the file as is', async () => {
    const json = await expectRefused(415, 'UNSUPPORTED_MEDIA_TYPE', () => upload('ba_small', 'format=ofx', JSON.stringify({ content: ofx }), { key: finance, contentType: 'application/json' }));
    expect(json.body.message).toMatch(/send the statement file as is/);
    await expectRefused(415, 'UNSUPPORTED_MEDIA_TYPE', () => upload('ba_small', 'format=ofx', new URLSearchParams({ content: ofx }).toString(), { key: finance, contentType: 'application/x-www-form-urlencoded' }));
  });

  it('an auditor key is 403, no key 401, another tenant\'s account 404', async () => {
    await expectRefused(403, 'FORBIDDEN', () => upload('ba_small', 'format=ofx', ofx, { key: auditor }));
    await expectRefused(401, 'UNAUTHENTICATED', () => upload('ba_small', 'format=ofx', ofx, {}));
    await expectRefused(401, 'UNAUTHENTICATED', () => upload('ba_small', 'format=ofx', ofx, { key: 'not-a-key' }));
    // The other tenant's account is unknown here, exactly like an account that does not exist.
    const theirs = await expectRefused(404, 'NOT_FOUND', () => upload('ba_theirs', 'format=ofx', ofx, { key: finance }));
    const none = await expectRefused(404, 'NOT_FOUND', () => upload('ba_none', 'format=ofx', ofx, { key: finance }));
    expect(theirs.body.message).toBe((none.body.message as string).replace('ba_none', 'ba_theirs'));
    expect(await reconciliationRevision(`${TENANT}-outsider`, 'ba_theirs')).toBe('none');
  });

  it('a bad file is 400 VALIDATION_FAILED with the line and reason of each problem', async () => {
    // The amount of the entry UP-000500, which is not a number (the file is refused whole, this line named).
    const amountAt = camt.lastIndexOf('<Amt Ccy="EUR">', camt.indexOf('<AcctSvcrRef>UP-000500<')) + '<Amt Ccy="EUR">'.length;
    const broken = `${camt.slice(0, amountAt)}x${camt.slice(amountAt)}`;
    const answer = await expectRefused(400, 'VALIDATION_FAILED', () => upload('ba_big', 'format=camt053', broken, { key: finance }));
    const issues = (answer.body.details as { issues?: { line: number | null; reason: string }[] }).issues ?? [];
    expect(issues.length).toBeGreaterThan(0);
    // The parser names the entry's line (its <Ntry>), as it does for any problem of an entry.
    const brokenLine = camt.slice(0, camt.lastIndexOf('<Ntry>', amountAt)).split('\n').length;
    expect(issues.map((issue) => issue.line)).toContain(brokenLine);
    expect(issues.every((issue) => issue.reason.length > 0)).toBe(true);
    // Bytes that are not UTF-8 (a Latin-1 "ü"), with their line; an empty body.
    const latin1 = Buffer.concat([Buffer.from(ofx.slice(0, 200), 'utf8'), Buffer.from([0xfc]), Buffer.from(ofx.slice(200), 'utf8')]);
    const notUtf8 = await expectRefused(400, 'VALIDATION_FAILED', () => upload('ba_small', 'format=ofx', latin1, { key: finance }));
    expect(notUtf8.body.details).toMatchObject({ issues: [{ line: ofx.slice(0, 200).split('\n').length, reason: expect.stringContaining('not UTF-8') }] });
    await expectRefused(400, 'VALIDATION_FAILED', () => upload('ba_small', 'format=ofx', '', { key: finance }));
    // CSV on an account without a mapping, as on GraphQL.
    await expectRefused(400, 'VALIDATION_FAILED', () => upload('ba_small', 'format=csv', 'date,amount\n2026-03-01,1.00\n', { key: finance, contentType: 'text/csv' }));
  });

  it.each([
    ['format=mt940', 'format'],
    ['', 'format'],
    ['format=ofx&format=csv', 'format'],
    ['format=csv&openingBalance=1e3', 'openingBalance'],
    ['format=csv&openingBalance=100.00&closingBalance=12,50', 'closingBalance'],
    ['format=ofx&openingbalance=1.00', 'openingbalance'],
    ['format=ofx&fileName=', 'fileName'],
  ])('a bad query (%s) is 400 naming %s', async (query, field) => {
    const answer = await expectRefused(400, 'VALIDATION_FAILED', () => upload('ba_small', query, ofx, { key: finance }));
    expect(answer.body.details).toMatchObject({ field });
    expect(answer.body.message).toContain(`"${field}"`);
  });

  it('logged no internal error for any of these refusals', () => {
    expect(ledger.logs.filter((line) => /internal error|"level":\s*"?(error|fatal|50|60)\b/i.test(line)).map((line) => line.slice(0, 2_000))).toEqual([]);
  });
});
