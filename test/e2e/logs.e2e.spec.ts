import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { GraphQLError } from 'graphql';
import { formatLedgerError } from '../../apps/api/src/graphql/error-mapping.js';
import { runForTenant } from '../../libs/database/src/database-scope.js';
import { createLedgerLogger } from '../../libs/runtime/src/index.js';
import { firstErrorCode } from '../support/graphql-http.client.js';
import { draftInput, newApiKey, startTestLedger, type TestLedger } from '../support/ledger-test-app.js';

/**
 * The API's logs as a client's mistakes leave them: JSON lines with a level, and for a client error neither a stack
 * nor the key that sent it. An internal error is logged at error level with its reference and stack as fields.
 */

let ledger: TestLedger;

beforeAll(async () => {
  ledger = await startTestLedger();
});

afterAll(async () => {
  await ledger?.stop();
});

function parsed(lines: readonly string[]): Record<string, unknown>[] {
  return lines.map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe('the API log', () => {
  it('is JSON lines with a level and the service, from start-up on', () => {
    const records = parsed(ledger.logs);
    expect(records.length).toBeGreaterThan(0);
    for (const record of records) expect(record).toMatchObject({ level: expect.any(String), service: 'ledger-api', msg: expect.any(String) });
    expect(records.some((record) => String(record.msg).startsWith('GraphQL API ready at '))).toBe(true);
  });

  it('a client error logs no stack and no key', async () => {
    const before = ledger.logs.length;
    const wrongKey = newApiKey();
    const refused = [
      // The domain refuses a bad value, GraphQL refuses a bad literal, and a key that is no key is refused.
      await ledger.mutate('createInvoice', draftInput({ currency: 'XYZ' })),
      await ledger.mutate('createInvoice', draftInput({ lines: [{ description: 'Widget', quantity: '1e5', unitPrice: '10.00', taxRate: null }] })),
      await ledger.mutate('createInvoice', draftInput(), wrongKey),
    ];
    expect(refused.map(firstErrorCode)).toEqual(['VALIDATION_FAILED', 'VALIDATION_FAILED', 'UNAUTHENTICATED']);
    await ledger.tenantEvents(); // anything the requests set off has run
    const lines = ledger.logs.slice(before);
    const text = lines.join('\n');
    expect(text).not.toContain(ledger.adminKey);
    expect(text).not.toContain(wrongKey);
    expect(text).not.toMatch(/Bearer /);
    expect(text).not.toMatch(/\n\s+at |"stack"/);
    for (const record of parsed(lines)) expect(record.level).not.toBe('error');
  });
});

describe('an internal error', () => {
  it('is logged at error level, with its reference and stack as fields and the request it belongs to', () => {
    const lines: string[] = [];
    const log = createLedgerLogger({ name: 'ledger-api', format: 'json', destination: { write: (line: string) => void lines.push(line) } });
    const formatted = runForTenant({ tenantId: 'acme', keyId: 'key-1', correlationId: 'corr-1' }, () =>
      formatLedgerError({ message: 'boom' }, new GraphQLError('boom', { originalError: new Error('the database went away') }), log),
    );
    expect(formatted.extensions).toMatchObject({ code: 'INTERNAL_SERVER_ERROR', reference: expect.any(String) });
    expect(JSON.stringify(formatted)).not.toMatch(/database went away|\n\s+at /);
    const [record] = parsed(lines);
    expect(record).toMatchObject({ level: 'error', reference: formatted.extensions?.reference, tenantId: 'acme', keyId: 'key-1', correlationId: 'corr-1' });
    expect(String(record?.stack)).toMatch(/the database went away\n\s+at /);
  });
});
