import type { MatchableLine, MatchablePayment, RuleVersion } from './matching.types.js';

/**
 * The worked data set of issue 15 ("Must show"): 10 recorded payments and 10 statement lines of one EUR account in
 * March 2026 that differ in amount, date and reference, and two rule sets (exact; 1% tolerance with a 3-day window).
 * matching.worked-example.spec.ts runs the engine on it; the application and e2e tests replay the same data through
 * the real API (record the payments, import `workedExampleStatement` as CSV with `workedExampleCsvMapping`, define the
 * rules), so the expected counts below are the ones every layer must reach.
 *
 * Line n of the statement (1-based, its lineId `<statementId>-<n>` once imported) is `workedExampleStatement.lines[n-1]`;
 * the `lineId`s here follow that form for a statement called `st_worked`.
 */

export const workedExampleBankAccountId = 'ba_worked';
export const workedExampleCurrency = 'EUR';

/** A statement line as the bank file carries it: the matchable fields plus the booking date. */
export interface WorkedExampleLine extends MatchableLine {
  readonly bookingDate: string;
}

export interface WorkedExampleStatement {
  readonly statementId: string;
  readonly openingBalance: string;
  readonly closingBalance: string;
  readonly fromDate: string;
  readonly toDate: string;
  readonly lines: readonly WorkedExampleLine[];
}

/** One payment per invoice; customer names are the names the payments' customers are registered with. */
export const workedExamplePayments: readonly MatchablePayment[] = [
  payment('pay_01', '2026-03-02', '120.00', 'INV-1001', 'Acme GmbH'),
  payment('pay_02', '2026-03-03', '250.00', 'INV-1002', 'Brightside Ltd'),
  payment('pay_03', '2026-03-04', '80.00', 'INV-1003', 'Cobalt AG'),
  payment('pay_04', '2026-03-05', '400.00', 'INV-1004', 'Delta Oy'),
  payment('pay_05', '2026-03-06', '1000.00', 'INV-1005', 'Eastwind BV'),
  payment('pay_06', '2026-03-09', '60.00', 'INV-1006', 'Fjord AS'),
  // Two invoices of the same customer, same amount, same day: the two similar payments.
  payment('pay_07', '2026-03-10', '150.00', 'INV-1007', 'Granite SRL'),
  payment('pay_08', '2026-03-10', '150.00', 'INV-1008', 'Granite SRL'),
  payment('pay_09', '2026-03-11', '75.50', 'INV-1009', 'Harbor LLC'),
  // No statement line at all (still in transit at the end of the month).
  payment('pay_10', '2026-03-12', '300.00', 'INV-1010', 'Helios Ltd'),
];

export const workedExampleStatement: WorkedExampleStatement = {
  statementId: 'st_worked',
  openingBalance: '1000.00',
  closingBalance: '3162.49',
  fromDate: '2026-03-01',
  toDate: '2026-03-31',
  lines: [
    line(1, '2026-03-02', '2026-03-02', '120.00', 'INV-1001', 'ACME GMBH', 'SEPA credit transfer'),
    // The bank rewrote the reference: lower case and a space instead of the dash.
    line(2, '2026-03-03', '2026-03-03', '250.00', 'inv 1002', 'BRIGHTSIDE LTD', 'SEPA credit transfer'),
    // The sending bank shaved a 0.35 fee off 80.00.
    line(3, '2026-03-04', '2026-03-04', '79.65', 'INV-1003', 'COBALT AG', 'SEPA credit transfer'),
    // Value date 2 days after the payment date.
    line(4, '2026-03-05', '2026-03-07', '400.00', 'INV-1004', 'DELTA OY', 'SEPA credit transfer'),
    // 15.00 short of 1000.00: 1.5%, more than any rule tolerates.
    line(5, '2026-03-06', '2026-03-06', '985.00', 'INV-1005', 'EASTWIND BV', 'SEPA credit transfer'),
    // Value date 5 days after the payment date: outside a 3-day window.
    line(6, '2026-03-14', '2026-03-14', '60.00', 'INV-1006', 'FJORD AS', 'SEPA credit transfer'),
    // One credit naming both Granite invoices: which of the two 150.00 payments it is cannot be told.
    line(7, '2026-03-10', '2026-03-10', '150.00', 'INV-1007 INV-1008', 'GRANITE SRL', 'SEPA credit transfer'),
    // A deposit nobody recorded a payment for.
    line(8, '2026-03-10', '2026-03-10', '42.00', 'XYZ-777', 'UNKNOWN SENDER', 'Cash deposit'),
    // No reference field; the invoice number is in the free text, without its dash. 0.50 short, a day before the payment date.
    line(9, '2026-03-10', '2026-03-10', '75.00', null, 'HARBOR LLC', 'Payment for INV1009 thanks'),
    // Interest credited by the bank: no payment can match it.
    line(10, '2026-03-31', '2026-03-31', '0.84', 'INTEREST 2026-03', null, 'Credit interest'),
  ],
};

/** Exact: same amount, same day, equal reference (after normalisation). */
export const workedExampleExactRules: readonly RuleVersion[] = [
  {
    ruleId: 'exact',
    version: 1,
    priority: 10,
    bankAccountId: null,
    criteria: {
      multiplicity: 'one_to_one',
      amountTolerance: null,
      valueDateWindowDays: 0,
      reference: { operator: 'equals' },
      counterparty: null,
      differenceAccount: 'reconciliation_suspense',
    },
  },
];

