import { z } from 'zod';
import { defineEventSchema, type DomainEvent } from '../../common/event.js';
import { eventFields } from '../../common/event-fields.js';

const { currencyCode, identifier, instant } = eventFields;

/**
 * The tenant's default bank account of a currency (one stream per tenant): payments in that currency that name no
 * bank account are deposited to it. The first account registered in a currency becomes its default.
 */
export const defaultBankAccountSetSchema = defineEventSchema(
  'DefaultBankAccountSet',
  1,
  z.object({ currency: currencyCode, bankAccountId: identifier, setAt: instant }),
);

export const bankAccountDefaultsEventSchemas = { DefaultBankAccountSet: defaultBankAccountSetSchema } as const;

export type BankAccountDefaultsEventType = keyof typeof bankAccountDefaultsEventSchemas;
export const bankAccountDefaultsEventTypes = Object.keys(bankAccountDefaultsEventSchemas) as BankAccountDefaultsEventType[];

export type DefaultBankAccountSet = DomainEvent<'DefaultBankAccountSet', z.infer<typeof defaultBankAccountSetSchema.data>>;
export type BankAccountDefaultsEvent = DefaultBankAccountSet;
