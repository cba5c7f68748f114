import { paymentMethodTypes, type PaymentMethodType } from '../payment/payment.method-types.js';
import { assertNever } from '../common/assert-never.js';
import { requireInstant } from '../common/calendar-date.js';
import { assertDecidedOnOwnStream, type Decider } from '../common/decider.js';
import { DomainError } from '../common/domain-error.js';
import { requireIdentifier, requireIntegerInRange, requireOneOf, requireText, validationFailed } from '../common/validation.js';
import { rejectCardData } from './payment-method.card-data.js';
import type {
  AddPaymentMethod,
  DeactivatePaymentMethod,
  ExpirePaymentMethod,
  FailPaymentMethodVerification,
  PaymentMethodCommand,
  PaymentMethodStatus,
  VerificationStatus,
  VerifyPaymentMethod,
} from './payment-method.commands.js';
import type { PaymentMethodAdded, PaymentMethodEvent } from './payment-method.events.js';

/** Bounds on every text of a payment method. */
export const paymentMethodLimits = {
  brandLengthMax: 32,
  gatewayTokenLengthMax: 500,
  gatewayTokenRefLengthMax: 300,
  holderNameLengthMax: 200,
  reasonLengthMax: 500,
  expiryYearMin: 2000,
  expiryYearMax: 2100,
} as const;

/** Methods that must be verified (micro-deposits, a mandate) before they can be charged. */
const typesRequiringVerification: readonly PaymentMethodType[] = ['bank_account'];

/**
 * 'none' is a stream without events. Every message of this module names fields but never repeats their values:
 * a value refused here may be card data that must not end up in logs.
 */
export interface PaymentMethodState {
  status: 'none' | PaymentMethodStatus;
  paymentMethodId: string | null;
  customerId: string | null;
  type: PaymentMethodType | null;
  brand: string | null;
  last4: string | null;
  expiryMonth: number | null;
  expiryYear: number | null;
  /** Where the secret store keeps the gateway's token; the token itself is never in an event or a state. */
  gatewayTokenRef: string | null;
  holderName: string | null;
  /** null for methods that need no verification (cards, wallets). */
  verificationStatus: VerificationStatus | null;
  verificationFailureReason: string | null;
  addedAt: string | null;
  verifiedAt: string | null;
  expiredAt: string | null;
  deactivatedAt: string | null;
  deactivationReason: string | null;
}

export const initialPaymentMethodState: PaymentMethodState = {
  status: 'none',
  paymentMethodId: null,
  customerId: null,
  type: null,
  brand: null,
  last4: null,
  expiryMonth: null,
  expiryYear: null,
  gatewayTokenRef: null,
  holderName: null,
  verificationStatus: null,
  verificationFailureReason: null,
  addedAt: null,
  verifiedAt: null,
  expiredAt: null,
  deactivatedAt: null,
  deactivationReason: null,
};

/**
 * Order of checks: the metadata, then card data anywhere in the command (before anything else reads a value, so
 * no other message can echo it), then existence and status, then the command's own data. Deactivation is final:
 * an inactive method accepts nothing but another deactivation (a no-op).
 */
export function decidePaymentMethod(command: PaymentMethodCommand, state: PaymentMethodState): PaymentMethodEvent[] {
  requireInstant(command.metadata?.now, 'metadata.now');
  rejectCardData(withoutTokenReference(command.data));
  switch (command.type) {
    case 'AddPaymentMethod':
      return addPaymentMethod(command, state);
    case 'VerifyPaymentMethod':
      return verifyPaymentMethod(command, state);
    case 'FailPaymentMethodVerification':
      return failPaymentMethodVerification(command, state);
    case 'ExpirePaymentMethod':
      return expirePaymentMethod(command, state);
    case 'DeactivatePaymentMethod':
      return deactivatePaymentMethod(command, state);
    default:
      return assertNever(command, 'payment method command');
  }
}

