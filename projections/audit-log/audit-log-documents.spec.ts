import { describe, expect, it } from '@jest/globals';
import { aggregates } from '../../libs/application/src/index.js';
import type { RecordedEvent } from '../../libs/event-store/src/index.js';
import { documentIdsOf, streamParts } from './audit-log-documents.js';
import { auditedEventTypes, auditLogRow } from './audit-log.projection.js';

describe('audit log: the documents an event touches', () => {
  it.each([
    ['acme:invoice-inv-1', { category: 'invoice', id: 'inv-1' }],
    ['acme:credit_note-cn-1', { category: 'credit_note', id: 'cn-1' }],
    ['acme:exchange_rate-EUR-USD', { category: 'exchange_rate', id: 'EUR-USD' }],
    ['acme:billing_settings-acme', { category: 'billing_settings', id: 'acme' }],
  ])('%s is category and id %j', (streamId, parts) => {
    expect(streamParts(streamId)).toEqual(parts);
  });

  it.each([
    ['the stream alone', 'acme:invoice-inv-1', { invoiceId: 'inv-1', number: 'INV-1' }, ['inv-1']],
    ['a payment and its customer', 'acme:payment-pay-1', { paymentId: 'pay-1', customerId: 'c-1', amount: '10.00' }, ['pay-1', 'c-1']],
    [
      'the invoices a payment allocation pays, nested in an array',
      'acme:payment-pay-1',
      { paymentId: 'pay-1', customerId: 'c-1', allocations: [{ invoiceId: 'inv-1', amount: '5.00' }, { invoiceId: 'inv-2', amount: '5.00' }] },
      ['pay-1', 'c-1', 'inv-1', 'inv-2'],
    ],
    ['an explicit allocation request, nested two levels', 'acme:payment-pay-1', { allocation: { kind: 'explicit', invoices: [{ invoiceId: 'inv-9', amount: '1' }] } }, ['pay-1', 'inv-9']],
    ['a credit note and its source invoice; a null source ignored', 'acme:credit_note-cn-1', { creditNoteId: 'cn-1', sourceInvoiceId: 'inv-3', other: { sourceInvoiceId: null } }, ['cn-1', 'inv-3']],
    ['an email names its document', 'acme:email-e-1', { emailId: 'e-1', kind: 'invoice', documentId: 'inv-4', customerId: 'c-2' }, ['e-1', 'inv-4', 'c-2']],
    ['a subscription charge names its invoice', 'acme:subscription-sub-1', { subscriptionId: 'sub-1', customerId: 'c-1', invoiceId: 'inv-5' }, ['sub-1', 'c-1', 'inv-5']],
    ['ids other than documents are not documents', 'acme:plan-p-1', { planId: 'p-1', productId: 'prod-1', basePlanIds: ['p-0'], taxRateId: 'vat' }, ['p-1']],
    ['each id once', 'acme:customer-c-1', { customerId: 'c-1', nested: [{ customerId: 'c-1' }] }, ['c-1']],
    ['empty or non-string ids are not documents', 'acme:invoice-inv-1', { customerId: '', paymentId: 7, invoiceId: ['x'] }, ['inv-1']],
  ])('%s', (_name, streamId, data, expected) => {
    expect(documentIdsOf(streamId, data)).toEqual(expected);
  });
});

describe('audit log rows', () => {
  const recorded = (metadata: Record<string, unknown>): RecordedEvent =>
    ({
      streamId: 'acme:invoice-inv-1',
      revision: 3n,
      eventId: 'e-1',
      type: 'InvoiceIssued',
      data: {},
      metadata,
      position: { commit: 12n, prepare: 11n },
      recordedAt: new Date('2026-03-02T09:00:00.000Z'),
    }) as RecordedEvent;

  it('carries the metadata the command recorded, the role included', () => {
    const row = auditLogRow('acme', recorded({ tenantId: 'acme', actor: 'api-key:k-1', actorName: 'Finance desk', actorRole: 'finance', commandId: 'cmd', correlationId: 'cor', causationId: 'cau', schemaVersion: 1 }));
    expect(row).toEqual({
      tenant_id: 'acme',
      log_key: '0000000000000000001200000000000000000011',
      commit_position: '12',
      prepare_position: '11',
      position: '12.11',
      event_id: 'e-1',
      stream_id: 'acme:invoice-inv-1',
      category: 'invoice',
      revision: '3',
      type: 'InvoiceIssued',
      actor_id: 'api-key:k-1',
      actor_name: 'Finance desk',
      actor_role: 'finance',
      command_id: 'cmd',
      correlation_id: 'cor',
      causation_id: 'cau',
      recorded_at: '2026-03-02T09:00:00.000Z',
      recorded_key: '2026-03-02T09:00:00.000Z',
    });
  });

  it('leaves null what an older event (or a system actor) did not record', () => {
    expect(auditLogRow('acme', recorded({ actor: 'scheduler', commandId: 'cmd' }))).toMatchObject({ actor_id: 'scheduler', actor_name: null, actor_role: null, correlation_id: null, causation_id: null });
    expect(auditLogRow('acme', recorded({ actor: 42 }))).toMatchObject({ actor_id: null, command_id: null });
  });

  it('follows every event type of every aggregate in the registry', () => {
    const everyType = Object.values(aggregates).flatMap((registered) => Object.keys(registered.schemas));
    expect(new Set(auditedEventTypes)).toEqual(new Set(everyType));
    expect(auditedEventTypes).toEqual(expect.arrayContaining(['InvoiceIssued', 'PaymentRecorded', 'CreditNoteIssued', 'CustomerRegistered', 'SubscriptionCreated']));
  });
});
