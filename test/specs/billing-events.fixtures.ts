import type {
  CreditNoteApplied,
  CreditNoteDrafted,
  CreditNoteIssued,
  CustomerAccountCredited,
  DocumentNumberAssigned,
  InvoiceCreditApplied,
  InvoiceCreditNoteRegistered,
  InvoiceDrafted,
  InvoiceIssued,
  InvoicePaymentApplied,
  InvoicePaymentRefunded,
  InvoiceVoided,
  PaymentAllocated,
  PaymentRecorded,
  PaymentRefunded,
  PaymentSucceeded,
} from '../../libs/billing/src/index.js';

/**
 * Domain events written out by hand, for the `given` of handler and projection specs: the history a command or a
 * projection meets. One invoice shape serves most cases: one line of 3 x 19.99 at an explicit 20% (net 59.97, tax
 * 11.99, total 71.96 USD), issued on 2026-03-02 with the default 30 days' terms (due 2026-04-01).
 */

export const CUSTOMER_ID = 'customer-1';
export const DRAFTED_AT = '2026-03-02T09:00:00.000Z';
export const ISSUED_AT = '2026-03-02T10:00:00.000Z';

export const invoiceLine = {
  lineId: 'line-1',
  description: 'Consulting hours',
  quantity: '3',
  unitPrice: '19.99',
  taxRate: '20',
  amount: '59.97',
  taxAmount: '11.99',
} as const;

export function invoiceDrafted(invoiceId: string, overrides: Partial<InvoiceDrafted['data']> = {}): InvoiceDrafted {
  return {
    type: 'InvoiceDrafted',
    data: { invoiceId, customerId: CUSTOMER_ID, currency: 'USD', lines: [{ ...invoiceLine }], dueDate: null, paymentTermsDays: 30, draftedAt: DRAFTED_AT, ...overrides },
  };
}

/** The invoice of invoiceDrafted, issued as the issue handler issues it with the default settings. */
export function invoiceIssued(invoiceId: string, number: string, overrides: Partial<InvoiceIssued['data']> = {}): InvoiceIssued {
  return {
    type: 'InvoiceIssued',
    data: {
      invoiceId,
      customerId: CUSTOMER_ID,
      number,
      currency: 'USD',
      issueDate: '2026-03-02',
      issuedAt: ISSUED_AT,
      dueDate: '2026-04-01',
      subtotal: '59.97',
      taxTotal: '11.99',
      total: '71.96',
      taxBreakdown: [{ rateId: null, name: '20%', rate: '20', jurisdiction: null, compound: false, inclusive: false, taxableAmount: '59.97', taxAmount: '11.99' }],
      reportingCurrency: 'USD',
      exchangeRate: null,
      reportingTotal: '71.96',
      ...overrides,
    },
  };
}

/** The issued invoice inv-1 (71.96 USD, all of it still creditable): drafted, then issued as INV-2026-000001. */
export function issuedInvoiceHistory(): [InvoiceDrafted, InvoiceIssued] {
  return [invoiceDrafted('inv-1'), invoiceIssued('inv-1', 'INV-2026-000001')];
}

export function invoiceNumberAssigned(invoiceId: string, sequence: number, at = ISSUED_AT): DocumentNumberAssigned {
  return {
    type: 'DocumentNumberAssigned',
    data: {
      documentKind: 'invoice',
      documentId: invoiceId,
      periodKey: '2026',
      sequence,
      number: `INV-2026-${String(sequence).padStart(6, '0')}`,
      assignedAt: at,
      printed: [{ head: 'INV-2026-', width: 6, tail: '', from: 1, to: sequence }],
    },
  };
}

export function invoiceVoided(invoiceId: string, reason: string, voidedAt: string): InvoiceVoided {
  return { type: 'InvoiceVoided', data: { invoiceId, reason, voidedAt } };
}

export interface PaymentFixture {
  readonly paymentId: string;
  readonly amount: string;
  readonly reference: string;
  readonly recordedAt: string;
}

/** A cash payment as recorded: succeeded at once, asking for `allocations` explicitly. */
export function cashPaymentRecorded(payment: PaymentFixture, allocations: { invoiceId: string; amount: string }[]): [PaymentRecorded, PaymentSucceeded] {
  const { paymentId, amount, reference, recordedAt } = payment;
  return [
    {
      type: 'PaymentRecorded',
      data: { paymentId, customerId: CUSTOMER_ID, amount, currency: 'USD', method: 'cash', reference, paymentMethodId: null, allocation: { kind: 'explicit', invoices: allocations }, status: 'succeeded', recordedAt, bankAccountId: null },
    },
    { type: 'PaymentSucceeded', data: { paymentId, customerId: CUSTOMER_ID, amount, currency: 'USD', method: 'cash', gatewayReference: null, succeededAt: recordedAt } },
  ];
}

