import { Money } from '../../../money/src/index.js';
import { containsCardNumber } from '../payment-method/payment-method.card-data.js';
import { assertNever } from '../common/assert-never.js';
import { addDaysToCalendarDate, compareCalendarDates, requireCalendarDate, requireInstant } from '../common/calendar-date.js';
import { assertDecidedOnOwnStream, type Decider } from '../common/decider.js';
import { DomainError, translatingMoneyErrors } from '../common/domain-error.js';
import {
  optionalText,
  requireCurrency,
  requireIdentifier,
  requireList,
  requirePositiveAmount,
  requireRecord,
  requireText,
  validationFailed,
} from '../common/validation.js';
import type { IssueReceipt, ReceiptCommand } from './receipt.commands.js';
import type { Receipt, ReceiptCompany, ReceiptEvent } from './receipt.events.js';

/** Bounds on every text and list of a receipt. */
export const receiptLimits = {
  numberLengthMax: 100,
  nameLengthMax: 200,
  methodDescriptionLengthMax: 100,
  referenceLengthMax: 200,
  invoicesPaidMax: 100,
  addressLinesMax: 6,
  lineLengthMax: 200,
  contactLengthMax: 254,
  urlLengthMax: 2000,
} as const;

/** 'none' is a receipt id never issued; an issued receipt never changes. */
export interface ReceiptState {
  status: 'none' | 'issued';
  receipt: Receipt | null;
}

export const initialReceiptState: ReceiptState = { status: 'none', receipt: null };

/**
 * Order of checks: the metadata, then the command's data (all of it, so that a repeat can be compared whole), then
 * the state. A receipt is immutable: the same command again decides no event; any difference is RECEIPT_IMMUTABLE.
 */
export function decideReceipt(command: ReceiptCommand, state: ReceiptState): ReceiptEvent[] {
  return translatingMoneyErrors(() => {
    requireInstant(command.metadata?.now, 'metadata.now');
    switch (command.type) {
      case 'IssueReceipt':
        return issueReceipt(command, state);
      default:
        return assertNever(command.type, 'receipt command');
    }
  });
}

export function evolveReceipt(state: ReceiptState, event: ReceiptEvent): ReceiptState {
  switch (event.type) {
    case 'ReceiptIssued':
      return { status: 'issued', receipt: event.data };
    default:
      return assertNever(event.type, 'receipt event');
  }
}

export const receiptDecider: Decider<ReceiptCommand, ReceiptEvent, ReceiptState> = {
  decide: decideReceipt,
  evolve: evolveReceipt,
  initialState: initialReceiptState,
};

function issueReceipt({ data, metadata }: IssueReceipt, state: ReceiptState): ReceiptEvent[] {
  const receipt = receiptOf(data, metadata.now);
  if (state.receipt === null) return [{ type: 'ReceiptIssued', data: receipt }];
  assertDecidedOnOwnStream('receipt', receipt.receiptId, state.receipt.receiptId);
  if (sameJson(receipt, state.receipt)) return [];
  throw new DomainError('RECEIPT_IMMUTABLE', `Receipt ${state.receipt.number} (${state.receipt.receiptId}) was issued and can no longer change`, {
    receiptId: state.receipt.receiptId,
    number: state.receipt.number,
    differences: differingFields(receipt, state.receipt),
  });
}

function receiptOf(value: IssueReceipt['data'], now: string): Receipt {
  const data = requireRecord(value, 'data', 'receiptId, paymentId, number, issuedAt, issueDate, payer, amount, currency, methodDescription, invoicesPaid and company');
  const receiptId = requireIdentifier(data.receiptId, 'receiptId');
  const paymentId = requireIdentifier(data.paymentId, 'paymentId');
  const number = requireText(data.number, 'number', receiptLimits.numberLengthMax);
  const issuedAt = requireInstant(data.issuedAt, 'issuedAt');
  if (Date.parse(issuedAt) > Date.parse(now)) {
    throw validationFailed(`issuedAt ${issuedAt} is after the command's instant ${now}: a receipt cannot be dated in the future`, { field: 'issuedAt' });
  }
  const issueDate = requireIssueDate(data.issueDate, issuedAt);
  const payerInput = requireRecord(data.payer, 'payer', 'customerId and optionally name');
  const payer = {
    customerId: requireIdentifier(payerInput.customerId, 'payer.customerId'),
    name: optionalText(payerInput.name, 'payer.name', receiptLimits.nameLengthMax),
  };
  const currency = requireCurrency(data.currency, 'currency');
  const amount = requirePositiveAmount(data.amount, currency, 'amount');
  const methodDescription = requireText(data.methodDescription, 'methodDescription', receiptLimits.methodDescriptionLengthMax);
  if (containsCardNumber(methodDescription)) {
    // Receipts are printed and mailed: a full card number must never reach one (use describePaymentMethod).
    throw validationFailed('methodDescription looks like it holds a full card number: describe the method as "visa ****4242"', {
      field: 'methodDescription',
    });
  }
  const paymentReference = optionalText(data.paymentReference, 'paymentReference', receiptLimits.referenceLengthMax);
  const invoicesPaid = invoicesPaidOf(data.invoicesPaid, currency);
  const paidOnInvoices = Money.sum(
    invoicesPaid.map((invoice) => Money.of(invoice.amount, currency)),
    currency,
  );
  if (paidOnInvoices.greaterThan(amount)) {
    throw validationFailed(`invoicesPaid add up to ${paidOnInvoices.toString()} ${currency}, more than the ${amount.toString()} received`, {
      field: 'invoicesPaid',
    });
  }
  return {
    receiptId,
    paymentId,
    number,
    issuedAt,
    issueDate,
    payer,
    amount: amount.toString(),
    currency,
    methodDescription,
    paymentReference,
    invoicesPaid,
    creditedAmount: amount.minus(paidOnInvoices).toString(),
    company: companyOf(data.company),
  };
}

