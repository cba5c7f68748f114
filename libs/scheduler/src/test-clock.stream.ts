import { aggregates, executeCommand, load, streams, type CommandContext, type CommandWithoutMetadata, type FoldedPrefix, type LoadedStream } from '../../application/src/index.js';
import type { TestClockCommand, TestClockEvent, TestClockState } from '../../billing/src/test-clock/index.js';
import type { EventStore, Position, RecordedEvent } from '../../event-store/src/index.js';

/** A tenant's test-clock stream (one clock per tenant: the stream's id is the tenant; test-clock.decider.ts). */
export function testClockStream(tenantId: string): string {
  return streams.testClock(tenantId);
}

/** The test clock's stored events through their contracts: the registry's parser. */
export const parseTestClockEvent: (recorded: RecordedEvent) => TestClockEvent = aggregates.testClock.parse;

/** A tenant's test-clock stream, folded (from `prefix` when given: a cache), with `commandId` looked for in it. */
export function loadTestClock(store: EventStore, tenantId: string, commandId?: string, prefix?: FoldedPrefix<TestClockState>): Promise<LoadedStream<TestClockState>> {
  return load(store, aggregates.testClock, tenantId, tenantId, commandId, prefix);
}

export interface TestClockOutcome {
  readonly state: TestClockState;
  /** The position of the command's events, of where a retried command was first applied, or of the stream's last event. */
  readonly position: Position | undefined;
}

/** A test-clock command on the tenant's clock, through the one executor (a retry with the same command id answers with its first outcome). */
export function executeTestClockCommand(store: EventStore, context: CommandContext, command: CommandWithoutMetadata<TestClockCommand>): Promise<TestClockOutcome> {
  return executeCommand(store, context, aggregates.testClock.on(context.tenantId, { command: () => command }));
}
