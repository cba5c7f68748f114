import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { firstErrorCode } from '../support/graphql-http.client.js';
import { startTestLedger, TestClock, type TestLedger } from '../support/ledger-test-app.js';
import { expectRejectedWithoutEvents } from '../support/expect-rejected.js';
import {
  BANK_ACCOUNT_FIELDS,
  BANK_ACCOUNTS,
  CREATE_PAYMENT,
  REGISTER_BANK_ACCOUNT,
  bankingTenant,
  ok,
  recordWire,
  registerAccount,
  registerNamedCustomer,
  type BankAccountView,
} from './banking-api.js';

/**
 * Company bank accounts through the real API (docs/reconciliation.md): the number goes to the secret store and only
 * its last 4 characters are ever shown (answers, events, logs); the first account of a currency is its default; the
 * verification status; the CSV mapping; payments take the account named, or the default, or none; roles and tenants.
 */

let ledger: TestLedger;
const clock = new TestClock('2026-03-01T09:00:00.000Z');

beforeAll(async () => {
  ledger = await startTestLedger({ clock });
});

afterAll(async () => {
  await ledger?.stop();
});

const IBAN = 'DE89 3704 0044 0532 0130 00';
const IBAN_STORED = 'DE89370400440532013000';

const BANK_ACCOUNT = `query ($id: ID!, $minPosition: String) { bankAccount(id: $id, minPosition: $minPosition) { ${BANK_ACCOUNT_FIELDS} } }`;

function accountInput(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { name: 'Operating account', type: 'BUSINESS_CHECKING', currency: 'EUR', bankName: 'Deutsche Bank', accountNumber: IBAN, openingBalance: '1000.00', openingBalanceDate: '2026-03-01', ...overrides };
}