/** The exact rule first, then a tolerant one: 1% of the payment, 3 days either way, reference found in the line's text. */
export const workedExampleTolerantRules: readonly RuleVersion[] = [
  ...workedExampleExactRules,
  {
    ruleId: 'tolerant',
    version: 1,
    priority: 20,
    bankAccountId: null,
    criteria: {
      multiplicity: 'one_to_one',
      amountTolerance: { kind: 'percent', value: '1' },
      valueDateWindowDays: 3,
      reference: { operator: 'contains' },
      counterparty: null,
      differenceAccount: 'reconciliation_suspense',
    },
  },
];

/** What each rule set matches: [line number, paymentId, rule, difference]. Every other line and payment stays open. */
export const workedExampleExpectedExactMatches: readonly (readonly [number, string, string, string])[] = [
  [1, 'pay_01', 'exact', '0.00'],
  [2, 'pay_02', 'exact', '0.00'],
];
export const workedExampleExpectedTolerantMatches: readonly (readonly [number, string, string, string])[] = [
  [1, 'pay_01', 'exact', '0.00'],
  [2, 'pay_02', 'exact', '0.00'],
  [3, 'pay_03', 'tolerant', '0.35'],
  [4, 'pay_04', 'tolerant', '0.00'],
  [9, 'pay_09', 'tolerant', '0.50'],
];

/**
 * One card-processor payout settling three payments less its fee: 120.00 + 45.50 + 310.00 = 475.50 paid, 461.41
 * deposited, fee 14.09 (2.96%) to bank_fees. pay_c4 is a payment of the same days that fits no subset; pay_c5 is
 * outside the date window.
 */
export const payoutExamplePayments: readonly MatchablePayment[] = [
  payment('pay_c1', '2026-03-13', '120.00', 'ch_3Pa1', 'Iris GmbH'),
  payment('pay_c2', '2026-03-13', '45.50', 'ch_3Pa2', 'Jade Sarl'),
  payment('pay_c3', '2026-03-14', '310.00', 'ch_3Pa3', 'Kestrel Ltd'),
  payment('pay_c4', '2026-03-14', '200.00', 'ch_3Pa4', 'Lumen AB'),
  payment('pay_c5', '2026-03-10', '500.00', 'ch_3Pa5', 'Iris GmbH'),
];

export const payoutExampleStatement: WorkedExampleStatement = {
  statementId: 'st_payout',
  openingBalance: '3162.49',
  closingBalance: '3623.90',
  fromDate: '2026-03-16',
  toDate: '2026-03-16',
  lines: [
    {
      lineId: 'st_payout-1',
      bookingDate: '2026-03-16',
      valueDate: '2026-03-16',
      amount: '461.41',
      reference: 'PAYOUT po_1PzX',
      counterparty: 'STRIPE PAYMENTS EUROPE',
      description: 'STRIPE PAYOUT',
    },
  ],
};

export const payoutExampleRule: RuleVersion = {
  ruleId: 'card-payouts',
  version: 1,
  priority: 5,
  bankAccountId: workedExampleBankAccountId,
  criteria: {
    multiplicity: 'one_to_many',
    amountTolerance: { kind: 'percent', value: '3.5' },
    valueDateWindowDays: 3,
    reference: null,
    counterparty: { operator: 'pattern', value: 'STRIPE*' },
    differenceAccount: 'bank_fees',
  },
};

/** The CSV mapping (contract shape CsvMapping) under which `statementCsv` files import. */
export const workedExampleCsvMapping = {
  delimiter: ',',
  hasHeader: true,
  dateFormat: 'YYYY-MM-DD',
  decimalSeparator: '.',
  columns: {
    bookingDate: 'Booking date',
    valueDate: 'Value date',
    amount: 'Amount',
    reference: 'Reference',
    counterparty: 'Counterparty',
    description: 'Description',
  },
} as const;

/** The statement as a CSV file for `workedExampleCsvMapping` (pass opening and closing balance with the import). */
export function statementCsv(statement: WorkedExampleStatement): string {
  const header = ['Booking date', 'Value date', 'Amount', 'Reference', 'Counterparty', 'Description'];
  const rows = statement.lines.map((row) => [row.bookingDate, row.valueDate, row.amount, row.reference ?? '', row.counterparty ?? '', row.description ?? '']);
  return [header, ...rows].map((fields) => fields.map(csvField).join(',')).join('\n') + '\n';
}

function csvField(value: string): string {
  return /[",\n\r]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

function payment(paymentId: string, date: string, amount: string, invoiceNumber: string, customerName: string): MatchablePayment {
  return { paymentId, date, amount, reference: invoiceNumber, customerName, invoiceNumbers: [invoiceNumber] };
}

function line(
  n: number,
  bookingDate: string,
  valueDate: string,
  amount: string,
  reference: string | null,
  counterparty: string | null,
  description: string | null,
): WorkedExampleLine {
  return { lineId: `st_worked-${n}`, bookingDate, valueDate, amount, reference, counterparty, description };
}
