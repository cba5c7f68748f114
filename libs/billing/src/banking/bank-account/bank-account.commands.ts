import type { DomainCommand } from '../../common/command.js';
import type { CsvMapping } from './bank-account.csv-mapping.js';
import type { VerificationStatus } from '../../payment-method/payment-method.commands.js';
import type { BankAccountType } from './bank-account.events.js';

/**
 * Registers a company bank account. The application layer has already put the account number in the secret store:
 * the command carries only its reference and last 4 characters. The same registration again is acknowledged.
 */
export type RegisterBankAccount = DomainCommand<
  'RegisterBankAccount',
  {
    bankAccountId: string;
    name: string;
    type: BankAccountType;
    currency: string;
    bankName: string;
    numberLast4: string;
    numberSecretRef: string;
    /** Signed, at most the currency's decimals; absent = zero. */
    openingBalance?: string | null;
    openingBalanceDate: string;
  }
>;

export type ChangeBankAccountVerification = DomainCommand<
  'ChangeBankAccountVerification',
  { bankAccountId: string; status: VerificationStatus; reason?: string | null }
>;

export type SaveBankAccountCsvMapping = DomainCommand<'SaveBankAccountCsvMapping', { bankAccountId: string; mapping: CsvMapping }>;

export type BankAccountCommand = RegisterBankAccount | ChangeBankAccountVerification | SaveBankAccountCsvMapping;
