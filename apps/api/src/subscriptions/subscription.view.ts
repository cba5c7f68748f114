import { currentConfig, currentPeriod, nextBillDate, type ChargeLine, type CreditNoteState, type InvoiceState, type SubscriptionState } from '../../../../libs/billing/src/index.js';
import { Money, type CurrencyCode } from '../../../../libs/money/src/index.js';
import type { SubscriptionChargeRecord, SubscriptionItemRecord, SubscriptionRecord } from '../../../../projections/subscriptions/subscriptions.queries.js';
import { billingCycleView } from '../catalog/catalog.view.js';
import type { BillingTiming, ServiceType } from '../catalog/catalog.types.js';
import { money } from '../graphql/common.types.js';
import type {
  ChargeLineType,
  CreditNotePreviewType,
  InvoicePreviewType,
  PreviewDocumentLineType,
  SubscriptionChargeType,
  SubscriptionItemType,
  SubscriptionType,
} from './subscription.types.js';

/** The Subscription from the decider's state right after a command (a mutation's answer): no read-model times. */
export function subscriptionViewFromState(state: SubscriptionState): SubscriptionType {
  const { subscriptionId, customerId, currency, timing, alignment, startDate, schedule } = state;
  if (state.status === 'none' || subscriptionId === null || customerId === null || currency === null || timing === null || alignment === null || startDate === null || schedule === null) {
    throw new Error('a subscription view was asked of a subscription that was never created');
  }
  return {
    id: subscriptionId,
    customerId,
    currency,
    timeZone: state.timeZone,
    status: state.status,
    serviceStatus: state.serviceStatus,
    timing: timing as BillingTiming,
    alignment,
    anchorDay: state.anchorDay,
    cycle: billingCycleView(schedule.cycle),
    startDate,
    trialEnd: state.trial?.end ?? null,
    trialEnded: state.trial?.ended ?? false,
    currentPeriod: currentPeriod(state),
    nextBillDate: nextBillDate(state),
    items: state.items.map((item) => {
      const { terms, quantity } = currentConfig(item);
      return itemView(
        { itemId: item.itemId, role: item.role, planId: terms.planId, planVersion: terms.planVersion, productId: terms.productId, planName: terms.name, serviceType: terms.serviceType, quantity, unitPrice: terms.unitPrice, setupFee: terms.setupFee, taxRate: terms.taxRate },
        currency,
      );
    }),
    pendingChanges: state.pendingChanges.map((change) => ({
      itemId: change.itemId,
      planId: change.terms.planId,
      planVersion: change.terms.planVersion,
      planName: change.terms.name,
      quantity: change.quantity,
      unitPrice: money(change.terms.unitPrice, currency),
      effectiveDate: change.effectiveDate,
      requestedOn: change.requestedOn,
    })),
    cancellation: state.cancellation,
    suspension: state.suspension,
    terminatedOn: state.terminatedOn,
    createdAt: null,
    updatedAt: null,
  };
}

/** The Subscription from the read model, with its items. */
export function subscriptionViewFromRecord(record: SubscriptionRecord, items: readonly SubscriptionItemRecord[]): SubscriptionType {
  return {
    id: record.id,
    customerId: record.customerId,
    currency: record.currency,
    timeZone: record.timeZone,
    status: record.status,
    serviceStatus: record.serviceStatus,
    timing: record.timing as BillingTiming,
    alignment: record.alignment,
    anchorDay: record.anchorDay,
    cycle: billingCycleView(record.cycle),
    startDate: record.startDate,
    trialEnd: record.trialEnd,
    trialEnded: record.trialEnded,
    currentPeriod: record.currentPeriod,
    nextBillDate: record.nextBillDate,
    items: items.map((item) => itemView(item, record.currency)),
    pendingChanges: record.pendingChanges.map((change) => ({ ...change, unitPrice: money(change.unitPrice, record.currency) })),
    cancellation: record.cancellation,
    suspension: record.suspension,
    terminatedOn: record.terminatedOn,
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
  };
}

function itemView(item: SubscriptionItemRecord, currency: string): SubscriptionItemType {
  return {
    itemId: item.itemId,
    role: item.role,
    planId: item.planId,
    planVersion: item.planVersion,
    planName: item.planName,
    productId: item.productId,
    serviceType: item.serviceType as ServiceType,
    quantity: item.quantity,
    unitPrice: money(item.unitPrice, currency),
    setupFee: item.setupFee === null ? null : money(item.setupFee, currency),
    taxRate: item.taxRate,
  };
}

export function chargeLineView(line: ChargeLine, currency: string): ChargeLineType {
  return { ...line, amount: money(line.amount, currency) };
}

export function chargeView(charge: SubscriptionChargeRecord): SubscriptionChargeType {
  const { currency } = charge;
  return {
    chargeId: charge.chargeId,
    sequence: charge.sequence,
    reason: charge.reason,
    invoiceId: charge.invoiceId,
    creditNoteId: charge.creditNoteId,
    periodStart: charge.periodStart,
    periodEnd: charge.periodEnd,
    charged: money(charge.charged, currency),
    credited: money(charge.credited, currency),
    total: money(charge.total, currency),
    lines: charge.lines.map((line) => chargeLineView(line, currency)),
    billedOn: charge.billedOn,
    billedAt: charge.billedAt,
  };
}

function documentLineView(line: { lineId: string; description: string; quantity: string; unitPrice: string; taxRate: string | null; amount: string; taxAmount: string }, currency: string): PreviewDocumentLineType {
  return { ...line, amount: money(line.amount, currency), taxAmount: money(line.taxAmount, currency) };
}

/** The invoice a preview decided, as issued (it is never stored). */
export function invoicePreviewView(invoice: InvoiceState): InvoicePreviewType {
  const currency = invoice.currency as string;
  return {
    invoiceId: invoice.invoiceId as string,
    issueDate: invoice.issueDate,
    dueDate: invoice.dueDate,
    lines: invoice.lines.map((line) => documentLineView(line, currency)),
    subtotal: money(invoice.subtotal, currency),
    taxTotal: money(invoice.taxTotal, currency),
    total: money(invoice.total, currency),
    amountCredited: money(invoice.amountCredited, currency),
    balanceDue: money(invoice.balanceDue, currency),
  };
}

/** The credit note a preview decided, issued and applied (it is never stored). */
export function creditNotePreviewView(note: CreditNoteState): CreditNotePreviewType {
  const currency = note.currency as CurrencyCode;
  const applied = (type: 'invoice' | 'customer_account') =>
    Money.sum(
      note.applications.filter((application) => application.applicationType === type).map((application) => Money.of(application.amount, currency)),
      currency,
    ).toString();
  return {
    creditNoteId: note.creditNoteId as string,
    sourceInvoiceId: note.sourceInvoiceId,
    lines: note.lines.map((line) => documentLineView(line, currency)),
    subtotal: money(note.subtotal, currency),
    taxTotal: money(note.taxTotal, currency),
    total: money(note.total, currency),
    appliedToInvoice: money(applied('invoice'), currency),
    toCustomerCredit: money(applied('customer_account'), currency),
  };
}