export function paymentAllocated(paymentId: string, allocations: { invoiceId: string; amount: string }[], creditAmount: string, allocatedAt: string): PaymentAllocated {
  return { type: 'PaymentAllocated', data: { paymentId, customerId: CUSTOMER_ID, currency: 'USD', allocations, creditAmount, allocatedAt } };
}

export function invoicePaymentApplied(
  invoiceId: string,
  payment: PaymentFixture,
  applied: { amount: string; balanceDueAfter: string; appliedAt: string },
): InvoicePaymentApplied {
  return {
    type: 'InvoicePaymentApplied',
    data: {
      invoiceId,
      customerId: CUSTOMER_ID,
      paymentId: payment.paymentId,
      method: 'cash',
      reference: payment.reference,
      currency: 'USD',
      amount: applied.amount,
      paymentAmount: payment.amount,
      balanceDueAfter: applied.balanceDueAfter,
      appliedAt: applied.appliedAt,
    },
  };
}

export function paymentRefunded(data: Omit<PaymentRefunded['data'], 'customerId' | 'currency'>): PaymentRefunded {
  return { type: 'PaymentRefunded', data: { ...data, customerId: CUSTOMER_ID, currency: 'USD' } };
}

export function invoicePaymentRefunded(data: Omit<InvoicePaymentRefunded['data'], 'customerId' | 'currency'>): InvoicePaymentRefunded {
  return { type: 'InvoicePaymentRefunded', data: { ...data, customerId: CUSTOMER_ID, currency: 'USD' } };
}

export function customerAccountCredited(data: Omit<CustomerAccountCredited['data'], 'customerId' | 'currency'>): CustomerAccountCredited {
  return { type: 'CustomerAccountCredited', data: { ...data, customerId: CUSTOMER_ID, currency: 'USD' } };
}

/** A credit note of one line: 1 x 10.00 at an explicit 20% (tax 2.00, total 12.00 USD). */
export const creditNoteLine = { lineId: 'cn-line-1', description: 'Service outage, 2 days', quantity: '1', unitPrice: '10.00', taxRate: '20', amount: '10.00', taxAmount: '2.00' } as const;
export const creditNoteFigures = {
  currency: 'USD',
  subtotal: '10.00',
  taxTotal: '2.00',
  total: '12.00',
  taxBreakdown: [{ rate: '20', name: '20%', taxableAmount: '10.00', taxAmount: '2.00' }],
};

export function creditNoteDrafted(creditNoteId: string, sourceInvoiceId: string | null, draftedAt: string): CreditNoteDrafted {
  return {
    type: 'CreditNoteDrafted',
    data: {
      creditNoteId,
      customerId: CUSTOMER_ID,
      type: 'adjustment',
      reason: 'billing_error',
      lines: [{ ...creditNoteLine }],
      ...creditNoteFigures,
      taxBreakdown: creditNoteFigures.taxBreakdown.map((entry) => ({ ...entry })),
      sourceInvoiceId,
      creditableOnSource: sourceInvoiceId === null ? null : '71.96',
      draftedAt,
    },
  };
}

export function creditNoteIssued(creditNoteId: string, sourceInvoiceId: string | null, number: string, issuedAt: string): CreditNoteIssued {
  return {
    type: 'CreditNoteIssued',
    data: { creditNoteId, customerId: CUSTOMER_ID, number, ...creditNoteFigures, taxBreakdown: creditNoteFigures.taxBreakdown.map((entry) => ({ ...entry })), sourceInvoiceId, issuedAt },
  };
}

export function creditNoteNumberAssigned(creditNoteId: string, sequence: number, at: string): DocumentNumberAssigned {
  return {
    type: 'DocumentNumberAssigned',
    data: {
      documentKind: 'credit_note',
      documentId: creditNoteId,
      periodKey: '2026',
      sequence,
      number: `CN-2026-${String(sequence).padStart(6, '0')}`,
      assignedAt: at,
      printed: [{ head: 'CN-2026-', width: 6, tail: '', from: 1, to: sequence }],
    },
  };
}

export function invoiceCreditNoteRegistered(invoiceId: string, creditNoteId: string, creditableAfter: string, registeredAt: string): InvoiceCreditNoteRegistered {
  return { type: 'InvoiceCreditNoteRegistered', data: { invoiceId, creditNoteId, currency: 'USD', amount: '12.00', creditableAfter, registeredAt } };
}

export function creditNoteApplied(data: Omit<CreditNoteApplied['data'], 'customerId' | 'currency'>): CreditNoteApplied {
  return { type: 'CreditNoteApplied', data: { ...data, customerId: CUSTOMER_ID, currency: 'USD' } };
}

export function invoiceCreditApplied(data: Omit<InvoiceCreditApplied['data'], 'customerId' | 'currency'>): InvoiceCreditApplied {
  return { type: 'InvoiceCreditApplied', data: { ...data, customerId: CUSTOMER_ID, currency: 'USD' } };
}
