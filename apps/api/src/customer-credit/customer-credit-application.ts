import { customerAccountEventSchemas, type CustomerAccountEvent } from '../../../../libs/billing/src/index.js';
import { toEventData, type CommandContext } from '../../../../libs/application/src/index.js';
import type { EventData } from '../../../../libs/event-store/src/index.js';

/** Customer account events as stored, each with the schema version of its type. */
export function customerAccountEventData(events: readonly CustomerAccountEvent[], context: CommandContext, streamId: string, firstIndex = 0): EventData[] {
  return events.map((event, index) => toEventData(event, context, streamId, firstIndex + index, customerAccountEventSchemas[event.type].schemaVersion));
}
