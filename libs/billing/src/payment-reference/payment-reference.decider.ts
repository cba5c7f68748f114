import { Money } from '../../../money/src/index.js';
import { assertNever } from '../common/assert-never.js';
import { requireInstant } from '../common/calendar-date.js';
import type { Decider } from '../common/decider.js';
import { DomainError, translatingMoneyErrors } from '../common/domain-error.js';
import {
  requireCurrency,
  requireIdentifier,
  requirePositiveAmount,
  requireRecord,
  requireText,
  validationFailed,
} from '../common/validation.js';
import type { PaymentReferenceCommand, ReservePaymentReference } from './payment-reference.commands.js';
import type { PaymentReferenceEvent } from './payment-reference.events.js';

export const paymentReferenceLimits = {
  /** The same bound as a payment's reference. */
  referenceLengthMax: 200,
} as const;

/**
 * The key a reference is unique under, so that the same reference written differently by two notifications (or
 * typed by a person from a bank statement) lands on the same stream:
 * 1. Unicode NFKC: compatibility forms become plain ones (full-width "ＣＨ１" -> "CH1", a no-break space -> a space);
 * 2. leading and trailing whitespace removed;
 * 3. every run of whitespace inside collapsed to one space ("CH  1" -> "CH 1");
 * 4. lower-cased, locale-independent ("CH_3NX" -> "ch_3nx").
 * Folding case may in theory merge two gateway ids that differ only in case; the outcome is then a refusal for a
 * person to look at (DUPLICATE_PAYMENT or PAYMENT_REFERENCE_CONFLICT), never a lost or doubled payment, whereas not
 * folding lets the same bank reference typed twice record two payments.
 */
export function normalisePaymentReference(reference: string): string {
  return reference.normalize('NFKC').trim().replace(/\s+/gu, ' ').toLowerCase();
}

/** 'none' is a reference never seen; 'reserved' one claimed by a payment, for good. */
export interface PaymentReferenceState {
  status: 'none' | 'reserved';
  reference: string | null;
  paymentId: string | null;
  amount: string | null;
  currency: string | null;
  reservedAt: string | null;
}

export const initialPaymentReferenceState: PaymentReferenceState = {
  status: 'none',
  reference: null,
  paymentId: null,
  amount: null,
  currency: null,
  reservedAt: null,
};

/**
 * The first payment to claim a reference keeps it. Claims that follow:
 * - by the same payment (a retried command): acknowledged, no event;
 * - by another payment for the same amount and currency: the same money notified twice, DUPLICATE_PAYMENT with
 *   `details.existingPaymentId`, so the application answers with the payment already recorded;
 * - by another payment for a different amount or currency: a reused reference cannot be told from a mistake or a
 *   fraud, so PAYMENT_REFERENCE_CONFLICT refuses it for a person to look at.
 */
export function decidePaymentReference(command: PaymentReferenceCommand, state: PaymentReferenceState): PaymentReferenceEvent[] {
  return translatingMoneyErrors(() => {
    requireInstant(command.metadata?.now, 'metadata.now');
    switch (command.type) {
      case 'ReservePaymentReference':
        return reservePaymentReference(command, state);
      default:
        return assertNever(command.type, 'payment-reference command');
    }
  });
}

export function evolvePaymentReference(state: PaymentReferenceState, event: PaymentReferenceEvent): PaymentReferenceState {
  switch (event.type) {
    case 'PaymentReferenceReserved': {
      const { reference, paymentId, amount, currency, reservedAt } = event.data;
      return { status: 'reserved', reference, paymentId, amount, currency, reservedAt };
    }
    default:
      return assertNever(event.type, 'payment-reference event');
  }
}

export const paymentReferenceDecider: Decider<PaymentReferenceCommand, PaymentReferenceEvent, PaymentReferenceState> = {
  decide: decidePaymentReference,
  evolve: evolvePaymentReference,
  initialState: initialPaymentReferenceState,
};

function reservePaymentReference({ data, metadata }: ReservePaymentReference, state: PaymentReferenceState): PaymentReferenceEvent[] {
  requireRecord(data, 'data', 'reference, paymentId, amount and currency');
  const receivedReference = requireText(data.reference, 'reference', paymentReferenceLimits.referenceLengthMax);
  const reference = normalisePaymentReference(receivedReference);
  if (reference.length === 0) throw validationFailed('reference must contain more than whitespace', { field: 'reference' });
  const paymentId = requireIdentifier(data.paymentId, 'paymentId');
  const currency = requireCurrency(data.currency, 'currency');
  const amount = requirePositiveAmount(data.amount, currency, 'amount');
  if (state.status === 'none') {
    return [
      {
        type: 'PaymentReferenceReserved',
        data: { reference, receivedReference, paymentId, amount: amount.toString(), currency, reservedAt: metadata.now },
      },
    ];
  }
  if (state.reference !== reference || state.paymentId === null || state.amount === null || state.currency === null) {
    // The application loads the stream named after the normalised reference: another one here is a bug, not input.
    throw new Error(`payment reference ${JSON.stringify(reference)} was decided on the stream of ${JSON.stringify(state.reference)}`);
  }
  if (state.paymentId === paymentId) return [];
  const details = { reference, existingPaymentId: state.paymentId, paymentId };
  if (state.currency === currency && Money.of(state.amount, currency).equals(amount)) {
    throw new DomainError(
      'DUPLICATE_PAYMENT',
      `Reference ${JSON.stringify(receivedReference)} was already recorded as payment ${state.paymentId} for the same amount: this is the same payment notified again`,
      details,
    );
  }
  throw new DomainError(
    'PAYMENT_REFERENCE_CONFLICT',
    `Reference ${JSON.stringify(receivedReference)} already belongs to payment ${state.paymentId} for ${state.amount} ${state.currency}, not ${amount.toString()} ${currency}: a reused reference is refused`,
    { ...details, existingAmount: state.amount, existingCurrency: state.currency },
  );
}
