import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { RunningLedgerApi } from '../../apps/api/src/ledger-api.js';
import { firstErrorCode, postGraphQL, requireData } from '../support/graphql-http.client.js';
import { invoiceMutationDocument } from '../support/invoice-api.documents.js';
import { draftInput, startSecondApiNode, startTestLedger, TestClock, type TestLedger } from '../support/ledger-test-app.js';
import { newTenant } from '../support/settings-effect.support.js';

/**
 * Commands keep each tenant's folded settings between commands (libs/ledger-application/src/common/billing-settings.ts)
 * and read only what was appended since. Two API nodes on one database: a settings change made through one is
 * decided on by the very next command on the other, which has the old settings cached.
 */

const UPDATE_PAYMENT_SETTINGS = 'mutation ($input: UpdatePaymentSettingsInput!) { updatePaymentSettings(input: $input) { position } }';
const UPDATE_FEATURE_SETTINGS = 'mutation ($input: UpdateFeatureSettingsInput!) { updateFeatureSettings(input: $input) { position } }';

let ledger: TestLedger;
let otherNode: RunningLedgerApi;
const clock = new TestClock('2024-01-15T09:00:00.000Z');

beforeAll(async () => {
  ledger = await startTestLedger({ clock });
  otherNode = await startSecondApiNode(ledger, clock);
});

afterAll(async () => {
  await otherNode?.stop();
  await ledger?.stop();
});

async function onOtherNode(query: string, input: Record<string, unknown>, key: string): Promise<void> {
  requireData(await postGraphQL(otherNode.url, { query, variables: { input }, apiKey: key }), 'settings change on the other node');
}

async function createInvoiceCode(currency: string, key: string): Promise<string | undefined> {
  return firstErrorCode(await ledger.mutate('createInvoice', draftInput({ currency }), key));
}

describe('settings cached by a node', () => {
  it('a change made through another node is decided on by the very next command, every time', async () => {
    const { key } = await newTenant(ledger, 'settings-cache');
    // Warm this node's cache, with a settings stream that is not empty.
    await onOtherNode(UPDATE_PAYMENT_SETTINGS, { supportedCurrencies: ['USD'] }, key);
    expect(await createInvoiceCode('USD', key)).toBeUndefined();
    expect(await createInvoiceCode('EUR', key)).toBe('CURRENCY_NOT_SUPPORTED');

    await onOtherNode(UPDATE_PAYMENT_SETTINGS, { supportedCurrencies: ['USD', 'EUR'] }, key);
    expect(await createInvoiceCode('EUR', key)).toBeUndefined();

    await onOtherNode(UPDATE_FEATURE_SETTINGS, { invoicing: false }, key);
    expect(await createInvoiceCode('USD', key)).toBe('FEATURE_DISABLED');

    await onOtherNode(UPDATE_FEATURE_SETTINGS, { invoicing: true }, key);
    await onOtherNode(UPDATE_PAYMENT_SETTINGS, { supportedCurrencies: ['EUR'], defaultCurrency: 'EUR' }, key);
    expect(await createInvoiceCode('USD', key)).toBe('CURRENCY_NOT_SUPPORTED');
    expect(await createInvoiceCode('EUR', key)).toBeUndefined();
  });

  it("keeps tenants apart: one tenant's settings never answer for another's", async () => {
    const first = await newTenant(ledger, 'settings-cache-a');
    const second = await newTenant(ledger, 'settings-cache-b');
    await onOtherNode(UPDATE_PAYMENT_SETTINGS, { supportedCurrencies: ['USD', 'GBP'] }, first.key);
    expect(await createInvoiceCode('GBP', first.key)).toBeUndefined();
    expect(await createInvoiceCode('GBP', second.key)).toBe('CURRENCY_NOT_SUPPORTED');
    expect(firstErrorCode(await postGraphQL(otherNode.url, { query: invoiceMutationDocument('createInvoice'), variables: { input: draftInput({ currency: 'GBP' }) }, apiKey: second.key }))).toBe(
      'CURRENCY_NOT_SUPPORTED',
    );
  });
});
