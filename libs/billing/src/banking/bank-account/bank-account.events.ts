import { z } from 'zod';
import { defineEventSchema, type DomainEvent } from '../../common/event.js';
import { eventFields } from '../../common/event-fields.js';
import { verificationStatuses } from '../../payment-method/payment-method.commands.js';
import { csvMappingSchema } from './bank-account.csv-mapping.js';

const { calendarDate, currencyCode, decimal, identifier, instant } = eventFields;

export const bankAccountTypes = ['checking', 'savings', 'business_checking', 'business_savings'] as const;
export type BankAccountType = (typeof bankAccountTypes)[number];

/** Verification uses the VerificationStatus of payment methods (docs/domain.md): one set of statuses, one exported name. */

/**
 * A company bank account (docs/banking.md). The account number or IBAN is never in an event: the application layer
 * keeps it in the secret store and the event names it by `numberSecretRef`, showing only `numberLast4`. The opening
 * balance (signed, at the currency's minor unit) is what the account held on `openingBalanceDate`; the general
 * ledger posts it against opening_balance_equity. A registered account starts `pending` verification.
 */
export const bankAccountRegisteredSchema = defineEventSchema(
  'BankAccountRegistered',
  1,
  z.object({
    bankAccountId: identifier,
    name: z.string().min(1),
    type: z.enum(bankAccountTypes),
    currency: currencyCode,
    bankName: z.string().min(1),
    numberLast4: z.string().regex(/^[0-9A-Z]{4}$/, 'must be 4 characters 0-9 or A-Z'),
    numberSecretRef: identifier,
    openingBalance: decimal,
    openingBalanceDate: calendarDate,
    registeredAt: instant,
  }),
);

/** A new verification status; `reason` says why (null when none was given). Never the status it already had. */
export const bankAccountVerificationChangedSchema = defineEventSchema(
  'BankAccountVerificationChanged',
  1,
  z.object({ bankAccountId: identifier, status: z.enum(verificationStatuses), reason: z.string().min(1).nullable(), changedAt: instant }),
);

/** How this account's CSV statements are read from now on (replaces any earlier mapping). */
export const bankAccountCsvMappingSavedSchema = defineEventSchema(
  'BankAccountCsvMappingSaved',
  1,
  z.object({ bankAccountId: identifier, mapping: csvMappingSchema, savedAt: instant }),
);

export const bankAccountEventSchemas = {
  BankAccountRegistered: bankAccountRegisteredSchema,
  BankAccountVerificationChanged: bankAccountVerificationChangedSchema,
  BankAccountCsvMappingSaved: bankAccountCsvMappingSavedSchema,
} as const;

export type BankAccountEventType = keyof typeof bankAccountEventSchemas;
export const bankAccountEventTypes = Object.keys(bankAccountEventSchemas) as BankAccountEventType[];

export type BankAccountRegistered = DomainEvent<'BankAccountRegistered', z.infer<typeof bankAccountRegisteredSchema.data>>;
export type BankAccountVerificationChanged = DomainEvent<'BankAccountVerificationChanged', z.infer<typeof bankAccountVerificationChangedSchema.data>>;
export type BankAccountCsvMappingSaved = DomainEvent<'BankAccountCsvMappingSaved', z.infer<typeof bankAccountCsvMappingSavedSchema.data>>;

export type BankAccountEvent = BankAccountRegistered | BankAccountVerificationChanged | BankAccountCsvMappingSaved;
