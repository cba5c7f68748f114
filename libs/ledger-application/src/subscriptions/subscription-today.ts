import { calendarDateInZone } from '../../../billing/src/index.js';
import type { CommandContext } from '../../../application/src/index.js';
import type { SubscriptionHistory } from './subscription-stream.js';

/**
 * The subscription's today for a command sent now: the command's instant (the tenant's clock) in the subscription's
 * own zone, the zone it was created in, so that its days never move back when the tenant changes its zone.
 */
export function todayOf(context: Pick<CommandContext, 'now'>, history: SubscriptionHistory): string {
  return calendarDateInZone(context.now, history.state.timeZone);
}
