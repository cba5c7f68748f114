import {
  executeWithRetry,
  loadStream,
  recordedEventParser,
  streamName,
  toEventData,
  type CommandContext,
  type CommandWithoutMetadata,
  type FoldedPrefix,
  type LoadedStream,
} from '../../application/src/index.js';
import { testClockDecider, testClockEventSchemas, type TestClockCommand, type TestClockEvent, type TestClockState } from '../../billing/src/test-clock/index.js';
import type { EventStore, Position, RecordedEvent } from '../../event-store/src/index.js';

/**
 * Where a tenant's test clock lives, in ONE place until the aggregate is registered in libs/application (stream-names.ts:
 * `testClock: (tenantId) => streamName(tenantId, 'test_clock', tenantId)`; aggregates.ts: `testClock: aggregate(
 * 'test clock', (tenantId) => streams.testClock(tenantId), testClockDecider, testClockEventSchemas)`). Then
 * executeTestClockCommand becomes `executeCommand(store, context, aggregates.testClock.on(tenantId, { command }))` and
 * the helpers below point at the registry. One clock per tenant: the stream's id is the tenant (test-clock.decider.ts).
 */
export function testClockStream(tenantId: string): string {
  return streamName(tenantId, 'test_clock', tenantId);
}

/** The test clock's stored events through their zod contracts (the registry's parser, once registered). */
export const parseTestClockEvent: (recorded: RecordedEvent) => TestClockEvent = recordedEventParser<TestClockEvent>(testClockEventSchemas, 'test clock');

/** A tenant's test-clock stream, folded (from `prefix` when given: a cache), with `commandId` looked for in it. */
export function loadTestClock(store: EventStore, tenantId: string, commandId?: string, prefix?: FoldedPrefix<TestClockState>): Promise<LoadedStream<TestClockState>> {
  return loadStream(store, testClockStream(tenantId), testClockDecider, parseTestClockEvent, commandId, prefix);
}

export interface TestClockOutcome {
  readonly state: TestClockState;
  /** The position of the command's events, of where a retried command was first applied, or of the stream's last event. */
  readonly position: Position | undefined;
}

/**
 * Load, decide, append for a test-clock command, with the engine's own pieces (executeWithRetry, loadStream and the
 * event envelope): what executeCommand does, except that each event's contract and version come from the test clock's
 * schemas rather than the registry, which does not list them yet. A retry with the same command id finds its events and
 * answers with them; a refusal appends nothing.
 */
export function executeTestClockCommand(store: EventStore, context: CommandContext, command: CommandWithoutMetadata<TestClockCommand>): Promise<TestClockOutcome> {
  const streamId = testClockStream(context.tenantId);
  return executeWithRetry(store, async () => {
    const loaded = await loadTestClock(store, context.tenantId, context.commandId);
    const { alreadyAppliedAt } = loaded;
    if (alreadyAppliedAt) return { appends: [], result: () => ({ state: loaded.state, position: alreadyAppliedAt }) };
    const events = testClockDecider.decide({ ...command, metadata: { now: context.now } } as TestClockCommand, loaded.state);
    const next = events.reduce((state, event) => testClockDecider.evolve(state, event), loaded.state);
    // Like the registry's writer: each event checked against its contract as it is written, and stored as the schema reads it.
    const stored = events.map((event, index) => {
      const schema = testClockEventSchemas[event.type];
      return toEventData({ type: event.type, data: schema.data.parse(event.data) as object }, context, streamId, index, schema.schemaVersion);
    });
    return {
      appends: [{ streamId, expectedRevision: loaded.expectedRevision, events: stored }],
      result: (position) => ({ state: next, position: position ?? loaded.lastPosition }),
    };
  });
}
