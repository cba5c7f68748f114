import { describe, expect, it } from '@jest/globals';
import { numberSequenceDecider } from '../number-sequence/number-sequence.decider.js';
import { defaultBillingSettings, type BillingSettings } from './billing-settings.js';
import { documentNumberingOf, documentNumberingPeriodOf } from './billing-settings.numbering.js';

const kiritimati: BillingSettings = { ...defaultBillingSettings, tenant: { ...defaultBillingSettings.tenant, timeZone: 'Pacific/Kiritimati' } };
const pagoPago: BillingSettings = { ...defaultBillingSettings, tenant: { ...defaultBillingSettings.tenant, timeZone: 'Pacific/Pago_Pago' } };

describe('documentNumberingOf', () => {
  it('gives each document kind its prefix and template from the settings', () => {
    expect(documentNumberingOf(defaultBillingSettings, 'invoice')).toEqual({ prefix: 'INV', template: '{prefix}-{year}-{sequence:06d}' });
    expect(documentNumberingOf(defaultBillingSettings, 'receipt')).toEqual({ prefix: 'REC', template: '{prefix}-{year}-{sequence:06d}' });
    expect(documentNumberingOf(defaultBillingSettings, 'credit_note')).toEqual({ prefix: 'CN', template: '{prefix}-{year}-{sequence:06d}' });
  });
});

describe('documentNumberingPeriodOf', () => {
  it('counts a document in the period of the tenant calendar', () => {
    // 2024-12-31T11:00:00Z is 01:00 on 1 January 2025 in Kiritimati (UTC+14), still 2024 in UTC.
    expect(documentNumberingPeriodOf(kiritimati, '2024-12-31T11:00:00Z')).toEqual({ year: 2025, month: 1 });
    expect(documentNumberingPeriodOf(defaultBillingSettings, '2024-12-31T11:00:00Z')).toEqual({ year: 2024, month: 12 });
    // 2025-01-01T05:00:00Z is 18:00 on 31 December 2024 in Pago Pago (UTC-11).
    expect(documentNumberingPeriodOf(pagoPago, '2025-01-01T05:00:00Z')).toEqual({ year: 2024, month: 12 });
  });

  it('gives the first number of the new year to an invoice issued after local midnight', () => {
    const issuedAt = '2024-12-31T11:00:00Z';
    const { prefix, template } = documentNumberingOf(kiritimati, 'invoice');
    const period = documentNumberingPeriodOf(kiritimati, issuedAt);
    const [event] = numberSequenceDecider.decide(
      { type: 'AssignDocumentNumber', data: { documentKind: 'invoice', documentId: 'inv-1', template, prefix, ...period }, metadata: { now: issuedAt } },
      numberSequenceDecider.initialState,
    );
    expect(event?.data).toMatchObject({ periodKey: '2025', sequence: 1, number: 'INV-2025-000001' });
  });
});