export function evolvePaymentMethod(state: PaymentMethodState, event: PaymentMethodEvent): PaymentMethodState {
  switch (event.type) {
    case 'PaymentMethodAdded': {
      const { addedAt, ...method } = event.data;
      return { ...initialPaymentMethodState, ...method, addedAt };
    }
    case 'PaymentMethodVerified':
      return { ...state, status: 'active', verificationStatus: 'verified', verificationFailureReason: null, verifiedAt: event.data.verifiedAt };
    case 'PaymentMethodVerificationFailed':
      return { ...state, status: 'verification_failed', verificationStatus: 'failed', verificationFailureReason: event.data.reason };
    case 'PaymentMethodExpired':
      return { ...state, status: 'expired', expiredAt: event.data.expiredAt };
    case 'PaymentMethodDeactivated':
      return { ...state, status: 'inactive', deactivatedAt: event.data.deactivatedAt, deactivationReason: event.data.reason };
    default:
      return assertNever(event, 'payment method event');
  }
}

export const paymentMethodDecider: Decider<PaymentMethodCommand, PaymentMethodEvent, PaymentMethodState> = {
  decide: decidePaymentMethod,
  evolve: evolvePaymentMethod,
  initialState: initialPaymentMethodState,
};

const typeLabels: Record<PaymentMethodType, string> = {
  card: 'card',
  bank_account: 'bank account',
  digital_wallet: 'digital wallet',
  crypto: 'crypto',
  check: 'check',
  wire_transfer: 'wire transfer',
  cash: 'cash',
};

/** How a method type reads on a receipt when no method on file is known: "wire transfer", "cash". */
export function describePaymentMethodType(type: PaymentMethodType): string {
  return typeLabels[type];
}

/**
 * How a method on file reads on a receipt: the brand (or the type) and the last four digits when known:
 * "visa ****4242", "bank account ****6789", "apple pay", "digital wallet".
 */
export function describePaymentMethod(method: Pick<PaymentMethodState, 'type' | 'brand' | 'last4'>): string {
  if (method.type === null) throw new Error('describePaymentMethod: the payment method has not been added');
  const name = method.brand ?? describePaymentMethodType(method.type);
  return method.last4 === null ? name : `${name} ****${method.last4}`;
}

/** The first instant after the expiry month (a card is valid through the last day of its expiry month), in UTC. */
export function expiryInstantOf(expiryMonth: number, expiryYear: number): string {
  return new Date(Date.UTC(expiryYear, expiryMonth, 1)).toISOString();
}

type AddedData = Omit<PaymentMethodAdded['data'], 'addedAt'>;

function addPaymentMethod({ data, metadata }: AddPaymentMethod, state: PaymentMethodState): PaymentMethodEvent[] {
  const added = addedDataOf(data, metadata.now);
  if (state.status !== 'none') {
    assertDecidedOnOwnStream('payment method', added.paymentMethodId, state.paymentMethodId);
    if (sameMethod(added, state)) return [];
    throw new DomainError('ALREADY_EXISTS', `Payment method ${state.paymentMethodId} already exists (status ${state.status}) with different data`, {
      paymentMethodId: state.paymentMethodId,
      status: state.status,
    });
  }
  return [{ type: 'PaymentMethodAdded', data: { ...added, addedAt: metadata.now } }];
}

