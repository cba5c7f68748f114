import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { firstErrorCode } from '../support/graphql-http.client.js';
import { draftInput, startTestLedger, TestClock, type TestLedger } from '../support/ledger-test-app.js';
import { eventCount, newTenant, updateSettings } from '../support/settings-effect.support.js';

/**
 * Invoice numbers through issueInvoice, with the numbering settings of each tenant (docs/domain.md, "Numbering"): the
 * template and prefix from the settings, periods on the tenant's calendar, gapless under concurrency, kept by voided
 * invoices, and never given twice when the template changes.
 */

let ledger: TestLedger;
const clock = new TestClock('2024-01-15T09:00:00.000Z');

beforeAll(async () => {
  ledger = await startTestLedger({ clock });
});

afterAll(async () => {
  await ledger?.stop();
});

async function issueOne(key: string, overrides: Record<string, unknown> = {}): Promise<{ id: string; number: string | null; issueDate: string | null }> {
  const draft = await ledger.mutateOk('createInvoice', draftInput(overrides), key);
  const issued = await ledger.mutateOk('issueInvoice', { invoiceId: draft.invoice.id }, key);
  return { id: issued.invoice.id, number: issued.invoice.number, issueDate: issued.invoice.issueDate };
}

describe('each template of docs/domain.md ("Numbering") prints exactly its example (2024-01-15, a fresh tenant each)', () => {
  it.each([
    ['{prefix}-{year}-{sequence:06d}', 'INV', 'INV-2024-000001'],
    ['{prefix}/{year}/{sequence:04d}', 'INV', 'INV/2024/0001'],
    ['{prefix}-{sequence:08d}', 'INV', 'INV-00000001'],
    ['{year}{month:02d}-{sequence:04d}', 'INV', '202401-0001'],
    ['{prefix}_{year}_{month:02d}_{sequence:04d}', 'INV', 'INV_2024_01_0001'],
  ])('%s -> %s', async (numberFormat, numberPrefix, expected) => {
    clock.setInstant('2024-01-15T09:00:00.000Z');
    const { tenantId, key } = await newTenant(ledger, 'numbering');
    await updateSettings(ledger, tenantId, 'invoice', { numberFormat, numberPrefix });
    expect((await issueOne(key)).number).toBe(expected);
    expect((await issueOne(key)).number).toBe(expected.replace(/1$/, '2'));
  });

  it('the prefix comes from the settings too', async () => {
    clock.setInstant('2024-01-15T09:00:00.000Z');
    const { tenantId, key } = await newTenant(ledger, 'numbering');
    await updateSettings(ledger, tenantId, 'invoice', { numberPrefix: 'FAC' });
    expect((await issueOne(key)).number).toBe('FAC-2024-000001');
  });
});

describe('periods follow the tenant time zone', () => {
  it('Pacific/Kiritimati (UTC+14): 2024-12-31T11:00:00Z is already 1 January 2025 there, so the 2025 sequence starts', async () => {
    const { tenantId, key } = await newTenant(ledger, 'kiritimati');
    await updateSettings(ledger, tenantId, 'tenant', { timeZone: 'Pacific/Kiritimati' });
    clock.setInstant('2024-12-31T09:00:00.000Z'); // 23:00 on 31 December in Kiritimati
    expect(await issueOne(key)).toMatchObject({ number: 'INV-2024-000001', issueDate: '2024-12-31' });
    clock.setInstant('2024-12-31T11:00:00.000Z'); // 01:00 on 1 January 2025 in Kiritimati
    expect(await issueOne(key)).toMatchObject({ number: 'INV-2025-000001', issueDate: '2025-01-01' });
    expect(await issueOne(key)).toMatchObject({ number: 'INV-2025-000002', issueDate: '2025-01-01' });
  });

  it('the same instant in a UTC tenant is still 2024', async () => {
    const { key } = await newTenant(ledger, 'utc');
    clock.setInstant('2024-12-31T11:00:00.000Z');
    expect(await issueOne(key)).toMatchObject({ number: 'INV-2024-000001', issueDate: '2024-12-31' });
  });

  it('America/Los_Angeles (UTC-8): 2025-01-01T05:00:00Z is still 31 December 2024 there', async () => {
    const { tenantId, key } = await newTenant(ledger, 'los-angeles');
    await updateSettings(ledger, tenantId, 'tenant', { timeZone: 'America/Los_Angeles' });
    clock.setInstant('2024-12-31T20:00:00.000Z');
    expect((await issueOne(key)).number).toBe('INV-2024-000001');
    clock.setInstant('2025-01-01T05:00:00.000Z');
    expect(await issueOne(key)).toMatchObject({ number: 'INV-2024-000002', issueDate: '2024-12-31' });
    clock.setInstant('2025-01-01T08:00:00.000Z'); // midnight in Los Angeles
    expect(await issueOne(key)).toMatchObject({ number: 'INV-2025-000001', issueDate: '2025-01-01' });
  });

  it('a monthly template restarts at the month boundary of the tenant (Asia/Tokyo, UTC+9), a yearly one does not', async () => {
    const monthly = await newTenant(ledger, 'tokyo-monthly');
    const yearly = await newTenant(ledger, 'tokyo-yearly');
    for (const { tenantId } of [monthly, yearly]) await updateSettings(ledger, tenantId, 'tenant', { timeZone: 'Asia/Tokyo' });
    await updateSettings(ledger, monthly.tenantId, 'invoice', { numberFormat: '{prefix}_{year}_{month:02d}_{sequence:04d}' });
    clock.setInstant('2024-01-31T14:00:00.000Z'); // 23:00 on 31 January in Tokyo
    expect((await issueOne(monthly.key)).number).toBe('INV_2024_01_0001');
    expect((await issueOne(yearly.key)).number).toBe('INV-2024-000001');
    clock.setInstant('2024-01-31T15:00:00.000Z'); // 00:00 on 1 February in Tokyo, still January in UTC
    expect(await issueOne(monthly.key)).toMatchObject({ number: 'INV_2024_02_0001', issueDate: '2024-02-01' });
    expect((await issueOne(monthly.key)).number).toBe('INV_2024_02_0002');
    expect((await issueOne(yearly.key)).number).toBe('INV-2024-000002');
  });
});

