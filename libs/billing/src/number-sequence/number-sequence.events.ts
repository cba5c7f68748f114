import { z } from 'zod';
import { isInstant } from '../common/calendar-date.js';
import { defineEventSchema, type DomainEvent } from '../common/event.js';
import { documentKinds } from './number-sequence.commands.js';

export const documentNumberAssignedSchema = defineEventSchema(
  'DocumentNumberAssigned',
  1,
  z.object({
    documentKind: z.enum(documentKinds),
    documentId: z.string().min(1),
    /** 'all', 'YYYY' or 'YYYY-MM': the period in which `sequence` counts up from 1. */
    periodKey: z.string().regex(/^(all|\d{4}|\d{4}-\d{2})$/),
    sequence: z.number().int().positive(),
    /** The formatted number, e.g. "INV-2024-000001". */
    number: z.string().min(1),
    assignedAt: z.string().refine(isInstant, 'must be an ISO-8601 instant'),
  }),
);

/** Every number-sequence event type, by its stored name. */
export const numberSequenceEventSchemas = {
  DocumentNumberAssigned: documentNumberAssignedSchema,
} as const;

export type NumberSequenceEventType = keyof typeof numberSequenceEventSchemas;

export type DocumentNumberAssigned = DomainEvent<'DocumentNumberAssigned', z.infer<typeof documentNumberAssignedSchema.data>>;

export type NumberSequenceEvent = DocumentNumberAssigned;
