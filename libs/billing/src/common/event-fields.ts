import { z } from 'zod';
import { isCalendarDate, isInstant } from './calendar-date.js';

/**
 * The field types every event contract is built from. Amounts are decimal strings (never numbers), dates are
 * calendar dates, instants ISO 8601. Currencies are checked for shape only, so that an event stays readable even if
 * a currency is later withdrawn from the ISO table.
 */
export const eventFields = {
  decimal: z.string().regex(/^-?\d+(\.\d+)?$/, 'must be a decimal string'),
  calendarDate: z.string().refine(isCalendarDate, 'must be a calendar date YYYY-MM-DD'),
  instant: z.string().refine(isInstant, 'must be an ISO-8601 instant'),
  currencyCode: z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code'),
  identifier: z.string().min(1),
} as const;
