import { z } from 'zod';
import { isInstant } from '../common/calendar-date.js';
import { defineEventSchema, type DomainEvent } from '../common/event.js';
import { documentKinds } from './number-sequence.commands.js';

/**
 * Number-sequence events are contracts (docs/architecture.md, Conventions 4). Versions:
 * - DocumentNumberAssigned v2 adds `printed`: every number the sequence has printed up to and including this one, as
 *   runs (number-sequence.printed.ts), so that the stream's last event is all the next number needs. Version 1
 *   events have no `printed` and still parse: a stream whose last event is one is folded from its start once, and
 *   the next event appended to it carries the runs.
 * - DocumentNumbersSummarised v1 (new): the runs of a sequence whose last event was a version 1 one, appended when
 *   another sequence of the same period takes a number, so that it too is read by its last event from then on.
 */

const periodKey = z.string().regex(/^(all|\d{4}|\d{4}-\d{2})$/);

export const printedRunSchema = z.object({
  head: z.string(),
  /** 0 for one number printed as written (head + tail). */
  width: z.number().int().min(0),
  tail: z.string(),
  from: z.number().int().positive(),
  to: z.number().int().positive(),
});

export const documentNumberAssignedSchema = defineEventSchema(
  'DocumentNumberAssigned',
  2,
  z.object({
    documentKind: z.enum(documentKinds),
    documentId: z.string().min(1),
    /** 'all', 'YYYY' or 'YYYY-MM': the period in which `sequence` counts up from 1. */
    periodKey,
    sequence: z.number().int().positive(),
    /** The formatted number, e.g. "INV-2024-000001". */
    number: z.string().min(1),
    assignedAt: z.string().refine(isInstant, 'must be an ISO-8601 instant'),
    /** Since version 2: every number of the sequence so far, this one included. */
    printed: z.array(printedRunSchema).optional(),
  }),
);

export const documentNumbersSummarisedSchema = defineEventSchema(
  'DocumentNumbersSummarised',
  1,
  z.object({
    documentKind: z.enum(documentKinds),
    periodKey,
    lastSequence: z.number().int().positive(),
    printed: z.array(printedRunSchema),
    summarisedAt: z.string().refine(isInstant, 'must be an ISO-8601 instant'),
  }),
);

/** Every number-sequence event type, by its stored name. */
export const numberSequenceEventSchemas = {
  DocumentNumberAssigned: documentNumberAssignedSchema,
  DocumentNumbersSummarised: documentNumbersSummarisedSchema,
} as const;

export type NumberSequenceEventType = keyof typeof numberSequenceEventSchemas;

export type DocumentNumberAssigned = DomainEvent<'DocumentNumberAssigned', z.infer<typeof documentNumberAssignedSchema.data>>;
export type DocumentNumbersSummarised = DomainEvent<'DocumentNumbersSummarised', z.infer<typeof documentNumbersSummarisedSchema.data>>;

export type NumberSequenceEvent = DocumentNumberAssigned | DocumentNumbersSummarised;
