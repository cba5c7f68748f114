import { calendarDateInZone, decideReceipt, receiptsEnabled, describePaymentMethod, describePaymentMethodType, DomainError, type BillingSettings, type IssueReceipt, type PaymentMethodType, type ReceiptCompanyInput } from '../../../billing/src/index.js';
import { load, aggregates, storedEvents, executeWithRetry, streams, uuidV5, type CommandContext } from '../../../application/src/index.js';
import type { EventStore } from '../../../event-store/src/index.js';
import { takeDocumentNumber } from '../common/numbering.js';
import { tenantNowOf, type TenantTimeSource } from '../common/tenant-time.js';

/**
 * What issuing a receipt needs: the event store and the tenant's clock (the receipt's issue time is the tenant's
 * time). The projector process has no LedgerServices.
 */
export interface ReceiptIssuerServices extends TenantTimeSource {
  readonly store: EventStore;
}

/** A payment that succeeded, whatever event said so (PaymentAllocated, or the older InvoicePaymentRecorded). */
export interface SucceededPayment {
  readonly tenantId: string;
  readonly paymentId: string;
  readonly customerId: string;
  readonly amount: string;
  readonly currency: string;
  readonly method: PaymentMethodType;
  /** The method on file that was charged: the receipt then reads e.g. "visa ****4242". */
  readonly paymentMethodId: string | null;
  readonly reference: string | null;
  /** The instant the payment succeeded: the receipt is dated by it, so a redelivery builds the same receipt. */
  readonly succeededAt: string;
  readonly invoicesPaid: readonly { invoiceId: string; appliedAmount: string }[];
  /** The event that reported the success: the causation of the receipt's events. */
  readonly eventId: string;
  readonly correlationId: string;
}

export const RECEIPT_ISSUER_ACTOR = 'process-manager:receipt-issuer';

/** One receipt per payment: the id is derived from the tenant and the payment, so a redelivery finds its receipt. */
export function receiptIdOf(tenantId: string, paymentId: string): string {
  return uuidV5(`${tenantId}:${paymentId}:receipt`);
}


/** `skipped`: the tenant's receipts feature is off (features.receipts), so the payment gets no receipt. */
export type IssueReceiptOutcome = { readonly receiptId: string; readonly outcome: 'issued' | 'already_issued' | 'skipped' };

/**
 * Issues the receipt of a succeeded payment: ONE atomic two-stream append of the receipt number sequence and the
 * receipt stream, like issueInvoice. The receipt stream is read FIRST: when it exists (a redelivered event after a
 * crash, a second runner) nothing is decided and no number is taken, so a payment never gets two receipts or burns
 * a number. Two racing issuers both expect `no_stream` on the receipt stream, so only one append can succeed.
 */
