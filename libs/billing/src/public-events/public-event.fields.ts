import { z } from 'zod';

/**
 * The field types every public payload is built from (docs/public-events.md, "Field conventions"). They are stricter
 * than the internal event fields where a receiver gains from it: instants are always UTC with milliseconds
 * (the mapping normalises them), so one format parses them all. Each carries a description for the JSON Schema.
 */
export const publicFields = {
  decimal: z
    .string()
    .regex(/^-?\d+(\.\d+)?$/)
    .meta({ description: 'A decimal number as a string (never a JSON number), e.g. "1234.50"; amounts are at the minor unit of their currency' }),
  currency: z
    .string()
    .regex(/^[A-Z]{3}$/)
    .meta({ description: 'ISO 4217 currency code, e.g. "USD"' }),
  instant: z.iso.datetime().meta({ description: 'An instant in UTC, ISO 8601 with milliseconds, e.g. "2025-04-01T09:00:00.000Z"' }),
  calendarDate: z.iso.date().meta({ description: "A calendar date YYYY-MM-DD in the tenant's time zone" }),
  id: z.string().min(1).meta({ description: 'An identifier: an id chosen by the caller, or a UUID chosen by the ledger' }),
  text: z.string().min(1),
} as const;

/** A half-open period of calendar dates: it contains `start` and ends the day before `end`. */
export const publicPeriod = z
  .object({ start: publicFields.calendarDate, end: publicFields.calendarDate })
  .meta({ description: 'A half-open period of calendar dates: from start, up to the day before end' });

/** A billing cycle, flat: `unit` and `count` are null except for custom cycles. */
export const publicBillingCycle = z.object({
  kind: z.enum(['monthly', 'quarterly', 'semi_annual', 'annual', 'custom']),
  unit: z.enum(['days', 'months']).nullable().meta({ description: 'For custom cycles: what count counts; otherwise null' }),
  count: z.number().int().min(1).nullable().meta({ description: 'For custom cycles: how many days or months a period lasts; otherwise null' }),
});
