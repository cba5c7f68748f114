import { storedEventData, tenantOfStream } from '../../../application/src/index.js';
import { automaticEmailEnabled, emailEventSchemas, emailToggles, invoiceEventSchemas, isDomainError, paymentEventSchemas, receiptEventSchemas, type EmailKind } from '../../../billing/src/index.js';
import { comparePositions, encodePosition, type RecordedEvent } from '../../../event-store/src/index.js';
import type { Projection } from '../../../projection-runtime/src/index.js';
import { loadBillingSettings } from '../common/billing-settings.js';
import { processManagerOrigin } from '../common/process-manager-origin.js';
import { attemptEmail, type EmailAttemptOutcome, type EmailAttemptRequest } from './deliver-email.js';
import { automaticEmailId } from './email-ids.js';
import type { EmailDeliveryServices } from './email-services.js';

export const EMAIL_DELIVERY_NAME = 'email_delivery';

/**
 * The events that lead to an attempt: the automatic triggers (an invoice issued, a receipt issued, a payment
 * allocated, an invoice overdue, a reminder due), an explicit request (EmailRequested, from sendInvoice) and a retry the
 * scheduler marked due (EmailRetryDue). Every attempt is made here, first or retry, by the one lease holder.
 */
export const emailTriggerEventTypes = ['InvoiceIssued', 'ReceiptIssued', 'PaymentAllocated', 'InvoiceBecameOverdue', 'InvoicePaymentReminderDue', 'EmailRequested', 'EmailRetryDue'] as const;
type EmailTriggerEventType = (typeof emailTriggerEventTypes)[number];

export interface EmailDeliveryOptions {
  /** Another name runs a second, independent pass (tests use it to show that a redelivery sends nothing). */
  readonly name?: string;
  readonly log?: (message: string) => void;
  /**
   * From the start of the log instead of from where the process manager first started (tests: a redelivery of every
   * event). Never in a deployment: it would email every invoice ever issued.
   */
  readonly fromStart?: boolean;
}

/** What an automatic trigger asks for: the email's kind, its document and customer, and the key its id derives from. */
interface AutomaticTrigger {
  readonly kind: EmailKind;
  readonly documentId: string;
  readonly customerId: string;
  readonly sourceKey: string;
  readonly daysBeforeDue?: number;
}

/**
 * The email process manager (docs/email.md): a Projection with `sideEffects`, so the runner gives it a lease and a
 * checkpoint and calls it outside any transaction, one event at a time. It sends the first attempt of each email at
 * once, and each retry when the scheduler records it due; each attempt reads the email's stream first (attemptEmail),
 * so a redelivered event sends nothing twice.
 *
 * It starts where the log stood when it first ran (its origin, kept in `email_delivery_origin`), never at position
 * zero: a ledger that gains email must not mail every invoice it ever issued.
 *
 * The toggles are read from the tenant's settings as they are when the event is handled (usually milliseconds after
 * it), not as they were when it was recorded; an email already attempted goes on with its retries whatever they say.
 */
export function emailDelivery(services: EmailDeliveryServices, options: EmailDeliveryOptions = {}): Projection {
  const name = options.name ?? EMAIL_DELIVERY_NAME;
  const log = options.log ?? (() => undefined);
  const originOf = processManagerOrigin(services, 'email_delivery_origin', name, options.fromStart);
  return {
    name,
    version: 1,
    eventTypes: emailTriggerEventTypes,
    tables: [],
    sideEffects: true,
    async createTables() {
      const from = await originOf();
      log(`email: sending with ${services.mail.description}, from ${services.mailFrom}; events after position ${encodePosition(from)}`);
    },
    async apply(_context, recorded) {
      if (comparePositions(recorded.position, await originOf()) <= 0) return;
      const request = await attemptRequestOf(services, recorded, log);
      if (request === null) return;
      let outcome: EmailAttemptOutcome;
      try {
        outcome = await attemptEmail(services, request);
      } catch (error) {
        // A recording the domain refuses would be refused on every redelivery: report it and go on with the next
        // email rather than hold back every later one. Anything else (the store) is retried with the batch.
        if (!isDomainError(error)) throw error;
        log(`email ${request.emailId} of tenant ${request.tenantId} NOT recorded: ${error.code}: ${error.message}`);
        return;
      }
      log(`email ${request.emailId} of tenant ${request.tenantId} (${recorded.type}): ${describe(outcome)}`);
    },
  };
}