export function issueReceiptForPayment(services: ReceiptIssuerServices, payment: SucceededPayment): Promise<IssueReceiptOutcome> {
  const { tenantId } = payment;
  const receiptId = receiptIdOf(tenantId, payment.paymentId);
  const receiptStream = streams.receipt(tenantId, receiptId);
  return executeWithRetry<IssueReceiptOutcome>(services.store, async () => {
    const receipt = await load(services.store, aggregates.receipt, tenantId, receiptId);
    if (receipt.state.status === 'issued') return { appends: [], result: () => ({ receiptId, outcome: 'already_issued' as const }) };
    const clockNow = await tenantNowOf(services, tenantId);
    const context: CommandContext = {
      tenantId,
      actor: RECEIPT_ISSUER_ACTOR,
      commandId: uuidV5(`${receiptId}:IssueReceipt`),
      correlationId: payment.correlationId,
      causationId: payment.eventId,
      // The receipt is dated by the payment; a clock behind the payment's instant (a process clock that lags, real time
      // after a test clock was deleted) must not make it "future".
      now: Date.parse(clockNow) < Date.parse(payment.succeededAt) ? payment.succeededAt : clockNow,
    };
    const settings = (await load(services.store, aggregates.billingSettings, tenantId, tenantId)).state.settings;
    // The feature as it is when the payment is processed: a payment made while receipts are off never gets one later.
    if (!receiptsEnabled(settings)) return { appends: [], result: () => ({ receiptId, outcome: 'skipped' as const }) };
    const data: Omit<IssueReceipt['data'], 'number'> = {
      receiptId,
      paymentId: payment.paymentId,
      issuedAt: payment.succeededAt,
      issueDate: calendarDateInZone(payment.succeededAt, settings.tenant.timeZone),
      payer: { customerId: payment.customerId, name: await customerNameOf(services, tenantId, payment.customerId) },
      amount: payment.amount,
      currency: payment.currency,
      methodDescription: await methodDescriptionOf(services, tenantId, payment),
      paymentReference: payment.reference,
      invoicesPaid: await Promise.all(payment.invoicesPaid.map((paid) => invoicePaidOf(services, tenantId, paid))),
      company: receiptCompanyOf(settings, tenantId),
    };
    const issue = (number: string): IssueReceipt => ({ type: 'IssueReceipt', data: { ...data, number }, metadata: { now: context.now } });
    // Check every receipt rule first, so that an invalid receipt never touches the sequence.
    decideReceipt(issue('provisional'), receipt.state);
    const { number, appends: numberAppends } = await takeDocumentNumber(services.store, context, settings, 'receipt', receiptId, payment.succeededAt);
    const receiptEvents = decideReceipt(issue(number), receipt.state);
    return {
      appends: [
        ...numberAppends,
        { streamId: receiptStream, expectedRevision: receipt.expectedRevision, events: storedEvents(receiptEvents, context, receiptStream) },
      ],
      result: () => ({ receiptId, outcome: 'issued' as const }),
    };
  });
}

/** How the payment reads on the receipt: the method on file ("visa ****4242") when one was charged, else its type. */
async function methodDescriptionOf(services: ReceiptIssuerServices, tenantId: string, payment: SucceededPayment): Promise<string> {
  if (payment.paymentMethodId === null) return describePaymentMethodType(payment.method);
  const method = await load(services.store, aggregates.paymentMethod, tenantId, payment.paymentMethodId);
  return method.state.type === null ? describePaymentMethodType(payment.method) : describePaymentMethod(method.state);
}

/** The payer's name as registered (from the customer's stream, so it cannot lag behind the payment); null if never registered. */
async function customerNameOf(services: ReceiptIssuerServices, tenantId: string, customerId: string): Promise<string | null> {
  const customer = await load(services.store, aggregates.customer, tenantId, customerId);
  return customer.state.details?.name ?? null;
}

async function invoicePaidOf(services: ReceiptIssuerServices, tenantId: string, paid: { invoiceId: string; appliedAmount: string }) {
  const invoice = await load(services.store, aggregates.invoice, tenantId, paid.invoiceId);
  // A payment is only recorded against an issued invoice, and an issued invoice always has its number.
  if (invoice.state.number === null) throw new Error(`invoice ${paid.invoiceId} was paid but has no number`);
  return { invoiceId: paid.invoiceId, number: invoice.state.number, amount: paid.appliedAmount };
}

/** The company block of a receipt, from the settings' company section; a tenant without a company name prints its profile name, then its id. */
export function receiptCompanyOf(settings: BillingSettings, tenantId: string): ReceiptCompanyInput {
  const { company } = settings;
  const { address } = company;
  const cityLine = [address.city, [address.state, address.postalCode].filter((part) => part !== null && part !== '').join(' ')].filter((part) => part !== null && part !== '').join(', ');
  const addressLines = [address.line1, address.line2, cityLine, address.country].filter((line): line is string => line !== null && line.trim() !== '');
  return {
    name: company.name ?? settings.tenant.name ?? tenantId,
    legalName: company.legalName,
    taxId: company.taxId,
    registrationNumber: company.registrationNumber,
    addressLines,
    email: company.email,
    phone: company.phone,
    website: company.website,
  };
}

/** A receipt that the domain refuses (VALIDATION_FAILED) is an operating error to report, not a reason to stop every later receipt. */
export function isDomainRefusal(error: unknown): error is DomainError {
  return error instanceof DomainError;
}