describe('registering a bank account', () => {
  it('stores the number in the secret store and shows only its last 4 characters, anywhere', async () => {
    const tenantId = 'banking-accounts';
    const { finance } = await bankingTenant(ledger, tenantId);
    const response = await ledger.graphql<{ registerBankAccount: { bankAccount: BankAccountView; position: string } }>(REGISTER_BANK_ACCOUNT, { input: accountInput({ bankAccountId: 'ba_op' }) }, finance);
    const { bankAccount, position } = (await ok(Promise.resolve(response), 'registerBankAccount')).registerBankAccount;
    expect(bankAccount).toMatchObject({
      id: 'ba_op',
      numberLast4: '3000',
      currency: 'EUR',
      type: 'BUSINESS_CHECKING',
      openingBalance: { amount: '1000.00', currency: 'EUR' },
      verificationStatus: 'PENDING',
      isDefault: true,
      ledgerAccount: 'bank:ba_op',
    });
    expect(response.rawBody).not.toContain('0532013000');
    expect(response.rawBody).not.toContain('0532 0130');

    const events = await ledger.tenantEvents(tenantId);
    const registered = events.find((event) => event.type === 'BankAccountRegistered');
    expect(registered?.data).toMatchObject({ bankAccountId: 'ba_op', numberLast4: '3000' });
    expect(JSON.stringify(events.map((event) => [event.type, event.data, event.metadata]))).not.toContain('0532013000');
    expect(ledger.logs.join('\n')).not.toContain('0532013000');
    const ref = (registered?.data as { numberSecretRef: string }).numberSecretRef;
    expect(await ledger.services.secrets.reveal(tenantId, ref)).toBe(IBAN_STORED);
    // The first EUR account became the EUR default, in the same append.
    expect(events.filter((event) => event.type === 'DefaultBankAccountSet').map((event) => event.data)).toEqual([{ currency: 'EUR', bankAccountId: 'ba_op', setAt: expect.any(String) }]);

    const read = await ok(ledger.graphql<{ bankAccount: BankAccountView }>(BANK_ACCOUNT, { id: 'ba_op', minPosition: position }, finance), 'bankAccount');
    expect(read.bankAccount).toMatchObject({ id: 'ba_op', numberLast4: '3000', isDefault: true, verificationStatus: 'PENDING', openingBalance: { amount: '1000.00', currency: 'EUR' } });
  });

  it('refuses a bad number without quoting it, and appends nothing', async () => {
    const { finance } = await bankingTenant(ledger, 'banking-bad-number');
    await expectRejectedWithoutEvents(ledger, 'VALIDATION_FAILED', () => ledger.graphql(REGISTER_BANK_ACCOUNT, { input: accountInput({ accountNumber: 'DE89!!secret9' }) }, finance));
    const response = await ledger.graphql(REGISTER_BANK_ACCOUNT, { input: accountInput({ accountNumber: 'DE89!!secret9' }) }, finance);
    expect(response.rawBody).not.toContain('secret9');
    await expectRejectedWithoutEvents(ledger, 'VALIDATION_FAILED', () => ledger.graphql(REGISTER_BANK_ACCOUNT, { input: accountInput({ currency: 'EURO' }) }, finance));
  });

  it('keeps one default per currency: the first account, until another is made the default', async () => {
    const { finance } = await bankingTenant(ledger, 'banking-defaults');
    await registerAccount(ledger, finance, accountInput({ bankAccountId: 'ba_eur1' }));
    const second = await registerAccount(ledger, finance, accountInput({ bankAccountId: 'ba_eur2', accountNumber: 'DE02120300000000202051' }));
    expect(second.bankAccount.isDefault).toBe(false);
    const usd = await registerAccount(ledger, finance, accountInput({ bankAccountId: 'ba_usd', currency: 'USD', accountNumber: '000123456789' }));
    expect(usd.bankAccount.isDefault).toBe(true);
    const switched = await ok(
      ledger.graphql<{ setDefaultBankAccount: { position: string; bankAccount: BankAccountView } }>(
        `mutation ($input: SetDefaultBankAccountInput!) { setDefaultBankAccount(input: $input) { position bankAccount { ${BANK_ACCOUNT_FIELDS} } } }`,
        { input: { bankAccountId: 'ba_eur2' } },
        finance,
      ),
      'setDefaultBankAccount',
    );
    expect(switched.setDefaultBankAccount.bankAccount.isDefault).toBe(true);
    const accounts = await ok(ledger.graphql<{ bankAccounts: BankAccountView[] }>(BANK_ACCOUNTS, { minPosition: switched.setDefaultBankAccount.position }, finance), 'bankAccounts');
    expect(accounts.bankAccounts.map((account) => [account.id, account.currency, account.isDefault, account.numberLast4])).toEqual([
      ['ba_eur1', 'EUR', false, '3000'],
      ['ba_eur2', 'EUR', true, '2051'],
      ['ba_usd', 'USD', true, '6789'],
    ]);
    const unknown = await ledger.graphql(`mutation ($input: SetDefaultBankAccountInput!) { setDefaultBankAccount(input: $input) { position } }`, { input: { bankAccountId: 'ba_none' } }, finance);
    expect(firstErrorCode(unknown)).toBe('NOT_FOUND');
  });

  it('changes the verification status (never to the status it has) and saves a CSV mapping', async () => {
    const { finance } = await bankingTenant(ledger, 'banking-verification');
    await registerAccount(ledger, finance, accountInput({ bankAccountId: 'ba_v' }));
    const CHANGE = `mutation ($input: ChangeBankAccountVerificationInput!) { changeBankAccountVerification(input: $input) { position bankAccount { verificationStatus } } }`;
    const verified = await ok(ledger.graphql<{ changeBankAccountVerification: { bankAccount: { verificationStatus: string } } }>(CHANGE, { input: { bankAccountId: 'ba_v', status: 'VERIFIED' } }, finance), 'verify');
    expect(verified.changeBankAccountVerification.bankAccount.verificationStatus).toBe('VERIFIED');
    await expectRejectedWithoutEvents(ledger, 'INVALID_STATE_TRANSITION', () => ledger.graphql(CHANGE, { input: { bankAccountId: 'ba_v', status: 'VERIFIED' } }, finance));

    const SAVE = `mutation ($input: SaveBankStatementCsvMappingInput!) { saveBankStatementCsvMapping(input: $input) { position bankAccount { ${BANK_ACCOUNT_FIELDS} } } }`;
    const mapping = { delimiter: 'SEMICOLON', hasHeader: true, dateFormat: 'DD_DOT_MM_DOT_YYYY', decimalSeparator: 'COMMA', columns: { bookingDate: 'Buchungstag', amount: 'Betrag' } };
    const saved = await ok(ledger.graphql<{ saveBankStatementCsvMapping: { position: string; bankAccount: BankAccountView } }>(SAVE, { input: { bankAccountId: 'ba_v', mapping } }, finance), 'save');
    expect(saved.saveBankStatementCsvMapping.bankAccount.csvMapping).toMatchObject({ delimiter: 'SEMICOLON', dateFormat: 'DD_DOT_MM_DOT_YYYY', decimalSeparator: 'COMMA', columns: { bookingDate: 'Buchungstag', amount: 'Betrag', debit: null } });
    const read = await ok(ledger.graphql<{ bankAccount: BankAccountView }>(BANK_ACCOUNT, { id: 'ba_v', minPosition: saved.saveBankStatementCsvMapping.position }, finance), 'bankAccount');
    expect(read.bankAccount.csvMapping?.columns).toMatchObject({ bookingDate: 'Buchungstag', amount: 'Betrag' });
    expect(read.bankAccount.verificationStatus).toBe('VERIFIED');
    // Neither an amount column nor debit and credit: refused by the contract.
    await expectRejectedWithoutEvents(ledger, 'VALIDATION_FAILED', () => ledger.graphql(SAVE, { input: { bankAccountId: 'ba_v', mapping: { ...mapping, columns: { bookingDate: 'Buchungstag' } } } }, finance));
  });
});

