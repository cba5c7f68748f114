import { expect } from '@jest/globals';
import type { z } from 'zod';

/** Lets a spec send what a careless caller could send, past the compile-time types. */
export const unchecked = <T>(value: unknown): T => value as T;

/** Every event decided is valid under its own contract (the zod schema a reader parses it with). */
export function expectEventsValid(events: readonly { type: string; data: unknown }[], schemas: Record<string, { data: z.ZodType }>): void {
  for (const event of events) {
    const schema = schemas[event.type];
    expect(schema).toBeDefined();
    const result = schema?.data.safeParse(event.data);
    expect(result?.error?.issues ?? []).toEqual([]);
  }
}
