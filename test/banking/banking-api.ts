import { requireData, type GraphQLHttpResponse } from '../support/graphql-http.client.js';
import type { TestLedger } from '../support/ledger-test-app.js';
import { updateSettings } from '../support/settings-effect.support.js';

/**
 * The banking API as a client calls it, for the banking e2e specs (docs/reconciliation.md): every mutation and query
 * over HTTP with a key, nothing behind the API's back except the settings setup (the settings API is not under test).
 */

export interface MoneyView {
  readonly amount: string;
  readonly currency: string;
}

export interface BankAccountView {
  readonly id: string;
  readonly name: string;
  readonly type: string;
  readonly currency: string;
  readonly bankName: string;
  readonly numberLast4: string;
  readonly openingBalance: MoneyView;
  readonly verificationStatus: string;
  readonly isDefault: boolean;
  readonly ledgerAccount: string;
  readonly csvMapping: { delimiter: string; hasHeader: boolean; dateFormat: string; decimalSeparator: string; columns: Record<string, string | null> } | null;
}

export interface StatementView {
  readonly id: string;
  readonly format: string;
  readonly statementRef: string | null;
  readonly fileName: string | null;
  readonly openingBalance: MoneyView;
  readonly closingBalance: MoneyView;
  readonly fromDate: string;
  readonly toDate: string;
  readonly lineCount: number;
  readonly duplicateLineCount: number;
}

export interface LineView {
  readonly id: string;
  readonly statementId: string;
  readonly bookingDate: string;
  readonly valueDate: string;
  readonly amount: MoneyView;
  readonly reference: string | null;
  readonly counterparty: string | null;
  readonly description: string | null;
  readonly bankTransactionId: string | null;
  readonly status: string;
  readonly matchId: string | null;
}

export interface ImportView {
  readonly statement: StatementView | null;
  readonly addedLineCount: number;
  readonly duplicateLineCount: number;
  readonly autoMatchedLineCount: number;
  readonly position: string;
}

export interface MatchView {
  readonly id: string;
  readonly lineIds: string[];
  readonly payments: { paymentId: string; amount: MoneyView }[];
  readonly difference: MoneyView;
  readonly differenceAccount: string | null;
  readonly dateGapDays: number;
  readonly decisionKind: string;
  readonly ruleId: string | null;
  readonly ruleVersion: number | null;
}

export interface SessionView {
  readonly id: string;
  readonly status: string;
  readonly statementClosingBalance: MoneyView | null;
  readonly ledgerBalance: MoneyView | null;
  readonly difference: MoneyView | null;
  readonly completedByKeyId: string | null;
  readonly approvedByKeyId: string | null;
}

const MONEY = 'amount currency';
export const BANK_ACCOUNT_FIELDS = `id name type currency bankName numberLast4 openingBalance { ${MONEY} } verificationStatus isDefault ledgerAccount
  csvMapping { delimiter hasHeader dateFormat decimalSeparator columns { bookingDate valueDate amount debit credit reference counterparty description transactionId balance } }`;
const STATEMENT_FIELDS = `id format statementRef fileName openingBalance { ${MONEY} } closingBalance { ${MONEY} } fromDate toDate lineCount duplicateLineCount`;
export const LINE_FIELDS = `id statementId bookingDate valueDate amount { ${MONEY} } reference counterparty description bankTransactionId status matchId`;
const MATCH_FIELDS = `id lineIds payments { paymentId amount { ${MONEY} } } difference { ${MONEY} } differenceAccount dateGapDays decisionKind ruleId ruleVersion`;
const SESSION_FIELDS = `id status statementClosingBalance { ${MONEY} } ledgerBalance { ${MONEY} } difference { ${MONEY} } completedByKeyId approvedByKeyId`;

export const REGISTER_BANK_ACCOUNT = `mutation ($input: RegisterBankAccountInput!) { registerBankAccount(input: $input) { position bankAccount { ${BANK_ACCOUNT_FIELDS} } } }`;
export const IMPORT_STATEMENT = `mutation ($input: ImportBankStatementInput!) { importBankStatement(input: $input) { position addedLineCount duplicateLineCount autoMatchedLineCount statement { ${STATEMENT_FIELDS} } } }`;
export const STATEMENT_LINES = `query ($bankAccountId: ID!, $filter: StatementLineFilterInput, $first: Int, $after: String, $minPosition: String) {
  statementLines(bankAccountId: $bankAccountId, filter: $filter, first: $first, after: $after, minPosition: $minPosition) { edges { cursor node { ${LINE_FIELDS} } } pageInfo { hasNextPage endCursor } } }`;
export const BANK_ACCOUNTS = `query ($minPosition: String) { bankAccounts(minPosition: $minPosition) { ${BANK_ACCOUNT_FIELDS} } }`;
export const DISCREPANCIES = `query ($bankAccountId: ID!, $period: String!, $minPosition: String) { reconciliationDiscrepancies(bankAccountId: $bankAccountId, period: $period, minPosition: $minPosition) {
  unmatchedLines { ${LINE_FIELDS} } unmatchedPayments { paymentId customerName amount { ${MONEY} } reference invoiceNumbers }
  amountMismatches { ${MATCH_FIELDS} } dateMismatches { ${MATCH_FIELDS} } fees { ${MATCH_FIELDS} } feeLines { ${LINE_FIELDS} } } }`;