describe('the bank account of a payment', () => {
  it('is the one named, else the currency default, else none; an unknown or foreign-currency account is refused', async () => {
    const tenantId = 'banking-payments';
    const { finance } = await bankingTenant(ledger, tenantId);
    await registerNamedCustomer(ledger, finance, 'cus_1', 'Acme GmbH');
    await registerAccount(ledger, finance, accountInput({ bankAccountId: 'ba_main' }));
    await registerAccount(ledger, finance, accountInput({ bankAccountId: 'ba_other', accountNumber: 'DE02120300000000202051' }));
    const named = await recordWire(ledger, finance, { customerId: 'cus_1', amount: '10.00', currency: 'EUR', reference: 'P-1', date: '2026-03-02', bankAccountId: 'ba_other' });
    const defaulted = await recordWire(ledger, finance, { customerId: 'cus_1', amount: '11.00', currency: 'EUR', reference: 'P-2', date: '2026-03-02' });
    const none = await recordWire(ledger, finance, { customerId: 'cus_1', amount: '12.00', currency: 'USD', reference: 'P-3', date: '2026-03-02' });
    const recorded = new Map((await ledger.tenantEvents(tenantId)).filter((event) => event.type === 'PaymentRecorded').map((event) => [(event.data as { paymentId: string }).paymentId, event.data]));
    expect(recorded.get(named.id)).toMatchObject({ bankAccountId: 'ba_other' });
    expect(recorded.get(defaulted.id)).toMatchObject({ bankAccountId: 'ba_main' });
    expect(recorded.get(none.id)).toMatchObject({ bankAccountId: null });
    // The API shows it on the payment, from the mutation's answer and from the read model alike.
    const PAYMENT = `query ($id: ID!, $minPosition: String) { payment(id: $id, minPosition: $minPosition) { bankAccountId } }`;
    const shown = async (id: string) => (await ok(ledger.graphql<{ payment: { bankAccountId: string | null } }>(PAYMENT, { id, minPosition: none.position }, finance), 'payment')).payment.bankAccountId;
    expect([await shown(named.id), await shown(defaulted.id), await shown(none.id)]).toEqual(['ba_other', 'ba_main', null]);

    const send = (bankAccountId: string, currency: string) =>
      ledger.graphql(CREATE_PAYMENT, { input: { customerId: 'cus_1', amount: '5.00', currency, reference: `P-x-${bankAccountId}-${currency}`, method: 'WIRE_TRANSFER', bankAccountId } }, finance);
    await expectRejectedWithoutEvents(ledger, 'NOT_FOUND', () => send('ba_unknown', 'EUR'));
    await expectRejectedWithoutEvents(ledger, 'VALIDATION_FAILED', () => send('ba_main', 'USD'));
  });
});

describe('access', () => {
  it('an auditor reads but changes nothing; another tenant sees none of the accounts', async () => {
    const { finance, auditor } = await bankingTenant(ledger, 'banking-access');
    const { position } = await registerAccount(ledger, finance, accountInput({ bankAccountId: 'ba_secret' }));
    await expectRejectedWithoutEvents(ledger, 'FORBIDDEN', () => ledger.graphql(REGISTER_BANK_ACCOUNT, { input: accountInput({ bankAccountId: 'ba_aud' }) }, auditor));
    const audited = await ok(ledger.graphql<{ bankAccounts: BankAccountView[] }>(BANK_ACCOUNTS, { minPosition: position }, auditor), 'bankAccounts');
    expect(audited.bankAccounts.map((account) => account.id)).toEqual(['ba_secret']);

    const { finance: outsider } = await bankingTenant(ledger, 'banking-outsider');
    expect((await ok(ledger.graphql<{ bankAccounts: BankAccountView[] }>(BANK_ACCOUNTS, { minPosition: position }, outsider), 'bankAccounts')).bankAccounts).toEqual([]);
    expect((await ok(ledger.graphql<{ bankAccount: BankAccountView | null }>(BANK_ACCOUNT, { id: 'ba_secret', minPosition: position }, outsider), 'bankAccount')).bankAccount).toBeNull();
    // Its own account of the same id is its own: the ids are per tenant.
    const own = await registerAccount(ledger, outsider, accountInput({ bankAccountId: 'ba_secret', accountNumber: 'GB29NWBK60161331926819' }));
    expect(own.bankAccount.numberLast4).toBe('6819');
  });
});
