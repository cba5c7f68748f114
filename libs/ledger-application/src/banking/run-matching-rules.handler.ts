import { aggregates, executeWithRetry, load, storedAppend, type CommandContext } from '../../../application/src/index.js';
import type { Position } from '../../../event-store/src/index.js';
import type { ApplicationServices } from '../common/application-services.js';
import { automaticMatches, loadMatchingContext } from './automatic-matching.js';
import { requireBankAccount } from './bank-accounts.handlers.js';

export interface RunMatchingRulesCommandInput {
  readonly bankAccountId: string;
}

/** What a run of the rules did: the lines and matches it added (0 and 0 when nothing new matched), and where. */
export interface RunMatchingRulesOutcome {
  readonly matchedLineCount: number;
  readonly matchCount: number;
  readonly position: Position | undefined;
}

/**
 * Runs the tenant's active matching rules over the account's free lines and payments now, exactly as an import does
 * after it adds lines (automaticMatches): for payments recorded after the statement came in, or rules defined after
 * it. Each match names its rule and version; nothing to match appends nothing. A conflict re-reads and re-decides.
 */
export async function runMatchingRules(services: ApplicationServices, context: CommandContext, input: RunMatchingRulesCommandInput): Promise<RunMatchingRulesOutcome> {
  const { tenantId } = context;
  const account = await requireBankAccount(services, tenantId, input.bankAccountId);
  const bankAccountId = account.bankAccountId as string;
  const currency = account.account?.currency as string;
  const streamId = aggregates.bankReconciliation.stream(tenantId, bankAccountId);
  return executeWithRetry(services.store, async (_attempt, reads) => {
    const loaded = reads.track(streamId, await load(services.store, aggregates.bankReconciliation, tenantId, bankAccountId, context.commandId));
    if (loaded.alreadyAppliedAt) return { appends: [], result: () => ({ matchedLineCount: 0, matchCount: 0, position: loaded.alreadyAppliedAt }) };
    const matching = await loadMatchingContext(services, tenantId, bankAccountId, currency, reads);
    const matched = automaticMatches(loaded.state, matching, context, { now: context.now });
    const matches = matched.flatMap((event) => (event.type === 'StatementLinesMatched' ? [event] : []));
    const outcome = { matchedLineCount: matches.reduce((count, event) => count + event.data.lineIds.length, 0), matchCount: matches.length };
    if (matched.length === 0) return { appends: [], result: () => ({ ...outcome, position: loaded.lastPosition }) };
    return { appends: [storedAppend(context, streamId, loaded.expectedRevision, matched)], result: (position) => ({ ...outcome, position }) };
  });
}