function describe(outcome: EmailAttemptOutcome): string {
  switch (outcome.outcome) {
    case 'sent':
      return `sent (attempt ${outcome.attempt})`;
    case 'failed':
      return `attempt ${outcome.attempt} failed: ${outcome.reason}; ${outcome.nextAttemptAt === null ? 'no further attempt' : `next attempt at ${outcome.nextAttemptAt}`}`;
    case 'skipped':
      return `nothing sent: ${outcome.reason}`;
  }
}

/** The attempt an event asks for, or null: not an email event for this tenant's settings. */
async function attemptRequestOf(services: EmailDeliveryServices, recorded: RecordedEvent, log: (message: string) => void): Promise<EmailAttemptRequest | null> {
  const tenantId = tenantOfStream(recorded.streamId);
  const correlationId = typeof recorded.metadata.correlationId === 'string' ? recorded.metadata.correlationId : recorded.eventId;
  const causation = { tenantId, causationId: recorded.eventId, correlationId };
  const type = recorded.type as EmailTriggerEventType;
  switch (type) {
    case 'EmailRequested': {
      const data = storedEventData(emailEventSchemas.EmailRequested, recorded);
      return { ...causation, emailId: data.emailId, stage: { stage: 'requested' } };
    }
    case 'EmailRetryDue': {
      const data = storedEventData(emailEventSchemas.EmailRetryDue, recorded);
      return { ...causation, emailId: data.emailId, stage: { stage: 'retry', attempt: data.attempt } };
    }
    default: {
      const trigger = automaticTriggerOf(type, recorded);
      const settings = await loadBillingSettings(services, tenantId);
      if (!automaticEmailEnabled(trigger.kind, settings)) {
        log(`no ${trigger.kind} email for ${trigger.documentId} of tenant ${tenantId}: off by ${emailToggles[trigger.kind]}`);
        return null;
      }
      const { kind, documentId, customerId, daysBeforeDue } = trigger;
      const subject = daysBeforeDue === undefined ? { kind, documentId, customerId } : { kind, documentId, customerId, daysBeforeDue };
      return { ...causation, emailId: automaticEmailId(tenantId, kind, trigger.sourceKey), stage: { stage: 'first', subject } };
    }
  }
}

function automaticTriggerOf(type: Exclude<EmailTriggerEventType, 'EmailRequested' | 'EmailRetryDue'>, recorded: RecordedEvent): AutomaticTrigger {
  switch (type) {
    case 'InvoiceIssued': {
      const data = storedEventData(invoiceEventSchemas.InvoiceIssued, recorded);
      return { kind: 'invoice', documentId: data.invoiceId, customerId: data.customerId, sourceKey: recorded.eventId };
    }
    case 'ReceiptIssued': {
      const data = storedEventData(receiptEventSchemas.ReceiptIssued, recorded);
      return { kind: 'receipt', documentId: data.receiptId, customerId: data.payer.customerId, sourceKey: recorded.eventId };
    }
    case 'PaymentAllocated': {
      // One confirmation per payment: the id derives from the payment, whatever event reports it.
      const data = storedEventData(paymentEventSchemas.PaymentAllocated, recorded);
      return { kind: 'payment_confirmation', documentId: data.paymentId, customerId: data.customerId, sourceKey: data.paymentId };
    }
    case 'InvoiceBecameOverdue': {
      const data = storedEventData(invoiceEventSchemas.InvoiceBecameOverdue, recorded);
      return { kind: 'overdue_notice', documentId: data.invoiceId, customerId: data.customerId, sourceKey: recorded.eventId };
    }
    case 'InvoicePaymentReminderDue': {
      const data = storedEventData(invoiceEventSchemas.InvoicePaymentReminderDue, recorded);
      return { kind: 'payment_reminder', documentId: data.invoiceId, customerId: data.customerId, sourceKey: recorded.eventId, daysBeforeDue: data.daysBeforeDue };
    }
    default: {
      const unexpected: never = type;
      throw new Error(`the email process manager received an event it does not handle: ${String(unexpected)}`);
    }
  }
}