function addedDataOf(data: AddPaymentMethod['data'], now: string): AddedData {
  if (typeof data !== 'object' || data === null) {
    throw validationFailed('data must be an object with paymentMethodId, customerId, type and gatewayToken', { field: 'data' });
  }
  const paymentMethodId = requireIdentifier(data.paymentMethodId, 'paymentMethodId');
  const customerId = requireIdentifier(data.customerId, 'customerId');
  const type = requireOneOf(data.type, 'type', paymentMethodTypes);
  // The token is checked (its length, and that it is no card number: rejectCardData) but never recorded.
  requireText(data.gatewayToken, 'gatewayToken', paymentMethodLimits.gatewayTokenLengthMax);
  const gatewayTokenRef = requireText(data.gatewayTokenRef, 'gatewayTokenRef', paymentMethodLimits.gatewayTokenRefLengthMax);
  const brand = optionalBrand(data.brand);
  const last4 = optionalLast4(data.last4);
  const expiry = optionalExpiry(data.expiryMonth, data.expiryYear);
  const holderName = isAbsent(data.holderName) ? null : requireText(data.holderName, 'holderName', paymentMethodLimits.holderNameLengthMax);
  if (type === 'card') {
    const missing = [brand === null ? 'brand' : null, last4 === null ? 'last4' : null, expiry === null ? 'expiryMonth and expiryYear' : null].filter(
      (field) => field !== null,
    );
    if (missing.length > 0) throw validationFailed(`A card needs brand, last4 and expiry: ${missing.join(', ')} missing`, { field: missing[0] });
  }
  if (expiry !== null && Date.parse(now) >= Date.parse(expiryInstantOf(expiry.month, expiry.year))) {
    throw validationFailed(`The expiry ${String(expiry.month).padStart(2, '0')}/${expiry.year} has passed: an expired method cannot be added`, {
      field: 'expiryYear',
    });
  }
  const requiresVerification = typesRequiringVerification.includes(type);
  return {
    paymentMethodId,
    customerId,
    type,
    brand,
    last4,
    expiryMonth: expiry?.month ?? null,
    expiryYear: expiry?.year ?? null,
    gatewayTokenRef,
    holderName,
    status: requiresVerification ? 'requires_verification' : 'active',
    verificationStatus: requiresVerification ? 'pending' : null,
  };
}

/**
 * The command's data as the card-data scan reads it: without the token's reference, which the ledger made (a
 * `sec_<uuid>` whose digit groups could pass Luhn by chance) and which is no input of the caller's.
 */
function withoutTokenReference(data: unknown): unknown {
  if (typeof data !== 'object' || data === null || !Object.hasOwn(data, 'gatewayTokenRef')) return data;
  const { gatewayTokenRef: _reference, ...rest } = data as Record<string, unknown>;
  return rest;
}

function isAbsent(value: unknown): value is null | undefined {
  return value === undefined || value === null;
}

const brandPattern = /^[a-z][a-z0-9 _-]*$/;

/** Brands are stored in lower case ("Visa" -> "visa"): receipts print them as the gateway names them, uniformly. */
function optionalBrand(value: unknown): string | null {
  if (isAbsent(value)) return null;
  const brand = requireText(value, 'brand', paymentMethodLimits.brandLengthMax).toLowerCase();
  if (!brandPattern.test(brand)) {
    throw validationFailed('brand must start with a letter and hold only letters, digits, spaces, dashes and underscores', { field: 'brand' });
  }
  return brand;
}

function optionalLast4(value: unknown): string | null {
  if (isAbsent(value)) return null;
  if (typeof value !== 'string' || !/^\d{4}$/.test(value)) {
    throw validationFailed('last4 must be a string of exactly 4 digits', { field: 'last4' });
  }
  return value;
}

function optionalExpiry(month: unknown, year: unknown): { month: number; year: number } | null {
  if (isAbsent(month) && isAbsent(year)) return null;
  if (isAbsent(month) || isAbsent(year)) {
    throw validationFailed('expiryMonth and expiryYear go together: send both or neither', { field: isAbsent(month) ? 'expiryMonth' : 'expiryYear' });
  }
  return {
    month: requireIntegerInRange(month, 'expiryMonth', 1, 12),
    year: requireIntegerInRange(year, 'expiryYear', paymentMethodLimits.expiryYearMin, paymentMethodLimits.expiryYearMax),
  };
}

function sameMethod(added: AddedData, state: PaymentMethodState): boolean {
  return (
    added.customerId === state.customerId &&
    added.type === state.type &&
    added.brand === state.brand &&
    added.last4 === state.last4 &&
    added.expiryMonth === state.expiryMonth &&
    added.expiryYear === state.expiryYear &&
    added.gatewayTokenRef === state.gatewayTokenRef &&
    added.holderName === state.holderName
  );
}

