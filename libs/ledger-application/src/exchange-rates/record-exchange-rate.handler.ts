import { decideExchangeRate, evolveExchangeRate, initialExchangeRateState, type ExchangeRateState, type RecordExchangeRate } from '../../../billing/src/index.js';
import { load, aggregates, storedEvents, executeWithRetry, streams, type CommandContext } from '../../../application/src/index.js';
import type { Position } from '../../../event-store/src/index.js';
import { parseDecimal } from '../../../money/src/index.js';
import type { ApplicationServices } from '../common/application-services.js';

/** What recordExchangeRate takes (structurally the GraphQL input). */
export interface RecordExchangeRateCommandInput {
  readonly base: string;
  readonly quote: string;
  readonly rate: string;
  readonly effectiveAt: string;
  readonly source: string;
}

/** The rate the command stands for, in its canonical form, and the position of its event (or of the one found). */
export interface ExchangeRateOutcome {
  readonly rate: ExchangeRateState['rates'][number];
  readonly position: Position | undefined;
}

/**
 * Records a rate on its pair's stream. The input is checked first, on an empty pair, so that only valid currency
 * codes ever name a stream. Recording the same rate for the same instant again appends nothing; another rate for
 * that instant is a correction, recorded after it.
 */
export function recordExchangeRate(services: ApplicationServices, context: CommandContext, input: RecordExchangeRateCommandInput): Promise<ExchangeRateOutcome> {
  const command: RecordExchangeRate = {
    type: 'RecordExchangeRate',
    data: { base: input.base, quote: input.quote, rate: input.rate, effectiveAt: input.effectiveAt, source: input.source },
    metadata: { now: context.now },
  };
  decideExchangeRate(command, initialExchangeRateState);
  const streamId = streams.exchangeRate(context.tenantId, input.base, input.quote);
  return executeWithRetry(services.store, async () => {
    const loaded = await load(services.store, aggregates.exchangeRate, context.tenantId, `${input.base}-${input.quote}`, context.commandId);
    const events = loaded.alreadyAppliedAt ? [] : decideExchangeRate(command, loaded.state);
    const rates = events.reduce(evolveExchangeRate, loaded.state).rates;
    // The rate this command stands for: the one it appended, or the latest recorded for its instant.
    const effectiveTime = Date.parse(input.effectiveAt);
    const recorded = [...rates].reverse().find((rate) => Date.parse(rate.effectiveAt) === effectiveTime);
    if (recorded === undefined) throw new Error(`exchange rate ${input.base}/${input.quote} at ${input.effectiveAt} is missing after its command`);
    return {
      appends: [{ streamId, expectedRevision: loaded.expectedRevision, events: storedEvents(events, context, streamId) }],
      // One canonical form of the rate in every response ("1.0850" -> "1.085"), as the read model gives it.
      result: (position) => ({ rate: { ...recorded, rate: parseDecimal(recorded.rate, 'rate').toFixed() }, position: position ?? loaded.alreadyAppliedAt ?? loaded.lastPosition }),
    };
  });
}
