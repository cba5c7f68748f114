import { z } from 'zod';
import { defineEventSchema, type DomainEvent } from '../../common/event.js';
import { eventFields } from '../../common/event-fields.js';

const { calendarDate, currencyCode, decimal, identifier, instant } = eventFields;

/** 'YYYY-MM': the calendar month a session reconciles. */
export const reconciliationPeriodPattern = /^\d{4}-(0[1-9]|1[0-2])$/;

export const reconciliationSessionStatuses = ['in_progress', 'completed', 'approved'] as const;
export type ReconciliationSessionStatus = (typeof reconciliationSessionStatuses)[number];

/**
 * One reconciliation of a bank account for a month (stream `reconciliation_session-<bankAccountId>-<period>`;
 * sessionId = `<bankAccountId>-<period>`). in_progress -> completed -> approved; a completed session may be reopened,
 * an approved one may not. Approval needs another key than the one that completed it (four eyes).
 */
export const reconciliationStartedSchema = defineEventSchema(
  'ReconciliationStarted',
  1,
  z.object({
    sessionId: identifier,
    bankAccountId: identifier,
    period: z.string().regex(reconciliationPeriodPattern, 'must be a month YYYY-MM'),
    fromDate: calendarDate,
    toDate: calendarDate,
    startedByKeyId: identifier,
    startedAt: instant,
  }),
);

/**
 * The figures the session was completed with: the closing balance of the period's last statement (null when no
 * statement ends in the period) against the ledger's balance of the account at the period's end; difference =
 * statementClosingBalance - ledgerBalance (null without a statement).
 */
export const reconciliationCompletedSchema = defineEventSchema(
  'ReconciliationCompleted',
  1,
  z.object({
    sessionId: identifier,
    completedByKeyId: identifier,
    currency: currencyCode,
    statementClosingBalance: decimal.nullable(),
    ledgerBalance: decimal,
    difference: decimal.nullable(),
    completedAt: instant,
  }),
);

export const reconciliationApprovedSchema = defineEventSchema(
  'ReconciliationApproved',
  1,
  z.object({ sessionId: identifier, approvedByKeyId: identifier, approvedAt: instant }),
);

export const reconciliationReopenedSchema = defineEventSchema(
  'ReconciliationReopened',
  1,
  z.object({ sessionId: identifier, reopenedByKeyId: identifier, reason: z.string().min(1), reopenedAt: instant }),
);

export const reconciliationSessionEventSchemas = {
  ReconciliationStarted: reconciliationStartedSchema,
  ReconciliationCompleted: reconciliationCompletedSchema,
  ReconciliationApproved: reconciliationApprovedSchema,
  ReconciliationReopened: reconciliationReopenedSchema,
} as const;

export type ReconciliationSessionEventType = keyof typeof reconciliationSessionEventSchemas;
export const reconciliationSessionEventTypes = Object.keys(reconciliationSessionEventSchemas) as ReconciliationSessionEventType[];

export type ReconciliationStarted = DomainEvent<'ReconciliationStarted', z.infer<typeof reconciliationStartedSchema.data>>;
export type ReconciliationCompleted = DomainEvent<'ReconciliationCompleted', z.infer<typeof reconciliationCompletedSchema.data>>;
export type ReconciliationApproved = DomainEvent<'ReconciliationApproved', z.infer<typeof reconciliationApprovedSchema.data>>;
export type ReconciliationReopened = DomainEvent<'ReconciliationReopened', z.infer<typeof reconciliationReopenedSchema.data>>;

export type ReconciliationSessionEvent = ReconciliationStarted | ReconciliationCompleted | ReconciliationApproved | ReconciliationReopened;