function verifyPaymentMethod({ data, metadata }: VerifyPaymentMethod, state: PaymentMethodState): PaymentMethodEvent[] {
  const method = requireUsable(state, data?.paymentMethodId);
  if (method.status === 'active' && method.verificationStatus === 'verified') return [];
  if (method.status !== 'requires_verification' && method.status !== 'verification_failed') throw notAwaitingVerification(method);
  return [{ type: 'PaymentMethodVerified', data: { paymentMethodId: method.paymentMethodId, verifiedAt: metadata.now } }];
}

function failPaymentMethodVerification({ data, metadata }: FailPaymentMethodVerification, state: PaymentMethodState): PaymentMethodEvent[] {
  const method = requireUsable(state, data?.paymentMethodId);
  const reason = requireText(data.reason, 'reason', paymentMethodLimits.reasonLengthMax);
  if (method.status === 'verification_failed') return [];
  if (method.status !== 'requires_verification') throw notAwaitingVerification(method);
  return [{ type: 'PaymentMethodVerificationFailed', data: { paymentMethodId: method.paymentMethodId, reason, failedAt: metadata.now } }];
}

function expirePaymentMethod({ data, metadata }: ExpirePaymentMethod, state: PaymentMethodState): PaymentMethodEvent[] {
  const method = requireUsable(state, data?.paymentMethodId);
  if (method.status === 'expired') return [];
  if (method.expiryMonth === null || method.expiryYear === null) {
    throw new DomainError('PAYMENT_METHOD_NOT_EXPIRED', `Payment method ${method.paymentMethodId} has no expiry date: it cannot expire`, {
      paymentMethodId: method.paymentMethodId,
    });
  }
  const expiresAt = expiryInstantOf(method.expiryMonth, method.expiryYear);
  if (Date.parse(metadata.now) < Date.parse(expiresAt)) {
    throw new DomainError('PAYMENT_METHOD_NOT_EXPIRED', `Payment method ${method.paymentMethodId} is valid until ${expiresAt}`, {
      paymentMethodId: method.paymentMethodId,
      expiresAt,
    });
  }
  return [
    {
      type: 'PaymentMethodExpired',
      data: { paymentMethodId: method.paymentMethodId, expiryMonth: method.expiryMonth, expiryYear: method.expiryYear, expiredAt: metadata.now },
    },
  ];
}

function deactivatePaymentMethod({ data, metadata }: DeactivatePaymentMethod, state: PaymentMethodState): PaymentMethodEvent[] {
  const method = requireExisting(state, data?.paymentMethodId);
  const reason = isAbsent(data.reason) ? null : requireText(data.reason, 'reason', paymentMethodLimits.reasonLengthMax);
  if (method.status === 'inactive') return [];
  return [{ type: 'PaymentMethodDeactivated', data: { paymentMethodId: method.paymentMethodId, reason, deactivatedAt: metadata.now } }];
}

type ExistingPaymentMethod = PaymentMethodState & { status: PaymentMethodStatus; paymentMethodId: string };

function requireExisting(state: PaymentMethodState, paymentMethodId: unknown): ExistingPaymentMethod {
  if (state.status === 'none' || state.paymentMethodId === null) {
    throw new DomainError('NOT_FOUND', `Payment method ${JSON.stringify(paymentMethodId)} does not exist`, { paymentMethodId });
  }
  assertDecidedOnOwnStream('payment method', paymentMethodId, state.paymentMethodId);
  return state as ExistingPaymentMethod;
}

/** Existing and not deactivated. */
function requireUsable(state: PaymentMethodState, paymentMethodId: unknown): ExistingPaymentMethod {
  const method = requireExisting(state, paymentMethodId);
  if (method.status === 'inactive') {
    throw new DomainError('PAYMENT_METHOD_INACTIVE', `Payment method ${method.paymentMethodId} was deactivated`, { paymentMethodId: method.paymentMethodId });
  }
  return method;
}

function notAwaitingVerification(method: ExistingPaymentMethod): DomainError {
  return new DomainError(
    'PAYMENT_METHOD_NOT_AWAITING_VERIFICATION',
    `Payment method ${method.paymentMethodId} is ${method.status}: only a method that requires verification can be verified or fail it`,
    { paymentMethodId: method.paymentMethodId, status: method.status },
  );
}
