import { expect } from '@jest/globals';
import { encodePosition } from '../../libs/event-store/src/index.js';
import { firstErrorCode, type GraphQLHttpResponse } from './graphql-http.client.js';
import type { TestLedger } from './ledger-test-app.js';

/** The head of $all (encoded) once the process managers and earlier transactions are done. */
export async function headOfLog(ledger: TestLedger): Promise<string> {
  await ledger.tenantEvents();
  return encodePosition(await ledger.services.store.headPosition());
}

/** The mutation fails with `code` (and a message), returns no data, and the $all head does not move. */
export async function expectRejectedWithoutEvents(ledger: TestLedger, code: string, send: () => Promise<GraphQLHttpResponse<unknown>>): Promise<void> {
  const before = await headOfLog(ledger);
  const response = await send();
  expect({ code: firstErrorCode(response), message: typeof response.errors?.[0]?.message }).toEqual({ code, message: 'string' });
  expect(Object.values((response.data ?? {}) as Record<string, unknown>).filter((value) => value !== null)).toEqual([]);
  expect(await headOfLog(ledger)).toBe(before);
}