describe('gapless and never reused', () => {
  it('8 concurrent issueInvoice calls get the numbers 1..8: no gap, no duplicate', async () => {
    clock.setInstant('2024-03-01T09:00:00.000Z');
    const { key } = await newTenant(ledger, 'race');
    const drafts = [];
    for (let index = 0; index < 8; index += 1) drafts.push(await ledger.mutateOk('createInvoice', draftInput(), key));
    const issued = await Promise.all(drafts.map((draft) => ledger.mutateOk('issueInvoice', { invoiceId: draft.invoice.id }, key)));
    const numbers = issued.map((payload) => payload.invoice.number as string).sort();
    expect(numbers).toEqual(Array.from({ length: 8 }, (_, index) => `INV-2024-${String(index + 1).padStart(6, '0')}`));
    expect(new Set(issued.map((payload) => payload.invoice.id)).size).toBe(8);
  });

  it('a voided invoice keeps its number and the next issue takes the next one', async () => {
    clock.setInstant('2024-03-01T09:00:00.000Z');
    const { key } = await newTenant(ledger, 'void');
    const first = await issueOne(key);
    const voided = await ledger.mutateOk('voidInvoice', { invoiceId: first.id, reason: 'Issued to the wrong customer' }, key);
    expect(voided.invoice).toMatchObject({ status: 'VOID', number: 'INV-2024-000001' });
    expect((await issueOne(key)).number).toBe('INV-2024-000002');
    expect((await ledger.invoice(first.id, voided.position, key))?.number).toBe('INV-2024-000001');
  });
});

describe('changing the template mid-period', () => {
  it('a new prefix continues the same yearly count: it never restarts at 1 mid-year', async () => {
    clock.setInstant('2024-05-10T09:00:00.000Z');
    const { tenantId, key } = await newTenant(ledger, 'prefix-change');
    expect((await issueOne(key)).number).toBe('INV-2024-000001');
    expect((await issueOne(key)).number).toBe('INV-2024-000002');
    await updateSettings(ledger, tenantId, 'invoice', { numberPrefix: 'FAC' });
    expect((await issueOne(key)).number).toBe('FAC-2024-000003');
    await updateSettings(ledger, tenantId, 'invoice', { numberPrefix: 'INV', numberFormat: '{prefix}/{year}/{sequence:04d}' });
    expect((await issueOne(key)).number).toBe('INV/2024/0004');
  });

  it('yearly -> monthly counts in the sequence of the month; back to yearly continues the year', async () => {
    clock.setInstant('2024-05-10T09:00:00.000Z');
    const { tenantId, key } = await newTenant(ledger, 'kind-change');
    expect((await issueOne(key)).number).toBe('INV-2024-000001');
    await updateSettings(ledger, tenantId, 'invoice', { numberFormat: '{prefix}_{year}_{month:02d}_{sequence:04d}' });
    expect((await issueOne(key)).number).toBe('INV_2024_05_0001');
    await updateSettings(ledger, tenantId, 'invoice', { numberFormat: '{prefix}-{year}-{sequence:06d}' });
    expect((await issueOne(key)).number).toBe('INV-2024-000002');
  });

  it('a template that would print a number already given is refused with DOCUMENT_NUMBER_TAKEN, and nothing is appended', async () => {
    clock.setInstant('2024-05-10T09:00:00.000Z');
    const { tenantId, key } = await newTenant(ledger, 'collision');
    await updateSettings(ledger, tenantId, 'invoice', { numberFormat: '{prefix}-{year}-{sequence}' });
    expect((await issueOne(key)).number).toBe('INV-2024-1');
    // A template that never restarts, with the year in its prefix: its first number is INV-2024-1 again.
    await updateSettings(ledger, tenantId, 'invoice', { numberFormat: '{prefix}-{sequence}', numberPrefix: 'INV-2024' });
    const draft = await ledger.mutateOk('createInvoice', draftInput(), key);
    const before = await eventCount(ledger, tenantId);
    const response = await ledger.mutate('issueInvoice', { invoiceId: draft.invoice.id }, key);
    expect(firstErrorCode(response)).toBe('DOCUMENT_NUMBER_TAKEN');
    expect(response.errors?.[0]?.message).toMatch(/INV-2024-1 was already given/);
    expect(await eventCount(ledger, tenantId)).toBe(before);
    // Fixing the settings lets the same draft be issued.
    await updateSettings(ledger, tenantId, 'invoice', { numberPrefix: 'INV-ALL' });
    expect((await ledger.mutateOk('issueInvoice', { invoiceId: draft.invoice.id }, key)).invoice.number).toBe('INV-ALL-1');
  });
});
