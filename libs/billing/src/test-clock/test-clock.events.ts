import { z } from 'zod';
import { defineEventSchema, type DomainEvent } from '../common/event.js';
import { eventFields } from '../common/event-fields.js';

const { instant, identifier } = eventFields;

/**
 * Test-clock events are contracts (docs/architecture.md, Conventions 4). Instants are recorded in their canonical UTC
 * form with milliseconds ('2025-03-01T00:00:00.000Z'), so readers may compare them as text. Each event carries the
 * clock's time after it (`frozenTime` / `to`), so a reader never needs an earlier event to know the tenant's now.
 */
export const testClockCreatedSchema = defineEventSchema(
  'TestClockCreated',
  1,
  z.object({ clockId: identifier, name: z.string().min(1), frozenTime: instant, createdAt: instant }),
);

/** `from` is the frozen time it replaced: the history reads as a chain from → to. */
export const testClockAdvancedSchema = defineEventSchema('TestClockAdvanced', 1, z.object({ clockId: identifier, from: instant, to: instant, advancedAt: instant }));

/** `frozenTime` is where the clock stood when it was deleted; the tenant is on real time from `deletedAt` on. */
export const testClockDeletedSchema = defineEventSchema('TestClockDeleted', 1, z.object({ clockId: identifier, frozenTime: instant, deletedAt: instant }));

/** Every test-clock event type, by its stored name. */
export const testClockEventSchemas = {
  TestClockCreated: testClockCreatedSchema,
  TestClockAdvanced: testClockAdvancedSchema,
  TestClockDeleted: testClockDeletedSchema,
} as const;

export type TestClockEventType = keyof typeof testClockEventSchemas;
export const testClockEventTypes = Object.keys(testClockEventSchemas) as TestClockEventType[];

export type TestClockCreated = DomainEvent<'TestClockCreated', z.infer<typeof testClockCreatedSchema.data>>;
export type TestClockAdvanced = DomainEvent<'TestClockAdvanced', z.infer<typeof testClockAdvancedSchema.data>>;
export type TestClockDeleted = DomainEvent<'TestClockDeleted', z.infer<typeof testClockDeletedSchema.data>>;

export type TestClockEvent = TestClockCreated | TestClockAdvanced | TestClockDeleted;
