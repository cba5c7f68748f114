export { assertNever } from './assert-never.js';
export { addDaysToCalendarDate, compareCalendarDates, isCalendarDate, isInstant } from './calendar-date.js';
export type { CommandMetadata, DomainCommand } from './command.js';
export { fold, type Decider } from './decider.js';
export { DomainError, domainErrorCodes, isDomainError, translatingMoneyErrors, type DomainErrorCode } from './domain-error.js';
export { defineEventSchema, type DomainEvent, type EventSchema } from './event.js';
export { identifierLimits, requireIdentifier } from './validation.js';