export const REPORT = `query ($bankAccountId: ID!, $period: String!, $minPosition: String) { reconciliationReport(bankAccountId: $bankAccountId, period: $period, minPosition: $minPosition) {
  statementClosingBalance { ${MONEY} } ledgerBalance { ${MONEY} } difference { ${MONEY} } lineCounts { unmatched matched resolved } session { ${SESSION_FIELDS} } } }`;
export const SESSION_MUTATION = (name: string, input = 'ReconciliationSessionInput'): string => `mutation ($input: ${input}!) { ${name}(input: $input) { position session { ${SESSION_FIELDS} } } }`;
export const RECONCILIATION_MUTATION = (name: string, input: string): string => `mutation ($input: ${input}!) { ${name}(input: $input) { matchId eventCount position } }`;
export const DEFINE_RULE = `mutation ($input: DefineMatchingRuleInput!) { defineMatchingRule(input: $input) { position rule { id version name priority active } } }`;
export const MATCHES_OF_ACCOUNT = MATCH_FIELDS;

/** A finance key and a second finance key (for four-eyes), an auditor key, in a tenant of its own billing in EUR too. */
export async function bankingTenant(ledger: TestLedger, tenantId: string): Promise<{ finance: string; finance2: string; auditor: string; admin: string }> {
  const admin = await ledger.createKey(tenantId, 'admin');
  const [finance, finance2, auditor] = [await ledger.createKey(tenantId, 'finance'), await ledger.createKey(tenantId, 'finance'), await ledger.createKey(tenantId, 'auditor')];
  await updateSettings(ledger, tenantId, 'payment', { supportedCurrencies: ['USD', 'EUR'] });
  return { finance, finance2, auditor, admin };
}

export async function ok<Data>(response: Promise<GraphQLHttpResponse<Data>>, operation: string): Promise<Data> {
  return requireData(await response, operation);
}

export async function registerAccount(ledger: TestLedger, key: string, input: Record<string, unknown>): Promise<{ bankAccount: BankAccountView; position: string }> {
  return (await ok(ledger.graphql<{ registerBankAccount: { bankAccount: BankAccountView; position: string } }>(REGISTER_BANK_ACCOUNT, { input }, key), 'registerBankAccount')).registerBankAccount;
}

export async function importStatement(ledger: TestLedger, key: string, input: Record<string, unknown>): Promise<ImportView> {
  return (await ok(ledger.graphql<{ importBankStatement: ImportView }>(IMPORT_STATEMENT, { input }, key), 'importBankStatement')).importBankStatement;
}

/** Every line of the account (all pages), optionally of one status. */
export async function allLines(ledger: TestLedger, key: string, bankAccountId: string, minPosition: string | null, filter: Record<string, unknown> = {}): Promise<LineView[]> {
  const lines: LineView[] = [];
  let after: string | null = null;
  for (let page = 0; page < 50; page += 1) {
    const data: { statementLines: { edges: { node: LineView }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } } } = await ok(
      ledger.graphql(STATEMENT_LINES, { bankAccountId, filter, first: 7, after, minPosition }, key),
      'statementLines',
    );
    lines.push(...data.statementLines.edges.map((edge) => edge.node));
    if (!data.statementLines.pageInfo.hasNextPage) return lines;
    after = data.statementLines.pageInfo.endCursor;
  }
  throw new Error('more than 50 pages of statement lines');
}

export const CREATE_PAYMENT = `mutation ($input: CreatePaymentInput!) { createPayment(input: $input) { position payment { id status } } }`;
export const UPSERT_CUSTOMER_NAMED = `mutation ($input: UpsertCustomerInput!) { upsertCustomer(input: $input) { position } }`;

export async function registerNamedCustomer(ledger: TestLedger, key: string, customerId: string, name: string): Promise<void> {
  const input = { customerId, name, billingAddress: { line1: '1 Main Street', city: 'Somewhere', postalCode: '00001', country: 'DE' }, taxExempt: false };
  await ok(ledger.graphql(UPSERT_CUSTOMER_NAMED, { input }, key), 'upsertCustomer');
}

/** A wire transfer recorded (succeeds at once) at `date` 12:00 UTC; the customer's credit takes it (no invoice). */
export async function recordWire(ledger: TestLedger, key: string, input: { customerId: string; amount: string; currency: string; reference: string; date: string; bankAccountId?: string }): Promise<{ id: string; position: string }> {
  ledger.clock.setInstant(`${input.date}T12:00:00.000Z`);
  const { date: _date, ...rest } = input;
  const data = await ok(ledger.graphql<{ createPayment: { position: string; payment: { id: string } } }>(CREATE_PAYMENT, { input: { ...rest, method: 'WIRE_TRANSFER' } }, key), 'createPayment');
  return { id: data.createPayment.payment.id, position: data.createPayment.position };
}