/** Time zones lie between UTC-12 and UTC+14, so the tenant's date of an instant is its UTC date or a neighbour. */
function requireIssueDate(value: unknown, issuedAt: string): string {
  const issueDate = requireCalendarDate(value, 'issueDate');
  const utcDate = new Date(Date.parse(issuedAt)).toISOString().slice(0, 10);
  const earliest = addDaysToCalendarDate(utcDate, -1);
  const latest = addDaysToCalendarDate(utcDate, 1);
  if (compareCalendarDates(issueDate, earliest) < 0 || compareCalendarDates(issueDate, latest) > 0) {
    throw validationFailed(`issueDate ${issueDate} is not the date of issuedAt ${issuedAt} in any time zone`, { field: 'issueDate' });
  }
  return issueDate;
}

function invoicesPaidOf(value: unknown, currency: string): Receipt['invoicesPaid'] {
  const items = requireList(value, 'invoicesPaid', receiptLimits.invoicesPaidMax);
  const invoices: Receipt['invoicesPaid'] = [];
  items.forEach((item, index) => {
    const field = `invoicesPaid[${index}]`;
    const input = requireRecord(item, field, 'invoiceId, number and amount');
    const invoiceId = requireIdentifier(input.invoiceId, `${field}.invoiceId`);
    if (invoices.some((invoice) => invoice.invoiceId === invoiceId)) {
      throw validationFailed(`${field}: invoice ${invoiceId} is listed more than once`, { field: `${field}.invoiceId` });
    }
    invoices.push({
      invoiceId,
      number: requireText(input.number, `${field}.number`, receiptLimits.numberLengthMax),
      amount: requirePositiveAmount(input.amount, currency, `${field}.amount`).toString(),
    });
  });
  return invoices;
}

function companyOf(value: unknown): ReceiptCompany {
  const company = requireRecord(value, 'company', 'name and optionally legalName, taxId, registrationNumber, addressLines, email, phone, website');
  const addressLines =
    company.addressLines === undefined || company.addressLines === null
      ? []
      : requireList(company.addressLines, 'company.addressLines', receiptLimits.addressLinesMax).map((line, index) =>
          requireText(line, `company.addressLines[${index}]`, receiptLimits.lineLengthMax),
        );
  return {
    name: requireText(company.name, 'company.name', receiptLimits.nameLengthMax),
    legalName: optionalText(company.legalName, 'company.legalName', receiptLimits.nameLengthMax),
    taxId: optionalText(company.taxId, 'company.taxId', receiptLimits.lineLengthMax),
    registrationNumber: optionalText(company.registrationNumber, 'company.registrationNumber', receiptLimits.lineLengthMax),
    addressLines,
    email: optionalText(company.email, 'company.email', receiptLimits.contactLengthMax),
    phone: optionalText(company.phone, 'company.phone', receiptLimits.contactLengthMax),
    website: optionalText(company.website, 'company.website', receiptLimits.urlLengthMax),
  };
}

/**
 * Deep equality of JSON values that ignores the order of object keys: a stored event read back from PostgreSQL
 * `jsonb` does not keep the order in which its keys were written.
 */
function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((item, index) => sameJson(item, b[index]));
  }
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  const left = a as Record<string, unknown>;
  const right = b as Record<string, unknown>;
  const keys = new Set([...Object.keys(left), ...Object.keys(right)]);
  return [...keys].every((key) => sameJson(left[key], right[key]));
}

/** The top-level fields that differ, named in the error so that a person sees what was attempted. */
function differingFields(a: Receipt, b: Receipt): string[] {
  return (Object.keys(a) as (keyof Receipt)[]).filter((key) => !sameJson(a[key], b[key]));
}
