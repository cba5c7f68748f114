import { z } from 'zod';
import { defineEventSchema, type DomainEvent } from '../common/event.js';
import { eventFields } from '../common/event-fields.js';

const { instant, currencyCode } = eventFields;

export const exchangeRateRecordedSchema = defineEventSchema(
  'ExchangeRateRecorded',
  1,
  z.object({
    base: currencyCode,
    quote: currencyCode,
    /** Units of `quote` per unit of `base`, decimal string > 0, at most 12 decimals. */
    rate: z.string().regex(/^\d+(\.\d{1,12})?$/, 'must be a positive decimal string'),
    effectiveAt: instant,
    source: z.string().min(1),
    recordedAt: instant,
  }),
);

/** Every exchange-rate event type, by its stored name. */
export const exchangeRateEventSchemas = {
  ExchangeRateRecorded: exchangeRateRecordedSchema,
} as const;

export type ExchangeRateRecorded = DomainEvent<'ExchangeRateRecorded', z.infer<typeof exchangeRateRecordedSchema.data>>;

export type ExchangeRateEvent = ExchangeRateRecorded;

/** A recorded rate as `rateAsOf` reads it (the data of an ExchangeRateRecorded event). */
export type RecordedExchangeRate = ExchangeRateRecorded['data'];
